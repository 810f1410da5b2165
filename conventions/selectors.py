"""Read queries of conventions, and the one access rule of the partner portal."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import get_objects_for_user

from portail.roles import est_personnel_cpam

from .models import Adhesion, Convention, Partenaire


class Motif:
    """Why a person may not use the partner portal; each has its explanation page text."""

    COMPTE_DESACTIVE = "compte_desactive"
    AUCUNE_STRUCTURE = "aucune_structure"
    RATTACHEMENT_DESACTIVE = "rattachement_desactive"
    STRUCTURE_INACTIVE = "structure_inactive"
    AUCUNE_CONVENTION = "aucune_convention"
    CONVENTION_SUSPENDUE = "convention_suspendue"
    CONVENTION_EXPIREE = "convention_expiree"
    SERVICE_NON_OUVERT = "service_non_ouvert"

    # The most specific explanation wins when a person belongs to several structures.
    PRIORITE = [
        SERVICE_NON_OUVERT,
        CONVENTION_SUSPENDUE,
        CONVENTION_EXPIREE,
        AUCUNE_CONVENTION,
        STRUCTURE_INACTIVE,
        RATTACHEMENT_DESACTIVE,
        AUCUNE_STRUCTURE,
        COMPTE_DESACTIVE,
    ]

    TITRES = {
        COMPTE_DESACTIVE: _("Votre compte est désactivé"),
        AUCUNE_STRUCTURE: _("Votre compte n'est rattaché à aucune structure partenaire"),
        RATTACHEMENT_DESACTIVE: _("Votre accès a été désactivé par votre structure"),
        STRUCTURE_INACTIVE: _("Votre structure n'est plus partenaire"),
        AUCUNE_CONVENTION: _("Votre structure n'a pas de convention en vigueur"),
        CONVENTION_SUSPENDUE: _("La convention de votre structure est suspendue"),
        CONVENTION_EXPIREE: _("La convention de votre structure est arrivée à échéance"),
        SERVICE_NON_OUVERT: _("Ce service n'est pas ouvert à votre structure"),
    }
    EXPLICATIONS = {
        COMPTE_DESACTIVE: _("Adressez-vous au référent de votre structure."),
        AUCUNE_STRUCTURE: _(
            "Le référent de votre structure doit vous inviter depuis le portail. "
            "S'il n'en a pas, contactez le service partenariats de la CPAM."
        ),
        RATTACHEMENT_DESACTIVE: _(
            "Le référent de votre structure a désactivé votre accès. "
            "Adressez-vous à lui si c'est une erreur."
        ),
        STRUCTURE_INACTIVE: _("Contactez le service partenariats de la CPAM."),
        AUCUNE_CONVENTION: _(
            "L'accès au portail suppose une convention d'utilisation signée et en vigueur. "
            "Le référent de votre structure peut contacter le service partenariats de la CPAM."
        ),
        CONVENTION_SUSPENDUE: _(
            "La CPAM a suspendu la convention : l'accès est interrompu sans que rien ne soit "
            "supprimé, et il reprendra dès la levée de la suspension. Le référent de votre "
            "structure connaît le motif et peut contacter le service partenariats."
        ),
        CONVENTION_EXPIREE: _(
            "La convention doit être renouvelée. Le référent de votre structure peut contacter "
            "le service partenariats de la CPAM ; vos données sont conservées."
        ),
        SERVICE_NON_OUVERT: _(
            "La convention de votre structure n'ouvre pas ce service. Le référent de votre "
            "structure peut demander à la CPAM de l'étendre."
        ),
    }


@dataclass(frozen=True)
class Acces:
    autorise: bool
    motif: str | None = None
    partenaires: tuple[Partenaire, ...] = field(default_factory=tuple)
    personnel_cpam: bool = False

    @property
    def titre(self):
        return Motif.TITRES.get(self.motif, "")

    @property
    def explication(self):
        return Motif.EXPLICATIONS.get(self.motif, "")


def convention_en_vigueur_q(aujourdhui=None, prefixe: str = "") -> Q:
    """Filter of a convention in force on a day: signed status, started, not yet ended."""
    aujourdhui = aujourdhui or timezone.localdate()
    return Q(
        **{
            f"{prefixe}statut": Convention.Statut.EN_VIGUEUR,
            f"{prefixe}date_effet__lte": aujourdhui,
            f"{prefixe}date_fin__gt": aujourdhui,
        }
    )


def acces_portail(
    utilisateur, service: str | None = None, aujourdhui=None, *, adhesions=None
) -> Acces:
    """THE access rule of the partner portal.

    A person may use the portal (or one of its services) when they have an active membership
    in an active structure whose convention is in force today and opens that service. CPAM
    staff get in by their role. Computed from the database each time (two queries), so a
    suspension, an expiry or a deactivation takes effect at the next request. `adhesions`:
    the result of `adhesions_pour_acces`, already read during the same request.
    """
    if not utilisateur.is_authenticated:
        return Acces(False, Motif.AUCUNE_STRUCTURE)
    if not utilisateur.is_active:
        return Acces(False, Motif.COMPTE_DESACTIVE)
    if est_personnel_cpam(utilisateur):
        return Acces(True, personnel_cpam=True)

    aujourdhui = aujourdhui or timezone.localdate()
    if adhesions is None:
        adhesions = adhesions_pour_acces(utilisateur)
    if not adhesions:
        return Acces(False, Motif.AUCUNE_STRUCTURE)

    autorises, motifs = [], set()
    for adhesion in adhesions:
        motif = _motif_adhesion(adhesion, service, aujourdhui)
        if motif is None:
            autorises.append(adhesion.partenaire)
        else:
            motifs.add(motif)
    if autorises:
        return Acces(True, partenaires=tuple(autorises))
    return Acces(False, next(m for m in Motif.PRIORITE if m in motifs))


def adhesions_pour_acces(utilisateur) -> list[Adhesion]:
    """The person's memberships with their structures and signed conventions (two queries)."""
    return list(
        Adhesion.objects.filter(utilisateur=utilisateur)
        .select_related("partenaire")
        .prefetch_related(
            Prefetch(
                "partenaire__conventions",
                queryset=Convention.objects.exclude(
                    statut__in=[Convention.Statut.BROUILLON, Convention.Statut.EN_SIGNATURE]
                ).order_by("-date_fin"),
                to_attr="conventions_signees",
            )
        )
    )


def _motif_adhesion(adhesion: Adhesion, service: str | None, aujourdhui) -> str | None:
    if not adhesion.active or (adhesion.date_fin and adhesion.date_fin <= aujourdhui):
        return Motif.RATTACHEMENT_DESACTIVE
    if adhesion.date_debut > aujourdhui:
        return Motif.RATTACHEMENT_DESACTIVE
    partenaire = adhesion.partenaire
    if not partenaire.actif:
        return Motif.STRUCTURE_INACTIVE
    conventions = partenaire.conventions_signees
    en_vigueur = [
        c
        for c in conventions
        if c.statut == Convention.Statut.EN_VIGUEUR and c.date_effet <= aujourdhui < c.date_fin
    ]
    if en_vigueur:
        if service is None or any(c.ouvre(service) for c in en_vigueur):
            return None
        return Motif.SERVICE_NON_OUVERT
    statuts = {c.statut for c in conventions}
    if Convention.Statut.SUSPENDUE in statuts:
        return Motif.CONVENTION_SUSPENDUE
    if Convention.Statut.EXPIREE in statuts or any(
        c.statut == Convention.Statut.EN_VIGUEUR and c.date_fin <= aujourdhui for c in conventions
    ):
        return Motif.CONVENTION_EXPIREE
    return Motif.AUCUNE_CONVENTION


def acces_requete(request, service: str | None = None) -> Acces:
    """`acces_portail` memoised for the current request only (never across requests): the
    memberships are read once, then each service is decided from them."""
    cache = request.__dict__.setdefault("_acces_portail", {})
    if service not in cache:
        utilisateur = request.user
        adhesions = None
        if utilisateur.is_authenticated and not est_personnel_cpam(utilisateur):
            if ADHESIONS not in cache:
                cache[ADHESIONS] = adhesions_pour_acces(utilisateur)
            adhesions = cache[ADHESIONS]
        cache[service] = acces_portail(utilisateur, service, adhesions=adhesions)
    return cache[service]


#: Key of the memberships in the per-request cache (not a service name).
ADHESIONS = object()


# Structures and memberships --------------------------------------------------------------------


def partenaires_geres(utilisateur) -> QuerySet[Partenaire]:
    """Structures whose agents the person manages: their own as référent, all for superviseurs."""
    return get_objects_for_user(
        utilisateur,
        "conventions.gerer_agents",
        klass=Partenaire.objects.filter(actif=True),
        accept_global_perms=True,
    )


def adhesions_de_la_structure(partenaire: Partenaire) -> QuerySet[Adhesion]:
    return (
        Adhesion.objects.filter(partenaire=partenaire)
        .select_related("utilisateur", "desactivee_par")
        .order_by("-active", "utilisateur__last_name", "utilisateur__first_name")
    )


def convention_courante(partenaire: Partenaire) -> Convention | None:
    """The convention that governs access now (in force or suspended), else the latest one."""
    conventions = Convention.objects.filter(partenaire=partenaire)
    return (
        conventions.filter(
            statut__in=[Convention.Statut.EN_VIGUEUR, Convention.Statut.SUSPENDUE]
        ).first()
        or conventions.order_by("-date_fin").first()
    )


def referents_actifs(partenaire: Partenaire) -> QuerySet[Adhesion]:
    return Adhesion.objects.filter(partenaire=partenaire, active=True, role=Adhesion.Role.REFERENT)


def partenaires_pour_liste() -> QuerySet[Partenaire]:
    """Structures with what the back-office list shows, in a constant number of queries."""
    return Partenaire.objects.annotate(
        nombre_agents=Count("adhesions", filter=Q(adhesions__active=True), distinct=True)
    ).prefetch_related(
        Prefetch(
            "conventions",
            queryset=Convention.objects.order_by("-date_fin"),
            to_attr="conventions_triees",
        )
    )


# Invitations -----------------------------------------------------------------------------------


def invitations_en_attente(partenaire: Partenaire) -> QuerySet:
    """Invitations of a structure not yet used and still valid, newest first."""
    from .models import Invitation

    return Invitation.objects.filter(
        partenaire=partenaire, utilisee_le__isnull=True, expire_le__gt=timezone.now()
    ).order_by("-cree_le")


def compte_existe(email: str) -> bool:
    """Whether someone already logs in with this address (compared without regard to case)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(email__iexact=email.strip()).exists()


# Back-office (Wagtail admin) and signed documents ------------------------------------------------


def statut_convention_courante():
    """Subquery: on a structure, the status of the convention `convention_courante` returns
    (in force or suspended first, else the one ending last), None without any convention."""
    from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When

    return Subquery(
        Convention.objects.filter(partenaire=OuterRef("pk"))
        .annotate(
            _hors_vigueur=Case(
                When(
                    statut__in=[Convention.Statut.EN_VIGUEUR, Convention.Statut.SUSPENDUE],
                    then=Value(0),
                ),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("_hors_vigueur", "-date_fin", "-pk")
        .values("statut")[:1]
    )


def partenaires_pour_back_office() -> QuerySet[Partenaire]:
    """`partenaires_pour_liste` with the current convention's status, to show, sort and filter
    by in the database (same query count whatever the number of structures)."""
    return partenaires_pour_liste().annotate(statut_convention=statut_convention_courante())


def departements_des_partenaires() -> list[str]:
    return list(
        Partenaire.objects.order_by("departement").values_list("departement", flat=True).distinct()
    )


def conventions_pour_liste() -> QuerySet[Convention]:
    return Convention.objects.select_related("partenaire")


def adhesions_pour_liste() -> QuerySet[Adhesion]:
    return Adhesion.objects.select_related("utilisateur", "partenaire")


def conventions_avec_historique(partenaire: Partenaire) -> QuerySet[Convention]:
    """Every convention of a structure, newest first, each with its status changes in
    chronological order (`historique`: who, when, why) — two queries."""
    from .models import TransitionConvention

    return (
        Convention.objects.filter(partenaire=partenaire)
        .order_by("-date_effet", "-numero")
        .prefetch_related(
            Prefetch(
                "transitions",
                queryset=TransitionConvention.objects.select_related("auteur").order_by(
                    "date", "pk"
                ),
                to_attr="historique",
            )
        )
    )


def transitions_de_la_convention(convention: Convention) -> QuerySet:
    return convention.transitions.select_related("auteur").order_by("date", "pk")


def conventions_telechargeables(utilisateur, acces: Acces | None = None) -> QuerySet[Convention]:
    """Conventions whose signed PDF the person may download.

    CPAM staff holding `conventions.view_convention` (superviseurs): all. Anyone else: those
    of the structures they are an active référent of (guardian object permission), while the
    access rule lets them into the portal through that structure.
    """
    if not utilisateur.is_authenticated or not utilisateur.is_active:
        return Convention.objects.none()
    if est_personnel_cpam(utilisateur) and utilisateur.has_perm("conventions.view_convention"):
        return Convention.objects.all()
    acces = acces or acces_portail(utilisateur)
    ouvertes = [partenaire.pk for partenaire in acces.partenaires] if acces.autorise else []
    geres = get_objects_for_user(
        utilisateur,
        "conventions.gerer_agents",
        klass=Partenaire.objects.filter(pk__in=ouvertes),
        accept_global_perms=False,
    )
    return Convention.objects.filter(partenaire__in=geres)
