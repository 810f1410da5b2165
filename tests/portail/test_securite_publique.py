"""Where a vulnerability is reported: the "Sécurité" page and /.well-known/security.txt."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from tests.conftest import connecter_verifie, texte

pytestmark = pytest.mark.django_db


def test_security_txt_conforme_rfc_9116(client, settings):
    settings.SECURITE_CONTACT = "mailto:cert@cpam.example"

    response = client.get("/.well-known/security.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    champs = dict(ligne.split(": ", 1) for ligne in texte(response).splitlines())
    assert champs["Contact"] == "mailto:cert@cpam.example"
    expire = datetime.strptime(champs["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert timezone.now() < expire < timezone.now() + timedelta(days=365)
    assert champs["Policy"].endswith("/securite/")
    assert champs["Preferred-Languages"].startswith("fr")


def test_page_securite_publique_donne_le_contact_du_reglage(client, settings):
    settings.SECURITE_CONTACT = "mailto:cert@cpam.example"

    response = client.get("/securite/")

    assert response.status_code == 200
    contenu = texte(response)
    assert "Signaler une vulnérabilité" in contenu
    assert "cert@cpam.example" in contenu
    assert "mailto:" not in contenu
    assert 'href="/securite/"' in client.get("/").content.decode()


def test_les_chiffres_du_verrouillage_viennent_des_reglages(client, settings, agent):
    """Lockout and idle expiry as people are told them follow the settings that enforce them."""
    settings.AXES_FAILURE_LIMIT = 7
    settings.AXES_COOLOFF_TIME = timedelta(minutes=25)
    settings.SESSION_COOKIE_AGE = 20 * 60

    page = texte(client.get("/securite/"))
    assert "Après 7 essais" in page and "bloquée 25 minutes" in page
    assert "au bout de 20 minutes" in page
    echec = client.post("/connexion/", {"username": agent.email, "password": "faux"})
    assert "après 7 échecs" in texte(echec) and "pendant 25 minutes" in texte(echec)

    connecter_verifie(client, agent)
    reconfirmation = texte(client.get("/compte/securite/confirmer-mot-de-passe/"))
    assert "Après 7 mots de passe incorrects" in reconfirmation
