"""Routing: which named expert gets a new demande, and why.

One decision costs a handful of queries whatever the number of rules: the most specific rule
is picked by the database (ordered by specificity, first row), the absences of its two experts
are read in one query, and only when both are away is the team's load computed.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from conventions.models import Partenaire

from .models import Absence, Categorie, Demande, Equipe, Expert, RegleRoutage


@dataclass(frozen=True)
class Decision:
    equipe: Equipe
    expert: Expert | None
    regle: RegleRoutage | None
    motif: str


class AucuneRegle(Exception):
    """No rule covers this category and territory (there should always be a default rule)."""


def regle_applicable(*, categorie: Categorie | None, partenaire: Partenaire) -> RegleRoutage | None:
    """The most specific active rule: structure, then département, then everywhere; at equal
    territory, the rule naming the category before the rule for every category. Without a
    category (which team covers this structure at all), the rule for every category first."""
    regles = RegleRoutage.objects.filter(active=True)
    if categorie is not None:
        regles = regles.filter(Q(categorie=categorie) | Q(categorie__isnull=True))
    return (
        regles.filter(
            Q(partenaire=partenaire)
            | Q(partenaire__isnull=True, departement=partenaire.departement)
            | Q(partenaire__isnull=True, departement="")
        )
        .annotate(
            _territoire=Case(
                When(partenaire__isnull=False, then=Value(0)),
                When(departement="", then=Value(2)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            _categorie=Case(
                When(categorie__isnull=False, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .select_related(
            "titulaire__utilisateur", "titulaire__equipe", "suppleant__utilisateur", "categorie"
        )
        .order_by("_territoire", "_categorie" if categorie is not None else "-_categorie", "pk")
        .first()
    )


def absences_en_cours(experts: list[Expert], instant: datetime) -> dict[int, Absence]:
    """Absences covering `instant`, by expert id (one query)."""
    absences = Absence.objects.filter(
        expert__in=[e.pk for e in experts], debut__lte=instant, fin__gt=instant
    ).select_related("suppleant__utilisateur")
    return {absence.expert_id: absence for absence in absences}


def est_absent(expert: Expert, instant: datetime | None = None) -> bool:
    instant = instant or timezone.now()
    return Absence.objects.filter(expert=expert, debut__lte=instant, fin__gt=instant).exists()


def _present(expert: Expert | None, absences: dict[int, Absence]) -> bool:
    return (
        expert is not None
        and expert.actif
        and expert.utilisateur.is_active
        and expert.pk not in absences
    )


def est_present(expert: Expert | None, instant: datetime | None = None) -> bool:
    """Who may hold a demande at `instant`: an active expert, with an active account, not away
    (the same rule as the routing's, for one expert)."""
    if expert is None or not expert.actif or not expert.utilisateur.is_active:
        return False
    return _present(expert, absences_en_cours([expert], instant or timezone.now()))


def expert_le_moins_charge(equipe: Equipe, instant: datetime, exclus=()) -> Expert | None:
    """The present active expert of the team with the fewest open demandes (one query)."""
    charges = charges_equipe(equipe.pk, instant, exclus=[e.pk for e in exclus if e is not None])
    return charges[0][2] if charges else None


def decider(*, categorie: Categorie, partenaire: Partenaire, instant=None) -> Decision:
    """Decide who gets a demande of this category from this structure now.

    A rule in "équipe, le moins chargé" mode gives it to the least-loaded present expert of the
    titulaire's team. Otherwise ("expert nommé"): titulaire if present; if absent, the
    substitute named for the absence, then the rule's substitute; if both are away, the
    least-loaded present expert of the team; if nobody, the team's unassigned queue.
    """
    instant = instant or timezone.now()
    regle = regle_applicable(categorie=categorie, partenaire=partenaire)
    if regle is None:
        raise AucuneRegle(categorie.slug, partenaire.departement)
    titulaire, suppleant = regle.titulaire, regle.suppleant
    equipe = titulaire.equipe
    if regle.mode == RegleRoutage.Mode.EQUIPE_MOINS_CHARGE:
        return _au_moins_charge(regle, equipe, instant)
    absences = absences_en_cours([e for e in (titulaire, suppleant) if e], instant)
    prefixe = _("règle %(code)s") % {"code": regle.code}

    if _present(titulaire, absences):
        return Decision(equipe, titulaire, regle, _("%(p)s → titulaire") % {"p": prefixe})

    raison = _("titulaire absent") if titulaire.pk in absences else _("titulaire inactif")
    absence = absences.get(titulaire.pk)
    remplacant = absence.suppleant if absence else None
    if remplacant and remplacant.pk != titulaire.pk:
        remplacant_absent = absences_en_cours([remplacant], instant)
        if _present(remplacant, remplacant_absent):
            return Decision(
                equipe,
                remplacant,
                regle,
                _("%(p)s, %(r)s → suppléant désigné pour l'absence") % {"p": prefixe, "r": raison},
            )
    if _present(suppleant, absences):
        return Decision(
            equipe, suppleant, regle, _("%(p)s, %(r)s → suppléant") % {"p": prefixe, "r": raison}
        )

    raison = _("%(r)s, suppléant absent") % {"r": raison} if suppleant else raison
    moins_charge = expert_le_moins_charge(equipe, instant, exclus=(titulaire, suppleant))
    if moins_charge is not None:
        return Decision(
            equipe,
            moins_charge,
            regle,
            _("%(p)s, %(r)s → expert le moins chargé de l'équipe") % {"p": prefixe, "r": raison},
        )
    return Decision(
        equipe,
        None,
        regle,
        _("%(p)s, %(r)s, aucun expert présent → file non attribuée de l'équipe %(e)s")
        % {"p": prefixe, "r": raison, "e": equipe.nom},
    )


def equipe_du_territoire(*, partenaire: Partenaire, categorie: Categorie | None = None):
    """The team that would get this structure's demande (of this category, or of any category),
    by the same rule as `decider`; None without a rule."""
    regle = regle_applicable(categorie=categorie, partenaire=partenaire)
    return regle.titulaire.equipe if regle else None


def _au_moins_charge(regle: RegleRoutage, equipe: Equipe, instant: datetime) -> Decision:
    prefixe = _("règle %(code)s, équipe") % {"code": regle.code}
    expert = expert_le_moins_charge(equipe, instant)
    if expert is not None:
        return Decision(equipe, expert, regle, _("%(p)s → expert le moins chargé") % {"p": prefixe})
    return Decision(
        equipe,
        None,
        regle,
        _("%(p)s, aucun expert présent → file non attribuée de l'équipe %(e)s")
        % {"p": prefixe, "e": equipe.nom},
    )


def charges_equipe(equipe_id: int, instant: datetime, exclus=()) -> list[list]:
    """The team's present active experts with their count of open demandes, least loaded first
    (ties by id, so that a spread is stable): one query."""
    absent = Absence.objects.filter(expert=OuterRef("pk"), debut__lte=instant, fin__gt=instant)
    experts = (
        Expert.objects.filter(equipe_id=equipe_id, actif=True, utilisateur__is_active=True)
        .exclude(pk__in=list(exclus))
        .exclude(Exists(absent))
        .annotate(charge=Count("demandes", filter=Q(demandes__statut__in=Demande.OUVERTES)))
        .select_related("utilisateur")
        .order_by("charge", "pk")
    )
    return [[expert.charge, expert.pk, expert] for expert in experts]
