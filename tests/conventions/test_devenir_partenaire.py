"""The public "Devenir partenaire" page: explanation, request form, robots and throttling."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from conventions import services
from conventions.models import DemandeAdhesion
from portail.models import Courriel
from tests.conftest import texte
from tests.factories import siret_valide

pytestmark = pytest.mark.django_db

URL = "/devenir-partenaire/"
URL_MERCI = "/devenir-partenaire/merci/"

SIRET = siret_valide(4242)


def _donnees(**modifs) -> dict:
    donnees = {
        "nom_structure": "France Services de Bourgueil",
        "type": "france_services",
        "siret": SIRET,
        "code_postal": "37140",
        "commune": "Bourgueil",
        "contact_nom": "Marie Dupont",
        "contact_fonction": "Animatrice France Services",
        "contact_email": "marie.dupont@fs-bourgueil.fr",
        "contact_telephone": "02 61 91 20 40",
        "message": "Trois agents à former.",
        "consentement": "on",
        "site_web": "",
    }
    donnees.update(modifs)
    return {cle: valeur for cle, valeur in donnees.items() if valeur is not None}


def _rien_n_est_ecrit():
    assert not DemandeAdhesion.objects.exists()
    assert not Courriel.objects.exists()


# The page --------------------------------------------------------------------------------------


def test_page_publique_qui_explique_la_convention(client):
    response = client.get(URL)

    assert response.status_code == 200
    page = texte(response)
    for attendu in (
        "Devenir partenaire",
        "formulaires",
        "messagerie sécurisée",
        "expert de la CPAM désigné par son nom",
        "Deux sessions de formation par an",
        "Désigner nommément les agents",
        "double authentification",
        "confidentialité",
        "consentement de l'assuré",
        "arrivées et des départs de vos agents",
        "10 jours ouvrés",
        "csrfmiddlewaretoken",
    ):
        assert attendu in page


def test_page_ouverte_a_une_personne_sans_second_facteur(client, agent):
    client.force_login(agent)  # password typed, no code yet: a public page is still shown

    assert client.get(URL).status_code == 200
    assert client.get(URL_MERCI).status_code == 200


def test_champ_piege_cache_aux_personnes(client):
    page = texte(client.get(URL))

    debut = page.index('<div class="sr-only" aria-hidden="true">')
    piege = page[debut : page.index("</div>", debut)]
    assert "Ne pas remplir" in piege
    assert 'name="site_web"' in piege
    assert 'tabindex="-1"' in piege


def test_l_accueil_visiteur_mene_a_la_page(client):
    page = texte(client.get("/"))

    assert f'href="{URL}"' in page
    assert "Contactez le service partenariats" not in page


# A valid request -------------------------------------------------------------------------------


def test_demande_valide_enregistree_et_superviseurs_prevenus(
    client, superviseur, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, _donnees(siret=f"{SIRET[:3]} {SIRET[3:6]} {SIRET[6:]}"))

    assert response.status_code == 302
    assert response["Location"] == URL_MERCI
    demande = DemandeAdhesion.objects.get()
    assert demande.nom_structure == "France Services de Bourgueil"
    assert demande.siret == SIRET
    assert demande.contact_telephone == "02 61 91 20 40"
    assert demande.statut == DemandeAdhesion.Statut.EN_ATTENTE
    assert demande.empreinte_origine == services.empreinte_origine("127.0.0.1")

    assert [m.to for m in mail.outbox] == [[superviseur.email]]
    courriel = mail.outbox[0].subject + mail.outbox[0].body
    for donnee_personnelle in (
        "Marie Dupont",
        "marie.dupont",
        "02 61 91",
        SIRET,
        "Bourgueil",
        "Animatrice",
    ):
        assert donnee_personnelle not in courriel


@pytest.mark.parametrize(
    "siret",
    ["356 000 000 00048", "35600000049837", "73282932000074", "652 059 213 00023"],
)
def test_siret_publies_acceptes_dont_le_siege_de_la_poste(client, siret):
    response = client.post(URL, _donnees(siret=siret))

    assert response.status_code == 302
    assert DemandeAdhesion.objects.get().siret == siret.replace(" ", "")


def test_page_de_remerciement_publique(client):
    response = client.get(URL_MERCI)

    assert response.status_code == 200
    assert "10 jours ouvrés" in texte(response)


@pytest.mark.parametrize(
    "saisi",
    ["02.61.91.20.40", "+33 2 61 91 20 40", "+33 (0)2 61 91 20 40", "0033261912040", "0261912040"],
)
def test_formats_de_telephone_acceptes(client, saisi):
    response = client.post(URL, _donnees(contact_telephone=saisi))

    assert response.status_code == 302
    assert DemandeAdhesion.objects.get().contact_telephone == "02 61 91 20 40"


# Invalid input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("champ", "saisi", "message"),
    [
        ("siret", "73282932000079", "La clé du SIRET ne correspond pas aux chiffres saisis"),
        ("siret", "73282932100072", "Les 9 premiers chiffres du SIRET (le SIREN)"),
        ("siret", "35600000049838", "La clé du SIRET ne correspond pas aux chiffres saisis"),
        ("siret", "7328293200007", "Le SIRET doit comporter 14 chiffres (13 saisis)."),
        ("siret", "7328293200007A", "Le SIRET ne comporte que des chiffres"),
        ("code_postal", "3714", "Le code postal comporte 5 chiffres"),
        ("code_postal", "37A40", "Le code postal comporte 5 chiffres"),
        ("contact_telephone", "02 61 91 20", "numéro de téléphone français à 10 chiffres"),
        ("contact_telephone", "+44 20 7946 0958", "numéro de téléphone français à 10 chiffres"),
        ("contact_telephone", "00 61 91 20 40", "numéro de téléphone français à 10 chiffres"),
        ("contact_email", "marie.dupont@", "Saisissez une adresse e-mail valide"),
    ],
)
def test_saisie_invalide_expliquee_et_conservee(client, champ, saisi, message):
    response = client.post(URL, _donnees(**{champ: saisi}))

    assert response.status_code == 200
    page = texte(response)
    assert message in page
    assert 'id="erreurs-resume"' in page
    assert f'href="#id_{champ}"' in page  # the summary links to the field
    assert 'aria-invalid="true"' in page
    assert f'value="{saisi}"' in page
    assert 'value="Marie Dupont"' in page  # the other values are kept too
    assert page.startswith("<!doctype html>")
    assert "<title>Erreur" in page
    _rien_n_est_ecrit()


def test_consentement_obligatoire(client):
    response = client.post(URL, _donnees(consentement=None))

    assert response.status_code == 200
    page = texte(response)
    assert "Cochez la case pour accepter l'utilisation de vos coordonnées" in page
    assert 'value="marie.dupont@fs-bourgueil.fr"' in page
    assert f'value="{SIRET}"' in page
    assert "Trois agents à former." in page
    _rien_n_est_ecrit()


def test_formulaire_vide(client):
    response = client.post(URL, {})

    assert response.status_code == 200
    page = texte(response)
    for message in (
        "Indiquez le nom de la structure.",
        "Choisissez le type de structure.",
        "Indiquez le SIRET de la structure.",
        "Indiquez le code postal",
        "Indiquez la commune de la structure.",
        "Indiquez le nom et le prénom du contact.",
        "Indiquez l'adresse e-mail du contact.",
        "Indiquez un numéro de téléphone pour vous rappeler.",
        "Cochez la case",
    ):
        assert message in page
    assert "Le formulaire contient 9 erreurs" in page
    _rien_n_est_ecrit()


# Robots and throttling -------------------------------------------------------------------------


def test_robot_qui_remplit_le_piege_ecarte_sans_le_savoir(client, superviseur):
    response = client.post(URL, _donnees(site_web="https://pharmacie-pas-chere.example"))

    assert response.status_code == 302
    assert response["Location"] == URL_MERCI
    _rien_n_est_ecrit()


def test_limite_de_trois_demandes_par_heure_et_par_adresse(client):
    for _ in range(3):
        assert client.post(URL, _donnees(), REMOTE_ADDR="203.0.113.7").status_code == 302

    response = client.post(URL, _donnees(), REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 429
    page = texte(response)
    assert "Plusieurs demandes ont déjà été envoyées depuis cette connexion" in page
    assert 'value="France Services de Bourgueil"' in page
    assert DemandeAdhesion.objects.count() == 3

    autre = client.post(URL, _donnees(), REMOTE_ADDR="198.51.100.20")
    assert autre.status_code == 302
    assert DemandeAdhesion.objects.count() == 4

    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        response = client.post(URL, _donnees(), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
    assert DemandeAdhesion.objects.count() == 5
