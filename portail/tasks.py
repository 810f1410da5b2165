"""Celery entry points of the portal: thin, idempotent, calling services."""

from datetime import timedelta

from celery import shared_task
from django.core.management import call_command
from django.utils import timezone

from . import services
from .models import Courriel


@shared_task(ignore_result=True)
def courriel_envoyer(courriel_id: int) -> None:
    services.courriel_envoyer_maintenant(courriel_id=courriel_id)


@shared_task(ignore_result=True)
def courriels_en_attente_envoyer() -> int:
    """Sweep of the outbox: sends what the broker could not take when it was recorded."""
    # Leave a minute to the task queued at commit, so the sweep does not race it.
    limite = timezone.now() - timedelta(minutes=1)
    ids = list(
        Courriel.objects.filter(statut=Courriel.Statut.EN_ATTENTE, cree_le__lt=limite)
        .order_by("cree_le")
        .values_list("pk", flat=True)[:500]
    )
    return sum(services.courriel_envoyer_maintenant(courriel_id=pk) for pk in ids)


@shared_task(ignore_result=True)
def sessions_expirees_purger() -> None:
    call_command("clearsessions")


@shared_task(ignore_result=True)
def journal_purger() -> int:
    """The access journal is kept JOURNAL_CONSERVATION_JOURS, then purged."""
    from .retention import journal_purger as purger

    return purger()


@shared_task(ignore_result=True)
def retention_appliquer() -> dict[str, int]:
    """Nightly: outbox e-mails, security events and login attempts past their retention."""
    from .retention import retention_appliquer as appliquer

    return appliquer()
