"""/sante/: database and broker status for the load balancer."""

import os

import pytest
from django.db import DatabaseError

pytestmark = pytest.mark.django_db


def test_sain_sans_broker_configure(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/sante/")
    assert response.status_code == 200
    assert response.json() == {
        "statut": "ok",
        "base_de_donnees": "ok",
        "broker": "non configuré",
    }
    assert response["Cache-Control"] == "no-store"


def test_broker_injoignable_degrade_mais_en_service(client, settings):
    """The portal still serves without its broker (e-mails wait in the outbox): a load
    balancer must keep it in rotation, monitoring sees "dégradé"."""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/sante/")
    assert response.status_code == 200
    assert response.json() == {
        "statut": "dégradé",
        "base_de_donnees": "ok",
        "broker": "indisponible",
    }


def test_base_injoignable(client, monkeypatch):
    def panne(*args, **kwargs):
        raise DatabaseError("connexion refusée")

    monkeypatch.setattr("portail.selectors.connection.cursor", panne)
    response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json()["statut"] == "dégradé"
    assert response.json()["base_de_donnees"] == "indisponible"


@pytest.mark.skipif(
    not os.environ.get("CELERY_BROKER_URL"), reason="Redis réel non configuré (CELERY_BROKER_URL)"
)
def test_broker_reel_joignable(client, settings):
    settings.CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
    response = client.get("/sante/")
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"
