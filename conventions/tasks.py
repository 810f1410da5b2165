"""Celery entry points of conventions: nightly expiry and end-of-convention reminders."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def conventions_echues_expirer() -> int:
    return services.conventions_echues_expirer()


@shared_task(ignore_result=True)
def conventions_rappels_envoyer() -> int:
    return services.conventions_rappels_envoyer()
