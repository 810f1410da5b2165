"""Read queries of demandes, starting with who may see which demande.

Visibility, the one rule every demande and file URL goes through (others get 404):
- a partner agent sees their structure's demandes they sent or that are shared with the
  structure; a référent sees all of the structure's demandes — only while the access rule lets
  them use the messaging service through that structure;
- an expert sees the demandes of their team and those assigned to them;
- a superviseur sees every demande; nobody else sees any.
"""

import operator
from datetime import datetime, time
from functools import reduce
from urllib.parse import urlencode

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from conventions.models import Adhesion, Service
from conventions.selectors import acces_portail
from portail import roles
from portail.dates import PARIS
from portail.roles import a_un_role, est_personnel_cpam

from .models import (
    Absence,
    Avis,
    Categorie,
    DecisionRoutage,
    Demande,
    Expert,
    FiltreEnregistre,
    Message,
    PieceJointe,
    cles_de_tri_boite,
)

Statut = Demande.Statut


# Partner side ----------------------------------------------------------------------------------


def demandes_visibles_partenaire(utilisateur, acces=None) -> QuerySet[Demande]:
    acces = acces or acces_portail(utilisateur, Service.MESSAGERIE)
    if not acces.autorise or acces.personnel_cpam:
        return Demande.objects.none()
    ouvertes = [partenaire.pk for partenaire in acces.partenaires]
    referent_de = Adhesion.objects.filter(
        utilisateur=utilisateur,
        active=True,
        role=Adhesion.Role.REFERENT,
        partenaire_id__in=ouvertes,
    ).values("partenaire_id")
    return Demande.objects.filter(partenaire_id__in=ouvertes).filter(
        Q(auteur=utilisateur) | Q(partagee=True) | Q(partenaire_id__in=referent_de)
    )


def _attend_le_partenaire() -> Case:
    return Case(
        When(statut=Statut.EN_ATTENTE, then=True), default=False, output_field=BooleanField()
    )


def _nouvelle_reponse() -> Case:
    """Unread CPAM activity on an open demande: what the list marks "Nouvelle réponse". A
    resolved or closed demande's last word stays unmarked (the agent has nothing left to do)."""
    return Case(
        When(nouveau_pour_partenaire=True, statut__in=Demande.OUVERTES, then=True),
        default=False,
        output_field=BooleanField(),
    )


def mes_demandes(
    utilisateur,
    acces=None,
    *,
    statut: str = "toutes",
    portee: str = "toutes",
    categorie: str = "",
    depuis: datetime | None = None,
    structure: int | None = None,
) -> QuerySet[Demande]:
    """The partner's list "Mes demandes", in the order an agent works through it:

    1. the demandes awaiting the agent's answer (statut « en attente du partenaire »);
    2. then those with a new CPAM reply not yet read (unread activity on an open demande,
       annotated `nouvelle_reponse` for the badge);
    3. then by last activity, most recent first (the primary key breaks ties, so pages never
       overlap).

    Filters only narrow `demandes_visibles_partenaire`: a structure the person cannot see, or an
    unknown category, gives no row, never someone else's demande. `statut` is "toutes",
    "ouvertes", "en_attente" or a status value; `categorie` a category slug; `depuis` keeps the
    demandes sent since that instant; `portee` "miennes" keeps those the person sent.

    No dedicated index: the visibility filter goes through the (partenaire, statut, cree_le)
    index, and the two computed keys are sorted with the structure's demandes in one query
    (categorie, partenaire and auteur joined, so the count is the same for 1 or 25 rows).
    """
    demandes = demandes_visibles_partenaire(utilisateur, acces)
    if statut == "ouvertes":
        demandes = demandes.filter(statut__in=Demande.OUVERTES)
    elif statut in Statut.values:
        demandes = demandes.filter(statut=statut)
    if portee == "miennes":
        demandes = demandes.filter(auteur=utilisateur)
    if categorie:
        demandes = demandes.filter(categorie__slug=categorie)
    if depuis is not None:
        demandes = demandes.filter(cree_le__gte=depuis)
    if structure is not None:
        demandes = demandes.filter(partenaire_id=structure)
    return (
        demandes.select_related("categorie", "partenaire", "auteur")
        .annotate(
            attend_le_partenaire=_attend_le_partenaire(), nouvelle_reponse=_nouvelle_reponse()
        )
        .order_by("-attend_le_partenaire", "-nouvelle_reponse", "-modifiee_le", "-pk")
    )


def compteurs_partenaire(utilisateur, acces=None) -> dict[str, int]:
    """For the partner home and list: open demandes, those awaiting the partner's answer, and
    open ones with a CPAM reply not yet read."""
    demandes = demandes_visibles_partenaire(utilisateur, acces)
    return demandes.aggregate(
        ouvertes=Count("pk", filter=Q(statut__in=Demande.OUVERTES)),
        en_attente=Count("pk", filter=Q(statut=Statut.EN_ATTENTE)),
        nouveautes=Count("pk", filter=Q(nouveau_pour_partenaire=True, statut__in=Demande.OUVERTES)),
    )


def demandes_accueil_partenaire(utilisateur, acces=None, nombre: int = 5) -> list[Demande]:
    """Open demandes for the home page, in the order of « Mes demandes » (`mes_demandes`)."""
    return list(mes_demandes(utilisateur, acces, statut="ouvertes")[:nombre])


def fil_partenaire(demande: Demande) -> list[Message]:
    """The thread as the partner sees it: without the internal notes (two queries)."""
    return list(
        demande.messages.exclude(type=Message.Type.NOTE)
        .select_related("auteur")
        .prefetch_related("pieces")
    )


def categories_proposees() -> QuerySet[Categorie]:
    return Categorie.objects.filter(active=True)


def categories_pour_filtre_partenaire() -> list[tuple[str, str]]:
    """(slug, libellé) of every category, retired ones included: older demandes keep theirs."""
    return list(Categorie.objects.order_by("libelle").values_list("slug", "libelle"))


# CPAM side -------------------------------------------------------------------------------------


def expert_de(utilisateur) -> Expert | None:
    if not hasattr(utilisateur, "_expert_cache"):
        utilisateur._expert_cache = (
            Expert.objects.filter(utilisateur=utilisateur).select_related("equipe").first()
        )
    return utilisateur._expert_cache


def voit_toutes_les_demandes(utilisateur) -> bool:
    return utilisateur.is_superuser or (
        est_personnel_cpam(utilisateur) and a_un_role(utilisateur, [roles.SUPERVISEUR_CPAM])
    )


def _portees_cpam(utilisateur) -> list[Q] | None:
    """What a CPAM person sees, as a union of simple filters: None for every demande, an empty
    list for none. Kept apart so that a query can read each part through its own index."""
    if not utilisateur.is_authenticated or not est_personnel_cpam(utilisateur):
        return []
    if voit_toutes_les_demandes(utilisateur):
        return None
    expert = expert_de(utilisateur)
    if expert is None or not expert.actif:
        return []
    return [Q(equipe_id=expert.equipe_id), Q(expert=expert)]


def demandes_visibles_cpam(utilisateur) -> QuerySet[Demande]:
    portees = _portees_cpam(utilisateur)
    if portees is None:
        return Demande.objects.all()
    if not portees:
        return Demande.objects.none()
    return Demande.objects.filter(reduce(operator.or_, portees))


def equipes_de(utilisateur) -> list[int]:
    """ "Mon équipe": the expert's team, or the teams a superviseur supervises."""
    expert = expert_de(utilisateur)
    if expert:
        return [expert.equipe_id]
    if not hasattr(utilisateur, "_equipes_supervisees"):
        utilisateur._equipes_supervisees = list(
            utilisateur.equipes_supervisees.values_list("pk", flat=True)
        )
    return utilisateur._equipes_supervisees


ONGLETS = {
    "miennes": "Mes demandes",
    "equipe": "Mon équipe",
    "non_attribuees": "Non attribuées",
    "en_retard": "En retard",
}


def _a_traiter_q() -> Q:
    """The first-answer clock runs: not answered yet, neither paused nor closed."""
    return Q(repondue_le__isnull=True, statut__in=[Statut.NOUVELLE, Statut.EN_COURS])


def _en_retard_q(instant) -> Q:
    return _a_traiter_q() & Q(echeance__lte=instant)


def _onglet_q(utilisateur, onglet: str, instant) -> Q:
    """Which of the demandes this person sees belong to a tab: the one rule that both the
    tab's list and its count apply."""
    if onglet == "miennes":
        expert = expert_de(utilisateur)
        return Q(expert=expert) if expert else Q(pk__in=[])
    if onglet == "equipe":
        return Q(equipe_id__in=equipes_de(utilisateur))
    if onglet == "non_attribuees":
        return Q(expert__isnull=True)
    if onglet == "en_retard":
        return _en_retard_q(instant)
    return Q()


def trier_par_niveau_de_service(demandes: QuerySet[Demande]) -> QuerySet[Demande]:
    """The inbox order, the same for every tab and for the search results, computed by the
    database (a page of 25 costs the same whatever the volume, read from an index):

    1. demandes whose first-answer clock runs, by deadline: the late ones first (the latest
       first), then by time left, an urgent one before a normal one at equal deadline;
    2. demandes already answered (the clock has stopped), by deadline;
    3. demandes waiting for the partner (the clock is paused), the longest waiting first;
    4. resolved and closed demandes (when a filter shows them), the most recent first.

    Business time only leaves out the hours the office is closed on both sides of a
    comparison, so the order of the deadlines is the order of the business time left.
    """
    rang, moment, urgence = cles_de_tri_boite()
    fermeture = Case(
        When(statut__in=[Statut.RESOLUE, Statut.CLOTUREE], then=F("modifiee_le")),
        default=Value(None),
        output_field=DateTimeField(),
    )
    return demandes.order_by(
        rang, moment.asc(nulls_last=True), urgence, fermeture.desc(nulls_last=True), "pk"
    )


def boite_cpam(
    utilisateur, onglet: str = "miennes", filtres: dict | None = None, instant=None
) -> QuerySet[Demande]:
    """The CPAM inbox: one tab, filtered, in the service-level order (two queries with the
    count); each row says whether the partner wrote since the CPAM side last opened it."""
    filtres = filtres or {}
    instant = instant or timezone.now()
    demandes = demandes_visibles_cpam(utilisateur).filter(_onglet_q(utilisateur, onglet, instant))

    statut = filtres.get("statut") or ""
    if statut in Statut.values:
        demandes = demandes.filter(statut=statut)
    elif statut != "toutes":
        demandes = demandes.filter(statut__in=Demande.OUVERTES)
    for champ, filtre in (
        ("categorie", "categorie__slug"),
        ("urgence", "urgence"),
        ("departement", "partenaire__departement"),
    ):
        if filtres.get(champ):
            demandes = demandes.filter(**{filtre: filtres[champ]})
    if filtres.get("structure"):
        demandes = demandes.filter(partenaire_id=filtres["structure"])
    if filtres.get("en_retard"):
        demandes = demandes.filter(_en_retard_q(instant))
    recherche = (filtres.get("q") or "").strip().upper().replace(" ", "")
    if recherche:
        demandes = demandes.filter(Q(reference=recherche) | Q(nir=recherche))
    demandes = demandes.select_related(
        "categorie", "partenaire", "expert__utilisateur", "equipe"
    ).annotate(message_partenaire_non_lu=_message_partenaire_non_lu())
    return trier_par_niveau_de_service(demandes)


def _message_partenaire_non_lu() -> ExpressionWrapper:
    """The partner wrote after the CPAM side last opened the demande (its first message, sent
    with the demande, does not count: that is a new demande, not a new message)."""
    ecrit_depuis = Exists(
        Message.objects.filter(
            demande=OuterRef("pk"),
            cote=Message.Cote.PARTENAIRE,
            cree_le__gt=Coalesce(OuterRef("lue_cpam_le"), OuterRef("cree_le")),
        )
    )
    return ExpressionWrapper(Q(nouveau_pour_cpam=True) & ecrit_depuis, output_field=BooleanField())


def compteurs_cpam(utilisateur) -> dict[str, int]:
    """Counts shown on the inbox tabs: the open demandes of each tab, by the tab's own rule
    (one query)."""
    instant = timezone.now()
    aggregats = {
        onglet: Count("pk", filter=_onglet_q(utilisateur, onglet, instant)) for onglet in ONGLETS
    }
    expert = expert_de(utilisateur)
    if expert:
        aggregats["nouveautes"] = Count("pk", filter=Q(expert=expert, nouveau_pour_cpam=True))
    # Every count is of open demandes (late ones are "nouvelle" or "en cours"): the aggregate
    # then reads the partial indexes of open demandes, not the team's whole history.
    return {"nouveautes": 0} | demandes_visibles_cpam(utilisateur).filter(
        statut__in=Demande.OUVERTES
    ).aggregate(**aggregats)


def filtres_enregistres(utilisateur) -> list[FiltreEnregistre]:
    """The person's saved inbox filters, each with its query string (one query)."""
    filtres = list(FiltreEnregistre.objects.filter(utilisateur=utilisateur))
    for filtre in filtres:
        filtre.requete = urlencode(filtre.parametres)
    return filtres


def filtre_de(utilisateur, pk: int) -> FiltreEnregistre | None:
    """One saved filter of this person, None for anybody else's (→ 404)."""
    return FiltreEnregistre.objects.filter(utilisateur=utilisateur, pk=pk).first()


def demande_pour_ecran_cpam(utilisateur, reference: str) -> Demande | None:
    return (
        demandes_visibles_cpam(utilisateur)
        .select_related(
            "categorie",
            "partenaire",
            "auteur",
            "consentement_par",
            "equipe",
            "expert__utilisateur",
            "remise_pour__expert__utilisateur",
        )
        .filter(reference=reference)
        .first()
    )


def fil_cpam(demande: Demande) -> list[Message]:
    return list(demande.messages.select_related("auteur").prefetch_related("pieces"))


def historique_routage(demande: Demande) -> list[DecisionRoutage]:
    return list(demande.routages.select_related("expert__utilisateur", "equipe", "auteur", "regle"))


def experts_pour_reattribution() -> QuerySet[Expert]:
    return (
        Expert.objects.filter(actif=True, utilisateur__is_active=True)
        .select_related("utilisateur", "equipe")
        .order_by("equipe__nom", "utilisateur__last_name")
    )


# Files -----------------------------------------------------------------------------------------


def piece_visible(utilisateur, uuid, reference: str) -> PieceJointe | None:
    """A file of a sent message, if the person may see its demande (and, for the partner side,
    if it is not attached to an internal note)."""
    pieces = PieceJointe.objects.filter(
        uuid=uuid, message__demande__reference=reference
    ).select_related("message")
    if est_personnel_cpam(utilisateur):
        return pieces.filter(message__demande__in=demandes_visibles_cpam(utilisateur)).first()
    return (
        pieces.filter(message__demande__in=demandes_visibles_partenaire(utilisateur))
        .exclude(message__type=Message.Type.NOTE)
        .first()
    )


def avis_non_lus(utilisateur, nombre: int = 5) -> list[Avis]:
    """The in-portal notices the person has not seen yet (read when the demande is opened)."""
    return list(
        Avis.objects.filter(destinataire=utilisateur, lu_le__isnull=True)
        .select_related("demande")
        .only("texte", "cree_le", "lu_le", "demande__reference")[:nombre]
    )


# Back-office helpers ---------------------------------------------------------------------------


def acces_messagerie_cpam(utilisateur) -> bool:
    """Who works the demandes in the back-office: experts and superviseurs (by role)."""
    if not est_personnel_cpam(utilisateur):
        return False
    return utilisateur.is_superuser or a_un_role(
        utilisateur, [roles.EXPERT_CPAM, roles.SUPERVISEUR_CPAM]
    )


def nouveautes_cpam(utilisateur) -> int:
    """Open demandes assigned to this expert with something new for them (one query)."""
    expert = expert_de(utilisateur)
    if expert is None:
        return 0
    return Demande.objects.filter(
        expert=expert, statut__in=Demande.OUVERTES, nouveau_pour_cpam=True
    ).count()


def demande_reste_visible_cpam(utilisateur, demande: Demande) -> bool:
    """After a reassignment, the author may no longer see the demande."""
    return demandes_visibles_cpam(utilisateur).filter(pk=demande.pk).exists()


def structures_pour_filtre_cpam(utilisateur) -> QuerySet:
    """Structures having at least one demande this person sees (the inbox filter)."""
    from conventions.models import Partenaire

    # One IN per part of the person's scope: PostgreSQL reads the team's structures from the
    # (equipe, partenaire) index alone and hashes them, instead of visiting the heap rows of
    # the team's 25,000 demandes (29 ms to 4 ms at 300,000 demandes; see bench/RESULTS.md).
    portees = _portees_cpam(utilisateur)
    if portees is None:
        portees = [Q()]
    if not portees:
        return Partenaire.objects.none()
    dans = (Q(pk__in=Demande.objects.filter(portee).values("partenaire_id")) for portee in portees)
    return Partenaire.objects.filter(reduce(operator.or_, dans)).only("pk", "nom").order_by("nom")


def reponses_types_pour(demande: Demande) -> QuerySet:
    """Canned replies of the demande's team, for its category or for every category."""
    from .models import ReponseType

    return ReponseType.objects.filter(equipe_id=demande.equipe_id).filter(
        Q(categorie_id=demande.categorie_id) | Q(categorie__isnull=True)
    )


def brouillon_de(utilisateur, demande: Demande):
    """The answer this person was writing on this demande, if any (theirs only)."""
    from .models import BrouillonReponse

    return BrouillonReponse.objects.filter(demande=demande, auteur=utilisateur).first()


def equipes_pour_reattribution() -> QuerySet:
    from .models import Equipe

    return Equipe.objects.order_by("nom")


def categories_pour_back_office() -> QuerySet[Categorie]:
    return Categorie.objects.all()


def equipes_pour_back_office() -> QuerySet:
    from .models import Equipe

    return Equipe.objects.annotate(
        nombre_experts=Count("experts", filter=Q(experts__actif=True), distinct=True)
    ).prefetch_related("superviseurs")


def experts_pour_back_office() -> QuerySet[Expert]:
    return Expert.objects.select_related("utilisateur", "equipe").annotate(
        demandes_ouvertes=Count("demandes", filter=Q(demandes__statut__in=Demande.OUVERTES))
    )


def absences_pour_back_office() -> QuerySet:
    from .models import Absence

    return Absence.objects.select_related(
        "expert__utilisateur", "expert__equipe", "suppleant__utilisateur"
    )


def regles_pour_back_office() -> QuerySet:
    from .models import RegleRoutage

    return RegleRoutage.objects.select_related(
        "categorie", "partenaire", "titulaire__utilisateur", "suppleant__utilisateur"
    )


def reponses_types_pour_back_office() -> QuerySet:
    from .models import ReponseType

    return ReponseType.objects.select_related("equipe", "categorie")


def experts_pour_choix() -> QuerySet[Expert]:
    """Experts offered in the reference data forms (their name needs the account)."""
    return Expert.objects.select_related("utilisateur").order_by(
        "utilisateur__last_name", "utilisateur__first_name"
    )


def comptes_experts_disponibles() -> QuerySet:
    """Active accounts with the Expert CPAM role and no expert record yet."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.EXPERT_CPAM, expert__isnull=True)
        .distinct()
        .order_by("last_name", "first_name")
    )


def comptes_superviseurs() -> QuerySet:
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.SUPERVISEUR_CPAM)
        .distinct()
        .order_by("last_name", "first_name")
    )


def regle_active_en_conflit(*, categorie, partenaire, departement: str, exclure_pk=None):
    """The active rule already covering this category and territory, if any (the database
    constraint cannot see two "toutes catégories" rules: NULLs are distinct)."""
    from .models import RegleRoutage

    regles = RegleRoutage.objects.filter(
        active=True,
        categorie=categorie,
        partenaire=partenaire,
        departement="" if partenaire else (departement or ""),
    )
    if exclure_pk:
        regles = regles.exclude(pk=exclure_pk)
    return regles.only("pk", "code").first()


# Partner views helpers -------------------------------------------------------------------------


def demande_pour_ecran_partenaire(utilisateur, acces, reference: str) -> Demande | None:
    """One demande for the partner's page, if this person may see it (else None → 404)."""
    return (
        demandes_visibles_partenaire(utilisateur, acces)
        .select_related(
            "categorie", "partenaire", "auteur", "consentement_par", "expert__utilisateur", "equipe"
        )
        .filter(reference=reference)
        .first()
    )


# The back-office home --------------------------------------------------------------------------


def resume_expert(utilisateur) -> dict[str, int] | None:
    """The expert's day, on their own demandes (one query): due by tonight and not yet late,
    late (the inbox's rule), awaiting the partner, with a new partner message. None when this
    person is not an expert."""
    expert = expert_de(utilisateur)
    if expert is None:
        return None
    maintenant = timezone.now()
    ce_soir = datetime.combine(timezone.localdate(maintenant), time.max, tzinfo=PARIS)
    a_traiter = _a_traiter_q()
    return Demande.objects.filter(expert=expert, statut__in=Demande.OUVERTES).aggregate(
        aujourdhui=Count(
            "pk", filter=a_traiter & Q(echeance__gt=maintenant, echeance__lte=ce_soir)
        ),
        en_retard=Count("pk", filter=_en_retard_q(maintenant)),
        en_attente=Count("pk", filter=Q(statut=Statut.EN_ATTENTE)),
        nouveaux_messages=Count("pk", filter=Q(nouveau_pour_cpam=True)),
    )


def files_par_equipe(utilisateur) -> list[dict]:
    """Open demandes of each team this person sees, with the late ones (one query)."""
    return list(
        demandes_visibles_cpam(utilisateur)
        .filter(statut__in=Demande.OUVERTES)
        .values("equipe__nom")
        .annotate(ouvertes=Count("pk"), en_retard=Count("pk", filter=_en_retard_q(timezone.now())))
        .order_by("equipe__nom")
    )


def absences_du_jour() -> list[Absence]:
    """Absences covering part of today (Paris), with the expert and the substitute."""
    aujourdhui = timezone.localdate()
    return list(
        Absence.objects.filter(
            debut__lt=datetime.combine(aujourdhui, time.max, tzinfo=PARIS),
            fin__gt=datetime.combine(aujourdhui, time.min, tzinfo=PARIS),
        )
        .select_related("expert__utilisateur", "suppleant__utilisateur")
        .order_by("debut", "pk")
    )


# The "très urgent" phone line ------------------------------------------------------------------


def telephone_tres_urgent(*, demande: Demande | None = None, partenaires=(), categorie=None) -> str:
    """The number a partner calls for a very urgent situation: the line of the team that has
    (or would have, by the routing rules) their demande; the national line of
    DEMANDES_TELEPHONE_TRES_URGENT when no team is known or the team has none. Several
    structures whose teams have different lines: the national line."""
    from django.conf import settings

    from .routage import equipe_du_territoire

    if demande is not None:
        equipes = [demande.equipe]
    else:
        equipes = [equipe_du_territoire(partenaire=p, categorie=categorie) for p in partenaires]
    numeros = {equipe.telephone_tres_urgent if equipe else "" for equipe in equipes}
    if len(numeros) == 1 and (numero := numeros.pop()):
        return numero
    return settings.DEMANDES_TELEPHONE_TRES_URGENT
