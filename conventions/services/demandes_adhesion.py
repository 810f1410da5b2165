"""Requests to become a partner, from the public page."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portail import roles
from portail.liens import adresse_absolue
from portail.services import courriel_programmer

from ..models import (
    DemandeAdhesion,
)

LIMITE_DEMANDES_PAR_HEURE = 3


def empreinte_origine(adresse_ip: str) -> str:
    """The requester's address is kept only as a keyed hash, enough to throttle."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{adresse_ip}".encode()).hexdigest()


def demande_adhesion_limite_atteinte(*, adresse_ip: str) -> bool:
    return (
        DemandeAdhesion.objects.filter(
            empreinte_origine=empreinte_origine(adresse_ip),
            cree_le__gte=timezone.now() - timedelta(hours=1),
        ).count()
        >= LIMITE_DEMANDES_PAR_HEURE
    )


@transaction.atomic
def demande_adhesion_enregistrer(*, adresse_ip: str, **donnees) -> DemandeAdhesion:
    """Record a request to become a partner and tell the superviseurs (no personal data in the
    e-mail: they read it in the back-office)."""
    demande = DemandeAdhesion(empreinte_origine=empreinte_origine(adresse_ip), **donnees)
    demande.full_clean()
    demande.save()
    for email in (
        get_user_model()
        .objects.filter(groups__name=roles.SUPERVISEUR_CPAM, is_active=True)
        .values_list("email", flat=True)
    ):
        courriel_programmer(
            destinataire=email,
            sujet=_("Nouvelle demande pour devenir partenaire"),
            corps=_(
                "Une structure demande à devenir partenaire. Consultez la demande dans "
                "l'espace CPAM :\n%(url)s\n"
            )
            % {"url": adresse_absolue("partenaires_demandes:traiter", demande.pk)},
        )
    return demande


@transaction.atomic
def demande_adhesion_traiter(*, demande: DemandeAdhesion, statut: str, auteur) -> DemandeAdhesion:
    """Accept or refuse a pending join request, once, recording who decided and when."""
    if statut not in (DemandeAdhesion.Statut.ACCEPTEE, DemandeAdhesion.Statut.REFUSEE):
        raise ValidationError(_("Décision inconnue : acceptez ou refusez la demande."))
    demande = DemandeAdhesion.objects.select_for_update().get(pk=demande.pk)
    if demande.statut != DemandeAdhesion.Statut.EN_ATTENTE:
        raise ValidationError(_("Cette demande a déjà été traitée."), code="traitee")
    demande.statut = statut
    demande.traitee_par = auteur
    demande.traitee_le = timezone.now()
    demande.save(update_fields=["statut", "traitee_par", "traitee_le"])
    return demande
