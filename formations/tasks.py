"""Celery entry points of trainings: reminders and closing past sessions (thin, idempotent)."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def rappels_envoyer() -> int:
    return services.rappels_envoyer()


@shared_task(ignore_result=True)
def sessions_terminees_realiser() -> int:
    return services.sessions_terminees_realiser()


@shared_task(ignore_result=True)
def retention_appliquer() -> int:
    """Nightly: registrations of sessions ended past retention are detached from the person."""
    return services.inscriptions_anonymiser()
