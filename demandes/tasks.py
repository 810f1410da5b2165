"""Celery entry points of the messaging module: thin, idempotent, calling services."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import services


@shared_task(ignore_result=True)
def delais_surveiller() -> dict[str, int]:
    """Every few minutes: 75 % warnings, escalations, partner reminders, automatic closures.

    Each reminder is stamped when claimed, so a repeated or concurrent sweep sends it once.
    """
    instant = timezone.now()
    return {
        "alertes": services.alertes_delai_envoyer(instant=instant),
        "escalades": services.escalades_envoyer(instant=instant),
        "relances": services.relances_partenaires_envoyer(instant=instant),
        "cloturees": services.demandes_resolues_cloturer(instant=instant),
    }


@shared_task(ignore_result=True)
def pieces_orphelines_purger() -> int:
    """Files uploaded with a form that was never sent, after DEMANDES_PIECES_ORPHELINES_HEURES."""
    delai = timedelta(hours=settings.DEMANDES_PIECES_ORPHELINES_HEURES)
    return services.pieces_orphelines_purger(avant=timezone.now() - delai)


@shared_task(ignore_result=True)
def retention_appliquer() -> str:
    """Nightly: pre-notices, then anonymisation of closed demandes past retention."""
    from .retention import retention_appliquer as appliquer

    return str(appliquer())


@shared_task(ignore_result=True)
def absences_appliquer() -> dict[str, int]:
    """Every few minutes: absences that started hand their expert's demandes over, absences
    that ended give back those the substitute has not answered (both idempotent)."""
    from .continuite import absences_appliquer as appliquer

    return appliquer()
