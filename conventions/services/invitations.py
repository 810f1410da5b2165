"""Invitations by e-mail: single-use 72-hour links, only a hash of the token stored."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portail.liens import adresse_absolue
from portail.services import courriel_programmer

from ..models import (
    Adhesion,
    Invitation,
    Partenaire,
)
from .adhesions import adhesion_creer

DUREE_INVITATION = timedelta(hours=72)


def empreinte_jeton(jeton: str) -> str:
    return hashlib.sha256(jeton.encode()).hexdigest()


@transaction.atomic
def invitation_creer(*, partenaire: Partenaire, email: str, role: str, auteur) -> Invitation:
    """Invite a person by e-mail: a single-use link valid 72 hours.

    Only a hash of the token is stored; the link is in the e-mail and nowhere else.
    """
    email = email.strip().lower()
    if Adhesion.objects.filter(
        partenaire=partenaire, active=True, utilisateur__email__iexact=email
    ).exists():
        raise ValidationError(
            {"email": _("Cette personne fait déjà partie de la structure.")}, code="deja_membre"
        )
    # A new invitation replaces the pending ones: only the latest link works.
    Invitation.objects.filter(
        partenaire=partenaire, email=email, utilisee_le__isnull=True, expire_le__gt=timezone.now()
    ).update(expire_le=timezone.now())
    jeton = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        partenaire=partenaire,
        email=email,
        role=role,
        empreinte=empreinte_jeton(jeton),
        cree_par=auteur,
        expire_le=timezone.now() + DUREE_INVITATION,
    )
    courriel_programmer(
        destinataire=email,
        sujet=_("Invitation au portail Solidaires et partenaires"),
        corps=_(
            "Bonjour,\n\n%(auteur)s vous invite à rejoindre l'espace de la structure « %(nom)s » "
            "sur Solidaires et partenaires, le portail des partenaires de la CPAM.\n\n"
            "Pour créer votre accès, ouvrez ce lien (valable 72 heures, une seule fois) :\n"
            "%(url)s\n\nVous choisirez votre mot de passe puis configurerez la double "
            "authentification avec une application sur votre téléphone professionnel.\n"
        )
        % {
            "auteur": auteur.get_full_name(),
            "nom": partenaire.nom,
            "url": adresse_absolue("conventions:invitation", jeton),
        },
    )
    invitation.jeton = jeton  # for the caller (tests, messages); never stored
    return invitation


class InvitationInvalide(Exception):
    def __init__(self, raison: str):
        super().__init__(raison)
        self.raison = raison  # "inconnue", "utilisee" or "expiree"


def invitation_trouver(jeton: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("partenaire")
        .filter(empreinte=empreinte_jeton(jeton))
        .first()
    )
    if invitation is None:
        raise InvitationInvalide("inconnue")
    if invitation.utilisee_le is not None:
        raise InvitationInvalide("utilisee")
    if invitation.expire_le <= timezone.now():
        raise InvitationInvalide("expiree")
    return invitation


@transaction.atomic
def invitation_accepter(
    *,
    jeton: str,
    utilisateur=None,
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    password: str = "",
):
    """Use an invitation once: create the account (or take the logged-in one) and attach it.

    The new account has no second factor yet: enrolment is forced at its first page.
    """
    invitation = invitation_trouver(jeton)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.utilisee_le is not None:
        raise InvitationInvalide("utilisee")
    Utilisateur = get_user_model()
    if utilisateur is None:
        if Utilisateur.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(
                _(
                    "Un compte existe déjà pour cette adresse : connectez-vous pour accepter "
                    "l'invitation."
                ),
                code="compte_existant",
            )
        utilisateur = Utilisateur.objects.create_user(
            invitation.email, password, first_name=first_name, last_name=last_name, phone=phone
        )
    elif utilisateur.email.lower() != invitation.email:
        raise ValidationError(
            _("Cette invitation a été envoyée à une autre adresse e-mail."), code="autre_email"
        )
    invitation.utilisee_le = timezone.now()
    invitation.save(update_fields=["utilisee_le"])
    adhesion_creer(utilisateur=utilisateur, partenaire=invitation.partenaire, role=invitation.role)
    return utilisateur
