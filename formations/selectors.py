"""Read queries of trainings, shared by views, the back-office and tasks.

Lists come with their counts annotated by the database, so that their number of queries does
not grow with the number of sessions or people.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from conventions.models import Adhesion, Convention, Partenaire
from conventions.selectors import Acces, convention_en_vigueur_q, partenaires_geres
from portail import roles

from .models import (
    DELAI_CLOTURE,
    Campagne,
    Inscription,
    JetonCalendrier,
    Programme,
    PublicSession,
    Session,
)

Etat = Inscription.Etat
Statut = Session.Statut
# "Trained" means present at a session that started within this period.
PERIODE_FORMATION = timedelta(days=365)
# Sessions a partner may register to (or join the waiting list of).
STATUTS_INSCRIPTIBLES = (Statut.OUVERTE, Statut.COMPLETE)


def _compte(queryset) -> Subquery:
    """Subquery: the number of rows of a queryset correlated with OuterRef (0 when none)."""
    return Coalesce(
        Subquery(
            queryset.order_by().values(_groupe=Value(1)).annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def places_prises() -> Subquery:
    return _compte(
        Inscription.objects.filter(session=OuterRef("pk"), etat__in=Inscription.OCCUPE_UNE_PLACE)
    )


def en_attente() -> Subquery:
    return _compte(Inscription.objects.filter(session=OuterRef("pk"), etat=Etat.LISTE_ATTENTE))


def avec_compteurs(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """Sessions with `nombre_inscrits` and `nombre_en_attente`, computed by the database."""
    return sessions.annotate(nombre_inscrits=places_prises(), nombre_en_attente=en_attente())


def _prefetch_publics():
    return Prefetch("publics", queryset=PublicSession.objects.order_by("type"))


# Partner portal ----------------------------------------------------------------------------------


def types_de_structure(acces: Acces) -> set[str]:
    return {partenaire.type for partenaire in acces.partenaires}


def sessions_visibles(acces: Acces, *, inscriptions_ouvertes: bool = True) -> QuerySet[Session]:
    """Sessions a person may look at: open or full, meant for the type of one of their
    structures (CPAM staff: every type), and still open to registration (more than 24 hours
    before the start) or, with `inscriptions_ouvertes=False`, not yet over."""
    maintenant = timezone.now()
    sessions = Session.objects.filter(statut__in=STATUTS_INSCRIPTIBLES)
    if inscriptions_ouvertes:
        sessions = sessions.filter(debut__gt=maintenant + DELAI_CLOTURE)
    else:
        sessions = sessions.filter(fin__gt=maintenant)
    if not acces.personnel_cpam:
        sessions = sessions.filter(
            Exists(
                PublicSession.objects.filter(
                    session=OuterRef("pk"), type__in=types_de_structure(acces)
                )
            )
        )
    return sessions


def sessions_pour_liste(
    utilisateur, acces: Acces, *, disponibles: bool = False
) -> QuerySet[Session]:
    """The sessions page: visible sessions (only those with a place left if `disponibles`)
    with their counts and the person's own state, in a constant number of queries."""
    mon_etat = Inscription.objects.filter(session=OuterRef("pk"), agent=utilisateur).exclude(
        etat=Etat.ANNULE
    )
    sessions = avec_compteurs(sessions_visibles(acces))
    if disponibles:
        sessions = sessions.filter(nombre_inscrits__lt=F("capacite"))
    return (
        sessions.annotate(mon_etat=Subquery(mon_etat.values("etat")[:1]))
        .select_related("programme", "campagne")
        .prefetch_related(_prefetch_publics())
        .order_by("debut", "pk")
    )


def session_pour_detail(utilisateur, acces: Acces, pk: int) -> Session | None:
    """A session the person may see: one meant for them and not over (its page then says when
    registration is closed), or one they have a registration to."""
    a_une_inscription = Inscription.objects.filter(session=OuterRef("pk"), agent=utilisateur)
    visibles = sessions_visibles(acces, inscriptions_ouvertes=False).values("pk")
    return (
        avec_compteurs(Session.objects.filter(Q(pk__in=visibles) | Q(Exists(a_une_inscription))))
        .select_related("programme", "campagne")
        .prefetch_related(_prefetch_publics())
        .filter(pk=pk)
        .first()
    )


def inscription_de(utilisateur, session: Session) -> Inscription | None:
    return Inscription.objects.filter(session=session, agent=utilisateur).first()


def rang_en_attente(inscription: Inscription) -> int | None:
    """1 for the first person on the waiting list."""
    if inscription.etat != Etat.LISTE_ATTENTE:
        return None
    return (
        Inscription.objects.filter(session_id=inscription.session_id, etat=Etat.LISTE_ATTENTE)
        .filter(
            Q(demandee_le__lt=inscription.demandee_le)
            | Q(demandee_le=inscription.demandee_le, pk__lt=inscription.pk)
        )
        .count()
        + 1
    )


def mes_inscriptions(utilisateur) -> QuerySet[Inscription]:
    """Every registration of the person, upcoming sessions first then the past ones."""
    return (
        Inscription.objects.filter(agent=utilisateur)
        .select_related("session", "session__programme", "session__campagne", "partenaire")
        .order_by("-session__debut", "-pk")
    )


def prochaine_session(utilisateur) -> Inscription | None:
    """The person's next training: a place (not a waiting rank) at a session not cancelled
    that has not started yet, with its session and programme (one query)."""
    if not utilisateur.is_authenticated:
        return None
    return (
        Inscription.objects.filter(
            agent=utilisateur, etat=Etat.INSCRIT, session__debut__gt=timezone.now()
        )
        .exclude(session__statut=Statut.ANNULEE)
        .select_related("session", "session__programme")
        .order_by("session__debut", "pk")
        .first()
    )


def inscriptions_gerables(utilisateur) -> QuerySet[Inscription]:
    """Registrations the person may cancel: their own, and those of the agents of the
    structures they manage as référent."""
    return Inscription.objects.filter(
        Q(agent=utilisateur) | Q(partenaire__in=partenaires_geres(utilisateur))
    ).select_related("session", "agent", "partenaire")


def autres_sessions_de_la_campagne(session: Session) -> QuerySet[Session]:
    """Sessions offered instead of a cancelled one: same campaign, still open to registration,
    the same programme first."""
    return (
        avec_compteurs(
            Session.objects.filter(
                campagne_id=session.campagne_id,
                statut__in=STATUTS_INSCRIPTIBLES,
                debut__gt=timezone.now() + DELAI_CLOTURE,
            ).exclude(pk=session.pk)
        )
        .select_related("programme")
        .order_by("debut", "pk")
    )


# Calendar feed -----------------------------------------------------------------------------------


def jeton_calendrier_trouver(empreinte: str) -> JetonCalendrier | None:
    return JetonCalendrier.objects.select_related("utilisateur").filter(empreinte=empreinte).first()


def jeton_calendrier_de(utilisateur) -> JetonCalendrier | None:
    return JetonCalendrier.objects.filter(utilisateur=utilisateur).first()


def sessions_du_calendrier(utilisateur) -> QuerySet[Inscription]:
    """Registrations shown in the personal feed: places taken, over the last year and ahead."""
    return (
        Inscription.objects.filter(
            agent=utilisateur,
            etat__in=Inscription.OCCUPE_UNE_PLACE,
            session__fin__gte=timezone.now() - PERIODE_FORMATION,
        )
        .select_related("session", "session__programme")
        .order_by("session__debut")
    )


# Référent ----------------------------------------------------------------------------------------


def _derniere_presence(champ_agent: str = "utilisateur"):
    return Subquery(
        Inscription.objects.filter(agent=OuterRef(champ_agent), etat=Etat.PRESENT)
        .order_by("-session__debut")
        .values("session__debut")[:1]
    )


def forme_recemment(champ_agent: str = "utilisateur", depuis=None) -> Exists:
    """Whether the person (OuterRef) was present at a session started within the last year."""
    depuis = depuis or timezone.now() - PERIODE_FORMATION
    return Exists(
        Inscription.objects.filter(
            agent=OuterRef(champ_agent),
            etat=Etat.PRESENT,
            session__debut__gte=depuis,
            session__debut__lte=timezone.now(),
        )
    )


def agents_de_la_structure(partenaire: Partenaire) -> QuerySet[Adhesion]:
    """Active members of a structure with their last training and whether it is recent."""
    return (
        Adhesion.objects.filter(partenaire=partenaire, active=True)
        .select_related("utilisateur")
        .annotate(derniere_formation=_derniere_presence(), forme=forme_recemment())
        .order_by("utilisateur__last_name", "utilisateur__first_name", "pk")
    )


def membres_actifs(partenaire: Partenaire) -> QuerySet:
    """People a référent may register: active accounts with an active membership."""
    return (
        get_user_model()
        .objects.filter(is_active=True, adhesions__partenaire=partenaire, adhesions__active=True)
        .order_by("last_name", "first_name", "pk")
    )


def inscriptions_de_la_structure(partenaire: Partenaire) -> QuerySet[Inscription]:
    """Registrations of the structure's agents to sessions not yet over, soonest first."""
    return (
        Inscription.objects.filter(
            partenaire=partenaire,
            etat__in=[Etat.INSCRIT, Etat.LISTE_ATTENTE],
            session__fin__gt=timezone.now(),
        )
        .select_related("session", "agent")
        .order_by("session__debut", "agent__last_name", "pk")
    )


def sessions_pour_structure(partenaire: Partenaire) -> QuerySet[Session]:
    """Sessions a référent may register the structure's agents to."""
    return (
        avec_compteurs(
            Session.objects.filter(
                statut__in=STATUTS_INSCRIPTIBLES,
                debut__gt=timezone.now() + DELAI_CLOTURE,
                publics__type=partenaire.type,
            )
        )
        .select_related("campagne")
        .order_by("debut", "pk")
    )


def structures_pour_formations(utilisateur, acces: Acces) -> QuerySet[Partenaire]:
    """Structures whose agents the person registers: managed by them and, unless they are
    CPAM staff, open to trainings through a convention in force."""
    geres = partenaires_geres(utilisateur)
    if acces.personnel_cpam:
        return geres
    return geres.filter(pk__in=[partenaire.pk for partenaire in acces.partenaires])


# Back-office -------------------------------------------------------------------------------------


def sessions_pour_back_office() -> QuerySet[Session]:
    return avec_compteurs(Session.objects.select_related("campagne", "programme")).order_by(
        "-debut", "-pk"
    )


def campagnes_pour_back_office() -> QuerySet[Campagne]:
    return Campagne.objects.annotate(nombre_sessions=Count("sessions"))


def programmes_pour_back_office() -> QuerySet[Programme]:
    return Programme.objects.annotate(nombre_sessions=Count("sessions"))


def formateurs() -> QuerySet:
    return (
        get_user_model()
        .objects.filter(groups__name=roles.FORMATEUR, is_active=True)
        .order_by("last_name", "first_name")
    )


def inscriptions_de_la_session(session: Session) -> QuerySet[Inscription]:
    """Registrations of a session, waiting list in its order, with agent and structure (those
    detached from their person by the retention are only counted, not listed)."""
    return (
        Inscription.objects.filter(session=session, agent__isnull=False)
        .select_related("agent", "partenaire", "inscrit_par")
        .order_by("demandee_le", "pk")
    )


def inscription_presente(pk: int) -> Inscription | None:
    """A registration whose attendance was recorded, for its certificate."""
    return (
        Inscription.objects.filter(pk=pk, etat=Etat.PRESENT, agent__isnull=False)
        .select_related("agent", "partenaire", "session", "session__programme")
        .first()
    )


def attestation_visible(utilisateur, pk: int) -> Inscription | None:
    """A certificate the person may download from the portal: their own, or one of an agent of
    a structure they manage as référent; only where attendance was recorded."""
    return (
        Inscription.objects.filter(pk=pk, etat=Etat.PRESENT, agent__isnull=False)
        .filter(Q(agent=utilisateur) | Q(partenaire__in=partenaires_geres(utilisateur)))
        .select_related("agent", "partenaire", "session", "session__programme")
        .first()
    )


def attestations_de_la_structure(partenaire: Partenaire, limite: int = 50) -> list[Inscription]:
    """The latest certificates of the structure's agents (sessions where they were present)."""
    return list(
        Inscription.objects.filter(partenaire=partenaire, etat=Etat.PRESENT, agent__isnull=False)
        .select_related("session", "agent")
        .order_by("-session__debut", "agent__last_name", "pk")[:limite]
    )


def _structures_france_services():
    return Partenaire.objects.filter(
        type=Partenaire.Type.FRANCE_SERVICES,
        actif=True,
    ).filter(
        Exists(Convention.objects.filter(convention_en_vigueur_q(), partenaire=OuterRef("pk")))
    )


def couverture_par_departement() -> list[dict]:
    """France Services structures with a convention in force, by département: how many, how
    many with no agent trained in the last 12 months, how many agents and how many of them not
    trained. Two aggregate queries whatever the number of structures and people."""
    depuis = timezone.now() - PERIODE_FORMATION
    structures = _structures_france_services()
    agent_forme = Adhesion.objects.filter(partenaire=OuterRef("pk"), active=True).filter(
        forme_recemment(depuis=depuis)
    )
    par_structure = (
        structures.annotate(a_un_agent_forme=Exists(agent_forme))
        .values("departement")
        .annotate(
            structures=Count("pk"),
            structures_sans_forme=Count("pk", filter=Q(a_un_agent_forme=False)),
        )
        .order_by("departement")
    )
    par_agent = (
        Adhesion.objects.filter(active=True, partenaire__in=structures)
        .annotate(forme=forme_recemment(depuis=depuis))
        .values("partenaire__departement")
        .annotate(
            agents=Count("utilisateur", distinct=True),
            agents_formes=Count("utilisateur", filter=Q(forme=True), distinct=True),
        )
    )
    agents = {ligne["partenaire__departement"]: ligne for ligne in par_agent}
    lignes = []
    for ligne in par_structure:
        compte = agents.get(ligne["departement"], {"agents": 0, "agents_formes": 0})
        lignes.append(
            {
                "departement": ligne["departement"],
                "structures": ligne["structures"],
                "structures_sans_forme": ligne["structures_sans_forme"],
                "agents": compte["agents"],
                "agents_non_formes": compte["agents"] - compte["agents_formes"],
            }
        )
    return lignes


def structures_sans_agent_forme() -> QuerySet[Partenaire]:
    """France Services structures none of whose active agents was trained in the last 12
    months, with their number of agents and last training, by département."""
    depuis = timezone.now() - PERIODE_FORMATION
    agent_forme = Adhesion.objects.filter(partenaire=OuterRef("pk"), active=True).filter(
        forme_recemment(depuis=depuis)
    )
    derniere = (
        Inscription.objects.filter(
            etat=Etat.PRESENT,
            agent__adhesions__partenaire=OuterRef("pk"),
            agent__adhesions__active=True,
        )
        .order_by("-session__debut")
        .values("session__debut")[:1]
    )
    return (
        _structures_france_services()
        .filter(~Exists(agent_forme))
        .annotate(
            nombre_agents=Count("adhesions", filter=Q(adhesions__active=True), distinct=True),
            derniere_formation=Subquery(derniere),
        )
        .order_by("departement", "nom")
    )
