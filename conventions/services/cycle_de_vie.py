"""Convention lifecycle: numbering, guarded transitions with their trace, expiry, reminders."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portail import roles
from portail.dates import date_courte
from portail.liens import adresse_absolue
from portail.services import courriel_programmer

from ..models import (
    CompteurConvention,
    Convention,
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


class TransitionInterdite(ValidationError):
    pass


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
                        % {"numero": convention.numero, "date": date_courte(convention.date_fin)},
                        corps=_(
                            "La convention %(numero)s de la structure « %(nom)s » prend fin le "
                            "%(date)s, dans %(jours)s jours au plus. Sans renouvellement, ses "
                            "agents perdront l'accès au portail ce jour-là.\n\n%(url)s\n"
                        )
                        % {
                            "numero": convention.numero,
                            "nom": convention.partenaire.nom,
                            "date": date_courte(convention.date_fin),
                            "jours": jours,
                            "url": adresse_absolue("partenaires_conventions:edit", convention.pk),
                        },
                    )
                envoyes += 1
    return envoyes
