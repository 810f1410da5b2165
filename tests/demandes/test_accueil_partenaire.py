"""The partner home shows the structure's open demandes, those awaiting an answer first."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from demandes import services
from demandes.models import Message
from tests.conftest import connecter_verifie, texte
from tests.demandes.conftest import creer_demande

pytestmark = pytest.mark.django_db


def test_demandes_ouvertes_et_en_attente_sur_l_accueil(
    client, agent_a, structure_a, regle_generale, titulaire
):
    attente = creer_demande(agent_a, structure_a, objet="Carte jamais reçue")
    creer_demande(agent_a, structure_a, objet="Affiliation en retard")
    close = creer_demande(agent_a, structure_a, objet="Dossier déjà réglé")
    services.message_cpam_envoyer(
        demande=attente, auteur=titulaire.utilisateur, corps="?", type=Message.Type.INFORMATION
    )
    services.demande_resoudre(
        demande=close, auteur=titulaire.utilisateur, issue="droits_ouverts", corps="OK"
    )
    connecter_verifie(client, agent_a)

    page = texte(client.get("/"))

    assert "Vos demandes" in page
    assert "2 demandes en cours" in page
    assert "1 attend votre réponse" in page
    assert page.index(attente.reference) < page.index("Affiliation en retard")
    assert "Dossier déjà réglé" not in page
    assert f'href="/demandes/{attente.reference}/"' in page
    # The in-portal notice of the request for information, until the demande is opened.
    assert f"La CPAM vous demande un complément sur {attente.reference}" in page
    client.get(f"/demandes/{attente.reference}/")
    assert "La CPAM vous demande un complément" not in texte(client.get("/"))


def test_pas_de_section_demandes_sans_messagerie_ni_pour_la_cpam(
    client, agent_a, structure_a, expert
):
    convention = structure_a.conventions.get()
    convention.ouvre_messagerie = False
    convention.save()
    connecter_verifie(client, agent_a)
    assert "Vos demandes" not in texte(client.get("/"))
    connecter_verifie(client, expert)
    assert "Vos demandes" not in texte(client.get("/"))


def test_les_demandes_d_une_autre_structure_n_apparaissent_pas(
    client, agent_a, agent_b, structure_b, regle_generale
):
    autre = creer_demande(agent_b, structure_b)
    connecter_verifie(client, agent_a)
    page = texte(client.get("/"))
    assert "Aucune demande en cours" in page
    assert autre.reference not in page


def test_requetes_de_l_accueil_constantes_avec_les_demandes(
    client, agent_a, structure_a, regle_generale
):
    connecter_verifie(client, agent_a)

    def compter():
        with CaptureQueriesContext(connection) as requetes:
            assert client.get("/").status_code == 200
        return len(requetes)

    for _ in range(5):
        creer_demande(agent_a, structure_a)
    client.get("/")
    avec_cinq = compter()
    for _ in range(25):
        creer_demande(agent_a, structure_a)
    assert compter() == avec_cinq
