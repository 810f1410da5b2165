"""Security headers and cookies on every kind of response, with the production settings.

The production values are not copied here: a subprocess imports `portail.settings` with
DEBUG=False (as `check --deploy` does in CI) and hands back every SECURE_*, SESSION_COOKIE_*,
CSRF_COOKIE_*, X_FRAME_OPTIONS and CSP setting, which the test applies. Requests then arrive over
HTTPS behind the TLS proxy (secure=True, X-Forwarded-Proto: https), so the HTTPS redirect stays on.
"""

import json
import os
import secrets
import subprocess
import sys
from http.cookies import Morsel
from pathlib import Path

import pytest
from django.conf import settings as reglages_django

from demandes import services
from portail import roles
from tests.conftest import connecter_verifie
from tests.demandes.conftest import (  # noqa: F401 - fixtures of the messaging tests
    creer_demande,
    creer_expert,
    equipe,
    fichier,
    regle_generale,
    suppleant,
    titulaire,
)
from tests.factories import MOT_DE_PASSE, TOTPDeviceFactory, UtilisateurFactory

RACINE = Path(__file__).resolve().parents[2]
PREFIXES = ("SECURE_", "SESSION_COOKIE_", "CSRF_COOKIE_")
AUTRES = ("X_FRAME_OPTIONS", "CONTENT_SECURITY_POLICY")


@pytest.fixture(scope="module")
def reglages_production():
    """The security settings as computed with DEBUG=False, read from a fresh interpreter."""
    script = (
        "import json, portail.settings as s\n"
        f"noms = [n for n in dir(s) if n.startswith({PREFIXES!r}) or n in {AUTRES!r}]\n"
        "print(json.dumps({n: getattr(s, n) for n in noms}))\n"
    )
    env = {
        **os.environ,
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(64),
    }
    resultat = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", script],
        env=env,
        cwd=RACINE,
        capture_output=True,
        text=True,
        check=True,
    )
    valeurs = json.loads(resultat.stdout.strip().splitlines()[-1])
    if valeurs.get("SECURE_PROXY_SSL_HEADER"):
        valeurs["SECURE_PROXY_SSL_HEADER"] = tuple(valeurs["SECURE_PROXY_SSL_HEADER"])
    return valeurs


@pytest.fixture
def production(db, settings, reglages_production):
    for nom, valeur in reglages_production.items():
        setattr(settings, nom, valeur)
    settings.DEBUG = False
    # The values this test relies on really are those of production.
    assert reglages_django.SECURE_SSL_REDIRECT is True
    assert reglages_django.SESSION_COOKIE_NAME.startswith("__Host-")
    return settings


HTTPS = {"secure": True, "HTTP_X_FORWARDED_PROTO": "https"}


def defauts_entetes(response) -> list[str]:
    problemes = []
    hsts = response.headers.get("Strict-Transport-Security", "")
    if "includeSubDomains" not in hsts or "max-age=31536000" not in hsts:
        problemes.append(f"HSTS : {hsts!r}")
    csp = response.headers.get("Content-Security-Policy", "")
    if "default-src 'self'" not in csp:
        problemes.append(f"CSP : {csp!r}")
    if "frame-ancestors 'none'" not in csp:
        problemes.append(f"CSP sans frame-ancestors 'none' : {csp!r}")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problemes.append(
            f"X-Content-Type-Options : {response.headers.get('X-Content-Type-Options')!r}"
        )
    if response.headers.get("Referrer-Policy") not in (
        "same-origin",
        "no-referrer",
        "strict-origin",
    ):
        problemes.append(f"Referrer-Policy : {response.headers.get('Referrer-Policy')!r}")
    if response.headers.get("X-Frame-Options") != "DENY":
        problemes.append(f"X-Frame-Options : {response.headers.get('X-Frame-Options')!r}")
    return problemes


def defauts_cookie(morsel: Morsel) -> list[str]:
    nom = morsel.key
    problemes = []
    if not morsel["secure"]:
        problemes.append(f"cookie {nom} sans Secure")
    if morsel["path"] != "/":
        problemes.append(f"cookie {nom} : Path={morsel['path']!r}")
    if morsel["domain"]:
        problemes.append(f"cookie {nom} : Domain={morsel['domain']!r}")
    if str(morsel["samesite"]).lower() not in ("lax", "strict"):
        problemes.append(f"cookie {nom} : SameSite={morsel['samesite']!r}")
    if nom in (reglages_django.SESSION_COOKIE_NAME, reglages_django.CSRF_COOKIE_NAME):
        if not nom.startswith("__Host-"):
            problemes.append(f"cookie {nom} sans préfixe __Host-")
    if nom == reglages_django.SESSION_COOKIE_NAME and not morsel["httponly"]:
        problemes.append(f"cookie {nom} sans HttpOnly")
    return problemes


class Releve:
    """Every response of a walk, and what is wrong with each."""

    def __init__(self, client):
        self.client = client
        self.problemes: list[str] = []
        self.cookies: set[str] = set()
        self.statuts: dict[str, int] = {}

    def get(self, chemin, **extra):
        return self._noter("GET", chemin, self.client.get(chemin, **HTTPS, **extra))

    def post(self, chemin, donnees, **extra):
        return self._noter("POST", chemin, self.client.post(chemin, donnees, **HTTPS, **extra))

    def _noter(self, methode, chemin, response):
        cle = f"{methode} {chemin}"
        self.statuts[cle] = response.status_code
        self.problemes += [
            f"{cle} ({response.status_code}) : {p}" for p in defauts_entetes(response)
        ]
        for morsel in response.cookies.values():
            self.cookies.add(morsel.key)
            self.problemes += [f"{cle} : {p}" for p in defauts_cookie(morsel)]
        return response


@pytest.fixture
def demande_avec_piece(agent_a, structure_a, regle_generale):  # noqa: F811 - the fixture
    piece = services.piece_deposer(fichier=fichier(), utilisateur=agent_a)
    demande = creer_demande(agent_a, structure_a, pieces=[piece])
    return demande, piece


def test_visiteur_pages_publiques_sante_404_et_connexion(production, client):
    releve = Releve(client)
    assert releve.get("/").status_code == 200
    assert releve.get("/connexion/").status_code == 200
    assert releve.get("/devenir-partenaire/").status_code == 200
    assert releve.get("/mot-de-passe/oublie/").status_code == 200
    assert releve.get("/page-qui-n-existe-pas/").status_code == 404
    sante = releve.get("/sante/")
    assert sante.status_code in (200, 503)
    assert sante["Content-Type"].startswith("application/json")
    # Logging in (password step) creates the session: its cookie is checked too.
    personne = UtilisateurFactory(roles=[roles.AGENT_PARTENAIRE])
    TOTPDeviceFactory(user=personne)
    connexion = releve.post("/connexion/", {"username": personne.email, "password": MOT_DE_PASSE})
    assert connexion.status_code == 302

    assert releve.problemes == [], "\n".join(releve.problemes)
    cookies = {reglages_django.CSRF_COOKIE_NAME, reglages_django.SESSION_COOKIE_NAME}
    assert cookies <= releve.cookies, releve.cookies

    # Plain HTTP (no proxy header) is sent to HTTPS before anything else.
    redirection = client.get("/connexion/")
    assert redirection.status_code == 301
    assert redirection["Location"].startswith("https://")


def test_partenaire_pages_et_telechargement(production, client, agent_a, demande_avec_piece):
    demande, piece = demande_avec_piece
    connecter_verifie(client, agent_a)
    releve = Releve(client)
    assert releve.get("/").status_code == 200
    assert releve.get("/demandes/").status_code == 200
    assert releve.get(f"/demandes/{demande.reference}/").status_code == 200
    telechargement = releve.get(f"/demandes/{demande.reference}/fichiers/{piece.uuid.hex}/")
    assert telechargement.status_code == 200
    assert releve.get("/demandes/nouvelle/").status_code == 200
    assert releve.get("/compte/securite/").status_code == 200
    assert releve.get("/demandes/D-1999-000000/").status_code == 404

    assert releve.problemes == [], "\n".join(releve.problemes)
    # The session is renewed at every request (idle expiry): its cookie came with the pages.
    assert reglages_django.SESSION_COOKIE_NAME in releve.cookies, releve.cookies


def test_cpam_administration(production, client, structure_a):
    superviseur = UtilisateurFactory(roles=[roles.SUPERVISEUR_CPAM])
    connecter_verifie(client, superviseur)
    releve = Releve(client)
    assert releve.get("/admin/").status_code == 200
    convention = structure_a.conventions.first()
    assert releve.get(f"/conventions/{convention.pk}/document/").status_code == 200
    assert releve.get("/admin/page-qui-n-existe-pas/").status_code == 404

    assert releve.problemes == [], "\n".join(releve.problemes)
    assert reglages_django.SESSION_COOKIE_NAME in releve.cookies, releve.cookies
