"""Factories of trainings (campaigns, programmes, sessions) and small helpers."""

import itertools
from datetime import timedelta

import factory
from django.test import TestCase
from django.utils import timezone

from formations import services
from formations.models import Campagne, Inscription, Programme, PublicSession, Session
from tests.conftest import rattacher
from tests.factories import UtilisateurFactory


class CampagneFactory(factory.django.DjangoModelFactory):
    """A campaign whose registration window is open today."""

    class Meta:
        model = Campagne

    annee = factory.Sequence(lambda n: 2030 + n)
    semestre = 1
    ouverture_inscriptions = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    cloture_inscriptions = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=180))


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    code = factory.Sequence(lambda n: f"programme-{n}")
    intitule = factory.Sequence(lambda n: f"Programme de formation {n}")
    objectifs = "Les droits, les pièces à réunir, les démarches en ligne."


class SessionFactory(factory.django.DjangoModelFactory):
    """An open session in ten days, in a room in Tours, for France Services."""

    class Meta:
        model = Session
        skip_postgeneration_save = True

    campagne = factory.SubFactory(CampagneFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    titre = factory.Sequence(lambda n: f"Session de formation {n}")
    debut = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    fin = factory.LazyAttribute(lambda session: session.debut + timedelta(hours=3))
    mode = Session.Mode.PRESENTIEL
    lieu = "CPAM d'Indre-et-Loire, 36 rue Édouard Vaillant, 37000 Tours"
    capacite = 10
    statut = Session.Statut.OUVERTE

    @factory.post_generation
    def publics(self, create, types, **kwargs):
        if create:
            for type_ in types if types is not None else ["france_services"]:
                PublicSession.objects.create(session=self, type=type_)


_RANGS = itertools.count(1)


def agents_de(partenaire, nombre: int) -> list:
    """Agents with distinct, unmistakable last names (a Faker first name may be someone
    else's last name, like Laurent or Martin, which would blur what an e-mail reveals)."""
    agents = [
        UtilisateurFactory(last_name=f"Nomdefamille{next(_RANGS):04d}") for _ in range(nombre)
    ]
    for agent in agents:
        rattacher(agent, partenaire)
    return agents


def apres_validation():
    """E-mails leave the outbox once the transaction commits: run those callbacks as the
    commit would (the test's own transaction never commits)."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def inscrire(session, agent, auteur=None, partenaire=None) -> Inscription:
    with apres_validation():
        return services.inscription_creer(
            session=session, agent=agent, auteur=auteur or agent, partenaire=partenaire
        )


def annuler(inscription, auteur) -> Inscription:
    with apres_validation():
        return services.inscription_annuler(inscription=inscription, auteur=auteur)


def etats(session) -> dict[str, int]:
    compte: dict[str, int] = {}
    for etat in Inscription.objects.filter(session=session).values_list("etat", flat=True):
        compte[etat] = compte.get(etat, 0) + 1
    return compte
