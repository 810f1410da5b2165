"""Unknown HTTP methods are refused, and what a logged-in person sees is never cached.

The permission matrix (test_matrice.py) checks `Cache-Control: private, no-store` on every
response to every logged-in role; here, the anonymous side and the methods."""

import pytest

from tests.conftest import connecter_avec_mot_de_passe, connecter_verifie, texte

pytestmark = pytest.mark.django_db

# The login page is never cached by Django itself (it carries a CSRF token).
PAGES_PUBLIQUES = ["/", "/devenir-partenaire/", "/donnees-personnelles/", "/mentions-legales/"]


@pytest.mark.parametrize("methode", ["TRACE", "CONNECT", "PROPFIND", "OPTIONS", "FOO"])
@pytest.mark.parametrize("chemin", ["/", "/connexion/", "/demandes/", "/admin/", "/sante/"])
def test_methode_inconnue_refusee_en_405(client, methode, chemin):
    response = client.generic(methode, chemin)

    assert response.status_code == 405
    assert "Erreur 405" in texte(response)
    autorisees = {m.strip() for m in response["Allow"].split(",")}
    assert {"GET", "HEAD", "POST"} <= autorisees
    assert methode not in autorisees


def test_trace_d_une_personne_connectee_ne_renvoie_pas_la_page(client, agent_a):
    connecter_verifie(client, agent_a)

    response = client.generic("TRACE", "/demandes/")

    assert response.status_code == 405
    assert "Mes demandes" not in texte(response)


@pytest.mark.parametrize("methode", ["PUT", "PATCH", "DELETE"])
def test_methodes_d_ecriture_hors_back_office_refusees(client, agent_a, methode):
    connecter_verifie(client, agent_a)

    assert client.generic(methode, "/demandes/").status_code == 405
    assert client.generic(methode, "/").status_code == 405


def test_back_office_garde_les_methodes_de_ses_scripts(client, superviseur):
    """Wagtail's admin scripts send PATCH (dismissibles): the method reaches the view."""
    connecter_verifie(client, superviseur)

    response = client.generic("PATCH", "/admin/dismissibles/", "{}", "application/json")

    assert response.status_code != 405
    assert client.generic("TRACE", "/admin/").status_code == 405


def test_head_et_get_restent_servis(client):
    assert client.get("/connexion/").status_code == 200
    assert client.head("/connexion/").status_code == 200


@pytest.mark.parametrize("chemin", PAGES_PUBLIQUES)
def test_pages_publiques_anonymes_sans_no_store(client, chemin):
    response = client.get(chemin)

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("chemin", [*PAGES_PUBLIQUES, "/demandes/", "/compte/securite/"])
def test_toute_page_d_une_personne_connectee_en_no_store(client, agent_a, chemin):
    connecter_verifie(client, agent_a)

    response = client.get(chemin)

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_etape_du_code_deja_privee(client, agent, appareil):
    """Between the password and the code, the person is already identified."""
    connecter_avec_mot_de_passe(client, agent)

    response = client.get("/connexion/code/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
