"""Browser journey of issue 15 (items 7 and 8): an agent registers to a rencontre from the
agenda, sees the places left change, unregisters, then downloads their attendance certificate
from "Mes inscriptions". Screenshots at 320, 390 and 1366 px."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cms.models import InscriptionRencontre
from formations.models import Inscription
from portail import roles
from tests.cms.rencontres import agenda, creer_rencontre
from tests.factories import UtilisateurFactory
from tests.formations.factories import SessionFactory, agents_de
from tests.parcours.conftest import LARGEURS, capturer, capturer_largeurs

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]


def test_agent_s_inscrit_a_une_rencontre_puis_telecharge_son_attestation(
    connecter, agent_a, structure_a
):
    rencontre = creer_rencontre(
        title="Webinaire : renouveler la Complémentaire santé solidaire",
        lieu="",
        lien="https://webinaire.exemple.fr/css",
        public="Agents France Services du 37",
        types_partenaires=["france_services"],
        departements=["37"],
        capacite=3,
    )
    creer_rencontre(title="Rencontre des CCAS du Nord", types_partenaires=["ccas_cias"])
    for collegue in agents_de(structure_a, 1):
        from cms import services

        services.rencontre_inscrire(rencontre=rencontre, agent=collegue)
    passee = SessionFactory(
        titre="Carte Vitale — Tours", debut=timezone.now() - timedelta(days=5), statut="realisee"
    )
    presente = Inscription.objects.create(
        session=passee,
        agent=agent_a,
        partenaire=structure_a,
        campagne=passee.campagne,
        programme=passee.programme,
        etat=Inscription.Etat.PRESENT,
    )

    page = connecter(agent_a)
    page.goto(agenda().url)
    expect(page.get_by_text("Rencontre des CCAS du Nord")).to_have_count(0)
    tuile = page.get_by_role("listitem").filter(has_text=rencontre.title)
    expect(tuile).to_contain_text("2 places restantes")
    capturer_largeurs(page, "agenda")
    tuile.get_by_role("link", name=rencontre.title).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(rencontre.title)
    expect(page.get_by_text("Le lien est communiqué aux personnes inscrites.")).to_be_visible()
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Votre inscription à la rencontre est enregistrée."
    )
    expect(page.locator("#places-rencontre")).to_have_text("1 place restante")
    expect(page.get_by_role("link", name="Rejoindre le webinaire")).to_be_visible()
    capturer_largeurs(page, "rencontre-inscrit")
    for largeur in LARGEURS:
        page.set_viewport_size({"width": largeur, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= largeur
    page.set_viewport_size({"width": 1366, "height": 900})
    assert InscriptionRencontre.objects.get(agent=agent_a).etat == "inscrit"

    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Ajouter à mon agenda (fichier .ics)").click()
    assert telechargement.value.suggested_filename == f"rencontre-{rencontre.pk}.ics"

    page.get_by_role("button", name="Annuler mon inscription").click()
    expect(page.get_by_role("status")).to_contain_text("la place est libérée")
    expect(page.locator("#places-rencontre")).to_have_text("2 places restantes")
    assert InscriptionRencontre.objects.get(agent=agent_a).etat == "annule"

    page.goto("/formations/mes-inscriptions/")
    lien = page.get_by_role("link", name=re.compile("Attestation de présence \\(PDF\\)"))
    expect(lien).to_be_visible()
    capturer_largeurs(page, "attestation-mes-inscriptions")
    with page.expect_download() as telechargement:
        lien.click()
    fichier = telechargement.value
    assert fichier.suggested_filename.startswith(f"attestation-{presente.pk}-")
    assert agent_a.last_name.lower() not in fichier.suggested_filename.lower()
    with open(fichier.path(), "rb") as contenu:
        assert contenu.read().startswith(b"%PDF-")
    assert page.erreurs == []

    # The organiser sees who registered, in the back-office.
    editeur = connecter(UtilisateurFactory(roles=[roles.EDITEUR]))
    editeur.goto(f"/admin/rencontres/{rencontre.pk}/participants/")
    expect(editeur.get_by_role("heading", level=1)).to_contain_text("Participants")
    expect(editeur.get_by_text("1 personne inscrite sur 3 places")).to_be_visible()
    # First at the office width (the admin's sidebar keeps the state of the last width).
    capturer(editeur, "rencontre-participants-bureau")
    capturer_largeurs(editeur, "rencontre-participants")
