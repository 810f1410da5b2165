"""The outbox: an e-mail is recorded first, sent after commit, and caught up if the broker fails."""

import os
import smtplib
import time
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from portail import services, tasks
from portail.models import Courriel

pytestmark = pytest.mark.django_db


def _programmer():
    return services.courriel_programmer(
        destinataire="agent@exemple.fr", sujet="Sujet", corps="Corps du message"
    )


def test_envoye_apres_validation_de_la_transaction(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        courriel = _programmer()
        assert mail.outbox == []

    courriel.refresh_from_db()
    assert courriel.statut == Courriel.Statut.ENVOYE
    assert courriel.tentatives == 1
    assert [m.to for m in mail.outbox] == [["agent@exemple.fr"]]


def test_rien_n_est_envoye_si_la_transaction_echoue(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            _programmer()
            raise RuntimeError("erreur métier")
    assert mail.outbox == []
    assert not Courriel.objects.exists()


def test_broker_en_panne_le_courriel_attend_puis_part(
    django_capture_on_commit_callbacks, monkeypatch
):
    def panne(*args, **kwargs):
        raise OperationalError("broker injoignable")

    monkeypatch.setattr(tasks.courriel_envoyer, "delay", panne)
    with django_capture_on_commit_callbacks(execute=True):
        courriel = _programmer()
    courriel.refresh_from_db()
    assert courriel.statut == Courriel.Statut.EN_ATTENTE
    assert mail.outbox == []

    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        envoyes = tasks.courriels_en_attente_envoyer()

    assert envoyes == 1
    courriel.refresh_from_db()
    assert courriel.statut == Courriel.Statut.ENVOYE
    assert len(mail.outbox) == 1


def test_apres_une_panne_du_broker_les_courriels_suivants_attendent_sans_retenter(
    django_capture_on_commit_callbacks, monkeypatch, settings
):
    """A request sending several e-mails during an outage pays the broker's timeout once."""
    from portail import services

    essais = []

    def panne(*args, **kwargs):
        essais.append(args)
        raise OperationalError("broker injoignable")

    horloge = [1000.0]
    monkeypatch.setattr(services.time, "monotonic", lambda: horloge[0])
    monkeypatch.setattr(tasks.courriel_envoyer, "delay", panne)
    with django_capture_on_commit_callbacks(execute=True):
        premiers = [_programmer() for _ in range(3)]
    assert len(essais) == 1
    assert all(c.statut == Courriel.Statut.EN_ATTENTE for c in premiers)

    # Once the pause is over, the next e-mail tries the broker again; back, it is used again.
    horloge[0] += settings.BROKER_PAUSE_APRES_PANNE
    envoyes = []
    monkeypatch.setattr(tasks.courriel_envoyer, "delay", envoyes.append)
    with django_capture_on_commit_callbacks(execute=True):
        suivants = [_programmer() for _ in range(2)]
    assert envoyes == [c.pk for c in suivants]
    assert services._broker_en_panne_depuis is None
    # The three left behind are for the sweep.
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert tasks.courriels_en_attente_envoyer() == 5


def test_la_tache_est_idempotente():
    courriel = _programmer()
    tasks.courriel_envoyer(courriel.pk)
    tasks.courriel_envoyer(courriel.pk)
    assert len(mail.outbox) == 1


def test_echec_smtp_retente_puis_abandonne(monkeypatch):
    def refus(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("serveur indisponible")

    monkeypatch.setattr("django.core.mail.send_mail", refus)
    courriel = _programmer()
    for _ in range(services.MAX_TENTATIVES_COURRIEL):
        assert services.courriel_envoyer_maintenant(courriel_id=courriel.pk) is False
    courriel.refresh_from_db()
    assert courriel.statut == Courriel.Statut.ECHEC
    assert courriel.tentatives == services.MAX_TENTATIVES_COURRIEL


def test_le_balayage_laisse_une_minute_a_la_tache_normale():
    _programmer()
    assert tasks.courriels_en_attente_envoyer() == 0


def test_planification_periodique_declaree_dans_le_code():
    from portail.celery import app

    # What the worker does at start-up: load every app's tasks module (not left to the order
    # in which other test files happened to import them).
    app.loader.import_default_modules()
    taches = {entree["task"] for entree in app.conf.beat_schedule.values()}
    assert "portail.tasks.courriels_en_attente_envoyer" in taches
    assert "portail.tasks.sessions_expirees_purger" in taches
    assert taches <= set(app.tasks.keys())


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not os.environ.get("CELERY_BROKER_URL"), reason="Redis réel non configuré (CELERY_BROKER_URL)"
)
def test_un_vrai_worker_envoie_le_courriel_via_redis(settings):
    """Through the real Redis broker and a real Celery worker (in a thread)."""
    from celery.contrib.testing.worker import start_worker

    from portail.celery import app

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        with transaction.atomic():
            courriel = _programmer()
        # Waiting on another process (the worker), not simulating time: poll, bounded.
        for _ in range(100):
            courriel.refresh_from_db()
            if courriel.statut == Courriel.Statut.ENVOYE:
                break
            time.sleep(0.1)
    assert courriel.statut == Courriel.Statut.ENVOYE
    assert len(mail.outbox) == 1


def test_partie_html_aux_couleurs_du_portail(settings):
    """Each e-mail also has an HTML part: the same text, escaped, links clickable, under the
    portal's name and the caisse's; nothing fetched from elsewhere."""
    settings.CAISSE_NOM = "CPAM d'Indre-et-Loire"
    courriel = services.courriel_programmer(
        destinataire="agent@exemple.fr",
        sujet="Nouvelle réponse",
        corps="Bonjour,\n\nVoir https://portail.exemple.fr/demandes/D-1/ <script>x</script>",
    )
    assert services.courriel_envoyer_maintenant(courriel_id=courriel.pk)
    envoye = mail.outbox[-1]
    assert envoye.body == courriel.corps
    html, type_mime = envoye.alternatives[0]
    assert type_mime == "text/html"
    assert "Solidaires et partenaires" in html and "CPAM d&#x27;Indre-et-Loire" in html
    assert '<a href="https://portail.exemple.fr/demandes/D-1/"' in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "src=" not in html and "<link" not in html
