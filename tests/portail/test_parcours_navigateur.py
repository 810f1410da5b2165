"""Parcours de bout en bout dans un vrai Chromium (Playwright) contre le serveur de test.

Première connexion avec activation de la double authentification, connexion avec un code de
secours, bases du clavier et de l'accessibilité, aucune ressource tierce ni violation de CSP.
"""

import base64
import re
import time

import pytest
import time_machine
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import code_totp
from tests.factories import MOT_DE_PASSE, TOTPDeviceFactory, codes_secours

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

# The live server needs committed data (transaction=True); the role groups that a flush empties
# are ensured again by the apps' post_migrate handlers.
pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]

CAPTURE_ENROLEMENT = "/tmp/enrolement.png"  # noqa: S108 - for the reviewer, not asserted
CAPTURE_ACCUEIL = "/tmp/accueil.png"  # noqa: S108


# Helpers -----------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _orm_pendant_playwright(monkeypatch):
    """Playwright's sync API runs an event loop in the test thread, so the ORM must be allowed
    there; set before `navigateur` (autouse runs first) and removed after each test, so the
    variable does not leak into later tests' subprocesses (`check --deploy` rejects it)."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _horloge_en_debut_de_pas(settings):
    """Start each journey one second into a fresh 30 s TOTP step (the clock keeps ticking), so
    codes computed by the test never straddle a step boundary; and no throttling delay after
    the deliberate wrong code (throttling has its own tests)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    debut = (int(time.time()) // 30 + 1) * 30 + 1
    with time_machine.travel(debut, tick=True):
        yield


@pytest.fixture
def page(navigateur):
    """A fresh French browser context per test, so that no cookie leaks between journeys."""
    contexte = navigateur.new_context(locale="fr-FR")
    contexte.set_default_timeout(10_000)
    page = contexte.new_page()
    yield page
    contexte.close()


def _code_depuis_secret(secret: str, decalage: int = 0) -> str:
    cle = base64.b32decode(secret)
    return f"{totp(cle, 30, 0, 6, decalage):06d}"


def _code_faux(secret: str) -> str:
    """A well-formed code that no step within the tolerance window accepts."""
    valides = {_code_depuis_secret(secret, d) for d in (-1, 0, 1, 2)}
    return next(c for c in ("000000", "111111", "222222", "333333", "444444") if c not in valides)


def _saisir_mot_de_passe(page, base_url: str, utilisateur) -> None:
    """From the home page, reach the login form and pass step 1 (e-mail and password)."""
    page.goto(base_url + "/")
    page.get_by_role("banner").get_by_role("link", name="Se connecter").click()
    expect(page).to_have_url(base_url + "/connexion/")
    page.get_by_label("Adresse e-mail").fill(utilisateur.email)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Continuer").click()


def _parcours_premiere_connexion(page, base_url: str, utilisateur, captures: bool = False):
    """Journey 1: enrolment at first login, backup codes, logout, login again with a code."""
    _saisir_mot_de_passe(page, base_url, utilisateur)

    # Enrolment page with an inline SVG QR code (no image request, nothing third-party).
    expect(page).to_have_url(base_url + "/connexion/activation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Activer la double authentification")
    expect(page.locator("div.qr > svg")).to_have_count(1)
    expect(page.locator("div.qr > svg")).to_be_visible()
    expect(page.locator("div.qr img")).to_have_count(0)

    # The secret is hidden in a closed <details> until asked for.
    secret_affiche = page.locator("code.secret")
    expect(secret_affiche).to_be_hidden()
    page.get_by_text("Saisir la clé à la main").click()
    expect(secret_affiche).to_be_visible()
    secret = "".join(secret_affiche.inner_text().split())
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    if captures:
        page.screenshot(path=CAPTURE_ENROLEMENT, full_page=True)

    # A wrong code first: French error summary, same page, same pending device.
    champ_code = page.get_by_label("Code à 6 chiffres")
    champ_code.fill(_code_faux(secret))
    page.get_by_role("button", name="Confirmer").click()
    resume = page.get_by_role("alert")
    expect(resume).to_be_visible()
    expect(resume).to_be_focused()
    expect(resume).to_contain_text("Le formulaire contient une erreur")
    expect(resume).to_contain_text("Ce code ne correspond pas")
    expect(page).to_have_url(base_url + "/connexion/activation/")
    expect(page).to_have_title(re.compile(r"^Erreur"))
    expect(champ_code).to_have_attribute("aria-invalid", "true")
    page.get_by_text("Saisir la clé à la main").click()
    assert "".join(page.locator("code.secret").inner_text().split()) == secret

    champ_code.fill(_code_depuis_secret(secret))
    page.get_by_role("button", name="Confirmer").click()

    # The ten backup codes, shown once.
    expect(page).to_have_url(base_url + "/compte/securite/codes/")
    codes = page.get_by_role("list", name="Codes de secours").get_by_role("listitem")
    expect(codes).to_have_count(10)
    affiches = [c.strip() for c in codes.all_inner_texts()]
    assert len(set(affiches)) == 10
    assert set(affiches) == set(
        StaticToken.objects.filter(device__user=utilisateur).values_list("token", flat=True)
    )
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()

    expect(page).to_have_url(base_url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour {utilisateur.first_name}")
    if captures:
        page.screenshot(path=CAPTURE_ACCUEIL, full_page=True)

    # The codes page does not show them a second time.
    page.goto(base_url + "/compte/securite/codes/")
    expect(page).to_have_url(base_url + "/compte/securite/")
    expect(page.locator("ul.codes")).to_have_count(0)

    # Log out (from the "Mon compte" menu), then log in again: the current step was spent, the
    # next one is accepted.
    page.locator("summary", has_text="Mon compte").click()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(base_url + "/")
    expect(page.get_by_role("banner").get_by_role("link", name="Se connecter")).to_be_visible()

    _saisir_mot_de_passe(page, base_url, utilisateur)
    expect(page).to_have_url(base_url + "/connexion/code/")
    appareil = TOTPDevice.objects.get(user=utilisateur, confirmed=True)
    page.get_by_label("Code à usage unique").fill(code_totp(appareil, decalage=1))
    page.get_by_role("button", name="Valider").click()
    expect(page).to_have_url(base_url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour {utilisateur.first_name}")


# Journeys ----------------------------------------------------------------------------------------


def test_premiere_connexion_active_la_double_authentification(agent_a, page, live_server):
    """Première connexion d'un agent de structure conventionnée, sans appareil : QR code, clé
    manuelle, code faux puis juste, codes de secours affichés une fois, accueil personnalisé ;
    puis déconnexion et nouvelle connexion avec le code suivant."""
    _parcours_premiere_connexion(page, live_server.url, agent_a, captures=True)


def test_connexion_avec_un_code_de_secours(agent_a, page, live_server):
    """Sans téléphone, un code de secours ouvre la session de l'agent et prévient qu'il n'en
    reste plus que deux."""
    utilisateur = agent_a
    TOTPDeviceFactory(user=utilisateur)
    codes = codes_secours(utilisateur)

    _saisir_mot_de_passe(page, live_server.url, utilisateur)
    expect(page).to_have_url(live_server.url + "/connexion/code/")
    page.get_by_label("Code à usage unique").fill(codes[0])
    page.get_by_role("button", name="Valider").click()

    expect(page).to_have_url(live_server.url + "/")
    message = page.get_by_role("status")
    expect(message).to_contain_text("Vous vous êtes connecté avec un code de secours")
    expect(message).to_contain_text("Il vous en reste 2.")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour {utilisateur.first_name}")


def test_telephone_perdu_nouvelle_application_avec_un_code_de_secours(agent_a, page, live_server):
    """Téléphone perdu : connexion avec un code de secours, puis « Sécurité du compte » ;
    le remplacement demande le mot de passe et un code de secours (erreur en français si le
    mot de passe est faux), n'affiche une nouvelle clé qu'après « Générer une nouvelle clé »,
    et la nouvelle application confirmée donne dix nouveaux codes de secours."""
    base_url = live_server.url
    utilisateur = agent_a
    ancien = TOTPDeviceFactory(user=utilisateur)
    codes = codes_secours(utilisateur)
    _saisir_mot_de_passe(page, base_url, utilisateur)
    page.get_by_label("Code à usage unique").fill(codes[0])
    page.get_by_role("button", name="Valider").click()
    expect(page).to_have_url(base_url + "/")

    page.goto(base_url + "/compte/securite/")
    page.get_by_role("link", name="Remplacer l'application (nouveau téléphone)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmez votre identité")
    page.get_by_label("Mot de passe actuel").fill("pas le bon")
    page.get_by_label("Code à usage unique").fill(codes[1])
    page.get_by_role("button", name="Confirmer").click()
    resume = page.get_by_role("alert")
    expect(resume).to_contain_text("Mot de passe incorrect")
    expect(page.get_by_label("Mot de passe actuel")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Mot de passe actuel").fill(MOT_DE_PASSE)
    page.get_by_label("Code à usage unique").fill(codes[1])
    page.get_by_role("button", name="Confirmer").click()

    expect(page).to_have_url(base_url + "/compte/securite/appareil/")
    expect(page.get_by_role("status")).to_contain_text("Vous avez utilisé un code de secours")
    expect(page.locator("div.qr > svg")).to_have_count(0)
    assert not TOTPDevice.objects.filter(user=utilisateur, confirmed=False).exists()
    page.get_by_role("button", name="Générer une nouvelle clé").click()
    expect(page.locator("div.qr > svg")).to_be_visible()
    page.get_by_text("Saisir la clé à la main").click()
    secret = "".join(page.locator("code.secret").inner_text().split())
    page.get_by_label("Code à 6 chiffres").fill(_code_depuis_secret(secret))
    page.get_by_role("button", name="Confirmer").click()

    expect(page).to_have_url(base_url + "/compte/securite/codes/")
    codes_affiches = page.get_by_role("list", name="Codes de secours").get_by_role("listitem")
    expect(codes_affiches).to_have_count(10)
    nouveau = TOTPDevice.objects.get(user=utilisateur)
    assert nouveau.confirmed and nouveau.pk != ancien.pk


def _attendre_rendu(page) -> None:
    """Let the browser run two rendering steps: autofocus is applied during one, as it would
    be long before a person presses a key."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def _verifier_lien_d_evitement_visible(page) -> None:
    lien = page.get_by_role("link", name="Aller au contenu")
    expect(lien).to_be_focused()
    boite = lien.bounding_box()
    vue = page.viewport_size
    assert boite is not None
    assert boite["width"] > 10 and boite["height"] > 10
    assert boite["x"] >= 0 and boite["y"] >= 0
    assert boite["x"] + boite["width"] <= vue["width"]
    assert boite["y"] + boite["height"] <= vue["height"]


def test_premiere_tabulation_sur_la_page_de_connexion_atteint_le_lien_d_evitement(
    page, live_server
):
    """Sur la page de connexion, la toute première tabulation donne le lien d'évitement."""
    page.goto(live_server.url + "/connexion/")
    _attendre_rendu(page)

    page.keyboard.press("Tab")

    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused(timeout=1_000)


def test_page_de_connexion_au_clavier_et_structure_accessible(page, live_server):
    """Lien d'évitement atteint au clavier, visible, et qui mène au contenu ; résumé d'erreurs
    avec liens vers les champs ; langue, repères et liens du pied de page."""
    page.goto(live_server.url + "/")
    _attendre_rendu(page)
    page.keyboard.press("Tab")
    _verifier_lien_d_evitement_visible(page)

    page.goto(live_server.url + "/connexion/")
    _attendre_rendu(page)
    page.keyboard.press("Tab")
    _verifier_lien_d_evitement_visible(page)

    page.keyboard.press("Enter")
    expect(page.locator("main#contenu")).to_be_focused()

    # Empty form: an error summary at the top of the form, linking to each field.
    page.get_by_role("button", name="Continuer").click()
    resume = page.get_by_role("alert")
    expect(resume).to_be_visible()
    expect(resume).to_be_focused()
    expect(resume).to_contain_text("Le formulaire contient 2 erreurs")
    resume_boite = resume.bounding_box()
    champ_boite = page.get_by_label("Adresse e-mail").bounding_box()
    assert resume_boite["y"] < champ_boite["y"]
    liens = resume.get_by_role("link")
    expect(liens).to_have_count(2)
    assert [liens.nth(i).get_attribute("href") for i in range(2)] == [
        "#id_username",
        "#id_password",
    ]
    liens.nth(1).click()
    expect(page.get_by_label("Mot de passe")).to_be_focused()

    # Language and landmarks.
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("main")).to_have_count(1)
    expect(page.locator('header[role="banner"]')).to_have_count(1)
    expect(page.locator("footer")).to_have_count(1)
    pied = page.locator("footer")
    expect(pied.get_by_role("link", name="Mentions légales", exact=True)).to_have_count(1)
    expect(pied.get_by_role("link", name="Données personnelles", exact=True)).to_have_count(1)
    expect(pied.get_by_role("link", name=re.compile(r"^Accessibilité"))).to_have_count(1)


def test_aucune_ressource_tierce_ni_violation_csp(agent_a, page, live_server):
    """Tout le parcours de première connexion ne charge que des ressources du portail et ne
    déclenche aucune violation de la politique de sécurité du contenu."""
    requetes: list[str] = []
    console: list[str] = []
    page.on("request", lambda requete: requetes.append(requete.url))
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))

    _parcours_premiere_connexion(page, live_server.url, agent_a)

    assert requetes
    assert [url for url in requetes if not url.startswith(live_server.url + "/")] == []
    assert [m for m in console if "Content Security Policy" in m] == []
