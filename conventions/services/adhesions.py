"""Memberships: attach, deactivate, change role; a référent's object permission follows."""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from portail import roles

from ..models import (
    Adhesion,
    Partenaire,
)


def _synchroniser_permissions(adhesion: Adhesion) -> None:
    """A référent's object permission on their structure follows their active référent role."""
    groupe_referent = Group.objects.get(name=roles.REFERENT_PARTENAIRE)
    groupe_agent = Group.objects.get(name=roles.AGENT_PARTENAIRE)
    utilisateur = adhesion.utilisateur
    if adhesion.active and adhesion.role == Adhesion.Role.REFERENT:
        assign_perm("conventions.gerer_agents", utilisateur, adhesion.partenaire)
    else:
        remove_perm("conventions.gerer_agents", utilisateur, adhesion.partenaire)
    actives = Adhesion.objects.filter(utilisateur=utilisateur, active=True)
    if actives.filter(role=Adhesion.Role.REFERENT).exists():
        utilisateur.groups.add(groupe_referent)
    else:
        utilisateur.groups.remove(groupe_referent)
    if actives.exists():
        utilisateur.groups.add(groupe_agent)
    else:
        utilisateur.groups.remove(groupe_agent)


@transaction.atomic
def adhesion_creer(*, utilisateur, partenaire: Partenaire, role: str) -> Adhesion:
    """Attach a person to a structure (or reactivate the link); a person may have several."""
    adhesion = Adhesion.objects.filter(
        utilisateur=utilisateur, partenaire=partenaire, active=True
    ).first()
    if adhesion is None:
        adhesion = Adhesion.objects.create(
            utilisateur=utilisateur, partenaire=partenaire, role=role
        )
    elif adhesion.role != role and role == Adhesion.Role.REFERENT:
        adhesion.role = role
        adhesion.save(update_fields=["role"])
    _synchroniser_permissions(adhesion)
    return adhesion


def _verifier_pas_dernier_referent(adhesion: Adhesion, auteur) -> None:
    # Lock the structure so that two référents leaving at once cannot both pass the check.
    Partenaire.objects.select_for_update().get(pk=adhesion.partenaire_id)
    if (
        adhesion.role == Adhesion.Role.REFERENT
        and adhesion.utilisateur_id == auteur.pk
        and not Adhesion.objects.filter(
            partenaire=adhesion.partenaire, active=True, role=Adhesion.Role.REFERENT
        )
        .exclude(pk=adhesion.pk)
        .exists()
    ):
        raise ValidationError(
            _(
                "Vous êtes le dernier référent de la structure : désignez d'abord un autre "
                "référent."
            ),
            code="dernier_referent",
        )


@transaction.atomic
def adhesion_desactiver(*, adhesion: Adhesion, auteur) -> Adhesion:
    """Cut a person's access through one structure at once; the history is kept."""
    adhesion = (
        Adhesion.objects.select_for_update().select_related("utilisateur").get(pk=adhesion.pk)
    )
    if not adhesion.active:
        return adhesion
    _verifier_pas_dernier_referent(adhesion, auteur)
    adhesion.active = False
    adhesion.date_fin = timezone.localdate()
    adhesion.desactivee_le = timezone.now()
    adhesion.desactivee_par = auteur
    adhesion.save(update_fields=["active", "date_fin", "desactivee_le", "desactivee_par"])
    _synchroniser_permissions(adhesion)
    return adhesion


@transaction.atomic
def adhesion_changer_role(*, adhesion: Adhesion, role: str, auteur) -> Adhesion:
    adhesion = (
        Adhesion.objects.select_for_update().select_related("utilisateur").get(pk=adhesion.pk)
    )
    if not adhesion.active:
        raise ValidationError(_("Ce rattachement est désactivé."), code="inactive")
    if role == adhesion.role:
        return adhesion
    if role == Adhesion.Role.AGENT:
        _verifier_pas_dernier_referent(adhesion, auteur)
    adhesion.role = role
    adhesion.save(update_fields=["role"])
    _synchroniser_permissions(adhesion)
    return adhesion
