"""The times of a training session in its e-mails, PDF documents and calendar file are Paris
times, in summer (UTC+2) and in winter (UTC+1), whatever zone the person acting has chosen."""

import io
from datetime import datetime, timedelta

import pypdf
import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from formations import tasks
from formations.models import Inscription
from tests.conftest import connecter_verifie
from tests.factories import UtilisateurFactory
from tests.formations.factories import SessionFactory, apres_validation, inscrire
from tests.formations.test_calendrier import _evenements
from tests.saisons import ETE, HIVER, PARIS, SAISONS, fuseau_prefere

pytestmark = pytest.mark.django_db

# A morning session, 9:30 to 12:30 in Paris, two weeks after the frozen day.
CAS = {
    ETE: {
        "aujourdhui": datetime(2027, 5, 6, 9, 0, tzinfo=PARIS),
        "debut": datetime(2027, 5, 20, 9, 30, tzinfo=PARIS),
        "paris": "jeudi 20 mai 2027, de 9 h 30 à 12 h 30",
        "utc": "7 h 30",
        "dtstart": "20270520T073000Z",
        "fichier": "20270520",
    },
    HIVER: {
        "aujourdhui": datetime(2027, 1, 14, 9, 0, tzinfo=PARIS),
        "debut": datetime(2027, 1, 28, 9, 30, tzinfo=PARIS),
        "paris": "jeudi 28 janvier 2027, de 9 h 30 à 12 h 30",
        "utc": "8 h 30",
        "dtstart": "20270128T083000Z",
        "fichier": "20270128",
    },
}


@pytest.fixture
def cas(saison):
    with time_machine.travel(CAS[saison]["aujourdhui"], tick=False):
        yield CAS[saison]


@pytest.fixture
def session(cas):
    debut = cas["debut"]
    return SessionFactory(debut=debut, fin=debut + timedelta(hours=3))


@pytest.fixture
def formateur(db):
    from portail import roles

    return UtilisateurFactory(roles=[roles.FORMATEUR])


def _corps(agent) -> str:
    (courriel,) = [c for c in mail.outbox if c.to == [agent.email]]
    return courriel.body


def _a_l_heure_de_paris(texte: str, cas) -> None:
    assert cas["paris"] in texte
    assert cas["utc"] not in texte


@SAISONS
def test_confirmation_d_inscription(cas, session, agent_a):
    """Whatever zone is active when the registration is made."""
    mail.outbox.clear()
    with timezone.override("UTC"):
        inscrire(session, agent_a)
    _a_l_heure_de_paris(_corps(agent_a), cas)


@SAISONS
def test_rappel_la_veille(cas, session, agent_a):
    """The reminder task is the same e-mail whether or not a zone was activated before it."""
    inscrire(session, agent_a)
    mail.outbox.clear()
    with (
        time_machine.travel(cas["debut"] - timedelta(hours=23), tick=False),
        timezone.override("UTC"),
        apres_validation(),
    ):
        assert tasks.rappels_envoyer() == 1
    _a_l_heure_de_paris(_corps(agent_a), cas)


@SAISONS
def test_annulation_par_un_formateur_dont_le_fuseau_prefere_est_utc(
    cas, session, agent_a, client, formateur, django_capture_on_commit_callbacks
):
    inscrire(session, agent_a)
    fuseau_prefere(formateur, "UTC")
    connecter_verifie(client, formateur)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(
            reverse("formations_sessions:annuler", args=[session.pk]), {"motif": "Salle fermée"}
        )
    assert reponse.status_code == 302
    _a_l_heure_de_paris(_corps(agent_a), cas)


def _texte_pdf(contenu: bytes) -> str:
    """The text of a generated PDF, read back."""
    assert contenu.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(contenu)).pages)


@SAISONS
def test_feuille_d_emargement_et_attestation(cas, session, agent_a, structure_a, client, formateur):
    inscrire(session, agent_a)
    fuseau_prefere(formateur, "UTC")
    connecter_verifie(client, formateur)

    feuille = client.get(reverse("formations_sessions:feuille", args=[session.pk]))
    _a_l_heure_de_paris(_texte_pdf(feuille.content), cas)
    assert f"-{cas['fichier']}.pdf" in feuille["Content-Disposition"]

    Inscription.objects.filter(session=session, agent=agent_a).update(etat=Inscription.Etat.PRESENT)
    inscription = Inscription.objects.get(session=session, agent=agent_a)
    attestation = client.get(reverse("formations_sessions:attestation", args=[inscription.pk]))
    _a_l_heure_de_paris(_texte_pdf(attestation.content), cas)
    assert f"-{cas['fichier']}.pdf" in attestation["Content-Disposition"]


@SAISONS
def test_fichier_ics_heure_de_paris_dans_la_description(cas, session, agent_a, client):
    connecter_verifie(client, agent_a)
    (evenement,) = _evenements(
        client.get(f"/formations/sessions/{session.pk}/calendrier.ics").content
    )
    assert evenement["DTSTART"].to_ical().decode() == cas["dtstart"]  # the instant, in UTC
    assert f"{cas['paris']} (heure de Paris)" in evenement["DESCRIPTION"]
    assert cas["utc"] not in evenement["DESCRIPTION"]
