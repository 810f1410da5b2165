"""The access journal on the CPAM side: screen reads, actions, searches and refusals."""

import pytest

from portail.models import EntreeJournal
from tests.conftest import connecter_verifie
from tests.demandes.conftest import NIR

pytestmark = pytest.mark.django_db
Action = EntreeJournal.Action


def entrees(utilisateur):
    return list(
        EntreeJournal.objects.filter(utilisateur=utilisateur)
        .exclude(action=Action.CONNEXION)
        .order_by("pk")
        .values_list("action", "reference", "vue")
    )


def test_lecture_et_reponse_de_l_expert_journalisees(client, demande_a, titulaire):
    connecter_verifie(client, titulaire.utilisateur)
    ecran = f"/admin/demandes/{demande_a.reference}/"
    assert client.get(ecran).status_code == 200
    reponse = client.post(f"{ecran}repondre/", {"repondre-corps": "Dossier vérifié."})
    assert reponse.status_code == 302

    assert entrees(titulaire.utilisateur)[:2] == [
        (Action.CONSULTATION, demande_a.reference, "demandes_admin:demande"),
        (Action.ECRITURE, demande_a.reference, "demandes_admin:repondre"),
    ]
    entree = EntreeJournal.objects.filter(utilisateur=titulaire.utilisateur).first()
    assert entree.adresse_ip == "127.0.0.1"
    assert entree.horodatage.utcoffset().total_seconds() == 0


def test_refus_d_un_expert_d_une_autre_equipe_journalise(client, demande_a, expert_autre_equipe):
    connecter_verifie(client, expert_autre_equipe.utilisateur)
    assert client.get(f"/admin/demandes/{demande_a.reference}/").status_code == 404
    assert entrees(expert_autre_equipe.utilisateur) == [
        (Action.REFUS, demande_a.reference, "demandes_admin:demande")
    ]


def test_recherche_par_nir_journalisee_sans_le_nir(client, demande_a, titulaire):
    connecter_verifie(client, titulaire.utilisateur)
    client.post("/admin/demandes/?onglet=equipe", {"q": NIR})
    recherche = EntreeJournal.objects.get(
        utilisateur=titulaire.utilisateur, action=Action.RECHERCHE
    )
    assert NIR not in f"{recherche.detail} {recherche.vue} {recherche.reference}"
    assert not EntreeJournal.objects.filter(detail__contains=NIR[:7]).exists()
