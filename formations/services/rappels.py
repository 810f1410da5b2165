"""Reminders 7 days and 1 day before a session, each sent once, by an hourly sweep."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ..models import Inscription, Session
from . import courriels

Etat = Inscription.Etat
# (days before, stamp): the day-before reminder first, so that someone who registered late
# gets that one only (it stamps the 7-day one as well).
ECHEANCES = ((1, "rappel_j1_le"), (7, "rappel_j7_le"))


def rappels_envoyer(*, maintenant=None) -> int:
    """E-mail each person holding a place 7 days and 1 day before their session, once each.

    Each reminder is stamped in the same transaction as its e-mail is recorded, by a
    conditional update: a second sweep, or two sweeps at once, find nothing left to send.
    """
    maintenant = maintenant or timezone.now()
    envoyes = 0
    for jours, champ in ECHEANCES:
        a_rappeler = (
            Inscription.objects.filter(
                etat=Etat.INSCRIT,
                session__statut__in=[Session.Statut.OUVERTE, Session.Statut.COMPLETE],
                session__debut__gt=maintenant,
                session__debut__lte=maintenant + timedelta(days=jours),
                **{f"{champ}__isnull": True},
            )
            .select_related("agent", "session", "session__programme")
            .order_by("session__debut", "pk")
        )
        for inscription in a_rappeler:
            with transaction.atomic():
                tampons = {champ: maintenant}
                if jours == 1:
                    tampons["rappel_j7_le"] = inscription.rappel_j7_le or maintenant
                if not Inscription.objects.filter(
                    pk=inscription.pk, etat=Etat.INSCRIT, **{f"{champ}__isnull": True}
                ).update(**tampons):
                    continue  # another sweep got there first
                courriels.rappel(inscription, jours=jours)
                envoyes += 1
    return envoyes
