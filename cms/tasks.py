"""Celery entry points of the reference content: thin, idempotent, calling services."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def flash_info_notifier(flash_info_id: int) -> int:
    return services.flash_info_notifier(flash_info_id=flash_info_id)


@shared_task(ignore_result=True)
def resume_quotidien_envoyer() -> int:
    return services.resume_quotidien_envoyer()


@shared_task(ignore_result=True)
def pages_programmees_publier() -> None:
    """Wagtail's scheduled publishing: publishes pages whose "go live" time has come and
    unpublishes expired ones (idempotent; a missed run is caught up by the next)."""
    from django.core.management import call_command

    call_command("publish_scheduled")


@shared_task(ignore_result=True)
def rencontres_rappels_envoyer() -> int:
    """Hourly: the day-before reminder of each rencontre registration, sent once (stamped)."""
    return services.rencontres_rappels_envoyer()


@shared_task(ignore_result=True)
def retention_appliquer() -> int:
    """Nightly: registrations to rencontres past retention are deleted."""
    return services.rencontres_inscriptions_purger()
