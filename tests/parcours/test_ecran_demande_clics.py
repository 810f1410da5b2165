"""Issue 14, « fewer clicks, nothing lost », in Chromium: the expert inserts a canned reply
without the page reloading, their draft survives leaving the screen, and « Envoyer et
résoudre » answers and resolves in one step; the partner sees the answer and the status.
Screenshots of the screen at 320, 390 and 1366 px are kept with the journeys' own."""

import re

import pytest

from demandes.models import BrouillonReponse, Demande, Message, ReponseType
from tests.demandes.conftest import creer_demande
from tests.parcours.conftest import capturer_largeurs

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]


def test_reponse_type_sans_rechargement_brouillon_puis_envoyer_et_resoudre(
    connecter, agent_a, structure_a, titulaire, equipe, regle_generale, superviseur
):
    demande = creer_demande(agent_a, structure_a, objet="Attestation CSS introuvable")
    ReponseType.objects.create(
        equipe=equipe,
        titre="Attestation disponible",
        corps="L'attestation est disponible sur le compte ameli de l'assuré.",
    )
    expert = connecter(titulaire.utilisateur)
    navigations = []
    expert.on("framenavigated", lambda frame: navigations.append(frame.url))
    expert.goto(f"/admin/demandes/{demande.reference}/")
    capturer_largeurs(expert, "ecran-demande")
    navigations.clear()

    reponse = expert.locator("#action-repondre")
    zone = reponse.get_by_label("Réponse au partenaire")
    zone.fill("Bonjour,")
    expert.evaluate("window.pasDeRechargement = true")
    reponse.get_by_label("Réponse type (facultatif)").select_option(label="Attestation disponible")
    reponse.get_by_role("button", name="Insérer").click()

    # Inserted in place (the page did not navigate), announced to assistive technologies.
    expect(zone).to_have_value(
        "Bonjour,\n\nL'attestation est disponible sur le compte ameli de l'assuré."
    )
    expect(reponse.get_by_role("status")).to_contain_text(
        "Réponse type « Attestation disponible » insérée dans votre réponse"
    )
    assert expert.evaluate("window.pasDeRechargement") is True
    assert navigations == []

    # The draft is saved as the expert types, and comes back after leaving the screen.
    zone.press("End")
    zone.press_sequentially(" Cordialement.")
    expect(reponse.locator("[data-etat-brouillon]")).to_contain_text("Brouillon enregistré à")
    texte_tape = zone.input_value()
    # Browsers send a textarea's line breaks as CRLF.
    brouillon = BrouillonReponse.objects.get(demande=demande)
    assert brouillon.corps.replace("\r\n", "\n") == texte_tape
    expert.goto("/admin/demandes/")
    expert.goto(f"/admin/demandes/{demande.reference}/")
    zone = expert.locator("#action-repondre").get_by_label("Réponse au partenaire")
    expect(zone).to_have_value(texte_tape)
    expect(expert.locator("[data-etat-brouillon]")).to_contain_text("Brouillon repris")
    capturer_largeurs(expert, "ecran-demande-brouillon")

    # Answer and resolve in one step.
    reponse = expert.locator("#action-repondre")
    reponse.get_by_role("radio", name="Droits ouverts").check()
    reponse.get_by_role("button", name="Envoyer et résoudre").click()
    expect(
        expert.get_by_text(
            "Votre réponse est envoyée et la demande résolue ; le partenaire en est prévenu."
        )
    ).to_be_visible()
    expect(expert.locator(".demandes-fiche").first).to_contain_text(
        "Résolue — issue : Droits ouverts"
    )
    capturer_largeurs(expert, "ecran-demande-resolue")
    demande.refresh_from_db()
    assert demande.statut == Demande.Statut.RESOLUE
    resolution = demande.messages.get(type=Message.Type.RESOLUTION)
    assert resolution.corps.replace("\r\n", "\n") == texte_tape
    assert not BrouillonReponse.objects.exists()
    assert expert.erreurs == []

    # The partner sees the answer and the resolved status.
    agent = connecter(agent_a)
    agent.goto(f"/demandes/{demande.reference}/")
    expect(agent.locator(".etat-demande__statut")).to_have_text("Statut : Résolue — Droits ouverts")
    expect(agent.get_by_role("article").last).to_contain_text(
        "L'attestation est disponible sur le compte ameli de l'assuré."
    )
    assert re.search("Cordialement", agent.get_by_role("article").last.inner_text())
    capturer_largeurs(agent, "partenaire-demande-resolue")

    # The team's own "très urgent" line, set in the back-office, is the one the partner sees.
    cpam = connecter(superviseur)
    cpam.goto(f"/admin/messagerie/equipes/edit/{equipe.pk}/")
    cpam.get_by_label("Ligne « très urgent » de l'équipe").fill("0261913700")
    # Its territory sets its calendar (public holidays) for the deadlines.
    cpam.get_by_label("Territoire").select_option("alsace_moselle")
    capturer_largeurs(cpam, "equipe-telephone")
    cpam.get_by_role("button", name="Enregistrer").click()
    expect(cpam.get_by_text("02 61 91 37 00")).to_be_visible()
    expect(cpam.get_by_text("Alsace-Moselle")).to_be_visible()
    capturer_largeurs(cpam, "equipes-liste")
    equipe.refresh_from_db()
    assert equipe.territoire == "alsace_moselle"
    agent.goto("/demandes/nouvelle/")
    expect(
        agent.get_by_text(
            re.compile("appelez la ligne partenaires de la CPAM au 02 61 91 37 00")
        ).first
    ).to_be_attached()
    capturer_largeurs(agent, "partenaire-nouvelle")
