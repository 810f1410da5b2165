"""A France Services agent's day on the demo data, in Chromium, on an office screen and on a
390 px phone: find a sheet from the menu, search a form (current version first), send a
demande, read the expert's answer, register to a rencontre, download a certificate. Each step
goes through the pages as the agent would (links and buttons, no typed address except the
first), with no horizontal scroll on the way."""

import re

import pypdf
import pytest

from tests.demandes.conftest import NIR
from tests.parcours.conftest import capturer

pytest.importorskip("playwright", reason="dépendance de développement absente")
# The live server writes in the same SQLite database from its own thread: a table this test
# reads stays locked until the test ends, so the test reads only what the server never writes
# (the demo's people and pages) and checks the rest on the pages themselves.
pytestmark = [pytest.mark.navigateur, pytest.mark.django_db]

from playwright.sync_api import expect  # noqa: E402

ATTESTATION = re.compile(r"Attestation de présence \(PDF\)")
ECRANS = {"bureau": {"width": 1366, "height": 900}, "telephone": {"width": 390, "height": 844}}


def sans_defilement_horizontal(page) -> None:
    largeurs = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert largeurs[0] <= largeurs[1], (page.url, largeurs)


def ouvrir_menu(page, telephone: bool) -> None:
    """Below 768 px the menu folds behind its « Menu » button."""
    if telephone:
        page.locator(".menu__bouton").click()


@pytest.mark.parametrize("ecran", ECRANS)
def test_la_journee_d_un_agent(portail_demo, ecran):
    from cms.models import RencontrePage
    from portail.models import Utilisateur

    telephone = ecran == "telephone"
    agent = Utilisateur.objects.get(email="agent@demo.solidaires.fr")
    webinaire = RencontrePage.objects.get(slug="webinaire-css-renouvellement")
    page = portail_demo.page("agent")
    page.set_viewport_size(ECRANS[ecran])
    try:
        # 1. A sheet from the menu: « S'informer », a thématique, then its sheet (two links).
        page.goto("/")
        ouvrir_menu(page, telephone)
        menu = page.get_by_role("navigation", name="Menu principal")
        menu.locator("summary", has_text="S'informer").click()
        menu.get_by_role("link", name="Complémentaire santé solidaire").click()
        page.get_by_role("link", name="Demander la Complémentaire santé solidaire").first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Demander la Complémentaire santé solidaire"
        )
        sans_defilement_horizontal(page)

        # 2. A form by its Cerfa number, from the header's search box: the version in force.
        champ = page.locator("#recherche-entete")
        champ.fill("Cerfa 12504")
        champ.press("Enter")
        page.wait_for_url(re.compile(r"/recherche/\?q=Cerfa\+12504"))
        resultats = page.locator("main").inner_text()
        assert "12504*07" in resultats and "12504*06" not in resultats
        sans_defilement_horizontal(page)

        # 3. A demande, from the sheet's button.
        page.go_back()
        page.get_by_role("link", name="Faire une demande").last.click()
        expect(page.get_by_role("radio", name="Complémentaire santé solidaire")).to_be_checked()
        page.get_by_role("textbox", name="Numéro de sécurité sociale de l'assuré").fill(NIR)
        page.locator("#id_objet").fill(f"Renouvellement CSS bloqué ({ecran})")
        page.get_by_label("Description de la situation").fill("Aucune nouvelle depuis deux mois.")
        page.get_by_label("L'assuré a donné son accord").check()
        sans_defilement_horizontal(page)
        page.get_by_role("button", name="Envoyer la demande").click()
        statut = page.get_by_role("status")
        expect(statut).to_contain_text("Votre demande est envoyée sous la référence")
        reference = re.search(r"D-\d{4}-\d{6}", statut.inner_text()).group(0)

        # 4. The demo expert answers from the back-office; the agent finds it under « Mes
        # demandes » and reads it.
        expert = portail_demo.page("expert")
        try:
            expert.goto(f"/admin/demandes/{reference}/")
            reponse = expert.locator("#action-repondre")
            reponse.get_by_label("Réponse au partenaire").fill(
                "Le dossier est débloqué : la CSS est renouvelée pour un an."
            )
            reponse.get_by_role("button", name="Envoyer la réponse").click()
            expect(expert.locator("main")).to_contain_text("la CSS est renouvelée pour un an")
        finally:
            expert.close()
        ouvrir_menu(page, telephone)
        page.get_by_role("navigation", name="Menu principal").get_by_role(
            "link", name="Mes demandes"
        ).click()
        premiere = page.locator("main").get_by_role("link", name=re.compile(reference))
        expect(premiere.first).to_be_visible()
        sans_defilement_horizontal(page)
        capturer(page, f"journee-agent-mes-demandes-{ecran}")
        premiere.first.click()
        expect(page.locator("main")).to_contain_text("la CSS est renouvelée pour un an")

        # 5. A rencontre, from the agenda of « S'informer ».
        ouvrir_menu(page, telephone)
        menu.locator("summary", has_text="S'informer").click()
        menu.get_by_role("link", name="Agenda des rencontres").click()
        page.get_by_role("link", name=webinaire.title).first.click()
        # The other screen's journey may have registered already: start again from nothing.
        if page.get_by_role("button", name="Annuler mon inscription").count():
            page.get_by_role("button", name="Annuler mon inscription").click()
        page.get_by_role("button", name="M'inscrire").click()
        expect(page.get_by_role("status")).to_contain_text(
            "Votre inscription à la rencontre est enregistrée."
        )
        expect(page.get_by_role("button", name="Annuler mon inscription")).to_be_visible()
        sans_defilement_horizontal(page)
        capturer(page, f"journee-agent-rencontre-{ecran}")

        # 6. The certificate of a training followed, from « Formations ».
        ouvrir_menu(page, telephone)
        menu.get_by_role("link", name="Formations").click()
        page.get_by_role("link", name=re.compile("Mes inscriptions")).first.click()
        with page.expect_download() as telechargement:
            page.get_by_role(
                "link", name=re.compile(r"Attestation de présence \(PDF\)")
            ).first.click()
        chemin = telechargement.value.path()
        texte = pypdf.PdfReader(chemin).pages[0].extract_text()
        assert "Attestation de présence" in texte
        assert f"{agent.first_name} {agent.last_name}" in texte
        sans_defilement_horizontal(page)
    finally:
        page.close()
