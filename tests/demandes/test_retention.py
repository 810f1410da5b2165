"""Retention: closed demandes past the retention period are anonymised (files deleted,
identities and texts erased), younger ones untouched; idempotent; notice 15 days before."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.files.storage import default_storage
from django.utils import timezone

from demandes import retention, services, tasks
from demandes.models import Demande, Message, PieceJointe
from portail.models import EntreeJournal
from tests.demandes.conftest import creer_demande, fichier

pytestmark = pytest.mark.django_db


def demande_cloturee(agent, structure, expert, il_y_a_jours, **champs):
    avant = timezone.now() - timedelta(days=il_y_a_jours)
    with time_machine.travel(avant, tick=False):
        piece = services.piece_deposer(fichier=fichier("attestation.pdf"), utilisateur=agent)
        demande = creer_demande(agent, structure, pieces=[piece], **champs)
        services.message_cpam_envoyer(demande=demande, auteur=expert, corps="Réponse détaillée")
        services.demande_resoudre(
            demande=demande, auteur=expert, issue="droits_ouverts", corps="Droits ouverts"
        )
        services.demande_cloturer(demande=demande, auteur=agent)
    return demande, piece.fichier.name


@pytest.fixture
def jeu(agent_a, structure_a, regle_generale, titulaire):
    expert = titulaire.utilisateur
    vieille, fichier_vieux = demande_cloturee(
        agent_a,
        structure_a,
        expert,
        400,
        nir="",
        nom="Martin",
        prenom="Odile",
        date_naissance=date(1951, 4, 3),
    )
    recente, fichier_recent = demande_cloturee(agent_a, structure_a, expert, 200)
    ouverte = creer_demande(agent_a, structure_a)
    return vieille, fichier_vieux, recente, fichier_recent, ouverte


def test_anonymise_ce_qui_est_echu_et_laisse_le_reste(jeu, django_capture_on_commit_callbacks):
    vieille, fichier_vieux, recente, fichier_recent, ouverte = jeu
    assert default_storage.exists(fichier_vieux)

    with django_capture_on_commit_callbacks(execute=True):
        bilan = retention.retention_appliquer()

    assert (bilan.demandes, bilan.fichiers) == (1, 1)
    assert (bilan.messages, bilan.preavis) == (3, 0)
    vieille = Demande.objects.get(pk=vieille.pk)
    assert (vieille.nir, vieille.nom, vieille.prenom, vieille.date_naissance) == ("", "", "", None)
    assert vieille.objet == "[Demande anonymisée]"
    assert vieille.anonymisee_le is not None
    assert set(vieille.messages.values_list("corps", flat=True)) == {retention.TEXTE_EFFACE}
    assert not PieceJointe.objects.filter(message__demande=vieille).exists()
    assert not default_storage.exists(fichier_vieux)
    # What the anonymous statistics need is kept.
    assert (vieille.categorie.slug, vieille.issue, vieille.statut) == (
        "css",
        "droits_ouverts",
        "cloturee",
    )
    assert vieille.delai_reponse is not None
    # Younger demandes are intact.
    recente = Demande.objects.get(pk=recente.pk)
    assert recente.nir and recente.anonymisee_le is None
    assert default_storage.exists(fichier_recent)
    assert Message.objects.filter(demande=recente, corps="Réponse détaillée").exists()
    assert Demande.objects.get(pk=ouverte.pk).nir
    assert EntreeJournal.objects.filter(
        action=EntreeJournal.Action.ANONYMISATION, reference=vieille.reference
    ).exists()


def test_deux_passages_de_suite_sans_changement(jeu):
    premier = retention.retention_appliquer()
    assert premier.demandes == 1
    etat = list(Demande.objects.order_by("pk").values())
    second = retention.retention_appliquer()
    assert (second.demandes, second.messages, second.fichiers) == (0, 0, 0)
    assert list(Demande.objects.order_by("pk").values()) == etat


def test_reprise_apres_interruption(agent_a, structure_a, regle_generale, titulaire, monkeypatch):
    for _ in range(3):
        demande_cloturee(agent_a, structure_a, titulaire.utilisateur, 400)
    monkeypatch.setattr(retention, "TAILLE_LOT", 2)
    appels = []
    original = retention._anonymiser_lot

    def interrompu(ids, instant):
        if appels:
            raise RuntimeError("arrêt du worker")
        appels.append(ids)
        return original(ids, instant)

    monkeypatch.setattr(retention, "_anonymiser_lot", interrompu)
    with pytest.raises(RuntimeError):
        retention.retention_appliquer()
    assert Demande.objects.filter(anonymisee_le__isnull=False).count() == 2
    monkeypatch.setattr(retention, "_anonymiser_lot", original)
    assert retention.retention_appliquer().demandes == 1
    assert Demande.objects.filter(anonymisee_le__isnull=True).count() == 0


def test_duree_configurable(jeu, settings):
    settings.DEMANDES_CONSERVATION_MOIS = 6
    assert retention.retention_appliquer().demandes == 2


def test_preavis_15_jours_avant_une_seule_fois(
    agent_a, structure_a, regle_generale, titulaire, django_capture_on_commit_callbacks
):
    demande, _ = demande_cloturee(agent_a, structure_a, titulaire.utilisateur, 360)
    mail.outbox.clear()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.retention_appliquer()
    destinataires = sorted(m.to[0] for m in mail.outbox)
    assert destinataires == sorted([agent_a.email, titulaire.utilisateur.email])
    for courriel in mail.outbox:
        assert demande.reference in courriel.subject
        assert "anonymisée" in courriel.subject
    assert Demande.objects.get(pk=demande.pk).anonymisee_le is None


def test_fichiers_deposes_sans_envoi_purges_apres_le_reglage(agent_a, settings):
    settings.DEMANDES_PIECES_ORPHELINES_HEURES = 24
    pieces = {}
    for heures in (25, 23):
        with time_machine.travel(timezone.now() - timedelta(hours=heures), tick=False):
            pieces[heures] = services.piece_deposer(fichier=fichier(), utilisateur=agent_a)
    assert tasks.pieces_orphelines_purger() == 1
    assert list(PieceJointe.objects.values_list("pk", flat=True)) == [pieces[23].pk]
    assert not default_storage.exists(pieces[25].fichier.name)
    assert default_storage.exists(pieces[23].fichier.name)
    settings.DEMANDES_PIECES_ORPHELINES_HEURES = 12
    assert tasks.pieces_orphelines_purger() == 1


def test_un_fichier_joint_a_un_message_n_est_pas_orphelin(demande_a, settings):
    settings.DEMANDES_PIECES_ORPHELINES_HEURES = 1
    with time_machine.travel(timezone.now() - timedelta(days=3), tick=False):
        piece = services.piece_deposer(fichier=fichier(), utilisateur=demande_a.auteur)
        services.message_partenaire_envoyer(
            demande=demande_a, auteur=demande_a.auteur, corps="Ci-joint.", pieces=[piece]
        )
    assert tasks.pieces_orphelines_purger() == 0
    assert PieceJointe.objects.filter(pk=piece.pk).exists()
