"""Where each person lands after login, and the links between the partner portal and the
back-office (issue 14, landing)."""

import pytest
from django.test import RequestFactory
from wagtail.admin.menu import admin_menu

from portail import roles
from tests.conftest import code_totp, connecter_verifie, rattacher, texte
from tests.factories import MOT_DE_PASSE, TOTPDeviceFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db

ESPACES = [
    ([roles.EXPERT_CPAM], "/admin/demandes/"),
    ([roles.SUPERVISEUR_CPAM], "/admin/tableau-de-bord/"),
    ([roles.EDITEUR], "/admin/pages/"),
    ([roles.FORMATEUR], "/admin/formations/sessions/"),
    ([roles.AGENT_PARTENAIRE], "/"),
    ([roles.REFERENT_PARTENAIRE], "/"),
    # Several CPAM roles: the first in the documented order wins.
    ([roles.FORMATEUR, roles.SUPERVISEUR_CPAM], "/admin/tableau-de-bord/"),
    ([roles.SUPERVISEUR_CPAM, roles.EXPERT_CPAM], "/admin/demandes/"),
    ([roles.EDITEUR, roles.FORMATEUR], "/admin/pages/"),
    # A CPAM person who is also a partner's agent starts in the back-office.
    ([roles.AGENT_PARTENAIRE, roles.EXPERT_CPAM], "/admin/demandes/"),
]


def _se_connecter(client, utilisateur, suivant=None):
    appareil = TOTPDeviceFactory(user=utilisateur)
    donnees = {"username": utilisateur.email, "password": MOT_DE_PASSE}
    url = "/connexion/"
    if suivant is not None:
        donnees["next"] = suivant
        url += f"?next={suivant}"
    assert client.post(url, donnees)["Location"] == "/connexion/code/"
    return client.post("/connexion/code/", {"code": code_totp(appareil)})


@pytest.mark.parametrize(("noms", "espace"), ESPACES)
def test_chacun_arrive_sur_son_espace_apres_le_second_facteur(client, noms, espace):
    utilisateur = UtilisateurFactory(roles=noms)

    response = _se_connecter(client, utilisateur)

    assert response.status_code == 302
    assert response["Location"] == espace
    # A workspace this person may open (the explorer sends an editor on to their root page; a
    # partner without a structure is told why on the portal home, with a 403).
    assert client.get(espace, follow=True).status_code == (403 if espace == "/" else 200)


@pytest.mark.parametrize(("noms", "espace"), ESPACES)
def test_deja_connecte_la_page_de_connexion_mene_a_son_espace(client, noms, espace):
    connecter_verifie(client, UtilisateurFactory(roles=noms))

    response = client.get("/connexion/?next=/compte/securite/")

    assert response["Location"] == espace


def test_superutilisateur_sans_role_arrive_sur_l_accueil_du_back_office(client):
    utilisateur = UtilisateurFactory(is_superuser=True)
    assert _se_connecter(client, utilisateur)["Location"] == "/admin/"


def test_un_compte_desactive_n_a_pas_d_espace_cpam():
    expert = UtilisateurFactory(roles=[roles.EXPERT_CPAM], is_active=False)
    assert roles.espace_cpam(expert) is None


@pytest.mark.parametrize("noms", [[roles.EXPERT_CPAM], [roles.AGENT_PARTENAIRE]])
def test_un_suivant_sur_du_site_l_emporte(client, noms):
    response = _se_connecter(client, UtilisateurFactory(roles=noms), "/compte/securite/")
    assert response["Location"] == "/compte/securite/"


@pytest.mark.parametrize("suivant", ["https://pirate.example/admin/", "//pirate.example/", "0"])
def test_un_suivant_hors_du_site_ne_l_emporte_pas(client, suivant):
    response = _se_connecter(client, UtilisateurFactory(roles=[roles.EXPERT_CPAM]), suivant)
    assert response["Location"] == "/admin/demandes/"


def test_le_partenaire_n_atterrit_jamais_dans_le_back_office(client, agent_a):
    response = _se_connecter(client, agent_a, "/admin/")
    # `next` asked for the back-office: the partner is sent there, which refuses them.
    assert not client.get("/admin/", follow=True).request["PATH_INFO"].startswith("/admin/")
    assert client.get("/connexion/")["Location"] == "/"
    assert response.status_code == 302


def test_le_partenaire_ne_voit_aucun_lien_vers_le_back_office(client, agent_a):
    connecter_verifie(client, agent_a)

    contenu = texte(client.get("/"))

    assert "Espace CPAM" not in contenu
    assert "/admin/" not in contenu
    assert "Mes demandes" in contenu


@pytest.mark.parametrize(
    ("role", "espace"),
    [(roles.EXPERT_CPAM, "/admin/demandes/"), (roles.FORMATEUR, "/admin/formations/sessions/")],
)
def test_le_personnel_cpam_a_le_lien_vers_son_espace_dans_l_en_tete_et_sur_l_accueil(
    client, role, espace
):
    connecter_verifie(client, UtilisateurFactory(roles=[role]))

    contenu = client.get("/").content.decode()

    assert contenu.count(f'href="{espace}"') == 2  # the header and the "Espace CPAM" card
    assert "Ouvrir l&#x27;espace CPAM" in contenu or "Ouvrir l'espace CPAM" in contenu


def _menu(utilisateur) -> set[str]:
    requete = RequestFactory().get("/admin/")
    requete.user = utilisateur
    return {item.name for item in admin_menu.menu_items_for_request(requete)}


def test_le_menu_du_back_office_mene_a_l_espace_partenaire_si_la_personne_est_partenaire(
    client, structure_a
):
    expert_et_agent = UtilisateurFactory(roles=[roles.EXPERT_CPAM])
    rattacher(expert_et_agent, structure_a)

    assert "espace-partenaire" in _menu(expert_et_agent)
    assert "espace-partenaire" not in _menu(UtilisateurFactory(roles=[roles.EXPERT_CPAM]))
    connecter_verifie(client, expert_et_agent)
    assert "Espace partenaire" in texte(client.get("/admin/demandes/"))
    assert "Espace CPAM" in texte(client.get("/"))
