"""Retention of insured people's data (RGPD): a closed demande is anonymised once its retention
period is over (default 12 months after clôture), keeping only what anonymous statistics need
(category, structure, dates, status, outcome, response time).

No demande stays open forever: one left without a message past its period (waiting for the
partner's information, or for the CPAM) is closed "sans suite" after notice, so that its
retention period starts.

The job works in batches, each committed on its own: stopped half-way, it resumes where it was;
run twice, the second run finds nothing to do. People following a demande are told 15 days
before it is anonymised.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from portail.dates import jour_de_paris
from portail.models import EntreeJournal
from portail.retention import mois_en_jours

from . import notifications, services
from .models import Demande, Message, PieceJointe

logger = logging.getLogger(__name__)

TAILLE_LOT = 500
TEXTE_EFFACE = "[Contenu supprimé à l'issue de la durée de conservation]"
PREAVIS = timedelta(days=15)


def duree_conservation() -> timedelta:
    return mois_en_jours(settings.DEMANDES_CONSERVATION_MOIS)


def a_anonymiser(instant):
    """Closed demandes whose retention period is over and that still hold personal data."""
    return Demande.objects.filter(
        statut=Demande.Statut.CLOTUREE,
        cloturee_le__lt=instant - duree_conservation(),
        anonymisee_le__isnull=True,
    )


@dataclass
class Bilan:
    demandes: int = 0
    messages: int = 0
    fichiers: int = 0
    preavis: int = 0
    preavis_cloture: int = 0
    cloturees: int = 0
    brouillons: int = 0

    def __str__(self):
        return (
            f"préavis de clôture : {self.preavis_cloture}, demandes clôturées sans suite : "
            f"{self.cloturees}, brouillons supprimés : {self.brouillons}, demandes anonymisées : "
            f"{self.demandes}, messages effacés : {self.messages}, fichiers supprimés : "
            f"{self.fichiers}, préavis envoyés : {self.preavis}"
        )


def _silencieuses(instant, *, marge=timedelta(0)):
    """Open demandes without a message for their period (less `marge`)."""
    attente = Demande.Statut.EN_ATTENTE
    return Demande.objects.filter(
        Q(
            statut=attente,
            modifiee_le__lte=instant - services.periode_sans_activite(attente) + marge,
        )
        | Q(
            statut__in=[s for s in Demande.OUVERTES if s != attente],
            modifiee_le__lte=instant
            - services.periode_sans_activite(Demande.Statut.EN_COURS)
            + marge,
        )
    )


def preavis_cloture_envoyer(*, instant=None) -> int:
    """Tell the people following an open demande, before it is closed for lack of activity."""
    instant = instant or timezone.now()
    sans_preavis = Q(preavis_cloture_le__isnull=True) | Q(preavis_cloture_le__lt=F("modifiee_le"))
    ids = _silencieuses(instant, marge=services.preavis_cloture()).filter(sans_preavis)
    envoyes = 0
    for pk in list(ids.values_list("pk", flat=True)):
        with transaction.atomic():
            # Claimed by one UPDATE: a concurrent or repeated run sends it once.
            if not Demande.objects.filter(sans_preavis, pk=pk).update(preavis_cloture_le=instant):
                continue
            demande = Demande.objects.select_related(
                "auteur", "partenaire", "expert__utilisateur", "equipe"
            ).get(pk=pk)
            date = services.cloture_sans_suite_prevue_le(demande)
            notifications.preavis_cloture(demande, date=date)
            envoyes += 1
    return envoyes


def demandes_sans_activite_cloturer(*, instant=None) -> int:
    """Close "sans suite" the open demandes silent past their period, told in time."""
    instant = instant or timezone.now()
    ids = _silencieuses(instant).filter(
        preavis_cloture_le__gte=F("modifiee_le"),
        preavis_cloture_le__lte=instant - services.preavis_cloture(),
    )
    return sum(
        services.demande_cloturer_sans_suite(demande=demande, instant=instant)
        for demande in list(ids.only("pk"))
    )


def preavis_envoyer(*, instant=None) -> int:
    """Tell the partner and the expert 15 days before a demande they follow is anonymised."""
    instant = instant or timezone.now()
    ids = Demande.objects.filter(
        statut=Demande.Statut.CLOTUREE,
        cloturee_le__lt=instant - duree_conservation() + PREAVIS,
        # Already due (e.g. retention shortened): anonymised tonight, no notice of a past date.
        cloturee_le__gte=instant - duree_conservation(),
        anonymisee_le__isnull=True,
        preavis_retention_le__isnull=True,
    ).values_list("pk", flat=True)
    envoyes = 0
    for pk in list(ids):
        with transaction.atomic():
            # Claimed by one UPDATE: a concurrent or repeated run sends it once.
            if not Demande.objects.filter(pk=pk, preavis_retention_le__isnull=True).update(
                preavis_retention_le=instant
            ):
                continue
            demande = Demande.objects.select_related(
                "auteur", "partenaire", "expert__utilisateur", "equipe"
            ).get(pk=pk)
            notifications.preavis_anonymisation(
                demande, date=jour_de_paris(demande.cloturee_le + duree_conservation())
            )
            envoyes += 1
    return envoyes


def _anonymiser_lot(ids: list[int], instant) -> tuple[int, int, int]:
    with transaction.atomic():
        # Re-filtered under the transaction: a row done by a concurrent run is skipped.
        ids = list(
            Demande.objects.select_for_update()
            .filter(pk__in=ids, anonymisee_le__isnull=True)
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0, 0, 0
        pieces = list(PieceJointe.objects.filter(message__demande_id__in=ids))
        noms = [piece.fichier.name for piece in pieces if piece.fichier]
        PieceJointe.objects.filter(pk__in=[p.pk for p in pieces]).delete()
        messages = Message.objects.filter(demande_id__in=ids).update(corps=TEXTE_EFFACE)
        Demande.objects.filter(pk__in=ids).update(
            nir="",
            nom="",
            prenom="",
            date_naissance=None,
            objet="[Demande anonymisée]",
            complements={},
            anonymisee_le=instant,
        )
        EntreeJournal.objects.bulk_create(
            EntreeJournal(
                horodatage=instant,
                action=EntreeJournal.Action.ANONYMISATION,
                reference=reference,
                vue="demandes.retention",
            )
            for reference in Demande.objects.filter(pk__in=ids).values_list("reference", flat=True)
        )
        # Files go once the rows are committed: a rollback never leaves a row without its file.
        transaction.on_commit(lambda: _fichiers_supprimer(noms))
    return len(ids), messages, len(noms)


def _fichiers_supprimer(noms: list[str]) -> None:
    stockage = PieceJointe._meta.get_field("fichier").storage
    for nom in noms:
        stockage.delete(nom)


def retention_appliquer(*, instant=None) -> Bilan:
    """The nightly job: open demandes silent for too long are told, then closed; closed ones
    are told, then anonymised once past retention."""
    instant = instant or timezone.now()
    bilan = Bilan(
        preavis_cloture=preavis_cloture_envoyer(instant=instant),
        cloturees=demandes_sans_activite_cloturer(instant=instant),
        preavis=preavis_envoyer(instant=instant),
        brouillons=services.brouillons_des_demandes_closes_supprimer(),
    )
    while True:
        lot = list(a_anonymiser(instant).order_by("pk").values_list("pk", flat=True)[:TAILLE_LOT])
        if not lot:
            break
        demandes, messages, fichiers = _anonymiser_lot(lot, instant)
        bilan.demandes += demandes
        bilan.messages += messages
        bilan.fichiers += fichiers
    logger.info("Retention: %s.", bilan)
    return bilan
