"""Error pages: in French, in the portal's layout, never Django's English defaults, and a 503
asking to retry (not a 500) when the database is unreachable."""

import pytest
from django.test import Client

from tests.conftest import texte

pytestmark = pytest.mark.django_db


def test_page_introuvable_en_francais(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    contenu = texte(response)
    assert '<html lang="fr">' in contenu
    assert "Page introuvable" in contenu
    assert "Revenir à l'accueil du portail" in contenu
    assert "Not Found" not in contenu


def test_demande_inconnue_page_404(client, agent_a):
    from tests.conftest import connecter_verifie

    response = connecter_verifie(client, agent_a).get("/demandes/D-2026-999999/")
    assert response.status_code == 404
    assert "Page introuvable" in texte(response)


def test_acces_refuse_en_francais(client_agent):
    # An agent whose account is attached to no structure under convention.
    response = client_agent.get("/demandes/D-2026-999999/")
    assert response.status_code == 403
    contenu = texte(response)
    assert '<html lang="fr">' in contenu
    assert "403 Forbidden" not in contenu


def test_formulaire_expire_en_francais(agent):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/connexion/", {"username": agent.email, "password": "x"})
    assert response.status_code == 403
    contenu = texte(response)
    assert "Le formulaire a expiré" in contenu
    assert "Rien n'a été enregistré" in contenu
    assert "CSRF verification failed" not in contenu


@pytest.fixture
def client_sans_exception(settings):
    settings.ROOT_URLCONF = "tests.portail.urls_erreurs"
    return Client(raise_request_exception=False)


def test_erreur_interne_page_500_en_francais(client_sans_exception, settings):
    settings.DEMANDES_TELEPHONE_TRES_URGENT = "01 02 03 04 05"
    response = client_sans_exception.get("/essai/bogue/")
    assert response.status_code == 500
    contenu = texte(response)
    assert "Une erreur s'est produite sur le portail" in contenu
    assert "01 02 03 04 05" in contenu
    assert response["Cache-Control"] == "no-store"
    assert "Retry-After" not in response


def test_base_injoignable_503_avec_delai_de_nouvel_essai(client_sans_exception):
    response = client_sans_exception.get("/essai/panne-base/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    contenu = texte(response)
    assert "Le portail est momentanément indisponible" in contenu
    assert "Rien n'a été enregistré" in contenu
    # Nothing of the exception reaches the person.
    assert "5432" not in contenu


@pytest.mark.parametrize("debug", [True, False])
def test_base_verrouillee_503_en_francais_meme_en_debug(
    client_sans_exception, settings, caplog, debug
):
    """The SQLite demo runs with DEBUG on: a locked database must not show Django's English
    debug trace to the person, but the page asking to try again."""
    settings.DEBUG = debug
    response = client_sans_exception.get("/essai/base-verrouillee/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    contenu = texte(response)
    assert '<html lang="fr">' in contenu
    assert "Le portail est momentanément indisponible" in contenu
    assert "database is locked" not in contenu and "Traceback" not in contenu
    # The developer still finds the trace on the console.
    assert any("database is locked" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_autre_erreur_de_base_en_debug_garde_la_trace_du_developpeur(
    client_sans_exception, settings
):
    """A missing table or an unreachable server in development is the developer's to see."""
    settings.DEBUG = True
    response = client_sans_exception.get("/essai/panne-base/")
    assert response.status_code == 500
    assert "OperationalError" in texte(response)


def test_session_interrompue_par_la_base_503(client_sans_exception):
    response = client_sans_exception.get("/essai/session-interrompue/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Le portail est momentanément indisponible" in texte(response)


def test_requete_incorrecte_400_en_francais(client_sans_exception):
    response = client_sans_exception.get("/essai/requete-suspecte/")
    assert response.status_code == 400
    contenu = texte(response)
    assert "La requête n'a pas pu être comprise" in contenu
    assert "Bad Request" not in contenu


def test_pages_d_erreur_rendues_sans_base(client_sans_exception, django_assert_num_queries):
    """The 500/503 pages must not need the database that may have just failed."""
    from django.template import loader

    with django_assert_num_queries(0):
        for nom in ("500.html", "503.html", "403_csrf.html"):
            assert "Solidaires et partenaires" in loader.get_template(nom).render({})
