"""Capacity under real parallel registrations: threads, each in its own transaction and its own
database connection, all released at once. Needs PostgreSQL (row locks); SQLite serialises
writers on the whole file and does not take part."""

import pytest
from django.db import connection

from formations import services
from formations.models import Inscription, Session
from tests.conftest import en_parallele
from tests.formations.factories import SessionFactory, agents_de

PARALLELES = 12
CAPACITE = 3


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip(
            "Inscriptions concurrentes : nécessite PostgreSQL (verrou de ligne "
            "select_for_update) ; lancer avec DATABASE_URL=postgres://…"
        )


@pytest.mark.django_db(transaction=True)
def test_inscriptions_paralleles_jamais_au_dela_de_la_capacite(postgresql, structure_a):
    session = SessionFactory(capacite=CAPACITE)
    agents = agents_de(structure_a, PARALLELES)

    erreurs = en_parallele(
        lambda agent: services.inscription_creer(session=session, agent=agent, auteur=agent),
        agents,
    )

    assert erreurs == []
    inscriptions = Inscription.objects.filter(session=session)
    assert inscriptions.filter(etat=Inscription.Etat.INSCRIT).count() == CAPACITE
    assert inscriptions.filter(etat=Inscription.Etat.LISTE_ATTENTE).count() == (
        PARALLELES - CAPACITE
    )
    session.refresh_from_db()
    assert session.statut == Session.Statut.COMPLETE


@pytest.mark.django_db(transaction=True)
def test_annulations_paralleles_promeuvent_chacun_une_fois(postgresql, structure_a):
    session = SessionFactory(capacite=CAPACITE)
    agents = agents_de(structure_a, CAPACITE + 5)
    for agent in agents:
        services.inscription_creer(session=session, agent=agent, auteur=agent)
    titulaires = list(
        Inscription.objects.filter(session=session, etat=Inscription.Etat.INSCRIT).select_related(
            "agent"
        )
    )

    erreurs = en_parallele(
        lambda inscription: services.inscription_annuler(
            inscription=inscription, auteur=inscription.agent
        ),
        titulaires,
    )

    assert erreurs == []
    inscriptions = Inscription.objects.filter(session=session)
    assert inscriptions.filter(etat=Inscription.Etat.INSCRIT).count() == CAPACITE
    assert inscriptions.filter(etat=Inscription.Etat.LISTE_ATTENTE).count() == 5 - CAPACITE
    assert inscriptions.filter(etat=Inscription.Etat.ANNULE).count() == CAPACITE


@pytest.mark.django_db(transaction=True)
def test_meme_agent_deux_sessions_du_meme_programmeen_parallele(postgresql, structure_a):
    premiere = SessionFactory()
    autres = [
        SessionFactory(campagne=premiere.campagne, programme=premiere.programme) for _ in range(5)
    ]
    (agent,) = agents_de(structure_a, 1)

    erreurs = en_parallele(
        lambda session: services.inscription_creer(session=session, agent=agent, auteur=agent),
        [premiere, *autres],
    )

    # One registration wins; every other one gets the French refusal, none a 500.
    assert Inscription.objects.filter(agent=agent).count() == 1
    assert len(erreurs) == 5
    assert all("déjà une inscription" in " ".join(e.messages) for e in erreurs)
