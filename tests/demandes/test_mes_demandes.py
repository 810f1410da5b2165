"""Mes demandes, the partner's list: the working order, the "Nouvelle réponse" badge on open
demandes only, status badges in words, the filters (with French errors) that never widen what
a person sees, and a query count that does not grow with the rows."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from demandes import selectors, services
from demandes.models import Demande, Message
from tests.conftest import connecter_verifie, rattacher, texte
from tests.demandes.conftest import creer_demande

pytestmark = pytest.mark.django_db
Statut = Demande.Statut


def demander_information(demande, titulaire):
    services.message_cpam_envoyer(
        demande=demande,
        auteur=titulaire.utilisateur,
        corps="Merci de joindre l'avis d'imposition.",
        type=Message.Type.INFORMATION,
    )


def repondre(demande, titulaire):
    services.message_cpam_envoyer(
        demande=demande, auteur=titulaire.utilisateur, corps="Nous regardons le dossier."
    )


def resoudre(demande, titulaire):
    services.demande_resoudre(
        demande=demande,
        auteur=titulaire.utilisateur,
        issue=Demande.Issue.DROITS_OUVERTS,
        corps="Les droits sont rouverts.",
    )


def references(page: str) -> list[str]:
    """The references in the order the list shows them."""
    return re.findall(r'class="reference" href="/demandes/(D-[0-9-]+)/"', page)


def lignes(page: str) -> dict[str, str]:
    """Each row's HTML by reference."""
    return {
        m.group(1): m.group(0)
        for m in re.finditer(
            r'<tr[^>]*>\s*<th scope="row"><a class="reference" href="/demandes/'
            r'(D-[0-9-]+)/".*?</tr>',
            page,
            re.S,
        )
    }


@pytest.fixture
def client_a(client, agent_a):
    return connecter_verifie(client, agent_a)


@pytest.fixture
def cinq_demandes(agent_a, structure_a, regle_generale, titulaire):
    """Sent one hour apart; then, in this order: one resolved (its unread resolution is no
    news), one answered (a new reply), one awaiting the agent, and a fresh one."""
    debut = timezone.now() - timedelta(days=2)
    demandes = {}
    for heure, nom in enumerate(("ancienne", "resolue", "repondue", "attente")):
        with time_machine.travel(debut + timedelta(hours=heure), tick=False):
            demandes[nom] = creer_demande(agent_a, structure_a, objet=f"Demande {nom}")
    with time_machine.travel(debut + timedelta(hours=10), tick=False):
        demander_information(demandes["attente"], titulaire)
    with time_machine.travel(debut + timedelta(hours=11), tick=False):
        repondre(demandes["repondue"], titulaire)
    with time_machine.travel(debut + timedelta(hours=12), tick=False):
        resoudre(demandes["resolue"], titulaire)
    with time_machine.travel(debut + timedelta(hours=13), tick=False):
        demandes["recente"] = creer_demande(agent_a, structure_a, objet="La toute dernière")
    return {nom: Demande.objects.get(pk=d.pk) for nom, d in demandes.items()}


# Order and badges ------------------------------------------------------------------------------


def test_ordre_attente_puis_nouvelle_reponse_puis_activite(client_a, cinq_demandes):
    d = cinq_demandes
    assert d["resolue"].nouveau_pour_partenaire  # unread, but resolved: not news
    attendu = [d[n].reference for n in ("attente", "repondue", "recente", "resolue", "ancienne")]
    assert references(client_a.get("/demandes/").content.decode()) == attendu


def test_le_selecteur_donne_le_meme_ordre(agent_a, cinq_demandes):
    d = cinq_demandes
    ordre = [demande.reference for demande in selectors.mes_demandes(agent_a)]
    assert ordre == [
        d[n].reference for n in ("attente", "repondue", "recente", "resolue", "ancienne")
    ]


def test_nouvelle_reponse_seulement_sur_les_demandes_ouvertes(client_a, cinq_demandes):
    d = cinq_demandes
    page = client_a.get("/demandes/").content.decode()
    rangs = lignes(page)
    assert "Nouvelle réponse" in rangs[d["repondue"].reference]
    assert "Nouvelle réponse" in rangs[d["attente"].reference]
    for nom in ("resolue", "ancienne", "recente"):
        assert "Nouvelle réponse" not in rangs[d[nom].reference]
    # The old badge word is gone; the fresh demande's status reads in words, not "Nouvelle".
    assert ">Nouveau<" not in page
    assert page.count("Nouvelle réponse") == 2
    assert "2 demandes en cours ont une nouvelle réponse de la CPAM" in texte(
        client_a.get("/demandes/")
    )


def test_statuts_en_badges_avec_texte(client_a, cinq_demandes):
    d = cinq_demandes
    rangs = lignes(texte(client_a.get("/demandes/")))
    assert (
        'class="statut statut--en_attente">En attente de votre réponse<'
        in rangs[d["attente"].reference]
    )
    assert 'class="statut statut--resolue">Résolue<' in rangs[d["resolue"].reference]
    assert (
        'class="statut statut--nouvelle">Envoyée, pas encore ouverte par la CPAM<'
        in rangs[d["recente"].reference]
    )


def test_la_lecture_retire_le_badge(client_a, cinq_demandes):
    d = cinq_demandes
    client_a.get(f"/demandes/{d['repondue'].reference}/")
    rangs = lignes(client_a.get("/demandes/").content.decode())
    assert "Nouvelle réponse" not in rangs[d["repondue"].reference]


# Filters ---------------------------------------------------------------------------------------


def test_filtre_categorie(client_a, agent_a, structure_a, regle_generale):
    css = creer_demande(agent_a, structure_a, slug="css")
    carte = creer_demande(agent_a, structure_a, slug="carte_vitale")
    page = client_a.get("/demandes/?categorie=carte_vitale").content.decode()
    assert references(page) == [carte.reference]
    assert css.reference not in page
    assert '<option value="carte_vitale" selected>' in page


def test_filtre_periode(client_a, agent_a, structure_a, regle_generale):
    with time_machine.travel(timezone.now() - timedelta(days=45), tick=False):
        ancienne = creer_demande(agent_a, structure_a)
    recente = creer_demande(agent_a, structure_a)
    assert references(client_a.get("/demandes/?periode=30j").content.decode()) == [
        recente.reference
    ]
    assert set(references(client_a.get("/demandes/?periode=3m").content.decode())) == {
        recente.reference,
        ancienne.reference,
    }


def test_filtre_invalide_message_en_francais_et_valeurs_gardees(
    client_a, agent_a, structure_a, regle_generale
):
    carte = creer_demande(agent_a, structure_a, slug="carte_vitale")
    creer_demande(agent_a, structure_a, slug="css")
    reponse = client_a.get("/demandes/?categorie=carte_vitale&periode=hier&statut=ouvertes")
    assert reponse.status_code == 200
    page = texte(reponse)
    assert "Cette période n'est pas proposée : choisissez-en une dans la liste." in page
    assert "Un filtre n'a pas été compris" in page
    # The valid filters still apply and stay selected.
    assert references(page) == [carte.reference]
    assert '<option value="carte_vitale" selected>' in page
    assert '<option value="ouvertes" selected>' in page


@pytest.mark.parametrize("valeur", ["<script>", "9999999", "%00", "x" * 300])
def test_filtres_mal_formes_jamais_500(client_a, demande_a, valeur):
    for champ in ("statut", "categorie", "periode", "structure", "portee", "page"):
        assert client_a.get("/demandes/", {champ: valeur}).status_code == 200


# Who sees what ---------------------------------------------------------------------------------


def test_agent_ne_voit_pas_la_demande_privee_d_un_collegue(
    client_a, agent_a, agent_a2, structure_a, regle_generale
):
    privee = creer_demande(agent_a2, structure_a, partagee=False)
    for adresse in (
        "/demandes/",
        "/demandes/?portee=toutes",
        f"/demandes/?structure={structure_a.pk}",
    ):
        assert privee.reference not in client_a.get(adresse).content.decode()


def test_referent_voit_toute_sa_structure(
    client, referent_a, agent_a2, structure_a, regle_generale
):
    privee = creer_demande(agent_a2, structure_a, partagee=False)
    connecter_verifie(client, referent_a)
    assert privee.reference in client.get("/demandes/").content.decode()


def test_filtre_structure_pour_qui_en_suit_plusieurs(
    client, referent_a, structure_a, structure_b, agent_b, regle_generale
):
    rattacher(referent_a, structure_b)
    de_a = creer_demande(referent_a, structure_a)
    de_b = creer_demande(agent_b, structure_b)
    connecter_verifie(client, referent_a)
    page = client.get(f"/demandes/?structure={structure_b.pk}").content.decode()
    assert references(page) == [de_b.reference]
    assert f'<option value="{structure_b.pk}" selected>' in page
    assert set(references(client.get("/demandes/").content.decode())) == {
        de_a.reference,
        de_b.reference,
    }


def test_filtre_structure_d_autrui_n_elargit_rien(
    client, agent_a, agent_b, structure_a, structure_b, regle_generale
):
    """A structure that is not one's own gives an error and the person's own rows only."""
    from tests.factories import ConventionFactory

    structure_c = ConventionFactory().partenaire
    rattacher(agent_a, structure_c)
    de_b = creer_demande(agent_b, structure_b)
    a_moi = creer_demande(agent_a, structure_a)
    connecter_verifie(client, agent_a)
    page = texte(client.get(f"/demandes/?structure={structure_b.pk}"))
    assert de_b.reference not in page
    assert references(page) == [a_moi.reference]
    assert "Vous ne suivez pas les demandes de cette structure" in page
    # With a single structure the field is not offered; the parameter changes nothing.
    connecter_verifie(client, agent_b)
    page = client.get(f"/demandes/?structure={structure_a.pk}").content.decode()
    assert references(page) == [de_b.reference]
    assert 'name="structure"' not in page


def test_selecteur_structure_d_autrui_aucune_ligne(agent_a, agent_b, structure_b, regle_generale):
    creer_demande(agent_b, structure_b)
    assert not selectors.mes_demandes(agent_a, structure=structure_b.pk).exists()


# Queries ---------------------------------------------------------------------------------------


def test_requetes_constantes_avec_filtres_et_plusieurs_structures(
    client, referent_a, structure_a, structure_b, agent_b, regle_generale, titulaire
):
    rattacher(referent_a, structure_b)
    connecter_verifie(client, referent_a)
    adresse = "/demandes/?statut=toutes&categorie=css&periode=12m"

    def compter():
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(adresse).status_code == 200
        return len(requetes)

    demande = creer_demande(referent_a, structure_a)
    repondre(demande, titulaire)
    client.get(adresse)
    avec_une = compter()
    for n in range(24):
        nouvelle = creer_demande(
            agent_b if n % 2 else referent_a, structure_b if n % 2 else structure_a
        )
        if n % 3 == 0:
            demander_information(nouvelle, titulaire)
    assert compter() == avec_une
