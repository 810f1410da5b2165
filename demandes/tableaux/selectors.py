"""The figures of the dashboards, aggregated by the database.

A dashboard costs the same queries whatever the number of demandes: one aggregate over the
conventions, one over the structures, one over the demandes (totals, service level, outcomes,
reopenings), one grouping per breakdown (month, category, structure type, structure), two
OFFSET/LIMIT 1 queries for the percentiles, and the training coverage of `formations`.

Definitions, as the page and the exports state them:
- the period runs from `date_debut` 00:00 to `date_fin` 24:00, Europe/Paris; a demande belongs
  to it by the time it was sent (`cree_le`);
- "in force" is judged on the reference day: the end of the period, or today when the period
  ends later. A convention is in force on a day when its status that day, rebuilt from its
  history of changes, was "en vigueur" and the day lies between its dates of effect and end (a
  convention suspended since is counted for the days before, one suspended then and reactivated
  since is not); one expired at its end date counts until that date;
- suspended conventions and those ending within 60 days are counted today, whatever the period;
- signed in the period: signed conventions (in force, suspended, expired or terminated) whose
  date of effect falls within the period;
- percentiles of the time to first answer (business minutes, pauses excluded) use the
  nearest-rank method on both SQLite and PostgreSQL: the value of rank ceil(p × n / 100) among
  the n answered demandes sorted by delay (the median is the lower middle value when n is even);
- reopen rate: demandes reopened at least once among those resolved at least once (resolved or
  closed now, or reopened since);
- training coverage: France Services structures in force today with at least one active agent
  present at a session in the last 12 months, and their agents likewise (selectors of
  `formations`), independent of the period.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, DateField, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from conventions.models import Convention, Partenaire, TransitionConvention
from conventions.selectors import convention_en_vigueur_q
from formations.selectors import agents_de_la_structure, couverture_par_departement

from ..calendrier import PARIS
from ..models import Demande

Statut = Demande.Statut
StatutConvention = Convention.Statut

#: A convention that reached one of these statuses has been signed.
STATUTS_SIGNES = (
    StatutConvention.EN_VIGUEUR,
    StatutConvention.SUSPENDUE,
    StatutConvention.RESILIEE,
    StatutConvention.EXPIREE,
)
JOURS_ECHEANCE_PROCHE = 60
NOMBRE_STRUCTURES = 10


@dataclass(frozen=True)
class Perimetre:
    """What a dashboard covers: a period (both days included), and either one département or
    one structure (the référent's view), or everything."""

    date_debut: date
    date_fin: date
    departement: str = ""
    partenaire: Partenaire | None = None

    @property
    def debut(self) -> datetime:
        return datetime.combine(self.date_debut, time.min, tzinfo=PARIS)

    @property
    def fin(self) -> datetime:
        """Exclusive: midnight after the last day."""
        return datetime.combine(self.date_fin + timedelta(days=1), time.min, tzinfo=PARIS)

    @property
    def une_structure(self) -> bool:
        return self.partenaire is not None

    def jour_reference(self, aujourdhui: date) -> date:
        return min(self.date_fin, aujourdhui)

    def q_structure(self, chemin: str = "") -> Q:
        """Filter on the structure, reached through `chemin` ("" from Partenaire itself,
        "partenaire__" from a demande or a convention)."""
        q = Q()
        if self.partenaire is not None:
            q &= Q(**{f"{chemin}pk": self.partenaire.pk})
        if self.departement:
            q &= Q(**{f"{chemin}departement": self.departement})
        return q


@dataclass(frozen=True)
class Part:
    """`nombre` out of `sur`, with its percentage (one decimal; None when `sur` is 0)."""

    nombre: int
    sur: int

    @property
    def pourcentage(self) -> float | None:
        return round(100 * self.nombre / self.sur, 1) if self.sur else None


@dataclass(frozen=True)
class Ligne:
    libelle: str
    valeur: int
    cle: object = ""


@dataclass(frozen=True)
class Conventions:
    en_vigueur: int
    signees: int
    suspendues: int
    echeance_proche: int


@dataclass(frozen=True)
class Structures:
    en_vigueur: int
    actives: int
    actives_en_vigueur: int

    @property
    def part_actives(self) -> Part:
        return Part(self.actives_en_vigueur, self.en_vigueur)


@dataclass(frozen=True)
class Activite:
    total: int
    structures: int
    repondues: int
    dans_le_delai: Part
    delai_median: int | None
    delai_90: int | None
    resolues: int
    reouverture: Part
    issues: list[Ligne]


@dataclass(frozen=True)
class ParStructure:
    lignes: list[Ligne]
    autres: int
    structures: int


@dataclass(frozen=True)
class Couverture:
    structures: Part
    agents: Part


@dataclass(frozen=True)
class TableauDeBord:
    perimetre: Perimetre
    jour_reference: date
    calcule_le: datetime
    activite: Activite
    par_mois: list[Ligne]
    par_categorie: list[Ligne]
    couverture: Couverture | None
    # Left out of a single structure's dashboard, where they would say nothing.
    conventions: Conventions | None = None
    structures: Structures | None = None
    par_type: list[Ligne] | None = None
    par_structure: ParStructure | None = None


# Conventions and structures ----------------------------------------------------------------------


def avec_statut_du_jour(conventions: QuerySet[Convention], jour: date) -> QuerySet[Convention]:
    """Each convention's status at the end of `jour` (Paris), as `statut_du_jour`, rebuilt from
    its history: the status it left at its first change after that day, or its status now when
    it has not changed since. "" when it did not exist yet (its creation is its first change).
    One correlated subquery over the changes' (convention, date) order."""
    fin_du_jour = datetime.combine(jour + timedelta(days=1), time.min, tzinfo=PARIS)
    changement_suivant = (
        TransitionConvention.objects.filter(convention=OuterRef("pk"), date__gte=fin_du_jour)
        .order_by("date", "pk")
        .values("de")[:1]
    )
    return conventions.annotate(statut_du_jour=Coalesce(Subquery(changement_suivant), F("statut")))


def en_vigueur_q(jour: date, aujourdhui: date) -> Q:
    """Conventions (annotated by `avec_statut_du_jour(…, jour)`) in force on `jour`: in force
    that day by their status then and their dates. One expired automatically and recorded
    without history is read by its dates (in force until its end date)."""
    en_vigueur = Q(
        statut_du_jour=StatutConvention.EN_VIGUEUR, date_effet__lte=jour, date_fin__gt=jour
    )
    expiree_depuis = Q(
        statut_du_jour=StatutConvention.EXPIREE,
        date_effet__lte=jour,
        date_fin__gt=jour,
        date_fin__lte=aujourdhui,
    )
    return en_vigueur | expiree_depuis


def indicateurs_conventions(perimetre: Perimetre, aujourdhui: date) -> Conventions:
    jour = perimetre.jour_reference(aujourdhui)
    conventions = Convention.objects.filter(perimetre.q_structure("partenaire__"))
    comptes = avec_statut_du_jour(conventions, jour).aggregate(
        en_vigueur=Count("pk", filter=en_vigueur_q(jour, aujourdhui)),
        signees=Count(
            "pk",
            filter=Q(
                statut__in=STATUTS_SIGNES,
                date_effet__gte=perimetre.date_debut,
                date_effet__lte=perimetre.date_fin,
            ),
        ),
        suspendues=Count("pk", filter=Q(statut=StatutConvention.SUSPENDUE)),
        echeance_proche=Count(
            "pk",
            filter=convention_en_vigueur_q(aujourdhui)
            & Q(date_fin__lte=aujourdhui + timedelta(days=JOURS_ECHEANCE_PROCHE)),
        ),
    )
    return Conventions(**comptes)


def indicateurs_structures(perimetre: Perimetre, aujourdhui: date) -> Structures:
    """Active structures (at least one demande sent in the period) among those in force."""
    jour = perimetre.jour_reference(aujourdhui)
    en_vigueur = Exists(
        avec_statut_du_jour(Convention.objects.filter(partenaire=OuterRef("pk")), jour).filter(
            en_vigueur_q(jour, aujourdhui)
        )
    )
    a_envoye = Exists(
        Demande.objects.filter(
            partenaire=OuterRef("pk"), cree_le__gte=perimetre.debut, cree_le__lt=perimetre.fin
        )
    )
    comptes = (
        Partenaire.objects.filter(perimetre.q_structure())
        .annotate(_en_vigueur=en_vigueur, _a_envoye=a_envoye)
        .aggregate(
            en_vigueur=Count("pk", filter=Q(actif=True, _en_vigueur=True)),
            actives=Count("pk", filter=Q(_a_envoye=True)),
            actives_en_vigueur=Count("pk", filter=Q(actif=True, _en_vigueur=True, _a_envoye=True)),
        )
    )
    return Structures(**comptes)


# Demandes ----------------------------------------------------------------------------------------


def demandes_du_perimetre(perimetre: Perimetre) -> QuerySet[Demande]:
    return Demande.objects.filter(
        perimetre.q_structure("partenaire__"),
        cree_le__gte=perimetre.debut,
        cree_le__lt=perimetre.fin,
    ).order_by()


def centile_delai(perimetre: Perimetre, centile: int, repondues: int) -> int | None:
    """Nearest-rank percentile of the time to first answer (business minutes): the value of
    rank ceil(centile × n / 100) in ascending order, read with OFFSET/LIMIT 1."""
    if not repondues:
        return None
    rang = -(-centile * repondues // 100)  # integer ceiling, no float rounding
    valeurs = list(
        demandes_du_perimetre(perimetre)
        .filter(delai_reponse__isnull=False)
        .order_by("delai_reponse")
        .values_list("delai_reponse", flat=True)[rang - 1 : rang]
    )
    return valeurs[0] if valeurs else None


def indicateurs_demandes(perimetre: Perimetre) -> Activite:
    """Totals, service level, outcomes and reopenings in one aggregate, then the two
    percentiles."""
    issues = {f"issue_{valeur}": Count("pk", filter=Q(issue=valeur)) for valeur in Demande.Issue}
    comptes = demandes_du_perimetre(perimetre).aggregate(
        total=Count("pk"),
        structures=Count("partenaire", distinct=True),
        repondues=Count("pk", filter=Q(delai_reponse__isnull=False)),
        dans_le_delai=Count("pk", filter=Q(delai_reponse__lte=F("delai_accorde"))),
        resolues=Count(
            "pk", filter=Q(statut__in=[Statut.RESOLUE, Statut.CLOTUREE]) | Q(reouvertures__gt=0)
        ),
        rouvertes=Count("pk", filter=Q(reouvertures__gt=0)),
        **issues,
    )
    repondues = comptes["repondues"]
    return Activite(
        total=comptes["total"],
        structures=comptes["structures"],
        repondues=repondues,
        dans_le_delai=Part(comptes["dans_le_delai"], repondues),
        delai_median=centile_delai(perimetre, 50, repondues),
        delai_90=centile_delai(perimetre, 90, repondues),
        resolues=comptes["resolues"],
        reouverture=Part(comptes["rouvertes"], comptes["resolues"]),
        issues=[
            Ligne(str(issue.label), comptes[f"issue_{issue.value}"], issue.value)
            for issue in Demande.Issue
        ],
    )


def mois_de_la_periode(perimetre: Perimetre) -> list[date]:
    mois = perimetre.date_debut.replace(day=1)
    tous = []
    while mois <= perimetre.date_fin:
        tous.append(mois)
        mois = (mois + timedelta(days=32)).replace(day=1)
    return tous


def demandes_par_mois(perimetre: Perimetre) -> list[Ligne]:
    """Every month of the period, those without any demande included (label: the month's first
    day, for the presentation to format)."""
    comptes = dict(
        demandes_du_perimetre(perimetre)
        .annotate(mois=TruncMonth("cree_le", output_field=DateField(), tzinfo=PARIS))
        .values("mois")
        .annotate(n=Count("pk"))
        .values_list("mois", "n")
    )
    return [
        Ligne(mois.isoformat()[:7], comptes.get(mois, 0), mois)
        for mois in mois_de_la_periode(perimetre)
    ]


def demandes_par_categorie(perimetre: Perimetre) -> list[Ligne]:
    lignes = (
        demandes_du_perimetre(perimetre)
        .values("categorie_id", "categorie__libelle")
        .annotate(n=Count("pk"))
        .order_by("-n", "categorie__libelle")
    )
    return [
        Ligne(ligne["categorie__libelle"], ligne["n"], ligne["categorie_id"]) for ligne in lignes
    ]


def demandes_par_type(perimetre: Perimetre) -> list[Ligne]:
    libelles = dict(Partenaire.Type.choices)
    lignes = (
        demandes_du_perimetre(perimetre)
        .values("partenaire__type")
        .annotate(n=Count("pk"))
        .order_by("-n", "partenaire__type")
    )
    return [
        Ligne(str(libelles.get(ligne["partenaire__type"], ligne["partenaire__type"])), ligne["n"])
        for ligne in lignes
    ]


def demandes_par_structure(
    perimetre: Perimetre, total: int, structures: int, nombre: int = NOMBRE_STRUCTURES
) -> ParStructure:
    """The `nombre` structures that sent the most demandes; the others summed up."""
    lignes = [
        Ligne(f"{ligne['partenaire__nom']} ({ligne['partenaire__departement']})", ligne["n"])
        for ligne in demandes_du_perimetre(perimetre)
        .values("partenaire_id", "partenaire__nom", "partenaire__departement")
        .annotate(n=Count("pk"))
        .order_by("-n", "partenaire__nom", "partenaire_id")[:nombre]
    ]
    return ParStructure(
        lignes=lignes, autres=total - sum(ligne.valeur for ligne in lignes), structures=structures
    )


# Training coverage -------------------------------------------------------------------------------


def couverture_formations(perimetre: Perimetre) -> Couverture | None:
    """None for a structure that is not a France Services (the figure is about them)."""
    partenaire = perimetre.partenaire
    if partenaire is not None:
        if partenaire.type != Partenaire.Type.FRANCE_SERVICES:
            return None
        comptes = agents_de_la_structure(partenaire).aggregate(
            agents=Count("pk"), formes=Count("pk", filter=Q(forme=True))
        )
        return Couverture(
            structures=Part(1 if comptes["formes"] else 0, 1),
            agents=Part(comptes["formes"], comptes["agents"]),
        )
    lignes = [
        ligne
        for ligne in couverture_par_departement()
        if not perimetre.departement or ligne["departement"] == perimetre.departement
    ]
    structures = sum(ligne["structures"] for ligne in lignes)
    agents = sum(ligne["agents"] for ligne in lignes)
    return Couverture(
        structures=Part(
            structures - sum(ligne["structures_sans_forme"] for ligne in lignes), structures
        ),
        agents=Part(agents - sum(ligne["agents_non_formes"] for ligne in lignes), agents),
    )


# The whole dashboard -----------------------------------------------------------------------------


def tableau_de_bord(perimetre: Perimetre, aujourdhui: date | None = None) -> TableauDeBord:
    aujourdhui = aujourdhui or timezone.localdate()
    activite = indicateurs_demandes(perimetre)
    commun = {
        "perimetre": perimetre,
        "jour_reference": perimetre.jour_reference(aujourdhui),
        "calcule_le": timezone.now(),
        "activite": activite,
        "par_mois": demandes_par_mois(perimetre),
        "par_categorie": demandes_par_categorie(perimetre),
        "couverture": couverture_formations(perimetre),
    }
    if perimetre.une_structure:
        return TableauDeBord(**commun)
    return TableauDeBord(
        **commun,
        conventions=indicateurs_conventions(perimetre, aujourdhui),
        structures=indicateurs_structures(perimetre, aujourdhui),
        par_type=demandes_par_type(perimetre),
        par_structure=demandes_par_structure(perimetre, activite.total, activite.structures),
    )


def tableau_de_bord_recent(perimetre: Perimetre) -> TableauDeBord:
    """The dashboard as computed at most `TABLEAUX_CACHE_SECONDES` ago (its `calcule_le` says
    when): at 300,000 demandes its figures cost about half a second of aggregates, and they
    describe months, not the last minute. The page and its exports share the same figures.
    The cache is the web process's own memory, so a Redis outage never touches it."""
    duree = settings.TABLEAUX_CACHE_SECONDES
    if not duree:
        return tableau_de_bord(perimetre)
    partenaire = perimetre.partenaire.pk if perimetre.partenaire else ""
    cle = ":".join(
        (
            "tableau-de-bord",
            perimetre.date_debut.isoformat(),
            perimetre.date_fin.isoformat(),
            perimetre.departement,
            str(partenaire),
            timezone.localdate().isoformat(),
        )
    )
    return cache.get_or_set(cle, lambda: tableau_de_bord(perimetre), duree)
