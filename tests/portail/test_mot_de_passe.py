"""Password reset by e-mail: it never logs in, so the second factor is still asked. It is the
only way to change a password."""

import re

import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice

from portail.models import EvenementSecurite
from tests.conftest import connecter_verifie, texte
from tests.factories import MOT_DE_PASSE

pytestmark = pytest.mark.django_db

NOUVEAU = "Une-phrase-de-passe-neuve-42"


def _demander(client, email, capture):
    with capture(execute=True):
        return client.post("/mot-de-passe/oublie/", {"email": email})


def _lien(message) -> str:
    return re.search(r"http://[^/\s]+(/mot-de-passe/nouveau/\S+)", message.body).group(1)


def test_reinitialisation_garde_la_double_authentification(
    client, agent, appareil, django_capture_on_commit_callbacks
):
    response = _demander(client, agent.email, django_capture_on_commit_callbacks)
    assert response["Location"] == "/mot-de-passe/envoye/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [agent.email]
    assert agent.last_name not in message.body

    response = client.get(_lien(message), follow=True)
    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": NOUVEAU, "new_password2": NOUVEAU}
    )

    assert response["Location"] == "/mot-de-passe/modifie/"
    assert "_auth_user_id" not in client.session
    assert TOTPDevice.objects.filter(user=agent, confirmed=True).exists()
    assert EvenementSecurite.objects.filter(
        utilisateur=agent, type=EvenementSecurite.Type.MOT_DE_PASSE_REINITIALISE
    ).exists()
    response = client.post("/connexion/", {"username": agent.email, "password": NOUVEAU})
    assert response["Location"] == "/connexion/code/"
    assert client.get("/compte/securite/")["Location"] == "/connexion/code/"


def test_le_lien_ne_sert_qu_une_fois(client, agent, appareil, django_capture_on_commit_callbacks):
    _demander(client, agent.email, django_capture_on_commit_callbacks)
    lien = _lien(mail.outbox[0])
    response = client.get(lien, follow=True)
    client.post(
        response.redirect_chain[-1][0], {"new_password1": NOUVEAU, "new_password2": NOUVEAU}
    )

    response = client.get(lien, follow=True)

    assert "Ce lien n'est plus valable" in texte(response)


def test_adresse_inconnue_meme_reponse_sans_courriel(client, django_capture_on_commit_callbacks):
    response = _demander(client, "inconnu@exemple.fr", django_capture_on_commit_callbacks)
    assert response["Location"] == "/mot-de-passe/envoye/"
    assert mail.outbox == []


def test_mot_de_passe_trop_faible_refuse_en_francais(
    client, agent, django_capture_on_commit_callbacks
):
    _demander(client, agent.email, django_capture_on_commit_callbacks)
    response = client.get(_lien(mail.outbox[0]), follow=True)

    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": "court", "new_password2": "court"}
    )

    assert response.status_code == 200
    assert "Ce mot de passe est trop court" in texte(response)
    assert agent.check_password("Mot-de-passe-de-test-2026")


def test_adresse_invalide_message_clair(client):
    response = client.post("/mot-de-passe/oublie/", {"email": "pas-une-adresse"})
    assert response.status_code == 200
    assert "Saisissez une adresse e-mail valide" in texte(response)
    assert 'value="pas-une-adresse"' in response.content.decode()


def test_le_compte_du_back_office_ne_teste_pas_de_mot_de_passe(client, expert):
    """Wagtail's account page checked the old password without any attempt limit: a stolen
    back-office session could guess it there. It has no password form any more."""
    connecter_verifie(client, expert)
    assert "old_password" not in texte(client.get("/admin/account/"))
    profil = {
        "name_email-email": expert.email,
        "name_email-first_name": expert.first_name,
        "name_email-last_name": expert.last_name,
        "locale-current_time_zone": "Europe/Paris",
        "theme-theme": "system",
        "theme-density": "default",
        "theme-contrast": "system",
    }

    for ancien in ("faux-1", "faux-2", MOT_DE_PASSE):
        client.post(
            "/admin/account/",
            {
                **profil,
                "password-old_password": ancien,
                "password-new_password1": NOUVEAU,
                "password-new_password2": NOUVEAU,
            },
        )

    expert.refresh_from_db()
    assert expert.check_password(MOT_DE_PASSE)
    assert not expert.check_password(NOUVEAU)


def test_le_compte_du_back_office_ne_change_pas_l_adresse_de_connexion(client, expert):
    """The e-mail is the login and where password links go: a session alone must not move it."""
    connecter_verifie(client, expert)
    assert "name_email-email" not in texte(client.get("/admin/account/"))

    client.post(
        "/admin/account/",
        {
            "name_email-email": "voleur@exemple.fr",
            "name_email-first_name": expert.first_name,
            "name_email-last_name": expert.last_name,
            "theme-theme": "system",
            "theme-density": "default",
            "theme-contrast": "system",
        },
    )

    expert.refresh_from_db()
    assert expert.email != "voleur@exemple.fr"
