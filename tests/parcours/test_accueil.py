"""Browser journey of the landing (issue 14): an expert and a superviseur open the portal's
login page while logged in, land on their workspace, then read their summary on the
back-office home, at desktop (1366 px) and phone (390 px) widths; screenshots are kept."""

from datetime import timedelta

import pytest
from django.utils import timezone

from demandes.models import Absence, Demande
from tests.demandes.conftest import creer_demande
from tests.parcours.conftest import capturer

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]

LARGEURS = (1366, 390)


@pytest.fixture
def journee(agent_a, structure_a, titulaire, suppleant, regle_generale):
    for objet in ("Carte Vitale perdue", "CSS refusée", "Affiliation en attente"):
        creer_demande(agent_a, structure_a, objet=objet)
    en_retard = Demande.objects.order_by("pk").first()
    Demande.objects.filter(pk=en_retard.pk).update(echeance=timezone.now() - timedelta(days=1))
    Absence.objects.create(
        expert=suppleant,
        debut=timezone.now() - timedelta(hours=1),
        fin=timezone.now() + timedelta(days=1),
    )


@pytest.mark.parametrize(
    ("acteur", "espace", "panneau"),
    [
        ("expert", "/admin/demandes/", "Mes demandes"),
        ("superviseur", "/admin/tableau-de-bord/", "Pilotage des demandes"),
    ],
)
def test_le_personnel_arrive_sur_son_espace_puis_lit_son_resume(
    connecter, live_server, journee, titulaire, superviseur, acteur, espace, panneau
):
    utilisateur = titulaire.utilisateur if acteur == "expert" else superviseur
    page = connecter(utilisateur)

    page.goto("/connexion/")
    expect(page).to_have_url(live_server.url + espace)

    for largeur in LARGEURS:
        page.set_viewport_size({"width": largeur, "height": 900})
        page.goto("/admin/")
        expect(page.get_by_role("heading", name=panneau)).to_be_visible()
        # Nothing wider than the screen: the panel reads on a phone without scrolling sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= largeur
        capturer(page, f"accueil-admin-{acteur}-{largeur}")
    autre = "Pilotage des demandes" if acteur == "expert" else "Mes demandes"
    expect(page.get_by_role("heading", name=autre)).to_have_count(0)
    assert page.erreurs == []
