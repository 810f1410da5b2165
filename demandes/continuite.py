"""Continuity of the named expert: an absence hands the expert's open demandes over, the return
gives back those the substitute has not answered yet.

While an absence runs, the expert's open demandes are held by the substitute named for it, or
spread over the team's present experts, least loaded first. Each move goes through
`services.demande_attribuer` (routing decision, line in the partner's thread, notice to the new
holder) and is marked `remise_pour` the absence, so that the return finds them. Running the
hand-over again moves nothing more: the absent expert no longer holds any open demande.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from portail.dates import date_courte

from . import routage
from .models import Absence, Demande, Equipe, Expert, Message
from .services import demande_attribuer

#: Years an absence may fall in: a typing slip (year 1, 9999) is refused, not saved.
ANNEES_ACCEPTEES = (2000, 2100)


# Who may ---------------------------------------------------------------------------------------


def peut_gerer_absence(utilisateur, expert: Expert) -> bool:
    """The expert themself, or a superviseur of their team."""
    if not utilisateur.is_authenticated or not utilisateur.is_active:
        return False
    return (
        utilisateur.is_superuser
        or expert.utilisateur_id == utilisateur.pk
        or expert.equipe.superviseurs.filter(pk=utilisateur.pk).exists()
    )


def experts_geres_par(utilisateur) -> QuerySet[Expert]:
    """Experts whose absences this person declares: themself, and the experts of the teams they
    supervise."""
    experts = Expert.objects.select_related("utilisateur", "equipe").order_by(
        "utilisateur__last_name", "utilisateur__first_name"
    )
    if utilisateur.is_superuser:
        return experts
    return experts.filter(
        Q(utilisateur=utilisateur)
        | Exists(
            Equipe.superviseurs.through.objects.filter(
                equipe_id=OuterRef("equipe_id"), utilisateur_id=utilisateur.pk
            )
        )
    )


def absences_gerees_par(utilisateur) -> QuerySet[Absence]:
    return Absence.objects.filter(expert__in=experts_geres_par(utilisateur)).select_related(
        "expert__utilisateur", "suppleant__utilisateur"
    )


# Declaring -------------------------------------------------------------------------------------


def absence_valider(*, expert: Expert, debut, fin, suppleant: Expert | None) -> None:
    """Dates in order; a substitute who is another active expert of the same team."""
    erreurs = {}
    if debut and fin and fin <= debut:
        erreurs["fin"] = _("La fin de l'absence doit être postérieure à son début.")
    elif debut and fin and fin - debut > timedelta(days=settings.DEMANDES_ABSENCE_DUREE_MAX_JOURS):
        erreurs["fin"] = _(
            "Une absence dure au plus %(jours)s jours : déclarez la suite en une autre absence."
        ) % {"jours": settings.DEMANDES_ABSENCE_DUREE_MAX_JOURS}
    for champ, valeur in (("debut", debut), ("fin", fin)):
        if valeur and not ANNEES_ACCEPTEES[0] <= valeur.year <= ANNEES_ACCEPTEES[1]:
            erreurs[champ] = _("Indiquez une date entre %(de)s et %(a)s.") % {
                "de": ANNEES_ACCEPTEES[0],
                "a": ANNEES_ACCEPTEES[1],
            }
    if (
        debut
        and fin
        and not erreurs
        and Absence.objects.filter(
            expert=expert, debut__lt=fin, fin__gt=debut, reprise_le__isnull=True
        ).exists()
    ):
        erreurs["debut"] = _(
            "Une absence de cet expert couvre déjà une partie de cette période : "
            "reprenez-la ou choisissez d'autres dates."
        )
    if suppleant is not None:
        if suppleant.pk == expert.pk:
            erreurs["suppleant"] = _("Le suppléant doit être un autre expert que l'expert absent.")
        elif suppleant.equipe_id != expert.equipe_id:
            erreurs["suppleant"] = _("Le suppléant doit faire partie de l'équipe de l'expert.")
        elif not suppleant.actif or not suppleant.utilisateur.is_active:
            erreurs["suppleant"] = _("Ce suppléant n'est pas actif.")
    if erreurs:
        raise ValidationError(erreurs)


@transaction.atomic
def absence_declarer(
    *, auteur, expert: Expert, debut, fin, suppleant: Expert | None = None, motif: str = ""
) -> Absence:
    """Record an absence; when it has already started, hand the expert's demandes over now
    (a later one is handed over by the periodic sweep when it starts)."""
    if not peut_gerer_absence(auteur, expert):
        raise PermissionDenied
    absence_valider(expert=expert, debut=debut, fin=fin, suppleant=suppleant)
    absence = Absence.objects.create(
        expert=expert, debut=debut, fin=fin, suppleant=suppleant, motif=(motif or "").strip()
    )
    instant = timezone.now()
    if debut <= instant < fin:
        absence_remettre(absence=absence, instant=instant)
    return absence


# Hand-over -------------------------------------------------------------------------------------


def _libelle(absence: Absence) -> str:
    return _("absence de %(qui)s du %(debut)s au %(fin)s") % {
        "qui": absence.expert,
        "debut": date_courte(absence.debut),
        "fin": date_courte(absence.fin),
    }


def _remplacant(absence: Absence, instant) -> Expert | None:
    return absence.suppleant if routage.est_present(absence.suppleant, instant) else None


@transaction.atomic
def absence_remettre(*, absence: Absence, instant=None) -> int:
    """Hand the absent expert's open demandes over: to the substitute named for the absence,
    or else one by one to the team's present expert with the fewest open demandes (ties by id),
    or else to the team's unassigned queue. Returns how many moved."""
    instant = instant or timezone.now()
    absence = (
        Absence.objects.select_for_update(of=("self",))
        .select_related(
            "expert__utilisateur", "expert__equipe", "suppleant__utilisateur", "suppleant__equipe"
        )
        .get(pk=absence.pk)
    )
    if absence.reprise_le is not None or not absence.debut <= instant < absence.fin:
        return 0  # taken back already (the sweep read it before), or not running
    demandes = list(
        Demande.objects.select_for_update(of=("self",))
        .filter(expert_id=absence.expert_id, statut__in=Demande.OUVERTES)
        .select_related("equipe", "remise_pour")
        .annotate(_repondue=_repondue_depuis_la_remise())
        .order_by("pk")
    )
    if not demandes:
        return 0
    titulaire = absence.expert
    remplacant = _remplacant(absence, instant)
    charges = (
        []
        if remplacant
        else routage.charges_equipe(titulaire.equipe_id, instant, exclus=[titulaire.pk])
    )
    for demande in demandes:
        if remplacant:
            cible, pourquoi = remplacant, _("suppléant désigné")
        elif charges:
            charges.sort(key=lambda charge: (charge[0], charge[1]))
            charges[0][0] += 1
            cible, pourquoi = charges[0][2], _("expert le moins chargé de l'équipe")
        else:
            cible, pourquoi = None, _("aucun expert présent, file non attribuée")
        equipe = cible.equipe if cible else titulaire.equipe
        if cible:
            annonce = _(
                "Pendant l'absence de %(titulaire)s, votre demande est suivie par %(qui)s."
            ) % {"titulaire": titulaire, "qui": cible}
        else:
            annonce = _(
                "Pendant l'absence de %(titulaire)s, votre demande est suivie par l'équipe "
                "%(equipe)s de la CPAM."
            ) % {"titulaire": titulaire, "equipe": equipe.nom}
        demande_attribuer(
            demande=demande,
            expert=cible,
            equipe=equipe,
            motif=_("%(absence)s → %(pourquoi)s")
            % {"absence": _libelle(absence), "pourquoi": pourquoi},
            annonce=annonce,
            remise_pour=_retour_vers(demande, absence),
            instant=instant,
        )
    return len(demandes)


def _retour_vers(demande: Demande, absence: Absence) -> Absence:
    """The absence whose return brings this demande back. A substitute who goes away in turn
    passes on the demande they cover, unanswered: it still goes back to the expert it was
    first handed over from, when that expert returns."""
    premiere = demande.remise_pour
    if premiere is not None and premiere.reprise_le is None and not demande._repondue:
        return premiere
    return absence


# Return ----------------------------------------------------------------------------------------


def _repondue_depuis_la_remise():
    return Exists(
        Message.objects.filter(
            demande=OuterRef("pk"),
            cote=Message.Cote.CPAM,
            type__in=Message.TYPES_REPONSE,
            cree_le__gte=OuterRef("attribuee_le"),
        )
    )


def reprise_possible(absence: Absence, instant=None) -> bool:
    instant = instant or timezone.now()
    return absence.debut <= instant and absence.reprise_le is None


@transaction.atomic
def absence_reprendre(*, absence: Absence, auteur=None, instant=None) -> int:
    """The expert is back: the demandes handed over for this absence that the substitute has
    not answered (no CPAM message since the hand-over) go back to them in one action; the
    answered ones stay with whoever answered. Taken back early, the absence ends now. `auteur`
    None: the periodic sweep at the absence's end. Returns how many came back."""
    instant = instant or timezone.now()
    absence = (
        Absence.objects.select_for_update(of=("self",))
        .select_related("expert__utilisateur", "expert__equipe")
        .get(pk=absence.pk)
    )
    if auteur is not None and not peut_gerer_absence(auteur, absence.expert):
        raise PermissionDenied
    if absence.debut > instant:
        raise ValidationError(_("Cette absence n'a pas encore commencé : modifiez-la plutôt."))
    if absence.reprise_le is not None:
        return 0
    titulaire = absence.expert
    if not titulaire.actif or not titulaire.utilisateur.is_active:
        raise ValidationError(
            _("Cet expert n'est plus actif : ses demandes restent où elles sont.")
        )
    absence.reprise_le = instant
    if absence.fin > instant:
        absence.fin = max(instant, absence.debut + timedelta(seconds=1))
    absence.save(update_fields=["reprise_le", "fin"])
    remises = (
        Demande.objects.select_for_update(of=("self",))
        .filter(remise_pour=absence)
        .select_related("expert__utilisateur", "equipe")
        .annotate(_repondue=_repondue_depuis_la_remise())
        .order_by("pk")  # locks in one order everywhere (see services.demandes_reattribuer)
    )
    revenues = 0
    qui = auteur.get_full_name() or auteur.email if auteur else ""
    for demande in remises:
        if demande.statut not in Demande.OUVERTES or demande._repondue:
            continue
        demande_attribuer(
            demande=demande,
            expert=titulaire,
            equipe=titulaire.equipe,
            auteur=auteur,
            motif=_("retour de %(titulaire)s (%(absence)s)%(par)s")
            % {
                "titulaire": titulaire,
                "absence": _libelle(absence),
                "par": _(", repris par %(qui)s") % {"qui": qui} if qui else "",
            },
            annonce=_("%(titulaire)s reprend le suivi de votre demande.")
            % {"titulaire": titulaire},
            instant=instant,
        )
        revenues += 1
    Demande.objects.filter(remise_pour=absence).update(remise_pour=None)
    return revenues


# Periodic sweep --------------------------------------------------------------------------------


def absences_appliquer(*, instant=None) -> dict[str, int]:
    """Hand over the demandes of absences that have started, give back those of absences that
    have ended. Safe to run twice: a second run finds nothing to move."""
    instant = instant or timezone.now()
    remises = reprises = 0
    commencees = Absence.objects.filter(
        Exists(
            Demande.objects.filter(expert_id=OuterRef("expert_id"), statut__in=Demande.OUVERTES)
        ),
        debut__lte=instant,
        fin__gt=instant,
    )
    for absence in commencees.only("pk"):
        remises += absence_remettre(absence=absence, instant=instant)
    terminees = Absence.objects.filter(
        Exists(Demande.objects.filter(remise_pour=OuterRef("pk"))),
        fin__lte=instant,
        reprise_le__isnull=True,
    )
    for absence in terminees.only("pk"):
        try:
            reprises += absence_reprendre(absence=absence, instant=instant)
        except ValidationError:
            # The expert left: the demandes stay with their holders, and the absence is done
            # with (not tried again at every sweep).
            Demande.objects.filter(remise_pour=absence).update(remise_pour=None)
            Absence.objects.filter(pk=absence.pk).update(reprise_le=instant)
    return {"remises": remises, "reprises": reprises}


def demandes_a_reprendre(absences: list[Absence]) -> dict[int, int]:
    """How many demandes would come back now, by absence (one query, shown on the button)."""
    return dict(
        Demande.objects.filter(remise_pour__in=absences, statut__in=Demande.OUVERTES)
        .exclude(_repondue_depuis_la_remise())
        .values_list("remise_pour")
        .annotate(nombre=Count("pk"))
        .order_by()
    )
