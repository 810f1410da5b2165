"""The trainers' session list in Chromium: the add button says "Ajouter une session", the help
menu is the portal's guide. Screenshots at 320/390/1366 px."""

import pytest

from portail import roles
from tests.demandes.test_partenaire_navigateur import contexte_connecte
from tests.factories import UtilisateurFactory
from tests.formations.factories import SessionFactory
from tests.parcours.conftest import capturer_largeurs

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _orm_pendant_playwright(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_liste_des_sessions_en_francais(navigateur, live_server):
    for _ in range(3):
        SessionFactory()
    formateur = UtilisateurFactory(roles=[roles.FORMATEUR])
    contexte = contexte_connecte(navigateur, live_server, formateur)
    page = contexte.new_page()
    page.goto("/admin/formations/sessions/")
    expect(page.get_by_role("link", name="Ajouter une session").first).to_be_visible()
    expect(page.get_by_role("link", name="Guide du back-office")).to_have_count(1)
    assert "un(e)" not in page.content()
    capturer_largeurs(page, "back-office-sessions")
    page.goto("/admin/formations/sessions/new/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nouvelle session")
    capturer_largeurs(page, "back-office-nouvelle-session")
    contexte.close()
