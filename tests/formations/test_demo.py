"""Demo data of trainings, created by `seed_demo` (idempotent: CI runs it twice)."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from formations import selectors
from formations.models import Campagne, EvenementInscription, Inscription, Session
from portail.models import Courriel, Utilisateur

pytestmark = pytest.mark.django_db


@pytest.fixture
def semer(settings):
    settings.DEBUG = True

    def semer():
        call_command("seed_demo", stdout=StringIO())

    return semer


def _comptes():
    return (
        Campagne.objects.count(),
        Session.objects.count(),
        Inscription.objects.count(),
        EvenementInscription.objects.count(),
    )


def test_deux_passages_ne_creent_rien_de_plus(semer):
    semer()
    premier = _comptes()
    courriels = Courriel.objects.filter(sujet__icontains="formation").count()
    semer()

    assert _comptes() == premier
    assert premier[:2] == (2, 6)
    # Seeding writes rows directly: no training e-mail.
    assert courriels == 0
    assert not [m for m in mail.outbox if "session" in m.subject.lower()]


def test_contenu_de_la_demo(semer):
    semer()
    aujourdhui = timezone.localdate()
    actuelle, suivante = Campagne.objects.order_by("annee", "semestre")
    assert (actuelle.annee, actuelle.semestre) == (
        aujourdhui.year,
        1 if aujourdhui.month <= 6 else 2,
    )
    assert actuelle.inscriptions_ouvertes() and suivante.inscriptions_ouvertes()

    complete = Session.objects.get(statut=Session.Statut.COMPLETE)
    assert complete.inscriptions.filter(etat="inscrit").count() == complete.capacite
    assert complete.inscriptions.filter(etat="liste_attente").count() == 2
    passee = Session.objects.get(statut=Session.Statut.REALISEE)
    assert passee.debut < timezone.now()
    assert set(passee.inscriptions.values_list("etat", flat=True)) == {"present", "absent"}
    assert Session.objects.filter(statut=Session.Statut.PLANIFIEE).count() == 1
    assert all(s.formateurs.exists() for s in Session.objects.all())
    assert all(s.publics.exists() for s in Session.objects.all())

    agent = Utilisateur.objects.get(email="agent@demo.solidaires.fr")
    prochaine = selectors.prochaine_session(agent)
    assert prochaine is not None and prochaine.session.debut > timezone.now()
    assert passee.inscriptions.get(agent=agent).etat == "present"
    # The demo respects the rules it shows.
    for session in Session.objects.all():
        places = session.inscriptions.filter(etat__in=Inscription.OCCUPE_UNE_PLACE).count()
        assert places <= session.capacite


def test_l_agent_de_demo_telecharge_son_attestation(semer, client):
    from django.urls import reverse

    from tests.conftest import connecter_verifie

    semer()
    agent = Utilisateur.objects.get(email="agent@demo.solidaires.fr")
    presente = Inscription.objects.get(agent=agent, etat="present")
    connecter_verifie(client, agent)
    adresse = reverse("formations:attestation", args=[presente.pk])

    assert adresse in client.get(reverse("formations:mes_inscriptions")).content.decode()
    assert client.get(adresse).content.startswith(b"%PDF-")
