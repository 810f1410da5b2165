"""Writes with business rules for the reference content: flash info notifications."""

import logging
from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from conventions.models import Adhesion, Partenaire
from conventions.selectors import convention_en_vigueur_q
from portail.liens import adresse_du_chemin
from portail.services import courriel_programmer

from .models import EnvoiFlashInfo, FlashInfoPage, LectureFlashInfo, PreferencesNotification

logger = logging.getLogger(__name__)

Preference = PreferencesNotification.FlashInfos
Mode = EnvoiFlashInfo.Mode

# The daily digest first catches up on flash infos published since this long ago, in case the
# broker was unreachable when they were published (notifying is idempotent).
RATTRAPAGE_NOTIFICATIONS = timedelta(hours=36)


def preference_flash_infos(utilisateur) -> str:
    """The person's choice, TOUTES when they never chose (reads `preferences` if selected)."""
    try:
        return utilisateur.preferences.flash_infos
    except PreferencesNotification.DoesNotExist:
        return Preference.TOUTES


def adhesions_ouvrant_les_contenus(aujourdhui=None, **structures):
    """Memberships through which a person may read the contents today: the access rule of
    `conventions.selectors.acces_portail` in SQL (active account and membership, started and
    not ended, in an active structure whose convention in force opens the contents).
    `structures` narrows the structures (`type__in=…`, `departement__in=…`)."""
    aujourdhui = aujourdhui or timezone.localdate()
    partenaires = Partenaire.objects.filter(
        convention_en_vigueur_q(aujourdhui, prefixe="conventions__"),
        conventions__ouvre_contenus=True,
        actif=True,
        **structures,
    )
    return Adhesion.objects.filter(
        Q(date_fin__isnull=True) | Q(date_fin__gt=aujourdhui),
        active=True,
        date_debut__lte=aujourdhui,
        utilisateur__is_active=True,
        partenaire__in=partenaires.values("pk"),
    )


def destinataires_flash_info(flash: FlashInfoPage, aujourdhui=None) -> list:
    """People who may read the contents through a structure the flash info aims at; each
    once, with their preferences selected (one query whatever the number of people)."""
    structures = {}
    if flash.types_partenaires:
        structures["type__in"] = flash.types_partenaires
    if flash.departements:
        structures["departement__in"] = flash.departements
    adhesions = (
        adhesions_ouvrant_les_contenus(aujourdhui, **structures)
        .select_related("partenaire", "utilisateur__preferences")
        .order_by("utilisateur_id")
    )
    personnes = {}
    for adhesion in adhesions:
        if flash.vise(adhesion.partenaire):
            personnes.setdefault(adhesion.utilisateur_id, adhesion.utilisateur)
    return list(personnes.values())


def flash_info_notifier(*, flash_info_id: int) -> int:
    """Notify the people a published flash info aims at, according to their preference.

    Important: an e-mail at once (TOUTES or IMPORTANTES). Normal: queued for the daily digest
    (TOUTES only). AUCUNE: nothing. One EnvoiFlashInfo row per person and flash info makes it
    idempotent: republishing, or running twice, sends nothing more. Returns the number of
    e-mails queued now.
    """
    flash = FlashInfoPage.objects.live().filter(pk=flash_info_id).first()
    if flash is None:
        return 0
    # Who already has a row for it (one query): a republication touches nobody again.
    deja = dict(
        EnvoiFlashInfo.objects.filter(flash_info=flash).values_list("utilisateur_id", "envoye_le")
    )
    envoyes, pour_le_resume, lien = 0, [], lien_absolu(flash)
    for utilisateur in destinataires_flash_info(flash):
        preference = preference_flash_infos(utilisateur)
        if preference == Preference.AUCUNE:
            continue
        if flash.importante:
            # Only a row still waiting for the digest may become an immediate e-mail.
            if utilisateur.pk not in deja or deja[utilisateur.pk] is None:
                envoyes += _envoi_immediat(flash, utilisateur, lien)
        elif preference == Preference.TOUTES and utilisateur.pk not in deja:
            pour_le_resume.append(
                EnvoiFlashInfo(utilisateur=utilisateur, flash_info=flash, mode=Mode.RESUME)
            )
    # A concurrent run may have inserted some rows: the unique constraint keeps one of each.
    EnvoiFlashInfo.objects.bulk_create(pour_le_resume, batch_size=500, ignore_conflicts=True)
    return envoyes


@transaction.atomic
def _envoi_immediat(flash: FlashInfoPage, utilisateur, lien: str) -> int:
    maintenant = timezone.now()
    envoi, cree = EnvoiFlashInfo.objects.get_or_create(
        utilisateur=utilisateur,
        flash_info=flash,
        defaults={"mode": EnvoiFlashInfo.Mode.IMMEDIAT, "envoye_le": maintenant},
    )
    if not cree:
        # Queued for the digest while it was normal, and made important since: send it now.
        # The conditional update is the lock: a concurrent run finds nothing to update.
        cree = EnvoiFlashInfo.objects.filter(
            pk=envoi.pk, mode=EnvoiFlashInfo.Mode.RESUME, envoye_le__isnull=True
        ).update(mode=EnvoiFlashInfo.Mode.IMMEDIAT, envoye_le=maintenant)
    if not cree:
        return 0
    contexte = {"prenom": utilisateur.first_name, "flash": flash, "lien": lien}
    courriel_programmer(
        destinataire=utilisateur.email,
        sujet=_sujet("cms/courriels/flash_info_immediat_sujet.txt", contexte),
        corps=render_to_string("cms/courriels/flash_info_immediat.txt", contexte),
    )
    return 1


def resume_quotidien_envoyer() -> int:
    """Send each person one e-mail listing the normal flash infos queued for them, and mark
    them sent in the same transaction (a second run sends nothing). Returns e-mails sent."""
    _notifications_rattraper()
    en_attente = (
        EnvoiFlashInfo.objects.filter(
            mode=EnvoiFlashInfo.Mode.RESUME,
            envoye_le__isnull=True,
            flash_info__live=True,
            # Access cut since (suspension, expiry, deactivation): nothing is sent; the rows
            # stay pending and go out if the access comes back.
            utilisateur__in=adhesions_ouvrant_les_contenus().values("utilisateur_id"),
        )
        .select_related("utilisateur__preferences", "flash_info")
        .order_by("utilisateur_id", "-flash_info__date", "-flash_info__first_published_at")
    )
    par_personne = defaultdict(list)
    for envoi in en_attente:
        # A person who chose fewer e-mails since keeps the rows: nothing is sent to them.
        if preference_flash_infos(envoi.utilisateur) == Preference.TOUTES:
            par_personne[envoi.utilisateur_id].append(envoi)
    return sum(_resume_envoyer(envois) for envois in par_personne.values())


@transaction.atomic
def _resume_envoyer(envois: list[EnvoiFlashInfo]) -> int:
    a_envoyer = set(
        EnvoiFlashInfo.objects.select_for_update()
        .filter(pk__in=[e.pk for e in envois], envoye_le__isnull=True)
        .values_list("pk", flat=True)
    )
    envois = [e for e in envois if e.pk in a_envoyer]
    if not envois:
        return 0
    utilisateur = envois[0].utilisateur
    contexte = {
        "prenom": utilisateur.first_name,
        "flashs": [{"flash": e.flash_info, "lien": lien_absolu(e.flash_info)} for e in envois],
        "nombre": len(envois),
    }
    courriel_programmer(
        destinataire=utilisateur.email,
        sujet=_sujet("cms/courriels/resume_quotidien_sujet.txt", contexte),
        corps=render_to_string("cms/courriels/resume_quotidien.txt", contexte),
    )
    EnvoiFlashInfo.objects.filter(pk__in=a_envoyer).update(envoye_le=timezone.now())
    return 1


def _notifications_rattraper() -> None:
    recentes = FlashInfoPage.objects.live().filter(
        last_published_at__gte=timezone.now() - RATTRAPAGE_NOTIFICATIONS
    )
    for pk in recentes.values_list("pk", flat=True):
        flash_info_notifier(flash_info_id=pk)


def flash_info_marquer_lue(*, utilisateur, flash_info: FlashInfoPage) -> None:
    """A person opened an important flash info: it is no longer pinned for them (once, however
    many times they open it)."""
    LectureFlashInfo.objects.get_or_create(utilisateur=utilisateur, flash_info=flash_info)


def lien_absolu(page) -> str:
    return adresse_du_chemin(page.get_url())


def _sujet(gabarit: str, contexte: dict) -> str:
    return " ".join(render_to_string(gabarit, contexte).split())
