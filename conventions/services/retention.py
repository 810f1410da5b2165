"""Retention of the personal data of conventions: invitations (the invitee's address) and the
contact details of "Devenir partenaire" requests. Periods come from the settings that the
"Données personnelles" page also shows (portail/retention.py)."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from portail.retention import mois_en_jours

from ..models import DemandeAdhesion, Invitation


def invitations_purger(*, instant=None) -> int:
    """Invitations used or expired more than INVITATIONS_CONSERVATION_JOURS ago. A used
    invitation expired at the latest 72 hours after it was sent, so the expiry date is the one
    reference for both."""
    instant = instant or timezone.now()
    limite = instant - timedelta(days=settings.INVITATIONS_CONSERVATION_JOURS)
    return Invitation.objects.filter(expire_le__lt=limite).delete()[0]


def demandes_adhesion_anonymiser(*, instant=None) -> int:
    """Erase the contact of a request answered (or received, when never answered) more than
    DEMANDES_ADHESION_CONSERVATION_MOIS ago; the structure, its type, place and the outcome stay
    for the yearly figures."""
    instant = instant or timezone.now()
    limite = instant - mois_en_jours(settings.DEMANDES_ADHESION_CONSERVATION_MOIS)
    return (
        DemandeAdhesion.objects.alias(reference=Coalesce("traitee_le", "cree_le"))
        .filter(reference__lt=limite)
        .exclude(Q(contact_nom="") & Q(contact_email="") & Q(contact_telephone=""))
        .update(
            contact_nom="",
            contact_fonction="",
            contact_email="",
            contact_telephone="",
            message="",
            empreinte_origine="",
        )
    )


def retention_appliquer(*, instant=None) -> dict[str, int]:
    instant = instant or timezone.now()
    return {
        "invitations": invitations_purger(instant=instant),
        "demandes_adhesion": demandes_adhesion_anonymiser(instant=instant),
    }
