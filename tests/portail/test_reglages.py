"""Production settings: refuse unsafe defaults, pass `check --deploy` without a warning."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parents[2]
CLE = "k" * 20 + "-vraie-cle-de-production-aleatoire-0123456789abcdef"


def _manage(*args, **env):
    environnement = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    environnement.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=RACINE,
        env=environnement,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuse_sans_cle_secrete():
    resultat = _manage("check", DEBUG="False")
    assert resultat.returncode != 0
    assert "SECRET_KEY doit être définie" in resultat.stderr


def test_production_refuse_la_cle_de_developpement():
    from portail.settings import DEFAULT_SECRET_KEY

    resultat = _manage("check", DEBUG="False", SECRET_KEY=DEFAULT_SECRET_KEY)
    assert resultat.returncode != 0
    assert "SECRET_KEY doit être définie" in resultat.stderr


def test_production_refuse_une_cle_trop_courte():
    resultat = _manage("check", DEBUG="False", SECRET_KEY="courte")
    assert resultat.returncode != 0


def test_check_deploy_sans_avertissement():
    resultat = _manage(
        "check", "--deploy", "--fail-level", "WARNING", DEBUG="False", SECRET_KEY=CLE
    )
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "System check identified no issues" in resultat.stdout


def test_production_cookies_host_et_https():
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)"
    )
    resultat = _manage("shell", "--no-imports", "-c", code, DEBUG="False", SECRET_KEY=CLE)
    assert resultat.returncode == 0, resultat.stderr
    assert resultat.stdout.strip().splitlines()[-1].split()[:5] == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "31536000",
        "True",
    ]
    assert "HTTP_X_FORWARDED_PROTO" in resultat.stdout


@pytest.mark.argon2
def test_reglages_francais():
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "fr-fr"
    assert settings.TIME_ZONE == "Europe/Paris"
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert settings.SESSION_COOKIE_AGE == 30 * 60
