"""Issue 14, « fewer clicks, nothing lost » on the expert's demande screen: a canned reply
inserted without script (nothing typed lost), answer and resolve in one step, answer drafts
kept per expert, and the "très urgent" phone line of each team."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from demandes import selectors, services
from demandes.models import (
    LONGUEUR_MAX_MESSAGE,
    BrouillonReponse,
    Demande,
    Equipe,
    Message,
    PieceJointe,
    RegleRoutage,
    ReponseType,
)
from demandes.retention import retention_appliquer
from portail.identifiants import telephone_normaliser
from tests.conftest import connecter_verifie, texte
from tests.demandes.conftest import categorie, creer_demande, creer_expert, fichier

pytestmark = pytest.mark.django_db
Statut = Demande.Statut


def url(demande, nom="demande"):
    return reverse(f"demandes_admin:{nom}", args=[demande.reference])


def zone_reponse(contenu: str) -> str:
    """The answer textarea's text."""
    trouvee = re.search(r'<textarea name="repondre-corps"[^>]*>\n?(.*?)</textarea>', contenu, re.S)
    assert trouvee, "pas de zone de réponse"
    return trouvee.group(1)


@pytest.fixture
def client_titulaire(client, titulaire):
    return connecter_verifie(client, titulaire.utilisateur)


@pytest.fixture
def reponse_type(equipe):
    return ReponseType.objects.create(
        equipe=equipe,
        titre="Pièce manquante",
        corps="Bonjour,\n\nIl nous manque : [pièce].\n\nCordialement,",
    )


# Canned reply without script ---------------------------------------------------------------------


def test_reponse_type_inseree_sans_script_garde_le_texte_et_le_fichier(
    client_titulaire, demande_a, reponse_type, titulaire
):
    response = client_titulaire.post(
        url(demande_a, "inserer_reponse_type"),
        {
            "reponse_type": reponse_type.pk,
            "repondre-corps": "Madame, Monsieur,",
            "repondre-fichiers": [fichier("attestation.pdf")],
        },
    )
    assert response.status_code == 200
    contenu = texte(response)
    assert zone_reponse(contenu) == (
        "Madame, Monsieur,\n\nBonjour,\n\nIl nous manque : [pièce].\n\nCordialement,"
    )
    assert "La réponse type « Pièce manquante » est ajoutée" in contenu
    # The file is stored and comes back with the form; nothing is sent.
    piece = PieceJointe.objects.get(deposee_par=titulaire.utilisateur)
    assert piece.uuid.hex in contenu and "attestation.pdf" in contenu
    assert "L'action n'a pas été enregistrée" not in contenu
    assert demande_a.messages.count() == 1


def test_reponse_type_d_une_autre_equipe_ou_absente_ne_perd_rien(
    client_titulaire, demande_a, autre_equipe
):
    ailleurs = ReponseType.objects.create(equipe=autre_equipe, titre="Ailleurs", corps="Secret.")
    response = client_titulaire.post(
        url(demande_a, "inserer_reponse_type"),
        {"reponse_type": ailleurs.pk, "repondre-corps": "Mon texte"},
    )
    contenu = texte(response)
    assert response.status_code == 200
    assert zone_reponse(contenu) == "Mon texte"
    assert "Secret." not in contenu
    assert "Choisissez une réponse type à insérer." in contenu


def test_les_textes_des_reponses_types_sont_dans_la_page_pour_le_script(
    client_titulaire, demande_a, reponse_type, autre_equipe
):
    ReponseType.objects.create(equipe=autre_equipe, titre="Ailleurs", corps="Secret.")
    contenu = texte(client_titulaire.get(url(demande_a)))
    assert f'<template data-reponse-type="{reponse_type.pk}">' in contenu
    assert "Il nous manque : [pièce]." in contenu and "Secret." not in contenu
    assert re.search(r'<script type="module" src="[^"]*demandes/ecran-demande\.js"', contenu)


# Answer and resolve in one step ------------------------------------------------------------------


def test_envoyer_et_resoudre(client_titulaire, demande_a, agent_a):
    response = client_titulaire.post(
        url(demande_a, "repondre"),
        {
            "repondre-corps": "Les droits sont ouverts.",
            "repondre-issue": "droits_ouverts",
            "resoudre": "1",
        },
    )
    assert response.status_code == 302
    demande = Demande.objects.get(pk=demande_a.pk)
    assert demande.statut == Statut.RESOLUE and demande.issue == "droits_ouverts"
    dernier = demande.messages.order_by("pk").last()
    assert dernier.type == Message.Type.RESOLUTION and dernier.corps == "Les droits sont ouverts."
    assert demande.messages.count() == 2
    # The partner sees the answer and the status.
    client_agent = connecter_verifie(client_titulaire.__class__(), agent_a)
    page = texte(client_agent.get(reverse("demandes:detail", args=[demande.reference])))
    assert "Les droits sont ouverts." in page and "Résolue" in page


def test_envoyer_sans_resoudre_ignore_l_issue(client_titulaire, demande_a):
    client_titulaire.post(
        url(demande_a, "repondre"),
        {"repondre-corps": "Nous regardons.", "repondre-issue": "droits_ouverts"},
    )
    demande = Demande.objects.get(pk=demande_a.pk)
    assert demande.statut == Statut.EN_COURS and demande.issue == ""


def test_envoyer_et_resoudre_message_vide_rien_n_est_resolu(client_titulaire, demande_a):
    response = client_titulaire.post(
        url(demande_a, "repondre"),
        {"repondre-corps": "", "repondre-issue": "droits_ouverts", "resoudre": "1"},
    )
    assert response.status_code == 200
    assert "Écrivez votre réponse." in texte(response)
    demande = Demande.objects.get(pk=demande_a.pk)
    assert demande.statut == Statut.NOUVELLE and demande.messages.count() == 1


def test_envoyer_et_resoudre_atomique(client_titulaire, demande_a, monkeypatch):
    """A failure after the transition (the notification here) leaves nothing half-done."""

    def panne(*args, **kwargs):
        raise ValidationError("panne simulée")

    monkeypatch.setattr(services.notifications, "statut_change", panne)
    response = client_titulaire.post(
        url(demande_a, "repondre"),
        {"repondre-corps": "Résolu.", "repondre-issue": "droits_ouverts", "resoudre": "1"},
    )
    assert response.status_code == 200
    assert zone_reponse(texte(response)) == "Résolu."
    demande = Demande.objects.get(pk=demande_a.pk)
    assert demande.statut == Statut.NOUVELLE and demande.messages.count() == 1
    assert not demande.transitions.filter(vers=Statut.RESOLUE).exists()


@pytest.mark.parametrize("nom", ["repondre", "brouillon", "inserer_reponse_type"])
def test_un_expert_d_une_autre_equipe_recoit_404(client, demande_a, expert_autre_equipe, nom):
    connecter_verifie(client, expert_autre_equipe.utilisateur)
    response = client.post(
        url(demande_a, nom),
        {"repondre-corps": "Intrus", "repondre-issue": "droits_ouverts", "resoudre": "1"},
    )
    assert response.status_code == 404
    assert Demande.objects.get(pk=demande_a.pk).statut == Statut.NOUVELLE
    assert not BrouillonReponse.objects.exists()


@pytest.mark.parametrize("nom", ["repondre", "brouillon", "inserer_reponse_type"])
def test_un_partenaire_n_a_pas_acces(client, demande_a, agent_a, nom):
    connecter_verifie(client, agent_a)
    response = client.post(
        url(demande_a, nom),
        {"repondre-corps": "Intrus", "repondre-issue": "droits_ouverts", "resoudre": "1"},
    )
    assert response.status_code == 302 and "/connexion/" in response["Location"]
    assert Demande.objects.get(pk=demande_a.pk).statut == Statut.NOUVELLE
    assert not BrouillonReponse.objects.exists()


# Drafts ------------------------------------------------------------------------------------------


def brouillon_json(client, demande, corps):
    return client.post(
        url(demande, "brouillon"), {"repondre-corps": corps}, HTTP_ACCEPT="application/json"
    )


def test_brouillon_enregistre_puis_repris_puis_efface_a_l_envoi(client_titulaire, demande_a):
    response = brouillon_json(client_titulaire, demande_a, "Bonjour, je regarde")
    assert response.status_code == 200
    assert response.json()["message"].startswith("Brouillon enregistré à ")
    contenu = texte(client_titulaire.get(url(demande_a)))
    assert zone_reponse(contenu) == "Bonjour, je regarde"
    assert "Brouillon repris" in contenu

    client_titulaire.post(url(demande_a, "repondre"), {"repondre-corps": "Bonjour, c'est fait."})
    assert not BrouillonReponse.objects.exists()
    assert zone_reponse(texte(client_titulaire.get(url(demande_a)))) == ""


def test_brouillon_arrive_apres_l_envoi_de_la_reponse_abandonne(client_titulaire, demande_a):
    # The screen as the expert opened it, then their answer leaves while a draft save of the
    # same text is still on its way: that late draft is dropped, not offered to send again.
    contenu = texte(client_titulaire.get(url(demande_a)))
    dernier = re.search(r'name="repondre-dernier_message" value="(\d+)"', contenu).group(1)
    client_titulaire.post(url(demande_a, "repondre"), {"repondre-corps": "Bonjour, c'est fait."})
    response = client_titulaire.post(
        url(demande_a, "brouillon"),
        {"repondre-corps": "Bonjour, c'est fait.", "repondre-dernier_message": dernier},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    assert not BrouillonReponse.objects.exists()
    # From the screen reloaded after the answer, a new draft is kept; a tampered marker is
    # ignored, never an error.
    contenu = texte(client_titulaire.get(url(demande_a)))
    dernier = re.search(r'name="repondre-dernier_message" value="(\d+)"', contenu).group(1)
    for marqueur in (dernier, "abc", ""):
        BrouillonReponse.objects.all().delete()
        response = client_titulaire.post(
            url(demande_a, "brouillon"),
            {"repondre-corps": "Autre chose", "repondre-dernier_message": marqueur},
            HTTP_ACCEPT="application/json",
        )
        assert response.status_code == 200
        assert BrouillonReponse.objects.get().corps == "Autre chose"


def test_brouillon_efface_a_la_resolution(client_titulaire, demande_a):
    brouillon_json(client_titulaire, demande_a, "Brouillon")
    client_titulaire.post(
        url(demande_a, "repondre"),
        {"repondre-corps": "Fini.", "repondre-issue": "droits_ouverts", "resoudre": "1"},
    )
    assert not BrouillonReponse.objects.exists()


def test_brouillon_sans_script(client_titulaire, demande_a):
    response = client_titulaire.post(
        url(demande_a, "brouillon"), {"repondre-corps": "Texte à finir demain"}
    )
    assert response.status_code == 200
    contenu = texte(response)
    assert "Votre brouillon est enregistré" in contenu
    assert zone_reponse(contenu) == "Texte à finir demain"
    assert BrouillonReponse.objects.get().corps == "Texte à finir demain"


def test_brouillon_vide_efface(client_titulaire, demande_a):
    brouillon_json(client_titulaire, demande_a, "Texte")
    assert brouillon_json(client_titulaire, demande_a, "  ").json() == {
        "message": "Brouillon effacé."
    }
    assert not BrouillonReponse.objects.exists()


def test_brouillon_trop_long_refuse_en_francais(client_titulaire, demande_a):
    trop = "x" * (LONGUEUR_MAX_MESSAGE + 1)
    response = brouillon_json(client_titulaire, demande_a, trop)
    assert response.status_code == 400
    assert "Le brouillon dépasse 10000 caractères" in response.json()["erreur"]
    # Without script: the text stays in the form with the error.
    response = client_titulaire.post(url(demande_a, "brouillon"), {"repondre-corps": trop})
    assert response.status_code == 200
    contenu = texte(response)
    assert "Le brouillon dépasse 10000 caractères" in contenu
    assert zone_reponse(contenu) == trop
    assert not BrouillonReponse.objects.exists()
    with pytest.raises(ValidationError):
        services.brouillon_enregistrer(demande=demande_a, auteur=demande_a.auteur, corps=trop)


def test_brouillon_refuse_sur_une_demande_resolue(client_titulaire, demande_a, titulaire):
    services.demande_resoudre(
        demande=demande_a, auteur=titulaire.utilisateur, issue="droits_ouverts", corps="Fini."
    )
    response = brouillon_json(client_titulaire, demande_a, "Encore un mot")
    assert response.status_code == 400
    assert "Cette demande est close" in response.json()["erreur"]
    assert not BrouillonReponse.objects.exists()


def test_brouillon_invisible_des_autres_experts_et_du_partenaire(
    client, client_titulaire, demande_a, suppleant, superviseur, agent_a
):
    brouillon_json(client_titulaire, demande_a, "Texte confidentiel en cours")
    for autre in (suppleant.utilisateur, superviseur):
        connecter_verifie(client, autre)
        contenu = texte(client.get(url(demande_a)))
        assert "Texte confidentiel en cours" not in contenu and "Brouillon repris" not in contenu
    connecter_verifie(client, agent_a)
    page = texte(client.get(reverse("demandes:detail", args=[demande_a.reference])))
    assert "Texte confidentiel en cours" not in page
    # Each expert has their own draft on the same demande.
    connecter_verifie(client, suppleant.utilisateur)
    brouillon_json(client, demande_a, "Autre brouillon")
    assert BrouillonReponse.objects.count() == 2
    assert selectors.brouillon_de(suppleant.utilisateur, demande_a).corps == "Autre brouillon"


def test_brouillons_supprimes_a_la_cloture_par_la_retention(
    client_titulaire, demande_a, titulaire, agent_a, structure_a
):
    ouverte = creer_demande(agent_a, structure_a, objet="Toujours ouverte")
    brouillon_json(client_titulaire, demande_a, "Brouillon")
    brouillon_json(client_titulaire, ouverte, "Brouillon gardé")
    services.demande_resoudre(
        demande=demande_a, auteur=titulaire.utilisateur, issue="droits_ouverts", corps="Fini."
    )
    # The resolution deleted its author's draft; another one (written before) stays till closure.
    BrouillonReponse.objects.create(demande=demande_a, auteur=agent_a, corps="Reste")
    services.demande_cloturer(demande=demande_a)
    bilan = retention_appliquer()
    assert bilan.brouillons == 1
    assert list(BrouillonReponse.objects.values_list("corps", flat=True)) == ["Brouillon gardé"]


def test_brouillon_dans_le_registre_des_durees(client):
    assert "Brouillons de réponse des experts" in texte(client.get("/donnees-personnelles/"))


# Query count -------------------------------------------------------------------------------------


def _requetes_ecran(client, demande) -> int:
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(url(demande)).status_code == 200
    return len(requetes)


def test_requetes_constantes_avec_le_nombre_de_messages(
    client_titulaire, demande_a, agent_a, titulaire, reponse_type
):
    def ajouter(nombre):
        for numero in range(nombre):
            auteur, cote = (
                (agent_a, Message.Cote.PARTENAIRE)
                if numero % 2
                else (titulaire.utilisateur, Message.Cote.CPAM)
            )
            Message.objects.create(demande=demande_a, auteur=auteur, cote=cote, corps=f"m{numero}")

    ajouter(2)
    brouillon_json(client_titulaire, demande_a, "Brouillon")
    _requetes_ecran(client_titulaire, demande_a)  # the first opening takes it "en cours"
    avec_trois = _requetes_ecran(client_titulaire, demande_a)
    ajouter(17)
    assert demande_a.messages.count() == 20
    assert _requetes_ecran(client_titulaire, demande_a) == avec_trois


# The "très urgent" line of each team -------------------------------------------------------------


def test_telephone_normalise_et_refuse_en_francais():
    assert telephone_normaliser("0247000000") == "02 47 00 00 00"
    assert telephone_normaliser("+33 2 47 00 00 00") == "02 47 00 00 00"
    assert telephone_normaliser("3646", numero_court=True) == "36 46"
    with pytest.raises(ValidationError, match="numéro de téléphone français"):
        telephone_normaliser("3646")
    with pytest.raises(ValidationError, match="numéro court à 4 chiffres"):
        telephone_normaliser("12 34 5", numero_court=True)


def test_telephone_de_l_equipe_sinon_la_ligne_nationale(
    settings, equipe, autre_equipe, regle_generale, structure_a, structure_b, demande_a
):
    settings.DEMANDES_TELEPHONE_TRES_URGENT = "36 46"
    assert selectors.telephone_tres_urgent(demande=demande_a) == "36 46"
    equipe.telephone_tres_urgent = "02 47 00 00 01"
    equipe.save()
    demande_a.equipe.refresh_from_db()
    assert selectors.telephone_tres_urgent(demande=demande_a) == "02 47 00 00 01"
    assert selectors.telephone_tres_urgent(partenaires=[structure_a]) == "02 47 00 00 01"

    # Structure B's demandes go to another team (a structure rule), which has its own line.
    autre_equipe.telephone_tres_urgent = "02 54 00 00 02"
    autre_equipe.save()
    ailleurs = creer_expert(autre_equipe)
    RegleRoutage.objects.create(partenaire=structure_b, titulaire=ailleurs)
    assert selectors.telephone_tres_urgent(partenaires=[structure_b]) == "02 54 00 00 02"
    assert (
        selectors.telephone_tres_urgent(partenaires=[structure_b], categorie=categorie("css"))
        == "02 54 00 00 02"
    )
    # Two structures on two lines, no team known: the national line.
    assert selectors.telephone_tres_urgent(partenaires=[structure_a, structure_b]) == "36 46"
    assert selectors.telephone_tres_urgent() == "36 46"


def test_page_tres_urgente_du_partenaire_donne_la_ligne_de_son_equipe(
    client, settings, agent_a, equipe, regle_generale, demande_a
):
    settings.DEMANDES_TELEPHONE_TRES_URGENT = "36 46"
    Equipe.objects.filter(pk=equipe.pk).update(telephone_tres_urgent="02 47 00 00 01")
    connecter_verifie(client, agent_a)
    page = texte(client.get("/demandes/nouvelle/"))
    assert "appelez la ligne partenaires de la CPAM au 02 47 00 00 01" in page
    assert "36 46" not in page
    page = texte(client.post("/demandes/nouvelle/", {"urgence": "tres_urgente"}))
    assert "Aucune demande n'a été envoyée" in page and "02 47 00 00 01" in page
    # The demande's own page names its team's line.
    page = texte(client.get(reverse("demandes:detail", args=[demande_a.reference])))
    assert "appelez la ligne partenaires de la CPAM au 02 47 00 00 01" in page


def test_sans_regle_la_ligne_nationale(client, settings, agent_a):
    settings.DEMANDES_TELEPHONE_TRES_URGENT = "36 46"
    connecter_verifie(client, agent_a)
    assert "appelez la ligne partenaires de la CPAM au 36 46" in texte(
        client.get("/demandes/nouvelle/")
    )


def test_formulaire_d_equipe_valide_le_telephone(client, superviseur, equipe):
    connecter_verifie(client, superviseur)
    adresse = f"/admin/messagerie/equipes/edit/{equipe.pk}/"
    donnees = {
        "nom": equipe.nom,
        "email": "",
        "telephone_tres_urgent": "12 34 5",
        "territoire": equipe.territoire,
    }
    response = client.post(adresse, donnees)
    assert response.status_code == 200
    assert "Saisissez un numéro de téléphone français à 10 chiffres" in texte(response)
    donnees["telephone_tres_urgent"] = "+33247000001"
    response = client.post(adresse, donnees)
    assert response.status_code == 302
    equipe.refresh_from_db()
    assert equipe.telephone_tres_urgent == "02 47 00 00 01"
