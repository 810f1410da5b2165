"""Reflow and touch targets (RGAA 10.11, WCAG 1.4.10 and 2.5.5) on every partner page, and the
main menu in a real Chromium, on the demo data.

At 320, 390, 768 and 1366 px, no page may scroll sideways (`scrollWidth <= innerWidth`): tables
become stacked cards on small screens, the menu folds behind its button. At 320 px, every
control (buttons, menu entries, form fields, navigation links) is at least 44 px high. Each page
is kept as a screenshot at 320, 390 and 1366 px ($CAPTURES_NAVIGATEUR, CI artefacts).
"""

from urllib.parse import urlsplit

import pytest

from tests.accessibilite.test_axe import ECRANS
from tests.parcours.conftest import capturer

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db]

LARGEURS = (320, 390, 768, 1366)
CAPTURES = (320, 390, 1366)
CIBLE_MINIMALE = 44

# The partner side and the public pages: every screen of the axe scan but the back-office, each
# once (the pages with their errors are the same layout).
PAGES = [e for e in ECRANS if not e.admin and not e.erreurs]

MESURE = """() => {
  const largeur = window.innerWidth;
  const debordants = [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > largeur + 0.5
      && ![...e.children].some((c) => c.getBoundingClientRect().right > largeur + 0.5))
    .slice(0, 5)
    .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")} `
      + `(${Math.round(e.getBoundingClientRect().right)} px) ${e.textContent.trim().slice(0, 40)}`);
  return {defilement: document.documentElement.scrollWidth, largeur, debordants};
}"""

CIBLES = """(minimum) => [...document.querySelectorAll(
    "button, summary, .bouton, nav a, .pied a, .pagination a, select, textarea,"
    + " input:not([type=hidden]):not([type=checkbox]):not([type=radio])")]
  .filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; })
  .filter((e) => e.getBoundingClientRect().height < minimum - 0.5)
  .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")} `
    + `(${Math.round(e.getBoundingClientRect().height)} px) `
    + e.textContent.trim().slice(0, 40))"""


@pytest.mark.parametrize("ecran", [pytest.param(e, id=e.nom) for e in PAGES])
def test_pas_de_defilement_horizontal_et_cibles_de_44_px(portail_demo, ecran):
    page = portail_demo.page(ecran.compte)
    debordements, petites_cibles = {}, []
    try:
        adresse = ecran.adresse.format(**portail_demo.objets)
        page.set_viewport_size({"width": LARGEURS[0], "height": 900})
        reponse = page.goto(adresse)
        assert reponse.status == 200, f"{adresse} : HTTP {reponse.status}"
        assert urlsplit(page.url).path == urlsplit(adresse).path, f"{adresse} -> {page.url}"
        for largeur in LARGEURS:
            page.set_viewport_size({"width": largeur, "height": 900})
            mesure = page.evaluate(MESURE)
            if mesure["defilement"] > mesure["largeur"]:
                debordements[largeur] = mesure
            if largeur == LARGEURS[0]:
                petites_cibles = page.evaluate(CIBLES, CIBLE_MINIMALE)
            if largeur in CAPTURES:
                capturer(page, f"reflow-{ecran.nom}-{largeur}")
    finally:
        page.close()

    assert not debordements, f"{ecran.nom} défile horizontalement :\n" + "\n".join(
        f"  {largeur} px : {m['defilement']} px de large ; {' | '.join(m['debordants'])}"
        for largeur, m in debordements.items()
    )
    assert not petites_cibles, (
        f"{ecran.nom} : cibles de moins de {CIBLE_MINIMALE} px à 320 px :\n  "
        + "\n  ".join(petites_cibles)
    )


def _menu(page):
    return page.get_by_role("navigation", name="Menu principal")


def test_menu_replie_sous_768_px_au_clavier(portail_demo):
    page = portail_demo.page("agent")
    try:
        page.set_viewport_size({"width": 390, "height": 900})
        page.goto("/")
        bouton = page.locator(".menu__bouton")
        assert bouton.is_visible()
        lien_demandes = _menu(page).get_by_role("link", name="Mes demandes")
        assert not lien_demandes.is_visible()
        # Keyboard only: skip link first, then the portal's name, then the menu button (the
        # home page holds the full search box: none in its header).
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent.trim()") == "Aller au contenu"
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.classList.contains('menu__bouton')")
        page.keyboard.press("Enter")
        assert lien_demandes.is_visible()
        assert page.locator(".menu").get_attribute("open") is not None
        informer = _menu(page).locator("summary", has_text="S'informer")
        informer.focus()
        page.keyboard.press("Enter")
        assert _menu(page).get_by_role("link", name="Formulaires").is_visible()
        capturer(page, "menu-ouvert-390")
        mesure = page.evaluate(MESURE)
        assert mesure["defilement"] <= mesure["largeur"], mesure
        # Escape closes the submenu, then the menu, the focus back on their button.
        page.keyboard.press("Escape")
        assert not _menu(page).get_by_role("link", name="Formulaires").is_visible()
        page.keyboard.press("Escape")
        assert not lien_demandes.is_visible()
        assert page.evaluate("document.activeElement.classList.contains('menu__bouton')")
    finally:
        page.close()


def test_menu_en_barre_a_1366_px(portail_demo):
    page = portail_demo.page("agent")
    try:
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto("/")
        assert not page.locator(".menu__bouton").is_visible()
        for nom in ("Mes demandes", "Formations"):
            assert _menu(page).get_by_role("link", name=nom).is_visible()
        # The bar holds on one line: every entry at the same height.
        hauts = page.evaluate(
            "[...document.querySelectorAll('.menu__entree')]"
            ".map((e) => Math.round(e.getBoundingClientRect().top))"
        )
        assert len(set(hauts)) == 1, hauts
        _menu(page).locator("summary", has_text="S'informer").click()
        assert _menu(page).get_by_role("link", name="Agenda").is_visible()
        capturer(page, "menu-informer-1366")
        # A click elsewhere closes it.
        page.mouse.click(1300, 600)
        assert not _menu(page).get_by_role("link", name="Agenda").is_visible()
    finally:
        page.close()


def test_menu_sans_script(portail_demo):
    """Without JavaScript, the menu button and the submenus still open (they are <details>)."""
    contexte = portail_demo.navigateur.new_context(
        locale="fr-FR", base_url=portail_demo.url, java_script_enabled=False
    )
    contexte.add_cookies([portail_demo.cookies["agent"]])
    page = contexte.new_page()
    try:
        page.set_viewport_size({"width": 320, "height": 900})
        page.goto("/")
        lien = _menu(page).get_by_role("link", name="Formations")
        assert not lien.is_visible()
        page.locator(".menu__bouton").click()
        assert lien.is_visible()
        _menu(page).locator("summary", has_text="Mon compte").click()
        assert _menu(page).get_by_role("button", name="Se déconnecter").is_visible()
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto("/")
        assert _menu(page).get_by_role("link", name="Formations").is_visible()
    finally:
        contexte.close()
