"""The private address of a person's calendar feed: a random token, only its hash stored."""

import secrets

from django.db import transaction

from conventions.services import empreinte_jeton

from ..models import JetonCalendrier


@transaction.atomic
def jeton_calendrier_regenerer(*, utilisateur) -> str:
    """Give the person a new feed address; the previous one stops working at once.

    Returns the token, to show once: only its hash is kept.
    """
    jeton = secrets.token_urlsafe(32)
    JetonCalendrier.objects.update_or_create(
        utilisateur=utilisateur, defaults={"empreinte": empreinte_jeton(jeton)}
    )
    return jeton


@transaction.atomic
def jeton_calendrier_revoquer(*, utilisateur) -> bool:
    """Remove the person's feed address; returns whether there was one."""
    supprimes, _ = JetonCalendrier.objects.filter(utilisateur=utilisateur).delete()
    return bool(supprimes)
