"""Celery entry points of conventions: nightly expiry, end-of-convention reminders, retention."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def conventions_echues_expirer() -> int:
    return services.conventions_echues_expirer()


@shared_task(ignore_result=True)
def conventions_rappels_envoyer() -> int:
    return services.conventions_rappels_envoyer()


@shared_task(ignore_result=True)
def retention_appliquer() -> dict[str, int]:
    """Nightly: invitations and "Devenir partenaire" contacts past their retention."""
    return services.retention_appliquer()
