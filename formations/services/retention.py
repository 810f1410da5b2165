"""Retention of training registrations: FORMATIONS_CONSERVATION_MOIS after its session ended, a
registration is detached from its person (agent, who registered them, who changed it); the
session, structure and state stay, so places taken, attendance and the yearly figures per
structure are still counted."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portail.retention import mois_en_jours

from ..models import EvenementInscription, Inscription


@transaction.atomic
def inscriptions_anonymiser(*, instant=None) -> int:
    instant = instant or timezone.now()
    limite = instant - mois_en_jours(settings.FORMATIONS_CONSERVATION_MOIS)
    echues = Inscription.objects.filter(session__fin__lt=limite, agent__isnull=False)
    # Two statements whatever the volume; the traces first, while `echues` still finds them.
    EvenementInscription.objects.filter(inscription__in=echues).update(auteur=None)
    return echues.update(agent=None, inscrit_par=None)
