"""Every non-public URL of the project, Wagtail admin included, needs a verified second factor."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from tests.conftest import connecter_avec_mot_de_passe, connecter_verifie, texte
from tests.factories import TOTPDeviceFactory

pytestmark = pytest.mark.django_db

PUBLIQUES = {
    "/",
    "/connexion/",
    "/deconnexion/",
    "/mot-de-passe/oublie/",
    "/mot-de-passe/envoye/",
    "/mot-de-passe/modifie/",
    "/mentions-legales/",
    "/donnees-personnelles/",
    "/accessibilite/",
    "/sante/",
    "/securite/",
    "/.well-known/security.txt",
    "/invitation/x/",
    "/devenir-partenaire/",
    "/devenir-partenaire/merci/",
    # The personal calendar feed: its private token is the key (404 without a valid one).
    "/formations/calendrier/x.ics",
    # Wagtail's login form, replaced by a redirection to /connexion/.
    "/admin/login/",
}

EXEMPLES = {"int": "1", "str": "x", "slug": "x", "path": "x/y", "uuid": "0" * 32}


def _exemple(route: str) -> str:
    """A concrete path for a route or a simple regex, with sample values for its parameters."""
    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: EXEMPLES.get(m.group(1) or "str", "x"), route)
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    return route.lstrip("^").rstrip("$").replace("\\", "")


def _chemins(motifs=None, prefixe=""):
    for motif in motifs if motifs is not None else get_resolver().url_patterns:
        route = prefixe + _exemple(str(motif.pattern))
        if isinstance(motif, URLResolver):
            yield from _chemins(motif.url_patterns, route)
        elif isinstance(motif, URLPattern) and not re.search(r"[\[\](){}*+?|]", route):
            yield "/" + route


def _chemins_proteges():
    chemins = set()
    for chemin in _chemins():
        try:
            correspondance = resolve(chemin)
        except Resolver404:
            continue
        vue = getattr(correspondance.func, "view_class", correspondance.func)
        if getattr(correspondance.func, "vue_publique", False) or getattr(
            vue, "vue_publique", False
        ):
            assert chemin in PUBLIQUES or chemin.startswith("/mot-de-passe/nouveau/"), chemin
            continue
        chemins.add(chemin)
    return sorted(chemins)


CHEMINS_PROTEGES = _chemins_proteges()


def test_la_liste_couvre_le_portail_et_l_administration():
    assert len(CHEMINS_PROTEGES) > 150
    assert "/compte/securite/" in CHEMINS_PROTEGES
    assert "/admin/" in CHEMINS_PROTEGES
    assert "/admin/securite-comptes/" in CHEMINS_PROTEGES
    assert any(chemin.startswith("/documents/") for chemin in CHEMINS_PROTEGES)
    # Wagtail pages are served by one public entry whose hook decides per page type:
    # their matrix is in tests/cms/test_acces_contenus.py.


def test_visiteur_anonyme_renvoye_vers_la_connexion(client):
    for chemin in CHEMINS_PROTEGES:
        for methode in (client.get, client.post):
            response = methode(chemin)
            assert response.status_code == 302, chemin
            assert response["Location"].startswith("/connexion/?next="), chemin


def test_mot_de_passe_sans_code_renvoye_vers_le_code(client, agent):
    TOTPDeviceFactory(user=agent)
    connecter_avec_mot_de_passe(client, agent)
    for chemin in CHEMINS_PROTEGES:
        if chemin in ("/connexion/code/", "/connexion/activation/"):
            continue
        response = client.get(chemin)
        assert response.status_code == 302, chemin
        assert response["Location"] == "/connexion/code/", chemin


@pytest.mark.parametrize(
    "chemin",
    sorted(
        PUBLIQUES
        - {"/deconnexion/", "/invitation/x/", "/formations/calendrier/x.ics", "/admin/login/"}
    ),
)
def test_pages_publiques_accessibles_sans_compte(client, chemin):
    assert client.get(chemin).status_code == 200


def test_un_agent_n_entre_pas_dans_l_administration(client, agent):
    connecter_verifie(client, agent)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert not response["Location"].startswith("/admin/")


@pytest.mark.parametrize("role", ["expert", "superviseur"])
def test_le_personnel_cpam_entre_dans_l_administration(client, request, role):
    connecter_verifie(client, request.getfixturevalue(role))
    assert client.get("/admin/").status_code == 200


def test_gabarit_accessible(client):
    contenu = texte(client.get("/connexion/"))
    assert '<html lang="fr">' in contenu
    assert 'href="#contenu"' in contenu and 'id="contenu"' in contenu
    assert contenu.count("<main") == 1 and 'role="banner"' in contenu
    assert 'role="contentinfo"' in contenu
    for lien in ("/mentions-legales/", "/donnees-personnelles/", "/accessibilite/"):
        assert f'href="{lien}"' in contenu
    assert '<label for="id_username">' in contenu


def test_formulaire_invalide_resume_des_erreurs_en_tete(client):
    response = client.post("/connexion/", {"username": "", "password": ""})
    contenu = texte(response)
    assert 'class="erreurs-resume" role="alert"' in contenu
    assert 'href="#id_username"' in contenu
    assert "Saisissez votre adresse e-mail." in contenu
    assert 'aria-invalid="true"' in contenu
    assert contenu.index("erreurs-resume") < contenu.index('name="username"')


def test_en_tetes_de_securite(client):
    response = client.get("/connexion/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]


def test_l_administration_n_appelle_aucun_service_tiers(client, superviseur):
    connecter_verifie(client, superviseur)
    contenu = texte(client.get("/admin/"))
    assert "gravatar" not in contenu
    # Links to documentation are fine; nothing is loaded from another host.
    assert not re.search(r'src="https?://', contenu)
    assert not re.search(r'<link[^>]+href="https?://', contenu)


def test_le_formulaire_de_connexion_de_wagtail_n_est_jamais_montre(client, agent):
    """Everybody logs in through /connexion/ (password, then second factor)."""
    reponse = client.get("/admin/login/?next=/admin/")
    assert reponse.status_code == 302
    assert reponse["Location"] == "/connexion/?next=/admin/"
    connecter_verifie(client, agent)
    assert client.get("/admin/login/").status_code == 302
