"""The one access rule: an active membership in a structure whose convention is in force today."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from conventions import services
from conventions.models import Convention, Service
from conventions.selectors import Motif, acces_portail, acces_requete
from tests.conftest import connecter_verifie, rattacher, texte
from tests.factories import ConventionFactory, PartenaireFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db


def _convention(partenaire):
    return Convention.objects.get(partenaire=partenaire)


def test_acces_accorde_convention_en_vigueur(agent_a, structure_a):
    acces = acces_portail(agent_a)
    assert acces.autorise
    assert acces.partenaires == (structure_a,)


def test_suspension_coupe_puis_reactivation_rend_l_acces(agent_a, structure_a, superviseur):
    convention = _convention(structure_a)
    services.convention_changer_statut(
        convention=convention, vers="suspendue", auteur=superviseur, motif="Contrôle"
    )
    acces = acces_portail(agent_a)
    assert not acces.autorise
    assert acces.motif == Motif.CONVENTION_SUSPENDUE
    assert "suspendu" in str(acces.titre)

    services.convention_changer_statut(convention=convention, vers="en_vigueur", auteur=superviseur)
    assert acces_portail(agent_a).autorise


def test_acces_coupe_a_la_date_de_fin_sans_attendre_la_tache(agent_a, structure_a):
    fin = _convention(structure_a).date_fin
    with time_machine.travel(fin - timedelta(days=1)):
        assert acces_portail(agent_a).autorise
    with time_machine.travel(fin):
        acces = acces_portail(agent_a)
    assert not acces.autorise
    assert acces.motif == Motif.CONVENTION_EXPIREE
    assert _convention(structure_a).statut == "en_vigueur"  # the nightly task has not run


def test_convention_pas_encore_en_effet():
    partenaire = PartenaireFactory()
    ConventionFactory(
        partenaire=partenaire,
        date_effet=timezone.localdate() + timedelta(days=3),
        date_fin=timezone.localdate() + timedelta(days=400),
    )
    agent = UtilisateurFactory()
    rattacher(agent, partenaire)
    assert acces_portail(agent).motif == Motif.AUCUNE_CONVENTION


@pytest.mark.parametrize("statut", ["brouillon", "en_signature", "resiliee", "expiree"])
def test_convention_non_en_vigueur_refusee(statut):
    convention = ConventionFactory(statut=statut)
    agent = UtilisateurFactory()
    rattacher(agent, convention.partenaire)
    acces = acces_portail(agent)
    assert not acces.autorise
    attendu = Motif.CONVENTION_EXPIREE if statut == "expiree" else Motif.AUCUNE_CONVENTION
    assert acces.motif == attendu


def test_service_non_ouvert_par_la_convention(agent_a, structure_a):
    Convention.objects.filter(partenaire=structure_a).update(ouvre_messagerie=False)
    assert not acces_portail(agent_a, Service.MESSAGERIE).autorise
    assert acces_portail(agent_a, Service.MESSAGERIE).motif == Motif.SERVICE_NON_OUVERT
    assert acces_portail(agent_a, Service.CONTENUS).autorise
    assert acces_portail(agent_a).autorise


def test_sans_structure():
    assert acces_portail(UtilisateurFactory()).motif == Motif.AUCUNE_STRUCTURE


def test_rattachement_desactive(agent_a, referent_a):
    adhesion = agent_a.adhesions.get()
    services.adhesion_desactiver(adhesion=adhesion, auteur=referent_a)
    acces = acces_portail(agent_a)
    assert acces.motif == Motif.RATTACHEMENT_DESACTIVE
    adhesion.refresh_from_db()
    assert adhesion.desactivee_par == referent_a  # history kept


def test_structure_inactive(agent_a, structure_a):
    structure_a.actif = False
    structure_a.save()
    assert acces_portail(agent_a).motif == Motif.STRUCTURE_INACTIVE


def test_agent_itinerant_une_structure_suffit(agent_a, structure_b, superviseur):
    rattacher(agent_a, structure_b)
    services.convention_changer_statut(
        convention=_convention(structure_b), vers="suspendue", auteur=superviseur, motif="x"
    )
    acces = acces_portail(agent_a)
    assert acces.autorise
    assert [p.pk for p in acces.partenaires] == [agent_a.adhesions.first().partenaire_id]


@pytest.mark.parametrize("role", ["expert", "superviseur"])
def test_le_personnel_cpam_passe_par_son_role(request, role):
    acces = acces_portail(request.getfixturevalue(role))
    assert acces.autorise and acces.personnel_cpam


def test_nombre_de_requetes_borne(agent_a, structure_b, django_assert_max_num_queries):
    rattacher(agent_a, structure_b)
    for _ in range(5):
        ConventionFactory(partenaire=structure_b, statut="expiree")
    agent_a = type(agent_a).objects.get(pk=agent_a.pk)
    with django_assert_max_num_queries(3):
        assert acces_portail(agent_a).autorise


def test_une_requete_lit_les_rattachements_une_seule_fois(
    rf, agent_a, structure_a, django_assert_num_queries
):
    """Several services asked during one request: memberships read once, each decided apart."""
    convention = _convention(structure_a)
    setattr(convention, f"ouvre_{Service.FORMATIONS}", False)
    convention.save()
    request = rf.get("/")
    request.user = type(agent_a).objects.get(pk=agent_a.pk)
    with django_assert_num_queries(3):  # groups, memberships, conventions
        assert acces_requete(request).autorise
        assert acces_requete(request, Service.MESSAGERIE).autorise
        refus = acces_requete(request, Service.FORMATIONS)
    assert not refus.autorise and refus.motif == Motif.SERVICE_NON_OUVERT
    # Never across requests: a new request reads again.
    autre = rf.get("/")
    autre.user = request.user
    with django_assert_num_queries(2):
        acces_requete(autre)


# Through the portal ----------------------------------------------------------------------------


def test_l_accueil_explique_pourquoi_l_acces_est_coupe(client, agent_a, structure_a, superviseur):
    connecter_verifie(client, agent_a)
    response = client.get("/")
    assert response.status_code == 200
    assert structure_a.nom in texte(response)

    services.convention_changer_statut(
        convention=_convention(structure_a), vers="suspendue", auteur=superviseur, motif="x"
    )
    response = client.get("/")

    assert response.status_code == 403
    contenu = texte(response)
    assert "La convention de votre structure est suspendue" in contenu
    assert "Qui contacter" in contenu
    assert client.get("/compte/securite/").status_code == 200  # the account stays manageable


def test_accueil_du_personnel_cpam(client, expert):
    connecter_verifie(client, expert)
    response = client.get("/")
    assert response.status_code == 200
    assert "Espace CPAM" in texte(response)


def test_l_accueil_du_referent_mene_a_sa_structure(client, referent_a, agent_a):
    connecter_verifie(client, referent_a)
    assert "/structure/" in texte(client.get("/"))
    client.post("/deconnexion/")
    connecter_verifie(client, agent_a)
    assert "/structure/" not in texte(client.get("/"))
