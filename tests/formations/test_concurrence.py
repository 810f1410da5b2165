"""Capacity under real parallel registrations: threads, each in its own transaction and its own
database connection, all released at once. Needs PostgreSQL (row locks); SQLite serialises
writers on the whole file and does not take part."""

import threading

import pytest
from django.db import connection

from formations import services
from formations.models import Inscription, Session
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


def _en_parallele(fonction, arguments):
    """Run fonction(argument) in one thread each, all starting together; return the errors."""
    depart = threading.Barrier(len(arguments))
    erreurs = []

    def executer(argument):
        try:
            depart.wait(timeout=10)
            fonction(argument)
        except Exception as erreur:  # reported by the test
            erreurs.append(erreur)
        finally:
            connection.close()

    fils = [threading.Thread(target=executer, args=(argument,)) for argument in arguments]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=60)
    assert not any(fil.is_alive() for fil in fils), "une inscription est restée bloquée"
    return erreurs


@pytest.mark.django_db(transaction=True)
def test_inscriptions_paralleles_jamais_au_dela_de_la_capacite(postgresql, structure_a):
    session = SessionFactory(capacite=CAPACITE)
    agents = agents_de(structure_a, PARALLELES)

    erreurs = _en_parallele(
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

    erreurs = _en_parallele(
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
def test_meme_agent_deux_sessions_du_meme_programme_en_parallele(postgresql, structure_a):
    premiere = SessionFactory()
    autres = [
        SessionFactory(campagne=premiere.campagne, programme=premiere.programme) for _ in range(5)
    ]
    (agent,) = agents_de(structure_a, 1)

    erreurs = _en_parallele(
        lambda session: services.inscription_creer(session=session, agent=agent, auteur=agent),
        [premiere, *autres],
    )

    # One registration wins; every other one gets the French refusal, none a 500.
    assert Inscription.objects.filter(agent=agent).count() == 1
    assert len(erreurs) == 5
    assert all("déjà une inscription" in " ".join(e.messages) for e in erreurs)
