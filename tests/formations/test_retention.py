"""Retention of training registrations: detached from the person FORMATIONS_CONSERVATION_MOIS
after the session ended; places, attendance and structures are still counted."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from formations import selectors, tasks
from formations.models import EvenementInscription, Inscription, Session
from portail import roles
from tests.conftest import connecter_verifie, texte
from tests.factories import UtilisateurFactory
from tests.formations.factories import SessionFactory, agents_de

pytestmark = pytest.mark.django_db


def _session_terminee(il_y_a_jours: int) -> Session:
    debut = timezone.now() - timedelta(days=il_y_a_jours)
    return SessionFactory(debut=debut, statut=Session.Statut.REALISEE)


def _inscrire(session, agent, partenaire, etat) -> Inscription:
    inscription = Inscription.objects.create(
        session=session,
        agent=agent,
        partenaire=partenaire,
        campagne=session.campagne,
        programme=session.programme,
        etat=etat,
        inscrit_par=agent,
    )
    EvenementInscription.objects.create(inscription=inscription, vers=etat, auteur=agent)
    return inscription


@pytest.fixture
def jeu(structure_a, settings):
    settings.FORMATIONS_CONSERVATION_MOIS = 24
    agents = agents_de(structure_a, 3)
    vieille = _session_terminee(2 * 365 + 10)
    recente = _session_terminee(2 * 365 - 10)
    anciennes = [
        _inscrire(vieille, agents[0], structure_a, Inscription.Etat.PRESENT),
        _inscrire(vieille, agents[1], structure_a, Inscription.Etat.ABSENT),
    ]
    gardee = _inscrire(recente, agents[2], structure_a, Inscription.Etat.PRESENT)
    return vieille, anciennes, gardee, agents


def test_inscriptions_detachees_de_la_personne_apres_la_duree(jeu, structure_a):
    vieille, anciennes, gardee, agents = jeu

    assert tasks.retention_appliquer() == 2
    for inscription in anciennes:
        inscription.refresh_from_db()
        assert (inscription.agent, inscription.inscrit_par) == (None, None)
        assert inscription.evenements.get().auteur is None
    gardee.refresh_from_db()
    assert (gardee.agent, gardee.inscrit_par) == (agents[2], agents[2])
    assert gardee.evenements.get().auteur == agents[2]
    # The counts stay: places taken, attendance, structure.
    compteurs = selectors.avec_compteurs(Session.objects.filter(pk=vieille.pk)).get()
    assert compteurs.nombre_inscrits == 2
    assert sorted(
        Inscription.objects.filter(session=vieille).values_list("etat", "partenaire")
    ) == [("absent", structure_a.pk), ("present", structure_a.pk)]
    assert tasks.retention_appliquer() == 0  # done once


def test_la_duree_vient_du_reglage(jeu, settings):
    settings.FORMATIONS_CONSERVATION_MOIS = 12
    assert tasks.retention_appliquer() == 3


def test_la_page_des_inscriptions_d_une_session_anonymisee_reste_lisible(jeu, client):
    vieille, anciennes, _gardee, agents = jeu
    tasks.retention_appliquer()
    formateur = UtilisateurFactory(roles=[roles.FORMATEUR])
    connecter_verifie(client, formateur)
    for nom in ("inscriptions", "feuille"):
        response = client.get(reverse(f"formations_sessions:{nom}", args=[vieille.pk]))
        assert response.status_code == 200
        if nom == "inscriptions":
            contenu = texte(response)
            assert agents[0].last_name not in contenu and agents[1].last_name not in contenu
    attestation = reverse("formations_sessions:attestation", args=[anciennes[0].pk])
    assert client.get(attestation).status_code == 404
