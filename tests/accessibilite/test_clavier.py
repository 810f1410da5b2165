"""The demande form completed with the keyboard only (RGAA 7.3, 10.7, 11.10, 12.7): Tab,
Shift+Tab, arrows, Space, Enter and typed text; no click, no `fill`. What is read from the page
(focused element, checked radio) is read through `evaluate`, never acted upon."""

import pytest

from demandes.models import Demande
from tests.accessibilite.conftest import contexte_connecte
from tests.demandes.conftest import NIR

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]

TABULATIONS_MAX = 60

# The focused element, described for assertions and messages.
FOCUS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute("name") || "",
    type: el.getAttribute("type") || "", value: el.value ?? "", checked: !!el.checked,
    texte: (el.innerText || "").trim().slice(0, 80),
    contour: style.outlineStyle !== "none" && style.outlineWidth !== "0px",
  };
}"""


@pytest.fixture(autouse=True)
def _orm_pendant_playwright(monkeypatch):
    """Playwright's sync API runs an event loop in the test thread: allow the ORM there."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def page(navigateur, live_server, agent_a, regle_generale):
    contexte = contexte_connecte(navigateur, live_server, agent_a)
    page = contexte.new_page()
    yield page
    contexte.close()


def focus(page) -> dict:
    return page.evaluate(FOCUS)


def tabuler_jusqu_a(page, condition, description: str, touche: str = "Tab") -> dict:
    """Press Tab (or Shift+Tab) until the focused element meets the condition; every element
    met on the way shows a visible focus indicator (RGAA 10.7)."""
    parcours = []
    for _ in range(TABULATIONS_MAX):
        page.keyboard.press(touche)
        element = focus(page)
        parcours.append(element["id"] or element["texte"] or element["tag"])
        assert element["contour"], f"focus invisible sur {element}"
        if condition(element):
            return element
    raise AssertionError(f"{description} jamais atteint au clavier ; parcours : {parcours}")


def radio_coche(page, nom: str) -> str:
    return page.evaluate(
        "(nom) => document.querySelector(`input[name='${nom}']:checked`)?.value ?? ''", nom
    )


def test_lien_d_evitement(page):
    page.goto("/demandes/nouvelle/")
    page.keyboard.press("Tab")
    lien = focus(page)
    assert lien["texte"] == "Aller au contenu"
    assert lien["contour"]
    page.keyboard.press("Enter")
    page.wait_for_url("**/demandes/nouvelle/#contenu")
    assert focus(page)["id"] == "contenu"
    # The next Tab goes on inside the main content, not back to the header.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


def test_demande_envoyee_au_clavier(page):
    page.goto("/demandes/nouvelle/")

    # Category: the radio group is one Tab stop; the arrows move through it and check.
    categorie = tabuler_jusqu_a(page, lambda e: e["name"] == "categorie", "la catégorie")
    for _ in range(12):
        if radio_coche(page, "categorie") == "css":
            break
        page.keyboard.press("ArrowDown")
    assert radio_coche(page, "categorie") == "css", categorie
    assert focus(page)["value"] == "css"

    # Urgency: the next stop (the hidden questions of other categories are skipped).
    urgence = tabuler_jusqu_a(page, lambda e: e["type"] in ("radio", "text", "textarea"), "")
    assert urgence["name"] == "urgence", f"après la catégorie, le focus va sur {urgence}"
    for _ in range(3):
        if radio_coche(page, "urgence") == "urgente":
            break
        page.keyboard.press("ArrowDown")
    assert radio_coche(page, "urgence") == "urgente"

    # The insured person's NIR, then subject and description, typed.
    tabuler_jusqu_a(page, lambda e: e["name"] == "nir", "le NIR")
    page.keyboard.type(NIR)
    tabuler_jusqu_a(page, lambda e: e["name"] == "objet", "l'objet")
    page.keyboard.type("Renouvellement CSS bloqué")
    tabuler_jusqu_a(page, lambda e: e["name"] == "description", "la description")
    page.keyboard.type("Dossier déposé il y a deux mois, aucune nouvelle.")
    # Shift+Tab goes back to the subject, Tab returns to the description.
    assert tabuler_jusqu_a(page, lambda e: True, "", touche="Shift+Tab")["name"] == "objet"
    assert tabuler_jusqu_a(page, lambda e: True, "")["name"] == "description"

    # Consent ticked with Space, then Enter on the submit button.
    consentement = tabuler_jusqu_a(page, lambda e: e["name"] == "consentement", "l'accord")
    assert not consentement["checked"]
    page.keyboard.press("Space")
    assert focus(page)["checked"]
    bouton = tabuler_jusqu_a(page, lambda e: e["tag"] == "button", "le bouton d'envoi")
    assert bouton["texte"] == "Envoyer la demande"
    with page.expect_navigation():
        page.keyboard.press("Enter")

    demande = Demande.objects.get()
    assert demande.categorie.slug == "css"
    assert demande.urgence == "urgente"
    assert demande.nir == NIR
    assert demande.objet == "Renouvellement CSS bloqué"
    assert demande.messages.get().corps == "Dossier déposé il y a deux mois, aucune nouvelle."
    assert demande.consentement_le is not None
    page.wait_for_url(f"**/demandes/{demande.reference}/")
    assert f"Votre demande est envoyée sous la référence {demande.reference}" in (
        page.get_by_role("status").inner_text()
    )
    # A new page: focus starts at its top, the first Tab reaches the skip link.
    assert focus(page)["tag"] == "body"
    page.keyboard.press("Tab")
    assert focus(page)["texte"] == "Aller au contenu"


def test_resume_des_erreurs_recoit_le_focus(page):
    page.goto("/demandes/nouvelle/")
    tabuler_jusqu_a(page, lambda e: e["texte"] == "Envoyer la demande", "le bouton d'envoi")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'erreurs-resume'")
    assert not Demande.objects.exists()

    # The first error's link takes the focus to the field in error.
    lien = tabuler_jusqu_a(page, lambda e: e["tag"] == "a", "le lien de la première erreur")
    cible = page.evaluate("() => document.activeElement.hash.slice(1)")
    assert lien["texte"].startswith("Catégorie"), lien
    page.keyboard.press("Enter")
    page.wait_for_function("(id) => document.activeElement.id === id", arg=cible)
