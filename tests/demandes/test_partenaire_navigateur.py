"""The partner's form in a real Chromium: what the script shows and hides, then a demande sent
with a PDF and the expert's answer read on its page. No console error, no CSP violation."""

import pytest
from django.conf import settings
from django.test import Client

from demandes.models import Demande
from tests.conftest import connecter_verifie
from tests.demandes.conftest import NIR, PDF
from tests.parcours.conftest import capturer

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _orm_pendant_playwright(monkeypatch):
    """Playwright's sync API runs an event loop in the test thread: allow the ORM there."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def contexte_connecte(navigateur, live_server, utilisateur):
    """A browser context logged in (second factor verified) as this person; the login journey
    itself has its own browser tests."""
    client = connecter_verifie(Client(), utilisateur)
    contexte = navigateur.new_context(locale="fr-FR", base_url=live_server.url)
    contexte.set_default_timeout(10_000)
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


@pytest.fixture
def page(navigateur, live_server, agent_a):
    """A browser logged in as agent A."""
    contexte = contexte_connecte(navigateur, live_server, agent_a)
    page = contexte.new_page()
    page.erreurs = []
    page.on("console", lambda m: m.type == "error" and page.erreurs.append(m.text))
    page.on("pageerror", lambda e: page.erreurs.append(str(e)))
    yield page
    contexte.close()


def test_formulaire_puis_reponse_de_l_expert(
    page, navigateur, live_server, regle_generale, titulaire
):
    page.goto("/demandes/nouvelle/?categorie=css")
    expect(page.get_by_role("radio", name="Complémentaire santé solidaire")).to_be_checked()

    # Questions of another category stay hidden until it is chosen.
    situation = page.get_by_role("group", name="Situation de la carte Vitale")
    expect(situation).to_be_hidden()
    page.get_by_role("radio", name="Carte Vitale").check()
    expect(situation).to_be_visible()
    expect(page.get_by_label("Type de revenu")).to_be_hidden()
    page.get_by_role("radio", name="Complémentaire santé solidaire").check()
    expect(situation).to_be_hidden()

    # "Très urgente" announces the phone line.
    annonce = page.locator("[data-annonce-tres-urgente]")
    page.get_by_role("radio", name="Très urgente").check()
    expect(annonce).to_contain_text("n'envoyez pas cette demande, appelez")
    page.get_by_role("radio", name="Urgente", exact=True).check()
    expect(annonce).to_be_empty()

    # Name, first name and birth date only when the NIR is unknown.
    nom = page.get_by_label("Nom de l'assuré", exact=True)
    expect(nom).to_be_hidden()
    page.get_by_label("Je ne connais pas le numéro de sécurité sociale de l'assuré").check()
    expect(nom).to_be_visible()
    page.get_by_label("Je ne connais pas le numéro de sécurité sociale de l'assuré").uncheck()

    page.get_by_role("textbox", name="Numéro de sécurité sociale de l'assuré").fill(NIR)
    page.locator("#id_objet").fill("Renouvellement CSS bloqué")
    page.get_by_label("Description de la situation").fill("Aucune nouvelle depuis deux mois.")
    page.get_by_label("Pièces jointes").set_input_files(
        [{"name": "avis.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_label("L'assuré a donné son accord").check()
    page.get_by_role("button", name="Envoyer la demande").click()

    demande = Demande.objects.get()
    expect(page).to_have_url(f"/demandes/{demande.reference}/")
    expect(page.get_by_role("status")).to_contain_text(
        f"Votre demande est envoyée sous la référence {demande.reference}"
    )
    expect(page.get_by_role("link", name="Télécharger « avis.pdf »")).to_be_visible()
    assert demande.urgence == "urgente"

    capturer(page, "demande-envoyee")

    # The expert works it in the back-office: opens it from the inbox, downloads nothing,
    # answers; the demande goes "en cours".
    contexte_expert = contexte_connecte(navigateur, live_server, titulaire.utilisateur)
    expert = contexte_expert.new_page()
    expert.goto("/admin/demandes/")
    expert.get_by_role("link", name=demande.reference, exact=True).click()
    expect(expert).to_have_url(f"/admin/demandes/{demande.reference}/")
    expect(expert.get_by_role("link", name="avis.pdf")).to_be_visible()
    expert.locator("#action-repondre textarea").fill("Les droits sont rouverts.")
    expert.get_by_role("button", name="Envoyer la réponse").click()
    expect(expert.get_by_text("Les droits sont rouverts.").first).to_be_visible()
    capturer(expert, "ecran-expert")
    contexte_expert.close()
    demande.refresh_from_db()
    assert demande.statut == Demande.Statut.EN_COURS and demande.repondue_le is not None
    page.get_by_role("link", name="Retour à mes demandes").click()
    ligne = page.get_by_role("row", name=demande.reference)
    expect(ligne).to_contain_text("Nouvelle réponse")
    ligne.get_by_role("link", name=demande.reference).click()
    expect(page.get_by_role("article").last).to_contain_text("Les droits sont rouverts.")
    expect(page.get_by_role("article").last).to_contain_text("CPAM — Claire Titulaire")
    capturer(page, "reponse-lue")
    assert page.erreurs == []


def test_erreurs_annoncees_et_champs_relies(page, regle_generale):
    page.goto("/demandes/nouvelle/")
    page.get_by_role("button", name="Envoyer la demande").click()
    resume = page.locator("#erreurs-resume")
    expect(resume).to_be_focused()
    resume.get_by_role("link", name="Catégorie de la demande").click()
    expect(page.locator("#id_categorie")).to_be_focused()
    expect(page.get_by_label("Description de la situation")).to_have_attribute(
        "aria-invalid", "true"
    )
    assert page.erreurs == []
