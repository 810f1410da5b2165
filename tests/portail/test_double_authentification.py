"""Enrolment, backup codes, device replacement and resets of the second factor."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portail.models import Courriel, EvenementSecurite
from tests.conftest import code_totp, connecter_avec_mot_de_passe, connecter_verifie, texte
from tests.factories import MOT_DE_PASSE, TOTPDeviceFactory, UtilisateurFactory, codes_secours

pytestmark = pytest.mark.django_db


def _appareil_en_attente(utilisateur):
    return TOTPDevice.objects.get(user=utilisateur, confirmed=False)


# First login: enrolment ------------------------------------------------------------------------


def test_premiere_connexion_impose_l_activation(client, agent):
    response = connecter_avec_mot_de_passe(client, agent)
    assert response["Location"] == "/connexion/activation/"
    assert client.get("/compte/securite/")["Location"] == "/connexion/activation/"
    assert client.get("/connexion/code/")["Location"] == "/connexion/activation/"


def test_la_page_d_activation_montre_un_qr_code_rendu_par_le_portail(client, agent):
    connecter_avec_mot_de_passe(client, agent)
    response = client.get("/connexion/activation/")

    contenu = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in contenu
    assert "http" not in contenu.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org", ""
    )
    appareil = _appareil_en_attente(agent)
    assert not appareil.confirmed
    # Reloading keeps the same secret, so a scanned code stays valid.
    client.get("/connexion/activation/")
    assert TOTPDevice.objects.filter(user=agent).count() == 1


def test_l_appareil_n_est_confirme_que_par_un_code_valide(client, agent):
    connecter_avec_mot_de_passe(client, agent)
    client.get("/connexion/activation/")
    appareil = _appareil_en_attente(agent)

    response = client.post("/connexion/activation/", {"code": "000000"})
    assert response.status_code == 200
    assert "Ce code ne correspond pas" in response.content.decode()
    response = client.post("/connexion/activation/", {"code": "12ab"})
    assert "Le code doit comporter 6 chiffres" in response.content.decode()
    appareil.refresh_from_db()
    assert not appareil.confirmed
    assert client.get("/compte/securite/").status_code == 302

    # A failed attempt delays the next one (django-otp throttling): wait it out.
    with time_machine.travel(timezone.now() + timedelta(seconds=10)):
        response = client.post("/connexion/activation/", {"code": code_totp(appareil)})

    assert response["Location"] == "/compte/securite/codes/"
    appareil.refresh_from_db()
    assert appareil.confirmed
    assert EvenementSecurite.objects.filter(
        utilisateur=agent, type=EvenementSecurite.Type.ENROLEMENT
    ).exists()


def test_essais_successifs_ralentis(client, agent):
    with time_machine.travel(timezone.now(), tick=False):
        connecter_avec_mot_de_passe(client, agent)
        client.get("/connexion/activation/")
        appareil = _appareil_en_attente(agent)
        client.post("/connexion/activation/", {"code": "000000"})

        response = client.post("/connexion/activation/", {"code": code_totp(appareil)})

    assert "Trop d'essais successifs" in texte(response)
    appareil.refresh_from_db()
    assert not appareil.confirmed


def test_dix_codes_de_secours_montres_une_seule_fois(client, agent):
    connecter_avec_mot_de_passe(client, agent)
    client.get("/connexion/activation/")
    client.post("/connexion/activation/", {"code": code_totp(_appareil_en_attente(agent))})

    response = client.get("/compte/securite/codes/")

    codes = StaticToken.objects.filter(device__user=agent).values_list("token", flat=True)
    assert len(codes) == 10
    contenu = response.content.decode()
    assert all(code in contenu for code in codes)
    assert response["Cache-Control"] == "private, no-store"
    assert client.get("/compte/securite/codes/")["Location"] == "/compte/securite/"


def test_mot_de_passe_seul_ne_permet_pas_d_ajouter_un_appareil(client, agent, appareil):
    """Someone who knows only the password cannot enrol their own phone."""
    connecter_avec_mot_de_passe(client, agent)

    response = client.get("/connexion/activation/")

    assert response["Location"] == "/connexion/code/"
    assert TOTPDevice.objects.filter(user=agent).count() == 1


def test_activation_reservee_aux_personnes_connectees(client):
    response = client.get("/connexion/activation/")
    assert response["Location"].startswith("/connexion/?next=")


# Account security: backup codes and device replacement -----------------------------------------


def test_regenerer_les_codes_demande_le_mot_de_passe(client, agent, appareil):
    ancien = codes_secours(agent)[0]
    connecter_verifie(client, agent)

    response = client.post("/compte/securite/codes/regenerer/")
    assert response["Location"].startswith("/compte/securite/confirmer-mot-de-passe/")
    assert StaticToken.objects.filter(token=ancien).exists()

    response = client.post(
        "/compte/securite/confirmer-mot-de-passe/",
        {"password": "faux", "next": "/compte/securite/"},
    )
    assert "Mot de passe incorrect" in response.content.decode()
    client.post(
        "/compte/securite/confirmer-mot-de-passe/",
        {"password": MOT_DE_PASSE, "next": "/compte/securite/"},
    )
    response = client.post("/compte/securite/codes/regenerer/")

    assert response["Location"] == "/compte/securite/codes/"
    assert not StaticToken.objects.filter(token=ancien).exists()
    assert StaticToken.objects.filter(device__user=agent).count() == 10
    assert EvenementSecurite.objects.filter(
        utilisateur=agent, type=EvenementSecurite.Type.CODES_REGENERES
    ).exists()


def test_la_reauthentification_expire(client, agent, appareil):
    connecter_verifie(client, agent)
    client.post(
        "/compte/securite/confirmer-mot-de-passe/",
        {"password": MOT_DE_PASSE, "next": "/compte/securite/"},
    )
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        response = client.post("/compte/securite/codes/regenerer/")
    assert response["Location"].startswith("/compte/securite/confirmer-mot-de-passe/")


def test_regenerer_les_codes_refuse_en_get(client, agent, appareil):
    connecter_verifie(client, agent)
    assert client.get("/compte/securite/codes/regenerer/").status_code == 405


def test_remplacer_l_appareil(client, agent, appareil):
    connecter_verifie(client, agent)
    assert client.get("/compte/securite/appareil/").status_code == 302
    client.post(
        "/compte/securite/confirmer-mot-de-passe/",
        {"password": MOT_DE_PASSE, "next": "/compte/securite/appareil/"},
    )
    response = client.get("/compte/securite/appareil/")
    assert "<svg" in response.content.decode()
    nouveau = _appareil_en_attente(agent)

    response = client.post("/compte/securite/appareil/", {"code": "000000"})
    assert "Ce code ne correspond pas" in response.content.decode()
    assert TOTPDevice.objects.filter(pk=appareil.pk, confirmed=True).exists()

    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        response = client.post("/compte/securite/appareil/", {"code": code_totp(nouveau)})

    assert response["Location"] == "/compte/securite/codes/"
    assert list(TOTPDevice.objects.filter(user=agent).values_list("pk", flat=True)) == [nouveau.pk]
    assert EvenementSecurite.objects.filter(
        utilisateur=agent, type=EvenementSecurite.Type.APPAREIL_REMPLACE
    ).exists()


def test_la_page_securite_montre_les_codes_restants(client, agent, appareil):
    codes_secours(agent, nombre=3)
    connecter_verifie(client, agent)
    response = client.get("/compte/securite/")
    assert "Il vous reste 3 codes de secours" in response.content.decode()


# Reset by a superviseur ------------------------------------------------------------------------


def test_un_superviseur_reinitialise_la_double_authentification(
    client, superviseur, agent, django_capture_on_commit_callbacks
):
    TOTPDeviceFactory(user=agent)
    codes_secours(agent)
    connecter_verifie(client, superviseur)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/securite-comptes/{agent.pk}/reinitialiser/",
            {"motif": "Téléphone perdu, appel du 25/11"},
        )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=agent).exists()
    assert not StaticDevice.objects.filter(user=agent).exists()
    evenement = EvenementSecurite.objects.get(
        utilisateur=agent, type=EvenementSecurite.Type.REINITIALISATION
    )
    assert evenement.auteur == superviseur
    assert evenement.motif == "Téléphone perdu, appel du 25/11"
    assert Courriel.objects.get(destinataire=agent.email).statut == Courriel.Statut.ENVOYE
    assert len(mail.outbox) == 1
    assert "réinitialisé" in mail.outbox[0].body


def test_apres_reinitialisation_la_personne_doit_se_reenroler(client, superviseur, agent):
    TOTPDeviceFactory(user=agent)
    from portail.services import double_authentification_reinitialiser

    double_authentification_reinitialiser(utilisateur=agent, auteur=superviseur, motif="Perte")

    response = connecter_avec_mot_de_passe(client, agent)
    assert response["Location"] == "/connexion/activation/"


def test_une_session_ouverte_perd_son_acces_a_la_reinitialisation(client, superviseur, agent):
    connecter_verifie(client, agent)
    assert client.get("/compte/securite/").status_code == 200
    from portail.services import double_authentification_reinitialiser

    double_authentification_reinitialiser(utilisateur=agent, auteur=superviseur, motif="Perte")

    assert client.get("/compte/securite/")["Location"] == "/connexion/activation/"


def test_motif_obligatoire_rien_n_est_supprime(client, superviseur, agent):
    TOTPDeviceFactory(user=agent)
    connecter_verifie(client, superviseur)

    response = client.post(f"/admin/securite-comptes/{agent.pk}/reinitialiser/", {"motif": " "})

    assert response.status_code == 200
    assert "Indiquez le motif" in response.content.decode()
    assert TOTPDevice.objects.filter(user=agent).exists()
    assert not EvenementSecurite.objects.filter(utilisateur=agent).exists()


@pytest.mark.parametrize("role", ["agent", "expert"])
def test_les_autres_roles_ne_peuvent_pas_reinitialiser(client, request, role, agent):
    acteur = request.getfixturevalue(role)
    victime = UtilisateurFactory()
    TOTPDeviceFactory(user=victime)
    connecter_verifie(client, acteur)

    for url in ("/admin/securite-comptes/", f"/admin/securite-comptes/{victime.pk}/reinitialiser/"):
        response = client.post(url, {"motif": "tentative"})
        assert response.status_code in (302, 403)
        assert not response.get("Location", "").startswith("/admin/securite-comptes/")
    assert TOTPDevice.objects.filter(user=victime).exists()


def test_un_superviseur_non_verifie_ne_peut_pas_reinitialiser(client, superviseur, agent):
    TOTPDeviceFactory(user=superviseur)
    TOTPDeviceFactory(user=agent)
    connecter_avec_mot_de_passe(client, superviseur)

    response = client.post(f"/admin/securite-comptes/{agent.pk}/reinitialiser/", {"motif": "x"})

    assert response["Location"] == "/connexion/code/"
    assert TOTPDevice.objects.filter(user=agent).exists()


def test_un_superviseur_ne_reinitialise_ni_lui_meme_ni_un_administrateur(client, superviseur):
    administrateur = UtilisateurFactory(is_superuser=True)
    TOTPDeviceFactory(user=administrateur)
    connecter_verifie(client, superviseur)

    for compte in (superviseur, administrateur):
        response = client.post(
            f"/admin/securite-comptes/{compte.pk}/reinitialiser/", {"motif": "essai"}
        )
        assert response.status_code == 200
        assert TOTPDevice.objects.filter(user=compte).exists()


def test_liste_des_comptes_en_nombre_constant_de_requetes(client, superviseur):
    connecter_verifie(client, superviseur)
    client.get("/admin/securite-comptes/")  # warm caches (site root, content types)

    def compter():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as requetes:
            response = client.get("/admin/securite-comptes/")
        assert response.status_code == 200
        return len(requetes)

    avec_un = compter()
    for _ in range(50):
        TOTPDeviceFactory(user=UtilisateurFactory())
    avec_cinquante = compter()

    assert avec_un == avec_cinquante
    contenu = client.get("/admin/securite-comptes/").content.decode()
    # 51 accounts, 50 a page: every listed account but the superviseur's own has its button.
    assert contenu.count("/reinitialiser/") >= 49


def test_recherche_d_un_compte_par_post(client, superviseur):
    cible = UtilisateurFactory(last_name="Zanzibar")
    UtilisateurFactory(last_name="Dupont")
    connecter_verifie(client, superviseur)

    response = client.post("/admin/securite-comptes/", {"q": "zanzi"})

    contenu = response.content.decode()
    assert cible.email in contenu
    assert "Dupont" not in contenu
