"""Writes with business rules: convention lifecycle, memberships, invitations, join requests."""

import hashlib
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from portail import roles
from portail.services import courriel_programmer

from .models import (
    Adhesion,
    CompteurConvention,
    Convention,
    DemandeAdhesion,
    Invitation,
    Partenaire,
    TransitionConvention,
)

Statut = Convention.Statut

# The lifecycle of a convention. Expiry is also done by the nightly task, without anyone acting.
TRANSITIONS: dict[str, set[str]] = {
    Statut.BROUILLON: {Statut.EN_SIGNATURE},
    Statut.EN_SIGNATURE: {Statut.EN_VIGUEUR, Statut.BROUILLON},
    Statut.EN_VIGUEUR: {Statut.SUSPENDUE, Statut.RESILIEE, Statut.EXPIREE},
    Statut.SUSPENDUE: {Statut.EN_VIGUEUR, Statut.RESILIEE, Statut.EXPIREE},
    Statut.RESILIEE: set(),
    Statut.EXPIREE: set(),
}
MOTIF_OBLIGATOIRE = {Statut.SUSPENDUE, Statut.RESILIEE, Statut.EXPIREE}

DUREE_INVITATION = timedelta(hours=72)


class TransitionInterdite(ValidationError):
    pass


# Conventions -----------------------------------------------------------------------------------


def _numero_suivant(annee: int) -> str:
    compteur, _ = CompteurConvention.objects.select_for_update().get_or_create(annee=annee)
    compteur.dernier += 1
    compteur.save(update_fields=["dernier"])
    return f"CONV-{annee}-{compteur.dernier:04d}"


@transaction.atomic
def convention_creer(
    *, partenaire: Partenaire, date_effet: date, date_fin: date, auteur, **champs
) -> Convention:
    """Create a draft convention with the next number of the year of creation."""
    if date_fin <= date_effet:
        raise ValidationError({"date_fin": _("La date de fin doit suivre la date d'effet.")})
    convention = Convention(
        partenaire=partenaire, date_effet=date_effet, date_fin=date_fin, **champs
    )
    convention.numero = _numero_suivant(timezone.localdate().year)
    convention.full_clean(validate_constraints=False)
    convention.save()
    TransitionConvention.objects.create(
        convention=convention,
        de="",
        vers=Statut.BROUILLON,
        auteur=auteur,
        motif=_("Création"),
    )
    return convention


@transaction.atomic
def convention_changer_statut(
    *, convention: Convention, vers: str, auteur, motif: str = ""
) -> Convention:
    """Move a convention along its lifecycle, refusing any transition not in TRANSITIONS.

    Entering into force needs the signed PDF, both signatories, a current period and no other
    convention in force for the structure. Suspending or terminating needs a reason. Each change
    is traced (who, when, why) in the same transaction.
    """
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    de = convention.statut
    motif = (motif or "").strip()
    if vers not in TRANSITIONS.get(de, set()):
        libelles = dict(Statut.choices)
        raise TransitionInterdite(
            _("Une convention « %(de)s » ne peut pas passer à « %(vers)s ».")
            % {"de": libelles.get(de, de), "vers": libelles.get(vers, vers)},
            code="transition",
        )
    if vers in MOTIF_OBLIGATOIRE and not motif:
        raise TransitionInterdite(
            _("Indiquez le motif : il sera communiqué au référent de la structure."),
            code="motif",
        )
    if vers == Statut.EN_VIGUEUR:
        _verifier_mise_en_vigueur(convention)

    convention.statut = vers
    convention.save(update_fields=["statut"])
    TransitionConvention.objects.create(
        convention=convention, de=de, vers=vers, auteur=auteur, motif=motif
    )
    return convention


def _verifier_mise_en_vigueur(convention: Convention) -> None:
    manques = []
    if not convention.document_signe:
        manques.append(_("la convention signée (PDF)"))
    if not convention.signataire_partenaire:
        manques.append(_("le signataire de la structure"))
    if not convention.signataire_cpam:
        manques.append(_("le signataire de la CPAM"))
    if manques:
        raise TransitionInterdite(
            _("Pour mettre la convention en vigueur, ajoutez : %(manques)s.")
            % {"manques": ", ".join(manques)},
            code="incomplete",
        )
    if convention.date_fin <= timezone.localdate():
        raise TransitionInterdite(
            _("La date de fin est passée : créez une nouvelle convention."), code="echue"
        )
    autre = (
        Convention.objects.filter(
            partenaire_id=convention.partenaire_id,
            statut__in=[Statut.EN_VIGUEUR, Statut.SUSPENDUE],
        )
        .exclude(pk=convention.pk)
        .first()
    )
    if autre is not None:
        raise TransitionInterdite(
            _(
                "La structure a déjà la convention %(numero)s en vigueur ou suspendue : "
                "résiliez-la ou laissez-la expirer d'abord."
            )
            % {"numero": autre.numero},
            code="doublon",
        )


def conventions_echues_expirer(*, aujourdhui: date | None = None) -> int:
    """Conventions whose end date has come become expired, without anyone acting."""
    aujourdhui = aujourdhui or timezone.localdate()
    echues = Convention.objects.filter(
        statut__in=[Statut.EN_VIGUEUR, Statut.SUSPENDUE], date_fin__lte=aujourdhui
    ).values_list("pk", flat=True)
    nombre = 0
    for pk in list(echues):
        with transaction.atomic():
            convention = Convention.objects.select_for_update().get(pk=pk)
            if convention.statut not in (Statut.EN_VIGUEUR, Statut.SUSPENDUE):
                continue  # another run got there first
            de = convention.statut
            convention.statut = Statut.EXPIREE
            convention.save(update_fields=["statut"])
            TransitionConvention.objects.create(
                convention=convention,
                de=de,
                vers=Statut.EXPIREE,
                auteur=None,
                motif=_("Date de fin atteinte"),
            )
            nombre += 1
    return nombre


def conventions_rappels_envoyer(*, aujourdhui: date | None = None) -> int:
    """E-mail superviseurs 60 and 30 days before a convention in force ends (once each)."""
    aujourdhui = aujourdhui or timezone.localdate()
    destinataires = list(
        get_user_model()
        .objects.filter(groups__name=roles.SUPERVISEUR_CPAM, is_active=True)
        .values_list("email", flat=True)
    )
    envoyes = 0
    for jours, champ in ((30, "rappel_j30_le"), (60, "rappel_j60_le")):
        echeance = aujourdhui + timedelta(days=jours)
        a_rappeler = Convention.objects.filter(
            statut=Statut.EN_VIGUEUR,
            date_fin__gt=aujourdhui,
            date_fin__lte=echeance,
            **{f"{champ}__isnull": True},
        ).select_related("partenaire")
        for convention in a_rappeler:
            with transaction.atomic():
                if not Convention.objects.filter(
                    pk=convention.pk, **{f"{champ}__isnull": True}
                ).update(**{champ: timezone.now()}):
                    continue
                if jours == 30:  # the 60-day reminder is now pointless
                    Convention.objects.filter(pk=convention.pk, rappel_j60_le__isnull=True).update(
                        rappel_j60_le=timezone.now()
                    )
                for email in destinataires:
                    courriel_programmer(
                        destinataire=email,
                        sujet=_("Convention %(numero)s : fin le %(date)s")
                        % {"numero": convention.numero, "date": f"{convention.date_fin:%d/%m/%Y}"},
                        corps=_(
                            "La convention %(numero)s de la structure « %(nom)s » prend fin le "
                            "%(date)s, dans %(jours)s jours au plus. Sans renouvellement, ses "
                            "agents perdront l'accès au portail ce jour-là.\n\n%(url)s\n"
                        )
                        % {
                            "numero": convention.numero,
                            "nom": convention.partenaire.nom,
                            "date": f"{convention.date_fin:%d/%m/%Y}",
                            "jours": jours,
                            "url": f"{settings.PORTAIL_URL}/admin/",
                        },
                    )
                envoyes += 1
    return envoyes


# Memberships -----------------------------------------------------------------------------------


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


# Invitations -----------------------------------------------------------------------------------


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
            "url": f"{settings.PORTAIL_URL}/invitation/{jeton}/",
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


# Join requests ---------------------------------------------------------------------------------

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
            % {"url": f"{settings.PORTAIL_URL}/admin/"},
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
