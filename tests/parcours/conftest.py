"""Shared helpers of the end-to-end journeys in a real Chromium (Playwright + Debian chromium).

Each journey logs its actors in by injecting a verified session cookie (the login journey with
TOTP has its own tests in `tests/portail/test_parcours_navigateur.py`), except the invited
agent, who really enrols their second factor. Screenshots of the key pages are written to
$CAPTURES_NAVIGATEUR (default /tmp/captures-navigateur) and kept as CI artefacts.
"""

import base64
import os
import time
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django_otp.oath import totp

from tests.conftest import connecter_verifie
from tests.demandes.conftest import (  # noqa: F401 - fixtures of the messaging journeys
    equipe,
    regle_generale,
    suppleant,
    titulaire,
)

CAPTURES = Path(os.environ.get("CAPTURES_NAVIGATEUR", "/tmp/captures-navigateur"))  # noqa: S108


@pytest.fixture(autouse=True)
def _orm_pendant_playwright(monkeypatch):
    """Playwright's sync API runs an event loop in the test thread: allow the ORM there (set
    before `navigateur`, removed after each test so it does not leak into subprocesses)."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _attentes_de_dix_secondes():
    """`expect(...)` waits up to 10 s, like every other action (restored after the test)."""
    from playwright.sync_api import expect

    expect.set_options(timeout=10_000)
    yield
    expect.set_options(timeout=None)


@pytest.fixture
def horloge_en_debut_de_pas(settings):
    """Start the journey one second into a fresh 30 s TOTP step (the clock keeps ticking), so
    that a code computed by the test never straddles a step boundary; no throttling delay."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    debut = (int(time.time()) // 30 + 1) * 30 + 1
    with time_machine.travel(debut, tick=True):
        yield


#: The widths every screen is looked at (small phone, common phone, office screen).
LARGEURS = (320, 390, 1366)


def capturer(page, nom: str) -> None:
    """Screenshot of a key page, kept as a test artefact for reviewers (not asserted)."""
    CAPTURES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(CAPTURES / f"parcours-{nom}.png"), full_page=True)


def capturer_largeurs(page, nom: str) -> None:
    """The page at each of `LARGEURS`, widest first (the Wagtail admin keeps the sidebar state
    of a narrow screen: an office screen taken after a phone one shows the sidebar over the
    content), then back to 1366 px. The Wagtail admin scrolls inside its own container, so the
    window is first grown to the content's height."""
    for largeur in sorted(LARGEURS, reverse=True):
        page.set_viewport_size({"width": largeur, "height": 900})
        hauteur = page.evaluate(
            "Math.max(...[...document.querySelectorAll('*')].map((e) => e.scrollHeight))"
        )
        page.set_viewport_size({"width": largeur, "height": max(900, hauteur + 200)})
        capturer(page, f"{nom}-{largeur}")
    page.set_viewport_size({"width": 1366, "height": 900})


def nouveau_contexte(navigateur, live_server):
    """A fresh French browser context, nobody logged in, 10 s for every wait."""
    contexte = navigateur.new_context(locale="fr-FR", base_url=live_server.url)
    contexte.set_default_timeout(10_000)
    contexte.set_default_navigation_timeout(10_000)
    return contexte


def contexte_connecte(navigateur, live_server, utilisateur):
    """A browser context logged in (second factor verified) as this person."""
    client = connecter_verifie(Client(), utilisateur)
    contexte = nouveau_contexte(navigateur, live_server)
    contexte.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return contexte


def page_de(contexte):
    """A page that records script errors (console errors and uncaught exceptions)."""
    page = contexte.new_page()
    page.erreurs = []
    page.on("console", lambda m: m.type == "error" and page.erreurs.append(m.text))
    page.on("pageerror", lambda e: page.erreurs.append(str(e)))
    return page


@pytest.fixture
def connecter(navigateur, live_server):
    """`connecter(utilisateur)` gives a logged-in page in its own context; all closed after."""
    contextes = []

    def _connecter(utilisateur=None):
        if utilisateur is None:
            contexte = nouveau_contexte(navigateur, live_server)
        else:
            contexte = contexte_connecte(navigateur, live_server, utilisateur)
        contextes.append(contexte)
        return page_de(contexte)

    yield _connecter
    for contexte in contextes:
        contexte.close()


def code_depuis_secret(secret: str, decalage: int = 0) -> str:
    """The code an authenticator app shows for this base32 secret."""
    return f"{totp(base64.b32decode(secret), 30, 0, 6, decalage):06d}"
