"""Search on the demo data, in Chromium: what a partner agent sees when looking for the CSS
form, and screenshots of the home search box, results, no-result page and demande form at
320, 390 and 1366 px (written to $CAPTURES_NAVIGATEUR)."""

import re

import pytest

from tests.parcours.conftest import capturer_largeurs

pytest.importorskip("playwright", reason="dépendance de développement absente")
pytestmark = [pytest.mark.navigateur, pytest.mark.django_db]


def test_la_version_en_vigueur_avant_la_version_remplacee(portail_demo):
    page = portail_demo.page("agent")
    try:
        page.goto("/")
        champ = page.get_by_label("Rechercher une fiche, un formulaire, une flash info ou une")
        champ.first.fill("Cerfa 12504")
        capturer_largeurs(page, "recherche-accueil")
        champ.first.press("Enter")
        page.wait_for_url("**/recherche/?q=Cerfa+12504")
        contenu = page.locator("main").inner_text()
        assert "12504*07" in contenu
        assert "12504*06" not in contenu
        assert re.search(r"version remplacée d'un formulaire correspond", contenu)
        # The whole query is visible in the box, not cut.
        largeur = page.evaluate("document.querySelector('#recherche-q').clientWidth")
        assert largeur > 250
        capturer_largeurs(page, "recherche-resultats")

        page.get_by_role("link", name="Les afficher").click()
        contenu = page.locator("main").inner_text()
        assert contenu.index("12504*07") < contenu.index("12504*06")
        assert contenu.index("Version remplacée") > contenu.index("12504*07")
        capturer_largeurs(page, "recherche-versions-remplacees")

        page.goto("/recherche/?q=complémentaire santé solidaire")
        contenu = page.locator("main").inner_text()
        groupes = [
            contenu.index(f"{groupe} (")
            for groupe in ("Fiches pratiques", "Formulaires", "Flash infos")
            if f"{groupe} (" in contenu
        ]
        assert len(groupes) >= 2 and groupes == sorted(groupes)
        assert "12504*06" not in contenu
        capturer_largeurs(page, "recherche-groupes")

        page.goto("/recherche/?q=hélicoptère")
        contenu = page.locator("main").inner_text()
        assert "Aucun résultat pour « hélicoptère »" in contenu
        assert "Parcourir les thématiques" in contenu
        page.get_by_role("link", name="Consulter la bibliothèque de formulaires").wait_for()
        capturer_largeurs(page, "recherche-aucun-resultat")

        page.goto("/demandes/nouvelle/")
        assert page.locator("main").inner_text().count("première réponse sous") == 1
        capturer_largeurs(page, "demande-nouvelle")
    finally:
        page.close()
