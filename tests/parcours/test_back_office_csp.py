"""The back-office works under its strict script policy (no 'unsafe-inline'), in Chromium.

Every page these journeys open is watched for CSP violations (tests/conftest.py,
`surveiller_csp`): any refusal fails the test. Beyond the absence of violations, the journeys use
what a blocked script would break: the date picker opens and fills the field, Draftail's toolbar
formats text, StreamField adds a block, the document and snippet choosers open their modal and
choose, and a script slipped into an admin page does not run.
"""

import re

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.models import Collection

from cms.models import FlashInfoIndexPage, FlashInfoPage, Formulaire, HomePage, Theme
from portail import roles
from tests.demandes.conftest import PDF, creer_demande
from tests.factories import UtilisateurFactory
from tests.parcours.conftest import capturer

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

# The live server needs committed data (transaction=True).
pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def index_flash_infos(db):
    index = FlashInfoIndexPage(title="Actualité en continu", slug="actualites")
    HomePage.objects.get().add_child(instance=index)
    return index


@pytest.fixture
def document(db):
    """A form in the document library (the root collection, which a flush removes, first)."""
    racine = Collection.get_first_root_node() or Collection.add_root(name="Root")
    return Document.objects.create(
        title="Cerfa 12504", file=ContentFile(PDF, name="cerfa-12504.pdf"), collection=racine
    )


def _choisir_une_date(page, champ, jour: str) -> None:
    """Open Wagtail's date picker from the field and click a day of the shown month."""
    champ.click()
    calendrier = page.locator(".xdsoft_datetimepicker:visible")
    expect(calendrier).to_have_count(1)
    calendrier.locator(f"td.xdsoft_date:not(.xdsoft_other_month)[data-date='{jour}']").click()


def test_editeur_redige_une_flash_info_date_texte_riche_et_blocs(connecter, index_flash_infos):
    editeur = UtilisateurFactory(roles=[roles.EDITEUR])
    cms = connecter(editeur)
    cms.goto(f"/admin/pages/add/cms/flashinfopage/{index_flash_infos.pk}/")
    cms.locator("#id_title").fill("Fermeture de l'accueil de Blois")
    cms.locator("#id_resume").fill("L'accueil de Blois est fermé.")

    # The date picker (an inline initialiser of Wagtail's) opens and writes the chosen day.
    _choisir_une_date(cms, cms.locator("#id_date"), "15")
    expect(cms.locator("#id_date")).to_have_value(re.compile(r"^\d{4}-\d{2}-15$"))
    cms.keyboard.press("Escape")

    # StreamField adds a "Texte" block; Draftail's toolbar puts a word in bold.
    cms.get_by_role("button", name=re.compile("Insérer un bloc")).first.click()
    cms.get_by_role("option", name="Texte").click()
    texte = cms.locator(".Draftail-Editor [contenteditable=true]")
    expect(texte).to_be_focused()
    texte.press_sequentially("Urgent")
    texte.press("Control+a")
    cms.locator(".Draftail-Editor").get_by_role("button", name=re.compile("^Gras")).click()
    expect(texte.locator("[style*='font-weight: bold'], strong, b")).to_have_text("Urgent")
    expect(cms.locator("input[name=corps-0-value]")).to_have_value(re.compile('"BOLD"'))
    capturer(cms, "csp-editeur-flash-info")

    cms.locator(".w-dropdown--dropdown-button [data-w-dropdown-target=toggle]").click()
    cms.locator("button[name=action-publish]").click()
    expect(cms.get_by_text(re.compile("Fermeture de l'accueil de Blois.*publiée"))).to_be_visible()
    flash = FlashInfoPage.objects.get(title="Fermeture de l'accueil de Blois")
    assert flash.date.day == 15 and "<b>Urgent</b>" in str(flash.corps)

    # The editor of the published page: the publishing schedule, a dialog of the status panel
    # with date-time pickers.
    cms.goto(f"/admin/pages/{flash.pk}/edit/")
    cms.locator("[data-side-panel-toggle=status]").click()
    cms.locator("[data-side-panel=status]").get_by_role("button", name="Programmer").click()
    _choisir_une_date(cms, cms.locator("#id_go_live_at"), "20")
    expect(cms.locator("#id_go_live_at")).to_have_value(re.compile(r"-20 \d{2}:\d{2}$"))
    capturer(cms, "csp-editeur-parametres")
    cms.keyboard.press("Escape")

    # The preview panel frames the page (allowed from the back-office only).
    cms.locator("[data-side-panel-toggle=preview]").click()
    # Wagtail loads the preview in a second iframe, then swaps it for the first one.
    expect(cms.locator("[data-side-panel=preview] iframe")).to_have_count(1)
    apercu = cms.frame_locator("#w-preview-iframe")
    expect(apercu.get_by_role("heading", level=1)).to_have_text("Fermeture de l'accueil de Blois")
    capturer(cms, "csp-editeur-apercu")

    # Wagtail's dashboard and its search.
    cms.goto("/admin/")
    cms.goto("/admin/pages/search/?q=Blois")
    expect(
        cms.get_by_role("link", name=re.compile("Fermeture de l'accueil de Blois"))
    ).to_be_visible()


def test_superviseur_choisit_document_et_theme_dans_un_formulaire(
    connecter, document, index_flash_infos
):
    theme = Theme.objects.create(nom="Carte Vitale", slug="carte-vitale", ordre=1)
    cpam = connecter(UtilisateurFactory(is_superuser=True))
    cpam.goto("/admin/snippets/cms/formulaire/")
    cpam.goto("/admin/snippets/cms/formulaire/add/")
    cpam.locator("#id_titre").fill("Demande de carte Vitale")
    cpam.locator("#id_reference").fill("Cerfa n° 12504*05")

    # The document chooser (Wagtail's inline initialiser) opens its modal and chooses.
    cpam.locator("#id_document-chooser [data-chooser-action-choose]").click()
    modale = cpam.locator(".modal-dialog")
    modale.get_by_role("link", name="Cerfa 12504").click()
    expect(cpam.locator("#id_document")).to_have_value(str(document.pk))
    # The theme snippet chooser likewise.
    cpam.locator("#id_theme-chooser [data-chooser-action-choose]").click()
    cpam.locator(".modal-dialog").get_by_role("link", name="Carte Vitale").click()
    expect(cpam.locator("#id_theme")).to_have_value(str(theme.pk))
    _choisir_une_date(cpam, cpam.locator("#id_date_version"), "10")
    capturer(cpam, "csp-formulaire-choisisseurs")
    cpam.get_by_role("button", name="Enregistrer").click()
    expect(
        cpam.get_by_text(re.compile("Demande de carte Vitale.*création enregistrée"))
    ).to_be_visible()
    formulaire = Formulaire.objects.get(titre="Demande de carte Vitale")
    assert (formulaire.document, formulaire.theme) == (document, theme)
    assert formulaire.date_version.day == 10

    # Images, documents, dashboards, training screens: each opens without a violation.
    for adresse in (
        "/admin/images/",
        "/admin/documents/",
        "/admin/tableau-de-bord/",
        "/admin/formations/sessions/",
        "/admin/formations/sessions/new/",
        "/admin/formations/couverture/",
        "/admin/messagerie/categories/",
        "/admin/partenaires/structures/",
        "/admin/journal-des-acces/",
    ):
        reponse = cpam.goto(adresse)
        assert reponse.status == 200, adresse


def test_un_script_glisse_dans_une_page_de_l_administration_ne_s_execute_pas(
    connecter, live_server, violations_csp, agent_a, structure_a, titulaire, regle_generale
):
    """Even with the page's own nonce in the header, an inline script that is not one of
    Wagtail's initialisers is refused (and the violation is what the watch reports)."""
    demande = creer_demande(agent_a, structure_a, objet="Carte Vitale perdue")
    expert = connecter(titulaire.utilisateur)

    def injecter(route):
        reponse = route.fetch()
        corps = reponse.text().replace("</main>", "<script>window.injecte = 1;</script></main>")
        route.fulfill(response=reponse, body=corps)

    expert.route(re.compile(rf"/admin/demandes/{demande.reference}/$"), injecter)
    expert.goto(f"/admin/demandes/{demande.reference}/")
    expect(expert.locator(".demandes-fil")).to_be_visible()
    assert expert.evaluate("window.injecte") is None
    assert any("script-src" in v for v in violations_csp), violations_csp
    violations_csp.clear()


def test_le_panneau_en_ligne_garde_ses_scripts_pour_chaque_enfant_ajoute(connecter):
    """The workflow editor's inline panel copies its empty form, inline script included, for
    each task added: the copy (its own index, so its own text) runs through the nonce it keeps,
    and its task chooser opens."""
    cpam = connecter(UtilisateurFactory(is_superuser=True))
    cpam.goto("/admin/workflows/add/")
    cpam.locator("#id_workflow_tasks-ADD").click()
    cpam.locator("#id_workflow_tasks-0-task-chooser [data-chooser-action-choose]").click()
    expect(cpam.locator(".modal-dialog")).to_be_visible()
    capturer(cpam, "csp-flux-de-travail-tache")
