"""The référent's page: who may manage which structure, invitations, deactivation, roles."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conventions import selectors
from conventions.models import Adhesion, Invitation
from tests.conftest import connecter_verifie, rattacher, texte
from tests.factories import UtilisateurFactory

pytestmark = pytest.mark.django_db


def _adhesion(utilisateur, partenaire):
    return Adhesion.objects.get(utilisateur=utilisateur, partenaire=partenaire, active=True)


def _urls(partenaire, adhesion):
    base = f"/structure/{partenaire.pk}/"
    return [
        base,
        f"{base}inviter/",
        f"{base}rattachements/{adhesion.pk}/desactiver/",
        f"{base}rattachements/{adhesion.pk}/role/",
    ]


def _etat(partenaire):
    return (
        sorted(
            Adhesion.objects.filter(partenaire=partenaire).values_list(
                "pk", "utilisateur_id", "role", "active"
            )
        ),
        Invitation.objects.filter(partenaire=partenaire).count(),
    )


# Who manages what ------------------------------------------------------------------------------


def test_un_referent_de_a_ne_gere_pas_b(client, referent_a, structure_b, referent_b, agent_b):
    connecter_verifie(client, referent_a)
    adhesion_b = _adhesion(agent_b, structure_b)
    avant = _etat(structure_b)
    donnees = {"email": "intrus@exemple.fr", "role": "referent", "confirmer": "oui"}
    for url in _urls(structure_b, adhesion_b):
        assert client.get(url).status_code == 404, url
        assert client.post(url, donnees).status_code == 404, url
    # Nor through its own structure's URL with B's membership.
    assert (
        client.post(
            f"/structure/{referent_a.adhesions.get().partenaire_id}/"
            f"rattachements/{adhesion_b.pk}/desactiver/",
            {"confirmer": "oui"},
        ).status_code
        == 404
    )
    assert _etat(structure_b) == avant
    assert len(mail.outbox) == 0


def test_un_agent_n_a_pas_de_page_de_gestion(client, agent_a, structure_a, referent_a):
    connecter_verifie(client, agent_a)
    adhesion = _adhesion(referent_a, structure_a)
    assert client.get("/structure/").status_code == 404
    for url in _urls(structure_a, adhesion):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"role": "agent", "confirmer": "oui"}).status_code == 404, url
    assert _adhesion(referent_a, structure_a).role == "referent"


def test_un_visiteur_anonyme_est_envoye_a_la_connexion(client, structure_a):
    response = client.get(f"/structure/{structure_a.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")


def test_le_referent_est_redirige_vers_sa_structure(client, referent_a, structure_a):
    connecter_verifie(client, referent_a)
    response = client.get("/structure/")
    assert response.status_code == 302
    assert response["Location"] == f"/structure/{structure_a.pk}/"


def test_un_referent_de_deux_structures_les_voit_listees(client, referent_a, structure_b):
    rattacher(referent_a, structure_b, "referent")
    connecter_verifie(client, referent_a)
    response = client.get("/structure/")
    assert response.status_code == 200
    assert structure_b.nom in texte(response)


def test_le_superviseur_gere_toute_structure(
    client, superviseur, structure_a, structure_b, agent_a
):
    connecter_verifie(client, superviseur)
    liste = texte(client.get("/structure/"))
    assert structure_a.nom in liste
    assert structure_b.nom in liste
    assert client.get(f"/structure/{structure_b.pk}/").status_code == 200
    response = client.get(f"/structure/{structure_a.pk}/")
    assert response.status_code == 200
    assert agent_a.get_full_name() in texte(response)
    adhesion = _adhesion(agent_a, structure_a)
    client.post(
        f"/structure/{structure_a.pk}/rattachements/{adhesion.pk}/role/", {"role": "referent"}
    )
    assert Adhesion.objects.get(pk=adhesion.pk).role == "referent"
    client.post(
        f"/structure/{structure_a.pk}/rattachements/{adhesion.pk}/desactiver/",
        {"confirmer": "oui"},
    )
    adhesion.refresh_from_db()
    assert not adhesion.active
    assert adhesion.desactivee_par == superviseur


def test_la_convention_suspendue_ferme_la_page_du_referent(client, referent_a, structure_a):
    structure_a.conventions.update(statut="suspendue")
    connecter_verifie(client, referent_a)
    response = client.get(f"/structure/{structure_a.pk}/")
    assert response.status_code == 403
    assert "suspendue" in texte(response)


# The page --------------------------------------------------------------------------------------


def test_la_fiche_montre_structure_convention_et_rattachements(
    client, referent_a, agent_a, structure_a
):
    convention = structure_a.conventions.get()
    connecter_verifie(client, referent_a)
    response = client.get(f"/structure/{structure_a.pk}/")
    assert response.status_code == 200
    page = texte(response)
    for attendu in (
        structure_a.nom,
        structure_a.adresse,
        structure_a.numero_label_france_services,
        "France Services",
        convention.numero,
        "en vigueur",
        f"{convention.date_fin:%d/%m/%Y}",
        agent_a.get_full_name(),
        f"Désactiver l'accès de {agent_a.get_full_name()}",
        f"Nommer {agent_a.get_full_name()} référent",
        f"Retirer le rôle de référent à {referent_a.get_full_name()}",
    ):
        assert attendu in page, attendu


def test_les_rattachements_actifs_d_abord(client, referent_a, structure_a):
    ancien = UtilisateurFactory(last_name="Aaaa")
    adhesion = rattacher(ancien, structure_a)
    Adhesion.objects.filter(pk=adhesion.pk).update(active=False)
    connecter_verifie(client, referent_a)
    page = texte(client.get(f"/structure/{structure_a.pk}/"))
    assert page.index(referent_a.get_full_name()) < page.index(ancien.get_full_name())


def test_nombre_de_requetes_identique_avec_1_et_30_rattachements(client, referent_a, structure_a):
    connecter_verifie(client, referent_a)
    url = f"/structure/{structure_a.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as avec_un:
        assert client.get(url).status_code == 200
    for _ in range(29):
        rattacher(UtilisateurFactory(), structure_a)
    Adhesion.objects.filter(partenaire=structure_a, role="agent").order_by("pk").filter(
        pk__in=Adhesion.objects.filter(partenaire=structure_a, role="agent")[:3].values("pk")
    ).update(active=False, desactivee_par=referent_a)
    with CaptureQueriesContext(connection) as avec_trente:
        response = client.get(url)
    assert Adhesion.objects.filter(partenaire=structure_a).count() == 30
    assert texte(response).count("Désactiver l'accès de") == 27
    assert len(avec_un) == len(avec_trente), [q["sql"] for q in avec_trente]


# Invitations -----------------------------------------------------------------------------------


def test_inviter_envoie_un_courriel_avec_le_lien_seulement(
    client, referent_a, agent_a, structure_a, django_capture_on_commit_callbacks
):
    agent_a.phone = "02 47 11 22 33"
    agent_a.save()
    connecter_verifie(client, referent_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/structure/{structure_a.pk}/inviter/",
            {"email": "  Nouvelle.Agente@Exemple.fr ", "role": "agent"},
        )
    assert response.status_code == 302
    assert response["Location"] == f"/structure/{structure_a.pk}/"
    assert "Invitation envoyée à nouvelle.agente@exemple.fr" in texte(client.get(response.url))

    assert len(mail.outbox) == 1
    courriel = mail.outbox[0]
    assert courriel.to == ["nouvelle.agente@exemple.fr"]
    assert re.search(rf"{re.escape(settings.PORTAIL_URL)}/invitation/[\w-]{{20,}}/", courriel.body)
    # Nobody else's data: not the other members, not the référent's address or phone.
    for donnee in (agent_a.email, agent_a.get_full_name(), agent_a.phone, referent_a.email):
        assert donnee not in courriel.body
        assert donnee not in courriel.subject
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.cree_par) == (
        "nouvelle.agente@exemple.fr",
        "agent",
        referent_a,
    )
    assert invitation.utilisee_le is None


@pytest.mark.parametrize(
    ("email", "erreur"),
    [
        ("", "Saisissez l'adresse e-mail de la personne à inviter."),
        ("pas-une-adresse@", "Saisissez une adresse e-mail valide"),
    ],
)
def test_invitation_mal_saisie_erreur_en_francais_et_saisie_gardee(
    client, referent_a, structure_a, email, erreur
):
    connecter_verifie(client, referent_a)
    response = client.post(
        f"/structure/{structure_a.pk}/inviter/", {"email": email, "role": "referent"}
    )
    assert response.status_code == 200
    page = texte(response)
    assert erreur in page
    assert "Le formulaire contient une erreur" in page
    assert 'aria-invalid="true"' in page
    if email:
        assert f'value="{email}"' in page
    assert re.search(r'<option value="referent"[^>]*selected', page)
    assert not Invitation.objects.exists()
    assert len(mail.outbox) == 0


def test_inviter_un_membre_deja_rattache_est_refuse(client, referent_a, agent_a, structure_a):
    connecter_verifie(client, referent_a)
    response = client.post(
        f"/structure/{structure_a.pk}/inviter/", {"email": agent_a.email.upper(), "role": "agent"}
    )
    assert response.status_code == 200
    assert "Cette personne fait déjà partie de la structure." in texte(response)
    assert not Invitation.objects.exists()


def test_role_inconnu_refuse(client, referent_a, structure_a):
    connecter_verifie(client, referent_a)
    response = client.post(
        f"/structure/{structure_a.pk}/inviter/", {"email": "x@exemple.fr", "role": "chef"}
    )
    assert response.status_code == 200
    assert "Choisissez « Agent » ou « Référent »." in texte(response)
    assert not Invitation.objects.exists()


def test_get_sur_une_action_ramene_a_la_fiche(client, referent_a, agent_a, structure_a):
    connecter_verifie(client, referent_a)
    for url in _urls(structure_a, _adhesion(agent_a, structure_a))[1:]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"/structure/{structure_a.pk}/"
    assert _adhesion(agent_a, structure_a).role == "agent"


# Deactivation ----------------------------------------------------------------------------------


def test_desactiver_demande_confirmation(client, referent_a, agent_a, structure_a):
    connecter_verifie(client, referent_a)
    adhesion = _adhesion(agent_a, structure_a)
    response = client.post(f"/structure/{structure_a.pk}/rattachements/{adhesion.pk}/desactiver/")
    assert response.status_code == 200
    assert f"Oui, désactiver l'accès de {agent_a.get_full_name()}" in texte(response)
    adhesion.refresh_from_db()
    assert adhesion.active


def test_agent_desactive_perd_l_acces_et_l_historique_reste(
    client, referent_a, agent_a, structure_a
):
    adhesion = _adhesion(agent_a, structure_a)
    assert selectors.acces_portail(agent_a).autorise
    connecter_verifie(client, referent_a)
    response = client.post(
        f"/structure/{structure_a.pk}/rattachements/{adhesion.pk}/desactiver/",
        {"confirmer": "oui"},
    )
    assert response.status_code == 302
    assert "est désactivé dès maintenant" in texte(client.get(response.url))

    adhesion.refresh_from_db()
    assert not adhesion.active
    assert adhesion.desactivee_par == referent_a
    assert adhesion.desactivee_le is not None
    acces = selectors.acces_portail(agent_a)
    assert not acces.autorise
    assert acces.motif == selectors.Motif.RATTACHEMENT_DESACTIVE

    # The agent's very next request to a partner page is refused, with the explanation.
    agent = connecter_verifie(client.__class__(), agent_a)
    response = agent.get("/structure/")
    assert response.status_code == 403
    assert "Votre accès a été désactivé par votre structure" in texte(response)

    page = texte(client.get(f"/structure/{structure_a.pk}/"))
    assert f"par {referent_a.get_full_name()}" in page
    assert f"Désactiver l'accès de {agent_a.get_full_name()}" not in page


def test_le_dernier_referent_ne_peut_pas_se_desactiver(client, referent_a, structure_a):
    connecter_verifie(client, referent_a)
    adhesion = _adhesion(referent_a, structure_a)
    response = client.post(
        f"/structure/{structure_a.pk}/rattachements/{adhesion.pk}/desactiver/",
        {"confirmer": "oui"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Vous êtes le dernier référent de la structure" in texte(response)
    assert Adhesion.objects.get(pk=adhesion.pk).active


# Roles -----------------------------------------------------------------------------------------


def test_le_dernier_referent_ne_peut_pas_retirer_son_role(client, referent_a, structure_a):
    connecter_verifie(client, referent_a)
    adhesion = _adhesion(referent_a, structure_a)
    response = client.post(
        f"/structure/{structure_a.pk}/rattachements/{adhesion.pk}/role/",
        {"role": "agent"},
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain == [(f"/structure/{structure_a.pk}/", 302)]
    assert "Vous êtes le dernier référent de la structure" in texte(response)
    assert Adhesion.objects.get(pk=adhesion.pk).role == "referent"
    assert referent_a.has_perm("conventions.gerer_agents", structure_a)


def test_nommer_un_agent_referent_lui_donne_la_page(client, referent_a, agent_a, structure_a):
    connecter_verifie(client, referent_a)
    adhesion = _adhesion(agent_a, structure_a)
    response = client.post(
        f"/structure/{structure_a.pk}/rattachements/{adhesion.pk}/role/", {"role": "referent"}
    )
    assert response.status_code == 302
    assert Adhesion.objects.get(pk=adhesion.pk).role == "referent"
    nouveau = connecter_verifie(client.__class__(), agent_a)
    assert nouveau.get(f"/structure/{structure_a.pk}/").status_code == 200


def test_un_referent_qui_cede_son_role_revient_a_l_accueil(
    client, referent_a, agent_a, structure_a
):
    rattacher(agent_a, structure_a, "referent")
    connecter_verifie(client, referent_a)
    adhesion = _adhesion(referent_a, structure_a)
    response = client.post(
        f"/structure/{structure_a.pk}/rattachements/{adhesion.pk}/role/", {"role": "agent"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert Adhesion.objects.get(pk=adhesion.pk).role == "agent"
    assert client.get(f"/structure/{structure_a.pk}/").status_code == 404


def test_changer_role_avec_un_role_inconnu(client, referent_a, agent_a, structure_a):
    connecter_verifie(client, referent_a)
    adhesion = _adhesion(agent_a, structure_a)
    response = client.post(
        f"/structure/{structure_a.pk}/rattachements/{adhesion.pk}/role/",
        {"role": "chef"},
        follow=True,
    )
    assert "Choisissez « Agent » ou « Référent »." in texte(response)
    assert Adhesion.objects.get(pk=adhesion.pk).role == "agent"
