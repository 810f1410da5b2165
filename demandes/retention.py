"""Retention of insured people's data (RGPD): a closed demande is anonymised once its retention
period is over (default 12 months after clôture), keeping only what anonymous statistics need
(category, structure, dates, status, outcome, response time).

The job works in batches, each committed on its own: stopped half-way, it resumes where it was;
run twice, the second run finds nothing to do. People following a demande are told 15 days
before it is anonymised.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portail.dates import jour_de_paris
from portail.models import EntreeJournal

from . import notifications
from .models import Demande, Message, PieceJointe

logger = logging.getLogger(__name__)

TAILLE_LOT = 500
TEXTE_EFFACE = "[Contenu supprimé à l'issue de la durée de conservation]"
PREAVIS = timedelta(days=15)


def duree_conservation() -> timedelta:
    return timedelta(days=round(settings.DEMANDES_CONSERVATION_MOIS * 365 / 12))


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

    def __str__(self):
        return (
            f"{self.demandes} demande(s) anonymisée(s), {self.messages} message(s) effacé(s), "
            f"{self.fichiers} fichier(s) supprimé(s), {self.preavis} préavis envoyé(s)"
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
    """The nightly job: pre-notices, then anonymisation of what is past retention."""
    instant = instant or timezone.now()
    bilan = Bilan(preavis=preavis_envoyer(instant=instant))
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
