"""Login with e-mail, password and a second factor; throttling; sessions."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken

from portail.models import EvenementSecurite
from tests.conftest import code_totp, connecter_avec_mot_de_passe, connecter_verifie
from tests.factories import MOT_DE_PASSE, TOTPDeviceFactory, UtilisateurFactory, codes_secours

pytestmark = pytest.mark.django_db

PAGE_PROTEGEE = "/compte/securite/"


def test_le_mot_de_passe_seul_ne_donne_acces_a_rien(client, agent, appareil):
    response = connecter_avec_mot_de_passe(client, agent)

    assert response.status_code == 302
    assert response["Location"] == "/connexion/code/"
    response = client.get(PAGE_PROTEGEE)
    assert response.status_code == 302
    assert response["Location"] == "/connexion/code/"
    assert client.get("/admin/").status_code == 302


def test_mot_de_passe_puis_code_ouvre_la_session(client, agent, appareil):
    client.get("/connexion/")
    cle_avant = client.cookies["sessionid"].value if "sessionid" in client.cookies else None
    connecter_avec_mot_de_passe(client, agent)
    cle_apres_mot_de_passe = client.cookies["sessionid"].value

    response = client.post("/connexion/code/", {"code": code_totp(appareil)})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert cle_apres_mot_de_passe != cle_avant
    assert client.cookies["sessionid"].value != cle_apres_mot_de_passe
    assert client.get(PAGE_PROTEGEE).status_code == 200


def test_adresse_e_mail_sans_tenir_compte_de_la_casse(client, agent, appareil):
    response = client.post(
        "/connexion/", {"username": agent.email.upper(), "password": MOT_DE_PASSE}
    )
    assert response["Location"] == "/connexion/code/"


def test_mauvais_mot_de_passe_message_clair_et_saisie_conservee(client, agent):
    response = client.post("/connexion/", {"username": agent.email, "password": "faux"})

    assert response.status_code == 200
    contenu = response.content.decode()
    assert "Adresse e-mail ou mot de passe incorrect" in contenu
    assert f'value="{agent.email}"' in contenu
    assert 'role="alert"' in contenu


def test_code_faux_refuse_en_francais(client, agent, appareil):
    connecter_avec_mot_de_passe(client, agent)
    bon = code_totp(appareil)
    faux = f"{(int(bon) + 1) % 1_000_000:06d}"

    response = client.post("/connexion/code/", {"code": faux})

    assert response.status_code == 200
    assert "Code incorrect ou expiré" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert client.get(PAGE_PROTEGEE).status_code == 302


def test_code_totp_rejoue_refuse(client, agent, appareil):
    code = code_totp(appareil)
    connecter_avec_mot_de_passe(client, agent)
    assert client.post("/connexion/code/", {"code": code}).status_code == 302
    client.post("/deconnexion/")

    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        connecter_avec_mot_de_passe(client, agent)
        response = client.post("/connexion/code/", {"code": code})

    assert response.status_code == 200
    assert client.get(PAGE_PROTEGEE).status_code == 302


def test_code_de_secours_valable_une_seule_fois(client, agent, appareil):
    code = codes_secours(agent)[0]
    connecter_avec_mot_de_passe(client, agent)

    response = client.post("/connexion/code/", {"code": code.upper()})

    assert response["Location"] == "/"
    assert not StaticToken.objects.filter(token=code).exists()
    assert EvenementSecurite.objects.filter(
        utilisateur=agent, type=EvenementSecurite.Type.CODE_SECOURS_UTILISE
    ).exists()
    client.post("/deconnexion/")
    connecter_avec_mot_de_passe(client, agent)
    response = client.post("/connexion/code/", {"code": code})
    assert response.status_code == 200
    assert "Code incorrect" in response.content.decode()


def test_le_lien_demande_est_retrouve_apres_les_deux_etapes(client, agent, appareil):
    client.post(
        "/connexion/?next=/compte/securite/",
        {"username": agent.email, "password": MOT_DE_PASSE, "next": "/compte/securite/"},
    )
    response = client.post("/connexion/code/", {"code": code_totp(appareil)})
    assert response["Location"] == "/compte/securite/"


def test_pas_de_redirection_vers_un_autre_site(client, agent, appareil):
    client.post(
        "/connexion/",
        {"username": agent.email, "password": MOT_DE_PASSE, "next": "https://pirate.example/"},
    )
    response = client.post("/connexion/code/", {"code": code_totp(appareil)})
    assert response["Location"] == "/"


# Lockout ---------------------------------------------------------------------------------------


def _echecs(client, email, nombre, ip="10.0.0.1"):
    for _ in range(nombre):
        client.post("/connexion/", {"username": email, "password": "faux"}, REMOTE_ADDR=ip)


def test_cinq_echecs_verrouillent_le_compte_depuis_ce_poste(client, agent, appareil):
    _echecs(client, agent.email, 5)

    response = connecter_avec_mot_de_passe(client, agent, REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.content.decode()
    assert client.get(PAGE_PROTEGEE).status_code == 302


def test_quatre_echecs_ne_verrouillent_pas(client, agent, appareil):
    _echecs(client, agent.email, 4)
    response = connecter_avec_mot_de_passe(client, agent, REMOTE_ADDR="10.0.0.1")
    assert response["Location"] == "/connexion/code/"


def test_le_verrouillage_ne_bloque_pas_les_autres_comptes(client, agent, appareil):
    autre = UtilisateurFactory()
    TOTPDeviceFactory(user=autre)
    _echecs(client, agent.email, 6)

    response = connecter_avec_mot_de_passe(client, autre, REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 302
    assert response["Location"] == "/connexion/code/"


def test_le_verrouillage_ne_bloque_pas_le_meme_compte_ailleurs(client, agent, appareil):
    _echecs(client, agent.email, 6, ip="10.0.0.1")
    response = connecter_avec_mot_de_passe(client, agent, REMOTE_ADDR="10.0.0.2")
    assert response["Location"] == "/connexion/code/"


def test_le_verrouillage_cesse_apres_quinze_minutes(client, agent, appareil):
    _echecs(client, agent.email, 5)
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = connecter_avec_mot_de_passe(client, agent, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 302


# Sessions --------------------------------------------------------------------------------------


def test_session_expire_apres_trente_minutes_d_inactivite(client, agent):
    connecter_verifie(client, agent)
    maintenant = timezone.now()
    with time_machine.travel(maintenant + timedelta(minutes=29)):
        assert client.get(PAGE_PROTEGEE).status_code == 200
    with time_machine.travel(maintenant + timedelta(minutes=29 + 31)):
        response = client.get(PAGE_PROTEGEE)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


def test_session_expire_apres_dix_heures_meme_active(client, agent):
    maintenant = timezone.now()
    with time_machine.travel(maintenant, tick=False):
        connecter_verifie(client, agent)
        assert client.get(PAGE_PROTEGEE).status_code == 200
    for minutes in range(20, 10 * 60, 20):
        with time_machine.travel(maintenant + timedelta(minutes=minutes), tick=False):
            assert client.get(PAGE_PROTEGEE).status_code == 200
    with time_machine.travel(maintenant + timedelta(hours=10, minutes=1), tick=False):
        response = client.get(PAGE_PROTEGEE)
    assert response.status_code == 302
    assert response["Location"] == "/connexion/"


def test_deconnexion_supprime_la_session_cote_serveur(client, agent):
    connecter_verifie(client, agent)
    cle = client.session.session_key
    assert Session.objects.filter(session_key=cle).exists()

    client.post("/deconnexion/")

    assert not Session.objects.filter(session_key=cle).exists()
    client.cookies["sessionid"] = cle
    assert client.get(PAGE_PROTEGEE).status_code == 302


def test_deconnexion_refusee_en_get(client, agent):
    connecter_verifie(client, agent)
    assert client.get("/deconnexion/").status_code == 405
    assert client.get(PAGE_PROTEGEE).status_code == 200


def test_deja_connecte_la_page_de_connexion_mene_a_l_accueil_sans_boucle(client, agent):
    connecter_verifie(client, agent)
    response = client.get("/admin/")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response["Location"] == "/"
