"""Browser journey of the inbox triage (issue 14): a superviseur opens the team's inbox, reads
it in the service-level order (late first, then by time left, paused last with their reason),
reaches a row's actions with the keyboard, and gives two demandes to an expert in one go;
screenshots at 320, 390 and 1366 px."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from demandes.models import DecisionRoutage, Demande
from tests.demandes.conftest import creer_demande
from tests.parcours.conftest import capturer, capturer_largeurs

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def boite_equipe(agent_a, structure_a, titulaire, regle_generale):
    """Created in the order the old deadline sort got wrong: the paused one has the oldest
    deadline, the urgent one is the newest."""
    maintenant = timezone.now()

    def demande(objet, urgence="normale", **champs):
        d = creer_demande(agent_a, structure_a, objet=objet, urgence=urgence)
        if champs:
            Demande.objects.filter(pk=d.pk).update(**champs)
        return d.reference

    return {
        "pause": demande(
            "Justificatif attendu",
            statut="en_attente",
            en_attente_depuis=maintenant - timedelta(days=2),
            echeance=maintenant - timedelta(days=12),
        ),
        "normale": demande("Affiliation d'un étudiant", echeance=maintenant + timedelta(days=3)),
        "retard": demande("Carte Vitale perdue", echeance=maintenant - timedelta(days=9)),
        "urgente": demande(
            "CSS bloquée, soins en cours",
            urgence="urgente",
            echeance=maintenant + timedelta(hours=3),
        ),
    }


def test_superviseur_trie_puis_attribue_deux_demandes(
    connecter, live_server, boite_equipe, superviseur, suppleant
):
    page = connecter(superviseur)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/admin/demandes/?onglet=equipe")
    expect(page).to_have_title(re.compile(r"^Demandes – Mon équipe"))
    fil = page.get_by_role("navigation", name="Fil d'Ariane")
    expect(fil).to_contain_text("Espace CPAM")
    expect(fil).not_to_contain_text("Accueil")

    lignes = page.locator("table.demandes-boite tbody tr")
    ordre = [lignes.nth(i).get_by_role("link").first.inner_text() for i in range(4)]
    assert ordre == [boite_equipe[n] for n in ("retard", "urgente", "normale", "pause")]
    expect(lignes.nth(3)).to_contain_text("En attente du partenaire depuis le")
    expect(page.locator("table.demandes-boite caption")).to_contain_text(
        "d'abord les demandes en retard"
    )

    # The row's action is reachable with the keyboard, named with its reference, focus shown.
    case = page.get_by_label(f"Sélectionner {boite_equipe['retard']}")
    case.focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name=boite_equipe["retard"], exact=True)).to_be_focused()
    page.keyboard.press("Tab")
    ouvrir = page.get_by_role("link", name=f"Ouvrir la demande {boite_equipe['retard']}")
    expect(ouvrir).to_be_focused()
    contour = ouvrir.evaluate("e => getComputedStyle(e).outlineStyle")
    assert contour not in ("", "none")

    # A saved filter, re-applied in one click from another tab.
    page.get_by_text("Filtres", exact=True).click()
    page.get_by_label("Urgence").select_option(label="Urgente")
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_label("Nom du filtre").fill("Équipe, urgentes")
    page.get_by_role("button", name="Enregistrer ce filtre").click()
    expect(page.get_by_text("Le filtre « Équipe, urgentes » est enregistré.")).to_be_visible()
    page.goto("/admin/demandes/?onglet=miennes")
    page.get_by_role("link", name="Équipe, urgentes").click()
    expect(lignes).to_have_count(1)
    expect(lignes.first).to_contain_text(boite_equipe["urgente"])

    page.goto("/admin/demandes/?onglet=equipe")
    capturer_largeurs(page, "boite-triage-superviseur")
    case.check()
    page.get_by_label(f"Sélectionner {boite_equipe['normale']}").check()
    page.get_by_label("Attribuer à").select_option(label="Paul Suppléant")
    page.get_by_label("Motif de la réattribution").fill("Renfort pendant la campagne CSS")
    page.get_by_role("button", name="Attribuer la sélection").click()

    expect(page.get_by_text("2 demandes réattribuées à Paul Suppléant.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/admin/demandes/\?onglet=equipe$"))
    capturer(page, "boite-triage-apres-attribution-1366")
    for nom in ("retard", "normale"):
        demande = Demande.objects.get(reference=boite_equipe[nom])
        assert demande.expert == suppleant
        assert DecisionRoutage.objects.filter(demande=demande, auteur=superviseur).exists()
    assert Demande.objects.get(reference=boite_equipe["urgente"]).expert != suppleant
    assert page.erreurs == []
