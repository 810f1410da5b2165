"""Browser journey of issue 14 (continuity of the named expert): the expert declares an absence
with a substitute, the partner sees the new holder in the thread, the substitute finds the
demandes in their inbox, and the expert, back, takes the unanswered ones back in one click."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from demandes import services
from demandes.models import Absence, Demande
from portail.dates import date_en_lettres
from tests.demandes.conftest import creer_demande
from tests.parcours.conftest import capturer_largeurs

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = [pytest.mark.navigateur, pytest.mark.django_db(transaction=True)]


def test_absence_suppleant_puis_reprise_en_un_clic(
    connecter, agent_a, structure_a, titulaire, suppleant, regle_generale
):
    repondue = creer_demande(agent_a, structure_a, objet="Affiliation d'un nouvel arrivant")
    muette = creer_demande(agent_a, structure_a, objet="Carte Vitale perdue")
    assert {repondue.expert, muette.expert} == {titulaire}

    # The expert declares their absence from now, with Paul as substitute.
    expert = connecter(titulaire.utilisateur)
    expert.goto("/admin/demandes/absences/")
    debut = timezone.localtime() - timedelta(minutes=5)
    expert.get_by_label("Début").fill(debut.strftime("%Y-%m-%dT%H:%M"))
    expert.get_by_label("Fin (retour prévu)").fill(
        (debut + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    )
    expert.get_by_label("Suppléant").select_option(label="Paul Suppléant (Plateforme 37-41-28)")
    expert.get_by_role("button", name="Enregistrer l'absence").click()
    expect(expert.locator(".messages")).to_contain_text(
        "2 demandes ouvertes sont confiées à leur remplaçant."
    )
    expect(expert.get_by_role("button", name="Reprendre mes demandes")).to_be_visible()
    capturer_largeurs(expert, "absences-expert")
    assert Demande.objects.filter(expert=suppleant, remise_pour__isnull=False).count() == 2

    # The partner sees who follows the demande now, since when, and why in the thread.
    agent = connecter(agent_a)
    agent.goto(f"/demandes/{muette.reference}/")
    depuis = date_en_lettres(Demande.objects.get(pk=muette.pk).attribuee_le)
    expect(agent.locator(".fiche").first).to_contain_text(f"Paul Suppléant depuis le {depuis}")
    expect(agent.get_by_role("article").last).to_contain_text(
        "Pendant l'absence de Claire Titulaire, votre demande est suivie par Paul Suppléant."
    )
    capturer_largeurs(agent, "demande-partenaire")

    # The substitute finds both in their inbox and answers one.
    remplacant = connecter(suppleant.utilisateur)
    remplacant.goto("/admin/demandes/")
    boite = remplacant.locator("table.demandes-boite")
    expect(boite.get_by_role("link", name=repondue.reference, exact=True)).to_be_visible()
    expect(boite.get_by_role("link", name=muette.reference, exact=True)).to_be_visible()
    remplacant.goto(f"/admin/demandes/{muette.reference}/")
    expect(remplacant.locator(".demandes-fiche").first).to_contain_text(
        "pendant l'absence de Claire Titulaire"
    )
    capturer_largeurs(remplacant, "demande-suppleant")
    services.message_cpam_envoyer(
        demande=repondue, auteur=suppleant.utilisateur, corps="Je m'en occupe."
    )

    # Back: one click takes back the demande the substitute has not answered.
    expert.goto("/admin/demandes/absences/")
    expect(expert.get_by_role("row").nth(1)).to_contain_text(
        "1 demande non encore répondue par le suppléant"
    )
    expert.get_by_role("button", name="Reprendre mes demandes").click()
    expect(expert.locator(".messages")).to_contain_text("1 demande est revenue à Claire Titulaire.")
    expect(expert.get_by_role("row").nth(1)).to_contain_text("Demandes reprises le")
    capturer_largeurs(expert, "absences-apres-reprise")

    assert Demande.objects.get(pk=muette.pk).expert == titulaire
    assert Demande.objects.get(pk=repondue.pk).expert == suppleant
    assert Absence.objects.get().reprise_le is not None
    agent.goto(f"/demandes/{muette.reference}/")
    expect(agent.get_by_role("article").last).to_contain_text(
        "Claire Titulaire reprend le suivi de votre demande."
    )
    expect(agent.locator(".fiche").first).to_contain_text(re.compile(r"Claire Titulaire depuis"))
    assert expert.erreurs == [] and agent.erreurs == []
