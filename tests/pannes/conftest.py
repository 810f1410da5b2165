"""The test bench of the fault tests: private Redis, PostgreSQL and SMTP (aiosmtpd over
STARTTLS), the portal on top.

Built once per module (migrate + seed take ~15 s); each test then starts from a healthy bench
(Redis up, PostgreSQL up, worker answering, SMTP capture emptied).
"""

import json
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from celery import Celery
from kombu import Connection, pidbox

from bench import charge, comptes
from portail.pdf import pdf_simple
from tests.pannes import prives

PDF = pdf_simple(["Justificatif de domicile"] * 300)  # a real PDF of 8 kB: uploads are parsed
NIR = "185073726104224"  # valid key (1 85 07 37 261 042, key 24)
LIEU_DEMANDE = re.compile(r"^/demandes/([A-Z0-9-]+)/$")


@dataclass
class Banc:
    redis: prives.RedisPrive
    postgres: prives.PostgresPrive
    smtp: prives.SmtpCapture
    portail: prives.Portail
    navigateurs: dict[str, charge.Navigateur]
    categorie: str

    @property
    def capture(self) -> prives.Capture:
        return self.smtp.capture

    # Celery clients of the private broker, with no Django. Celery's own client prefers
    # CELERY_BROKER_URL from the environment (the shared Redis in CI) to any configuration, for
    # its producer pool too: every message here goes through a producer of our connection.

    def envoyer_tache(self, nom: str) -> None:
        with Connection(self.redis.url, connect_timeout=2) as connexion:
            Celery("pannes", set_as_current=False).send_task(nom, producer=connexion.Producer())

    def worker_repond(self) -> bool:
        boite = pidbox.Mailbox("celery", type="fanout", accept=["json"])
        try:
            with Connection(self.redis.url, connect_timeout=1) as connexion:
                return bool(boite(connexion)._broadcast("ping", {}, reply=True, timeout=1))
        except Exception:  # broker down or restarting: not answering
            return False

    def soumettre(self, nav: charge.Navigateur, objet: str) -> tuple[int, str]:
        """A partner sends a demande with a PDF; (status, Location)."""
        statut, lieu, _ = nav.post_multipart(
            "/demandes/nouvelle/",
            {
                "categorie": self.categorie,
                "urgence": "normale",
                "nir": NIR,
                "objet": objet,
                "description": "Dossier complet déposé, aucune réponse depuis trois semaines.",
                "partagee": "on",
                "consentement": "on",
            },
            {"pieces": ("justificatif.pdf", PDF, "application/pdf")},
        )
        return statut, lieu

    def dernier_courriel(self) -> int:
        return self.postgres.lignes("SELECT coalesce(max(id), 0) FROM portail_courriel")[0][0]

    def courriels_depuis(self, dernier: int) -> list[tuple]:
        """(id, destinataire, sujet, statut, tentatives) of the outbox rows after `dernier`."""
        return self.postgres.lignes(
            "SELECT id, destinataire, sujet, statut, tentatives FROM portail_courriel "
            "WHERE id > %s ORDER BY id",
            dernier,
        )

    def sante(self) -> tuple[int, dict]:
        """/sante/ as an anonymous client: (status, JSON); (0, {}) when nothing answers."""
        try:
            statut, _, corps = charge.Navigateur("127.0.0.1", self.portail.port).requete(
                "GET", "/sante/"
            )
            return statut, json.loads(corps)
        except (OSError, ValueError):
            return 0, {}

    def sain(self) -> bool:
        """Database and broker both reachable from the web processes."""
        return self.sante() == (200, {"statut": "ok", "base_de_donnees": "ok", "broker": "ok"})


@pytest.fixture(scope="module")
def banc_module():
    raison = prives.manquants()
    if raison:
        pytest.skip(f"Pannes réelles non testées : {raison}.")
    dossier = Path(tempfile.mkdtemp(prefix="pannes-"))
    redis = prives.RedisPrive(dossier)
    postgres = prives.PostgresPrive(dossier)
    smtp = prives.SmtpCapture(dossier)
    portail = prives.Portail(dossier, postgres.url, redis.url, smtp)
    try:
        redis.demarrer()
        postgres.initialiser()
        postgres.demarrer()
        postgres.creer_base()
        smtp.demarrer()
        # Seeding sends demo e-mails: eagerly into memory, not into the capture nor the queue.
        preparation = dict(portail.env, CELERY_BROKER_URL="", EMAIL_URL="memorymail://")
        for commande in (
            ["manage.py", "migrate", "--no-input", "-v", "0"],
            ["-m", "bench.seed", "--scale", "quick"],
            ["manage.py", "collectstatic", "--no-input", "-v", "0"],
        ):
            portail.manage(*commande, env=preparation)
        categorie = postgres.lignes(
            "SELECT slug FROM demandes_categorie WHERE active AND champs = '' "
            "ORDER BY ordre LIMIT 1"
        )[0][0]
        portail.demarrer()
        banc = Banc(redis, postgres, smtp, portail, {}, categorie)
        prives.attendre(banc.sain, 60, "gunicorn ne répond pas")
        prives.attendre(banc.worker_repond, 60, "le worker Celery ne répond pas")
        # One login per account and module: a TOTP step is accepted once per device.
        for role, adresse in comptes.tous():
            if role in ("agent", "referent"):
                nav = charge.Navigateur("127.0.0.1", portail.port)
                nav.connecter(adresse)
                banc.navigateurs[adresse] = nav
        yield banc
    finally:
        portail.arreter()
        smtp.arreter()
        redis.arreter()
        postgres.arreter()
        shutil.rmtree(dossier, ignore_errors=True)


@pytest.fixture
def banc(banc_module: Banc):
    """The bench, healthy: every service up, the worker answering, the capture emptied."""
    b = banc_module
    if not b.redis.repond():
        b.redis.demarrer()
    prives.attendre(b.sain, 30, lambda: f"le portail n'est pas sain : {b.sante()}")
    prives.attendre(b.worker_repond, 60, "le worker Celery ne répond pas")
    b.capture.vider()
    yield b
    b.capture.liberer.set()


def en_parallele(fonctions) -> list[threading.Thread]:
    fils = [threading.Thread(target=f, daemon=True) for f in fonctions]
    for f in fils:
        f.start()
    return fils
