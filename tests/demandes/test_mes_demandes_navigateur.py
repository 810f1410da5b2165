"""Mes demandes in Chromium: no sideways scrolling at 320 and 390 px (the table becomes cards),
the reference never wraps, the filters work from the form. Screenshots at 320/390/1366 px."""

import pytest

from demandes import services
from demandes.models import Message
from tests.conftest import rattacher
from tests.demandes.conftest import creer_demande
from tests.demandes.test_partenaire_navigateur import contexte_connecte
from tests.parcours.conftest import capturer_largeurs

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _orm_pendant_playwright(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def page(
    navigateur,
    live_server,
    referent_a,
    structure_a,
    structure_b,
    agent_b,
    regle_generale,
    titulaire,
):
    """A référent who also works for structure B, with a dozen demandes in every state."""
    rattacher(referent_a, structure_b)
    structure_b.nom = "Centre communal d'action sociale de Saint-Pierre-des-Corps"
    structure_b.save()
    for n in range(12):
        demande = creer_demande(
            agent_b if n % 3 == 0 else referent_a,
            structure_b if n % 3 == 0 else structure_a,
            slug=("css", "carte_vitale", "affiliation")[n % 3],
            objet="Carte Vitale jamais reçue après le changement de situation familiale",
            urgence="urgente" if n % 4 == 0 else "normale",
        )
        if n % 4 == 1:
            services.message_cpam_envoyer(
                demande=demande,
                auteur=titulaire.utilisateur,
                corps="Merci de joindre le justificatif.",
                type=Message.Type.INFORMATION,
            )
        elif n % 4 == 2:
            services.message_cpam_envoyer(
                demande=demande, auteur=titulaire.utilisateur, corps="Dossier en cours."
            )
        elif n == 3:
            services.demande_resoudre(
                demande=demande,
                auteur=titulaire.utilisateur,
                issue="droits_ouverts",
                corps="Droits ouverts.",
            )
    contexte = contexte_connecte(navigateur, live_server, referent_a)
    page = contexte.new_page()
    yield page
    contexte.close()


def largeur_du_document(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def test_pas_de_defilement_horizontal_et_reference_sur_une_ligne(page):
    page.goto("/demandes/?statut=toutes&periode=12m")
    for largeur in (320, 390, 768, 1024, 1366):
        page.set_viewport_size({"width": largeur, "height": 900})
        defilement, fenetre = largeur_du_document(page)
        # The widest elements, to say what overflows when it does.
        trop = page.evaluate(
            "[...document.querySelectorAll('body *')]"
            ".filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)"
            ".slice(-5).map((e) => e.tagName + '.' + e.className)"
        )
        assert defilement <= fenetre, f"{largeur} px : {defilement} px de large, {trop}"
        for reference in page.locator(".liste-demandes .reference").all()[:3]:
            boite = reference.bounding_box()
            # One line: its height is that of a single line of text.
            assert boite["height"] < 2 * 16 * 1.25, f"{largeur} px : référence sur deux lignes"
    capturer_largeurs(page, "mes-demandes-filtres")


def test_filtrer_depuis_le_formulaire(page, structure_b):
    page.goto("/demandes/")
    page.get_by_label("Structure").select_option(label=structure_b.nom)
    page.get_by_label("Statut").select_option(label="En attente de ma réponse")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_label("Structure")).to_have_value(str(structure_b.pk))
    lignes = page.locator(".liste-demandes tbody tr")
    expect(lignes.first).to_be_visible()
    for ligne in lignes.all():
        expect(ligne).to_contain_text("En attente de votre réponse")
        expect(ligne).to_contain_text(structure_b.nom)
    page.goto("/demandes/?periode=hier")
    page.set_viewport_size({"width": 390, "height": 900})
    expect(page.get_by_role("alert")).to_contain_text("Un filtre n'a pas été compris")
    defilement, fenetre = largeur_du_document(page)
    assert defilement <= fenetre
    capturer_largeurs(page, "mes-demandes-filtre-erreur")
