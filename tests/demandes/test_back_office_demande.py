"""The demande screen of the back-office and the expert's actions on it: who may see and act,
each action end to end through its service, refusals in French without a 500."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from demandes import selectors
from demandes.models import DecisionRoutage, Demande, Message, PieceJointe, ReponseType
from portail import roles
from tests.conftest import connecter_verifie, texte
from tests.demandes.conftest import NIR, creer_demande, fichier
from tests.factories import UtilisateurFactory

pytestmark = pytest.mark.django_db
Statut = Demande.Statut

ACTIONS = ["repondre", "note", "information", "reattribuer", "inserer_reponse_type", "brouillon"]


def url_ecran(demande):
    return reverse("demandes_admin:demande", args=[demande.reference])


def url_action(demande, action):
    return reverse(f"demandes_admin:{action}", args=[demande.reference])


def recharger(demande):
    return Demande.objects.get(pk=demande.pk)


@pytest.fixture
def editeur(db):
    return UtilisateurFactory(roles=[roles.EDITEUR])


@pytest.fixture
def formateur(db):
    return UtilisateurFactory(roles=[roles.FORMATEUR])


@pytest.fixture
def client_titulaire(client, titulaire):
    return connecter_verifie(client, titulaire.utilisateur)


# Visibility matrix -------------------------------------------------------------------------------

# 200: the page; 404: the demande does not exist for this person; "connexion": no back-office.
VISIBILITE = {
    "anonyme": "connexion",
    "agent_a": "connexion",
    "editeur": 404,
    "formateur": 404,
    "expert_sans_equipe": 404,
    "expert_autre_equipe": 404,
    "suppleant": 200,  # expert of the team, not assigned
    "titulaire": 200,  # the assigned expert
    "superviseur": 200,
}


def _connecter(client, request, role):
    if role == "anonyme":
        return None
    nom = {"expert_sans_equipe": "expert"}.get(role, role)
    acteur = request.getfixturevalue(nom)
    utilisateur = getattr(acteur, "utilisateur", acteur)
    connecter_verifie(client, utilisateur)
    return utilisateur


def _verifier(response, attendu):
    if attendu == "connexion":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("portail:connexion"))
    else:
        assert response.status_code == attendu


@pytest.mark.parametrize(("role", "attendu"), VISIBILITE.items())
def test_matrice_ecran_demande(client, request, demande_a, role, attendu):
    _connecter(client, request, role)
    response = client.get(url_ecran(demande_a))
    _verifier(response, attendu)
    if attendu == 200:
        assert demande_a.reference in texte(response)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize(("role", "attendu"), VISIBILITE.items())
def test_matrice_actions(client, request, demande_a, role, attendu, action):
    """An empty POST: the form comes back with its errors (200) for whoever may act; nothing
    changes for the others (404 or the login page)."""
    _connecter(client, request, role)
    response = client.post(url_action(demande_a, action), {})
    _verifier(response, attendu)
    assert demande_a.messages.count() == 1
    assert demande_a.routages.count() == 1


def test_reference_inconnue_404(client_titulaire):
    assert client_titulaire.get("/admin/demandes/D-2026-999999/").status_code == 404


def test_action_en_get_refusee(client_titulaire, demande_a):
    assert client_titulaire.get(url_action(demande_a, "repondre")).status_code == 405


# The screen --------------------------------------------------------------------------------------


def test_ecran_montre_assure_accord_fil_et_routage(client_titulaire, demande_a, agent_a):
    contenu = texte(client_titulaire.get(url_ecran(demande_a)))
    assert "1 85 07 37 261 042" in contenu  # the NIR, grouped as on the card
    assert f"l'agent {agent_a.get_full_name()}" in contenu
    assert "avoir recueilli l'accord de l'assuré" in contenu
    assert "Dossier déposé il y a deux mois" in contenu  # the first message
    assert "Historique du routage" in contenu
    assert demande_a.routages.get().motif in contenu
    assert "Routage automatique" in contenu


def test_ecran_assure_sans_nir_et_precisions(
    client, superviseur, agent_a, structure_a, regle_generale
):
    demande = creer_demande(
        agent_a,
        structure_a,
        slug="carte_vitale",
        nir="",
        nom="Martin",
        prenom="Léa",
        date_naissance=timezone.localdate() - timedelta(days=365 * 30),
        complements={"situation_carte": "perdue"},
    )
    connecter_verifie(client, superviseur)
    contenu = texte(client.get(url_ecran(demande)))
    assert "Inconnu du partenaire" in contenu
    assert "Martin" in contenu and "Léa" in contenu
    # The stored choice "perdue" is shown by its French label.
    assert "<dt>Situation de la carte Vitale</dt><dd>Perdue</dd>" in contenu


def test_ouverture_par_l_expert_attribue_passe_en_cours(client_titulaire, demande_a):
    assert demande_a.statut == Statut.NOUVELLE
    client_titulaire.get(url_ecran(demande_a))
    demande = recharger(demande_a)
    assert demande.statut == Statut.EN_COURS
    assert demande.nouveau_pour_cpam is False


def test_ouverture_par_le_superviseur_ne_change_pas_le_statut(client, superviseur, demande_a):
    connecter_verifie(client, superviseur)
    client.get(url_ecran(demande_a))
    assert recharger(demande_a).statut == Statut.NOUVELLE


def test_horloge_restant_puis_en_retard(client_titulaire, demande_a, agent_a, structure_a):
    contenu = texte(client_titulaire.get(url_ecran(demande_a)))
    assert "Reste " in contenu and "ouvré" in contenu
    with time_machine.travel(timezone.now() - timedelta(days=21)):
        ancienne = creer_demande(agent_a, structure_a)
    contenu = texte(client_titulaire.get(url_ecran(ancienne)))
    assert re.search(r"En retard de \d+ jours? ouvrés?", contenu)


# Reply -------------------------------------------------------------------------------------------


def test_repondre_previent_le_partenaire_sans_nir_ni_texte(
    client_titulaire, demande_a, agent_a, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    corps = "Vos droits sont rouverts depuis ce matin."
    with django_capture_on_commit_callbacks(execute=True):
        response = client_titulaire.post(
            url_action(demande_a, "repondre"), {"repondre-corps": corps}
        )
    assert response.status_code == 302
    assert response["Location"] == url_ecran(demande_a)
    message = demande_a.messages.get(type=Message.Type.MESSAGE, cote=Message.Cote.CPAM)
    assert message.corps == corps
    demande = recharger(demande_a)
    assert demande.statut == Statut.EN_COURS and demande.repondue_le is not None
    courriels = [m for m in mail.outbox if agent_a.email in m.to]
    assert len(courriels) == 1
    courriel = courriels[0]
    assert demande_a.reference in courriel.subject
    assert demande_a.reference in courriel.body
    for secret in (NIR, corps):
        assert secret not in courriel.subject and secret not in courriel.body
    suivant = texte(client_titulaire.get(url_ecran(demande_a)))
    assert "Votre réponse est envoyée" in suivant
    assert "Répondue en" in suivant


def test_repondre_avec_pieces_jointes_liens_de_telechargement(client_titulaire, demande_a):
    response = client_titulaire.post(
        url_action(demande_a, "repondre"),
        {
            "repondre-corps": "Voici l'attestation.",
            "repondre-fichiers": [fichier("attestation.pdf"), fichier("carte.pdf")],
        },
    )
    assert response.status_code == 302
    message = demande_a.messages.get(cote=Message.Cote.CPAM)
    pieces = list(message.pieces.all())
    assert [p.nom for p in pieces] == ["attestation.pdf", "carte.pdf"]
    contenu = client_titulaire.get(url_ecran(demande_a)).content.decode()
    for piece in pieces:
        assert f'href="/demandes/{demande_a.reference}/fichiers/{piece.uuid}/"' in contenu


def test_piece_refusee_texte_et_bon_fichier_conserves(client_titulaire, demande_a, titulaire):
    faux_pdf = fichier("faux.pdf", contenu=b"MZ\x90\x00 pas un pdf", type_mime="application/pdf")
    corps = "Réponse rédigée avec soin."
    response = client_titulaire.post(
        url_action(demande_a, "repondre"),
        {"repondre-corps": corps, "repondre-fichiers": [fichier("bon.pdf"), faux_pdf]},
    )
    assert response.status_code == 200
    contenu = texte(response)
    assert "« faux.pdf » n'est pas un fichier PDF, JPEG ou PNG" in contenu
    assert corps in contenu  # the text is kept
    assert "bon.pdf" in contenu  # the valid file is kept, as a hidden uuid
    assert not demande_a.messages.filter(cote=Message.Cote.CPAM).exists()
    garde = PieceJointe.objects.get(nom="bon.pdf", message__isnull=True)
    assert f'value="{garde.uuid.hex}"' in contenu

    response = client_titulaire.post(
        url_action(demande_a, "repondre"),
        {"repondre-corps": corps, "repondre-pieces": [garde.uuid.hex]},
    )
    assert response.status_code == 302
    garde.refresh_from_db()
    assert garde.message.demande_id == demande_a.pk


def test_pieces_d_un_autre_ne_sont_pas_reprises(client_titulaire, demande_a, superviseur):
    from demandes.services import piece_deposer

    autre = piece_deposer(fichier=fichier("autre.pdf"), utilisateur=superviseur)
    client_titulaire.post(
        url_action(demande_a, "repondre"),
        {"repondre-corps": "Texte", "repondre-pieces": [autre.uuid.hex]},
    )
    autre.refresh_from_db()
    assert autre.message is None


def test_trop_de_fichiers(client_titulaire, demande_a):
    fichiers = [fichier(f"p{n}.pdf") for n in range(6)]
    response = client_titulaire.post(
        url_action(demande_a, "repondre"),
        {"repondre-corps": "Texte", "repondre-fichiers": fichiers},
    )
    assert response.status_code == 200
    assert "Joignez au plus 5 fichiers par message." in texte(response)
    assert not PieceJointe.objects.filter(deposee_par=demande_a.expert.utilisateur).exists()


def test_reponse_vide_refusee_en_francais(client_titulaire, demande_a):
    response = client_titulaire.post(url_action(demande_a, "repondre"), {"repondre-corps": ""})
    assert response.status_code == 200
    assert "Écrivez votre réponse." in texte(response)


def test_reponse_type_preremplit_la_reponse(client_titulaire, demande_a, equipe, autre_equipe):
    propre = ReponseType.objects.create(
        equipe=equipe, titre="Droits rouverts", corps="Bonjour, les droits sont rouverts."
    )
    ailleurs = ReponseType.objects.create(
        equipe=autre_equipe, titre="Autre équipe", corps="Texte d'une autre équipe."
    )
    contenu = texte(client_titulaire.get(url_ecran(demande_a)))
    assert "Droits rouverts" in contenu and "Autre équipe" not in contenu
    contenu = texte(client_titulaire.get(f"{url_ecran(demande_a)}?reponse_type={propre.pk}"))
    assert re.search(r"<textarea[^>]*>\s*Bonjour, les droits sont rouverts.</textarea>", contenu)
    contenu = texte(client_titulaire.get(f"{url_ecran(demande_a)}?reponse_type={ailleurs.pk}"))
    assert "Texte d'une autre équipe." not in contenu


# Note, information, resolution -------------------------------------------------------------------


def test_note_interne_sans_notification_ni_visibilite_partenaire(
    client_titulaire, demande_a, agent_a, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_titulaire.post(
            url_action(demande_a, "note"), {"note-corps": "Appeler le service affiliation."}
        )
    assert response.status_code == 302
    note = demande_a.messages.get(type=Message.Type.NOTE)
    assert not [m for m in mail.outbox if agent_a.email in m.to]
    assert note not in selectors.fil_partenaire(demande_a)
    assert recharger(demande_a).nouveau_pour_partenaire is False
    contenu = texte(client_titulaire.get(url_ecran(demande_a)))
    assert "Note interne — non visible du partenaire" in contenu
    assert "demandes-message--note" in contenu


def test_demande_d_information_met_en_attente(
    client_titulaire, demande_a, agent_a, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_titulaire.post(
            url_action(demande_a, "information"),
            {"information-corps": "Merci de joindre l'avis d'imposition."},
        )
    assert response.status_code == 302
    demande = recharger(demande_a)
    assert demande.statut == Statut.EN_ATTENTE
    assert demande.en_attente_depuis is not None
    assert [m for m in mail.outbox if agent_a.email in m.to]
    assert "Délai en pause" in texte(client_titulaire.get(url_ecran(demande_a)))


def test_resoudre_exige_une_issue(client_titulaire, demande_a):
    response = client_titulaire.post(
        url_action(demande_a, "repondre"), {"repondre-corps": "Dossier traité.", "resoudre": "1"}
    )
    assert response.status_code == 200
    contenu = texte(response)
    assert "Choisissez l'issue de la demande pour la résoudre." in contenu
    assert re.search(r"<textarea[^>]*>\s*Dossier traité.</textarea>", contenu)
    demande = recharger(demande_a)
    assert demande.statut == Statut.NOUVELLE and demande.messages.count() == 1


def test_resoudre_puis_transition_interdite_en_francais(client_titulaire, demande_a):
    donnees = {
        "repondre-issue": "droits_ouverts",
        "repondre-corps": "Droits ouverts ce jour.",
        "resoudre": "1",
    }
    response = client_titulaire.post(url_action(demande_a, "repondre"), donnees)
    assert response.status_code == 302
    demande = recharger(demande_a)
    assert demande.statut == Statut.RESOLUE and demande.issue == "droits_ouverts"
    assert demande.messages.filter(type=Message.Type.RESOLUTION).count() == 1

    response = client_titulaire.post(url_action(demande_a, "repondre"), donnees)
    assert response.status_code == 200
    assert "Une demande « Résolue » ne peut pas passer à « Résolue »." in texte(response)
    assert recharger(demande_a).messages.filter(type=Message.Type.RESOLUTION).count() == 1

    # A résolue demande still takes an internal note, but no answer.
    response = client_titulaire.post(url_action(demande_a, "repondre"), {"repondre-corps": "X"})
    assert response.status_code == 200
    assert "seule une note interne peut y être ajoutée" in texte(response)
    response = client_titulaire.post(url_action(demande_a, "note"), {"note-corps": "Clos."})
    assert response.status_code == 302


# Reassignment ------------------------------------------------------------------------------------


def test_reattribuer_exige_un_motif(client_titulaire, demande_a, suppleant):
    response = client_titulaire.post(
        url_action(demande_a, "reattribuer"), {"reattribuer-cible": f"expert:{suppleant.pk}"}
    )
    assert response.status_code == 200
    assert "Indiquez le motif de la réattribution." in texte(response)
    assert recharger(demande_a).expert_id != suppleant.pk


def test_expert_reattribue_a_un_collegue_avec_motif(
    client_titulaire, demande_a, titulaire, suppleant
):
    response = client_titulaire.post(
        url_action(demande_a, "reattribuer"),
        {"reattribuer-cible": f"expert:{suppleant.pk}", "reattribuer-motif": "Dossier connu"},
    )
    assert response.status_code == 302
    assert recharger(demande_a).expert == suppleant
    decision = DecisionRoutage.objects.filter(demande=demande_a).latest("pk")
    assert decision.auteur == titulaire.utilisateur
    assert decision.expert == suppleant
    assert "Dossier connu" in decision.motif
    assert "Dossier connu" in texte(client_titulaire.get(url_ecran(demande_a)))


def test_reattribution_a_une_autre_equipe_ramene_a_la_boite(
    client_titulaire, demande_a, autre_equipe
):
    response = client_titulaire.post(
        url_action(demande_a, "reattribuer"),
        {"reattribuer-cible": f"equipe:{autre_equipe.pk}", "reattribuer-motif": "Invalidité"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("demandes_admin:boite")
    demande = recharger(demande_a)
    assert demande.expert is None and demande.equipe == autre_equipe
    assert client_titulaire.get(url_ecran(demande_a)).status_code == 404


def test_superviseur_reattribue(client, superviseur, demande_a, expert_autre_equipe):
    connecter_verifie(client, superviseur)
    response = client.post(
        url_action(demande_a, "reattribuer"),
        {"reattribuer-cible": f"expert:{expert_autre_equipe.pk}", "reattribuer-motif": "Renfort"},
    )
    assert response.status_code == 302
    assert recharger(demande_a).expert == expert_autre_equipe


def test_reattribution_cible_inconnue(client_titulaire, demande_a):
    response = client_titulaire.post(
        url_action(demande_a, "reattribuer"),
        {"reattribuer-cible": "expert:999999", "reattribuer-motif": "Motif"},
    )
    assert response.status_code == 200
    assert "Choisissez un expert ou une file d'équipe." in texte(response)


def test_piece_telechargeable_par_l_expert(client_titulaire, demande_a, agent_a):
    """The link on the screen leads to the permission-checked download, which serves the CPAM."""
    from demandes.services import message_partenaire_envoyer, piece_deposer

    piece = piece_deposer(fichier=fichier("avis.pdf"), utilisateur=agent_a)
    message_partenaire_envoyer(demande=demande_a, auteur=agent_a, corps="Ci-joint.", pieces=[piece])
    contenu = client_titulaire.get(url_ecran(demande_a)).content.decode()
    lien = re.search(rf'href="([^"]*{piece.uuid}[^"]*)"', contenu).group(1)
    response = client_titulaire.get(lien)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
