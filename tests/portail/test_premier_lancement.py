"""The first run of a newcomer (issue 13, item 11): logging in to the demo without an
authenticator app, and no broker warning when no broker is needed."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from portail.management.commands.seed_demo import COMPTES_DEMO
from tests.factories import TOTPDeviceFactory, UtilisateurFactory

RACINE = Path(__file__).resolve().parents[2]


@pytest.fixture
def comptes_demo(db, settings):
    settings.DEBUG = True
    sortie = StringIO()
    call_command("seed_demo", stdout=sortie)
    return sortie.getvalue()


def test_seed_demo_indique_la_commande_du_code(comptes_demo):
    assert "python manage.py code_demo <adresse>" in comptes_demo


def code_demo(email):
    sortie, erreurs = StringIO(), StringIO()
    call_command("code_demo", email, stdout=sortie, stderr=erreurs)
    return sortie.getvalue().strip(), erreurs.getvalue()


def test_code_demo_donne_le_code_actuel_de_chaque_compte(comptes_demo):
    for email, *_ in COMPTES_DEMO:
        code, explication = code_demo(email.upper())

        assert len(code) == 6 and code.isdigit()
        assert f"Code de {email}, valable encore" in explication
        appareil = TOTPDevice.objects.get(user__email=email, confirmed=True)
        assert appareil.verify_token(code), email


def test_code_demo_refuse_un_compte_qui_n_est_pas_de_demonstration(comptes_demo):
    utilisateur = UtilisateurFactory(email="agent@cpam-exemple.fr")
    TOTPDeviceFactory(user=utilisateur)

    with pytest.raises(CommandError, match="n'est pas un compte de démonstration") as refus:
        code_demo("agent@cpam-exemple.fr")

    assert "agent@demo.solidaires.fr" in str(refus.value)


def test_code_demo_refuse_quand_debug_est_desactive(comptes_demo, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG est désactivé") as refus:
        code_demo("agent@demo.solidaires.fr")

    assert "code" not in str(refus.value).split(":")[0]


def test_code_demo_avant_seed_demo_dit_quoi_faire(db, settings):
    settings.DEBUG = True

    with pytest.raises(CommandError, match="lancez d'abord « python manage.py seed_demo »"):
        code_demo("agent@demo.solidaires.fr")


def test_code_demo_refuse_en_ligne_de_commande_avec_un_code_de_sortie_non_nul(tmp_path):
    environnement = {
        **os.environ,
        "DEBUG": "False",
        "SECRET_KEY": "x" * 64,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'vide.sqlite3'}",
    }
    resultat = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "manage.py", "code_demo", "agent@demo.solidaires.fr"],
        cwd=RACINE,
        env=environnement,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert resultat.returncode != 0
    assert "DEBUG est désactivé" in resultat.stderr
    assert resultat.stdout == ""


TACHE_SANS_BROKER = """
import django
django.setup()
from portail.celery import app

@app.task
def essai():
    return 42

print("resultat", essai.delay().get())
"""


def test_aucun_avertissement_du_broker_quand_aucun_n_est_configure():
    """Without a broker, tasks run eagerly: dispatching one must not warn about a broker (kombu's
    "No hostname was supplied" when it builds its connection to an empty URL)."""
    environnement = {
        k: v for k, v in os.environ.items() if k not in {"CELERY_BROKER_URL", "REDIS_URL"}
    }
    environnement["DJANGO_SETTINGS_MODULE"] = "portail.settings"
    resultat = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-W", "default", "-c", TACHE_SANS_BROKER],
        cwd=RACINE,
        env=environnement,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert resultat.returncode == 0, resultat.stderr
    assert "resultat 42" in resultat.stdout
    assert "hostname" not in resultat.stderr
    assert "WARNING" not in resultat.stderr


def test_un_broker_configure_reste_celui_des_reglages():
    environnement = {**os.environ, "CELERY_BROKER_URL": "redis://127.0.0.1:1/3"}
    environnement["DJANGO_SETTINGS_MODULE"] = "portail.settings"
    resultat = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from portail.celery import app; "
            "print(app.conf.broker_url, app.conf.task_always_eager)",
        ],
        cwd=RACINE,
        env=environnement,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert resultat.stdout.split() == ["redis://127.0.0.1:1/3", "False"], resultat.stderr
