"""The "Données personnelles" page: a processing register edited by superviseurs."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from portail import roles
from portail.models import RegistreTraitement
from tests.conftest import connecter_verifie, texte
from tests.factories import UtilisateurFactory

pytestmark = pytest.mark.django_db

PAGE = "/donnees-personnelles/"
ADMIN = "/admin/donnees-personnelles/"
CHAMPS = ["finalites", "donnees", "destinataires", "durees", "droits", "contact_dpo"]


def _saisie(**changements) -> dict:
    donnees = {champ: f"Texte de {champ}." for champ in CHAMPS}
    donnees.update(changements)
    return donnees


@pytest.fixture
def client_superviseur(client, superviseur):
    return connecter_verifie(client, superviseur)


def test_page_publique_par_defaut_sur_une_base_vide(client, settings):
    settings.DEMANDES_CONSERVATION_MOIS = 18
    assert not RegistreTraitement.objects.exists()
    response = client.get(PAGE)
    assert response.status_code == 200
    contenu = texte(response)
    for titre in ("Finalités du traitement", "Données traitées", "Destinataires"):
        assert titre in contenu
    assert "dpo@cpam-exemple.fr" in contenu and "à remplacer" in contenu
    assert "NIR" in contenu
    assert (
        '<th scope="row">Journal des accès</th>'
        '<td data-label="Durée de conservation">365 jours</td>' in contenu
    )
    assert "anonymisées 18 mois après la clôture de la demande" in contenu
    assert RegistreTraitement.objects.count() == 1


def test_le_superviseur_modifie_la_page(client_superviseur, superviseur):
    assert client_superviseur.get(ADMIN).status_code == 200
    response = client_superviseur.post(
        ADMIN,
        _saisie(
            finalites="Premier paragraphe.\n\nSecond paragraphe <b>gras</b>.",
            contact_dpo="dpo@cpam-37.fr",
        ),
    )
    assert response.status_code == 302 and response["Location"] == ADMIN
    registre = RegistreTraitement.objects.get()
    assert registre.pk == 1 and registre.modifie_par == superviseur and registre.modifie_le

    client_superviseur.logout()
    contenu = client_superviseur.get(PAGE).content.decode()
    assert "<p>Premier paragraphe.</p>" in contenu
    assert "<p>Second paragraphe &lt;b&gt;gras&lt;/b&gt;.</p>" in contenu
    assert "dpo@cpam-37.fr" in contenu and "dpo@cpam-exemple.fr" not in contenu
    assert "Texte de droits." in contenu
    assert "Page mise à jour le" in texte(client_superviseur.get(PAGE))


def test_contact_vide_refuse_et_saisie_conservee(client_superviseur):
    avant = RegistreTraitement.objects.get_or_create(pk=1, defaults=_saisie())[0].contact_dpo
    response = client_superviseur.post(
        ADMIN, _saisie(contact_dpo="   \n ", finalites="Finalités revues par la CPAM.")
    )
    assert response.status_code == 200
    contenu = texte(response)
    assert "Indiquez comment joindre le délégué à la protection des données" in contenu
    assert "Finalités revues par la CPAM." in contenu  # what was typed is kept
    assert RegistreTraitement.objects.get().contact_dpo == avant
    assert RegistreTraitement.objects.get().finalites != "Finalités revues par la CPAM."


@pytest.mark.parametrize("role", ["agent", "expert", "editeur"])
def test_seul_le_superviseur_modifie_la_page(client, request, role):
    utilisateur = (
        UtilisateurFactory(roles=[roles.EDITEUR])
        if role == "editeur"
        else request.getfixturevalue(role)
    )
    connecter_verifie(client, utilisateur)
    assert client.get(ADMIN).status_code in (302, 403)
    response = client.post(ADMIN, _saisie(contact_dpo="pirate@exemple.fr"))
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert not response["Location"].startswith(ADMIN)
    assert "pirate@exemple.fr" not in texte(client.get(PAGE))


@pytest.mark.parametrize(("role", "visible"), [("superviseur", True), ("expert", False)])
def test_entree_de_menu_reservee_au_superviseur(client, request, role, visible):
    connecter_verifie(client, request.getfixturevalue(role))
    assert (ADMIN in texte(client.get("/admin/"))) is visible


@pytest.mark.parametrize("role", roles.TOUS)
def test_permissions_de_protection_des_donnees_au_seul_superviseur(role):
    codes = set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))
    attendu = role == roles.SUPERVISEUR_CPAM
    assert ("consulter_journal" in codes) is attendu
    assert ("change_registretraitement" in codes) is attendu


@pytest.mark.django_db(transaction=True)
def test_les_permissions_survivent_a_un_vidage_de_la_base(client):
    call_command("flush", "--no-input")
    codes = set(
        Group.objects.get(name=roles.SUPERVISEUR_CPAM).permissions.values_list(
            "codename", flat=True
        )
    )
    assert {"consulter_journal", "change_registretraitement"} <= codes
    assert client.get(PAGE).status_code == 200
