"""The invitation link: account creation, existing accounts, used, expired and unknown links."""

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from conventions import selectors, services
from conventions.models import Adhesion, Invitation
from tests.conftest import connecter_verifie, texte
from tests.factories import UtilisateurFactory

pytestmark = pytest.mark.django_db

Utilisateur = get_user_model()
NOUVEAU_MOT_DE_PASSE = "Bus-itinerant-Loches-2026"


def _inviter(partenaire, auteur, email="nouvelle.agente@exemple.fr", role="agent"):
    return services.invitation_creer(partenaire=partenaire, email=email, role=role, auteur=auteur)


def _formulaire(**modifications):
    donnees = {
        "first_name": "Camille",
        "last_name": "Martin",
        "phone": "02 47 00 00 00",
        "password1": NOUVEAU_MOT_DE_PASSE,
        "password2": NOUVEAU_MOT_DE_PASSE,
    }
    return {**donnees, **modifications}


# Creating an account ---------------------------------------------------------------------------


def test_accepter_une_invitation_de_bout_en_bout(
    client, referent_a, structure_a, django_capture_on_commit_callbacks
):
    # The référent invites from their page; the link is read in the e-mail, as the person would.
    referent = connecter_verifie(client.__class__(), referent_a)
    with django_capture_on_commit_callbacks(execute=True):
        referent.post(
            f"/structure/{structure_a.pk}/inviter/",
            {"email": "camille.martin@exemple.fr", "role": "agent"},
        )
    lien = re.search(r"https?://[^/\s]+(/invitation/[\w-]+/)", mail.outbox[0].body).group(1)

    response = client.get(lien)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    page = texte(response)
    assert structure_a.nom in page
    assert "camille.martin@exemple.fr" in page

    response = client.post(lien, _formulaire())
    assert response.status_code == 302
    assert response["Location"] == "/connexion/activation/"

    utilisateur = Utilisateur.objects.get(email="camille.martin@exemple.fr")
    assert (utilisateur.first_name, utilisateur.last_name, utilisateur.phone) == (
        "Camille",
        "Martin",
        "02 47 00 00 00",
    )
    assert utilisateur.check_password(NOUVEAU_MOT_DE_PASSE)
    adhesion = Adhesion.objects.get(utilisateur=utilisateur)
    assert (adhesion.partenaire, adhesion.role, adhesion.active) == (structure_a, "agent", True)
    assert Invitation.objects.get().utilisee_le is not None
    assert selectors.acces_portail(utilisateur).autorise

    # Logged in, but with no second factor yet: enrolment is forced on every other page.
    assert client.get("/connexion/activation/").status_code == 200
    for chemin in ("/structure/", "/compte/securite/"):
        response = client.get(chemin)
        assert response.status_code == 302, chemin
        assert response["Location"] == "/connexion/activation/", chemin


def test_une_invitation_de_referent_donne_la_gestion(client, referent_a, structure_a):
    invitation = _inviter(structure_a, referent_a, role="referent")
    client.post(f"/invitation/{invitation.jeton}/", _formulaire())
    utilisateur = Utilisateur.objects.get(email="nouvelle.agente@exemple.fr")
    assert utilisateur.adhesions.get().role == "referent"
    assert list(selectors.partenaires_geres(utilisateur)) == [structure_a]


@pytest.mark.parametrize(
    ("modifications", "champ", "erreur"),
    [
        ({"first_name": ""}, "first_name", "Saisissez votre prénom."),
        ({"password2": "Autre-mot-de-passe-2026"}, "password2", "ne sont pas identiques"),
        ({"password1": "Zq7-k", "password2": "Zq7-k"}, "password1", "trop court"),
        (
            {"password1": "123456789012345", "password2": "123456789012345"},
            "password1",
            "entièrement numérique",
        ),
        ({"phone": "pas un numéro"}, "phone", "Saisissez un numéro de téléphone valide"),
    ],
)
def test_saisie_invalide_rien_n_est_ecrit_et_la_saisie_reste(
    client, referent_a, structure_a, modifications, champ, erreur
):
    invitation = _inviter(structure_a, referent_a)
    donnees = _formulaire(**modifications)
    response = client.post(f"/invitation/{invitation.jeton}/", donnees)
    assert response.status_code == 200
    page = texte(response)
    assert erreur in page
    assert "Le formulaire contient une erreur" in page
    assert re.search(
        rf'id="id_{champ}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="id_{champ}"', page
    )
    # What was typed stays, except the passwords.
    for nom in ("first_name", "last_name", "phone"):
        if donnees[nom]:
            assert f'value="{donnees[nom]}"' in page, nom
    assert donnees["password1"] not in page
    assert donnees["password2"] not in page
    assert not Utilisateur.objects.filter(email=invitation.email).exists()
    assert Invitation.objects.get().utilisee_le is None
    assert "_auth_user_id" not in client.session


def test_le_mot_de_passe_trop_proche_du_nom_est_refuse(client, referent_a, structure_a):
    invitation = _inviter(structure_a, referent_a)
    response = client.post(
        f"/invitation/{invitation.jeton}/",
        _formulaire(first_name="Archibald", password1="archibald2026", password2="archibald2026"),
    )
    assert response.status_code == 200
    assert "trop semblable" in texte(response)
    assert not Utilisateur.objects.filter(email=invitation.email).exists()


# Invalid links ---------------------------------------------------------------------------------


def test_lien_inconnu_404(client):
    response = client.get("/invitation/nimporte-quoi/")
    assert response.status_code == 404
    page = texte(response)
    assert "Ce lien d'invitation n'est pas valide" in page
    assert "nouvelle invitation" in page


def test_invitation_utilisee_deux_fois_410(client, referent_a, structure_a):
    invitation = _inviter(structure_a, referent_a)
    assert client.post(f"/invitation/{invitation.jeton}/", _formulaire()).status_code == 302
    client.logout()
    for methode in (client.get, client.post):
        response = methode(f"/invitation/{invitation.jeton}/", _formulaire(first_name="Intrus"))
        assert response.status_code == 410
        assert "Cette invitation a déjà été utilisée" in texte(response)
    assert Utilisateur.objects.filter(email=invitation.email).count() == 1
    assert not Utilisateur.objects.filter(first_name="Intrus").exists()


def test_invitation_expiree_410(client, referent_a, structure_a):
    invitation = _inviter(structure_a, referent_a)
    with time_machine.travel(timezone.now() + timedelta(hours=71, minutes=59), tick=False):
        assert client.get(f"/invitation/{invitation.jeton}/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=72, minutes=1), tick=False):
        response = client.post(f"/invitation/{invitation.jeton}/", _formulaire())
    assert response.status_code == 410
    page = texte(response)
    assert "Cette invitation a expiré" in page
    assert "Demandez au référent de votre structure de vous envoyer une nouvelle invitation" in page
    assert not Utilisateur.objects.filter(email=invitation.email).exists()


# Existing accounts (itinerant agents belong to several structures) -----------------------------


def test_compte_existant_doit_se_connecter_d_abord(client, referent_b, agent_a, structure_b):
    invitation = _inviter(structure_b, referent_b, email=agent_a.email)
    chemin = f"/invitation/{invitation.jeton}/"
    response = client.get(chemin)
    assert response.status_code == 200
    assert f'href="/connexion/?next={quote(chemin, safe="")}"' in response.content.decode()
    # Posting the creation form anyway writes nothing.
    response = client.post(chemin, _formulaire())
    assert response.status_code == 200
    assert "Un compte existe déjà" in texte(response)
    assert not agent_a.adhesions.filter(partenaire=structure_b).exists()
    assert Invitation.objects.get().utilisee_le is None


def test_compte_connecte_sans_second_facteur_doit_finir_la_connexion(
    client, referent_b, agent_a, structure_b
):
    invitation = _inviter(structure_b, referent_b, email=agent_a.email)
    client.force_login(agent_a)
    response = client.post(f"/invitation/{invitation.jeton}/")
    assert response.status_code == 200
    assert "Se connecter pour accepter l'invitation" in texte(response)
    assert not agent_a.adhesions.filter(partenaire=structure_b).exists()


def test_agent_itinerant_accepte_une_seconde_structure(
    client, referent_b, agent_a, structure_a, structure_b
):
    invitation = _inviter(structure_b, referent_b, email=agent_a.email.upper())
    connecter_verifie(client, agent_a)
    chemin = f"/invitation/{invitation.jeton}/"
    response = client.get(chemin)
    assert response.status_code == 200
    assert "Accepter l'invitation" in texte(response)
    assert not agent_a.adhesions.filter(partenaire=structure_b).exists()

    response = client.post(chemin, follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert f"Vous faites désormais partie de la structure « {structure_b.nom} »" in texte(response)
    assert set(agent_a.adhesions.filter(active=True).values_list("partenaire", flat=True)) == {
        structure_a.pk,
        structure_b.pk,
    }
    assert client.get(chemin).status_code == 410


def test_une_autre_adresse_connectee_est_refusee(client, referent_b, agent_a, structure_b):
    invitation = _inviter(structure_b, referent_b, email="quelquun.dautre@exemple.fr")
    connecter_verifie(client, agent_a)
    for methode in (client.get, client.post):
        response = methode(f"/invitation/{invitation.jeton}/")
        assert response.status_code == 403
        assert "destinée à une autre adresse e-mail" in texte(response)
    assert not agent_a.adhesions.filter(partenaire=structure_b).exists()
    assert Invitation.objects.get().utilisee_le is None


def test_un_visiteur_ne_voit_que_sa_propre_invitation(client, referent_a, structure_a):
    autre = UtilisateurFactory()
    invitation = _inviter(structure_a, referent_a)
    page = texte(client.get(f"/invitation/{invitation.jeton}/"))
    assert referent_a.email not in page
    assert autre.email not in page
