"""Read queries of the reference content."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import PageViewRestriction

from conventions.selectors import acces_requete, partenaires_geres

NOMBRE_ACTUALITES_ACCUEIL = 5
# Important news not yet read, shown first; beyond this many, a link to the others.
NOMBRE_EPINGLEES_ACCUEIL = 5
NOMBRE_RACCOURCIS_ACCUEIL = 6
# News are filtered by target in Python over this bounded window: the query count stays fixed.
FENETRE_ACTUALITES = 60


def accueil(request) -> dict:
    """What the home shows a verified person: their structures, the important news they have
    not read, the latest news aimed at them, and shortcuts to recently updated sheets."""
    utilisateur = request.user
    if not (utilisateur.is_authenticated and utilisateur.is_verified()):
        return {}
    acces = acces_requete(request)
    if not acces.autorise:
        return {"acces": acces}
    from .models import (
        FichePratiquePage,
        FlashInfoIndexPage,
        FlashInfoPage,
        LectureFlashInfo,
        RecherchePage,
    )

    actualites = [
        flash
        for flash in FlashInfoPage.objects.live()
        .order_by("-date", "-first_published_at")
        .only(
            "title", "url_path", "date", "resume", "importance", "types_partenaires", "departements"
        )[:FENETRE_ACTUALITES]
        if flash_info_visible(flash, acces)
    ]
    lues = set(
        LectureFlashInfo.objects.filter(
            utilisateur=utilisateur, flash_info__in=[f.pk for f in actualites if f.importante]
        ).values_list("flash_info_id", flat=True)
    )
    epinglees = [f for f in actualites if f.importante and f.pk not in lues]
    pk_epinglees = {f.pk for f in epinglees}
    return {
        **_accueil_demandes(request),
        **_accueil_formations(request),
        "acces": acces,
        "gere_des_structures": partenaires_geres(utilisateur).exists(),
        "actualites_epinglees": epinglees[:NOMBRE_EPINGLEES_ACCUEIL],
        "autres_epinglees": max(0, len(epinglees) - NOMBRE_EPINGLEES_ACCUEIL),
        "page_actualites": FlashInfoIndexPage.objects.live().only("url_path").first(),
        "actualites": [f for f in actualites if f.pk not in pk_epinglees][
            :NOMBRE_ACTUALITES_ACCUEIL
        ],
        "page_recherche": RecherchePage.objects.live().only("url_path").first(),
        "raccourcis": list(
            FichePratiquePage.objects.live()
            .order_by("-last_published_at")
            .only("title", "url_path", "resume")[:NOMBRE_RACCOURCIS_ACCUEIL]
        ),
    }


def _accueil_demandes(request) -> dict:
    """The partner's open demandes, those awaiting their answer first (two queries)."""
    from conventions.models import Service
    from demandes import selectors as demandes

    acces = acces_requete(request, Service.MESSAGERIE)
    if not acces.autorise or acces.personnel_cpam:
        return {}
    return {
        "messagerie": True,
        "compteurs_demandes": demandes.compteurs_partenaire(request.user, acces),
        "demandes_ouvertes": demandes.demandes_accueil_partenaire(request.user, acces),
        "avis_demandes": demandes.avis_non_lus(request.user),
    }


def _accueil_formations(request) -> dict:
    """The person's next training session, when their structure has the service."""
    from conventions.models import Service

    acces = acces_requete(request, Service.FORMATIONS)
    if not acces.autorise or acces.personnel_cpam:
        return {}
    try:
        from formations.selectors import prochaine_session
    except ImportError:
        return {}
    return {"formations": True, "prochaine_inscription": prochaine_session(request.user)}


def flash_info_visible(flash, acces) -> bool:
    """CPAM staff see every flash info; a partner those aimed at one of their structures."""
    return acces.personnel_cpam or any(flash.vise(p) for p in acces.partenaires)


def formulaires_par_theme():
    """The forms library: themes that have forms, each with `formulaires_liste` (current
    versions first within a title, superseded ones after), in a constant number of queries."""
    from django.db.models import Prefetch

    from .models import Formulaire, Theme

    formulaires = Formulaire.objects.select_related("document", "remplace_par__document").order_by(
        "titre", "-date_version", "pk"
    )
    return list(
        Theme.objects.filter(formulaires__isnull=False)
        .distinct()
        .order_by("ordre", "nom")
        .prefetch_related(
            Prefetch("formulaires", queryset=formulaires, to_attr="formulaires_liste")
        )
    )


FLASH_INFOS_PAR_PAGE = 10
# The newest unread important flash infos are pinned, at most this many: older unread ones keep
# their "Important" badge in the list, so a newcomer does not find years of them on top.
MAX_EPINGLEES = 10


@dataclass(frozen=True)
class CibleFlashInfo:
    """The targeting fields of a flash info read as a light row (no page object)."""

    types_partenaires: list
    departements: list

    def vise(self, partenaire) -> bool:
        from .models import FlashInfoPage

        # The one targeting rule, applied to the row's fields.
        return FlashInfoPage.vise(self, partenaire)


def flash_infos_index(request, index_page) -> dict:
    """The "Actualité en continu": live flash infos newest first, those aimed at the person
    (all for CPAM staff), optionally of one theme, 10 per page; important ones the person has
    not opened yet are pinned on top of page 1 and not repeated below.

    Targeting (JSON lists) is checked in Python over light rows (id, importance, targets, read
    or not: one query); then only the flash infos shown are loaded, with their themes. The query
    count does not depend on the number of flash infos.
    """
    from django.core.paginator import Paginator
    from django.db.models import Exists, OuterRef

    from conventions.models import Service

    from .models import FlashInfoPage, LectureFlashInfo, Theme

    acces = acces_requete(request, Service.CONTENUS)
    if not acces.autorise:
        return {"acces": acces}
    publiees = FlashInfoPage.objects.child_of(index_page).live()
    themes = list(
        Theme.objects.filter(flashinfopage__in=publiees.values("pk"))
        .distinct()
        .order_by("ordre", "nom")
    )
    slug = request.GET.get("theme", "")
    theme_courant = next((t for t in themes if t.slug == slug), None)
    if theme_courant is not None:
        publiees = publiees.filter(themes=theme_courant)
    lignes = (
        publiees.order_by("-date", "-first_published_at", "-pk")
        .annotate(
            lue=Exists(
                LectureFlashInfo.objects.filter(utilisateur=request.user, flash_info=OuterRef("pk"))
            )
        )
        .values_list("pk", "importance", "types_partenaires", "departements", "lue")
    )
    importante = FlashInfoPage.Importance.IMPORTANTE
    visibles = [
        (pk, importance == importante and not lue)
        for pk, importance, types, departements, lue in lignes
        if flash_info_visible(CibleFlashInfo(types, departements), acces)
    ]
    epinglees = [pk for pk, a_lire in visibles if a_lire][:MAX_EPINGLEES]
    epinglees_pk = set(epinglees)
    page_flashs = Paginator(
        [pk for pk, _ in visibles if pk not in epinglees_pk], FLASH_INFOS_PAR_PAGE
    ).get_page(request.GET.get("page"))
    if page_flashs.number != 1:
        epinglees = []
    chargees = {
        flash.pk: flash
        for flash in FlashInfoPage.objects.filter(pk__in=[*epinglees, *page_flashs.object_list])
        .only(
            "title", "url_path", "date", "resume", "importance", "types_partenaires", "departements"
        )
        .prefetch_related("themes")
    }
    # In the order of the rows (a flash info unpublished in between is left out).
    page_flashs.object_list = [chargees[pk] for pk in page_flashs.object_list if pk in chargees]
    return {
        "acces": acces,
        "themes": themes,
        "theme_courant": theme_courant,
        "flashs_epinglees": [chargees[pk] for pk in epinglees if pk in chargees],
        "page_flashs": page_flashs,
        "flashs": page_flashs.object_list,
        "numeros_de_page": list(
            page_flashs.paginator.get_elided_page_range(
                page_flashs.number, on_each_side=2, on_ends=1
            )
        ),
    }


@dataclass(frozen=True)
class EntreeMenu:
    """One link of the main menu; `actif` when the page shown is this one or below it."""

    titre: str
    url: str
    courante: bool = False
    actif: bool = False


def _entree(request, titre: str, url: str) -> EntreeMenu:
    chemin = request.path
    return EntreeMenu(
        titre=titre, url=url, courante=chemin == url, actif=url != "/" and chemin.startswith(url)
    )


def pages_refusees(request) -> list:
    """The pages under a Wagtail view restriction this person does not pass (their subtrees
    included): the one rule for every list of pages (menu, search). Memoised per request."""
    if not hasattr(request, "_pages_refusees"):
        restrictions = PageViewRestriction.objects.select_related("page").prefetch_related("groups")
        request._pages_refusees = [r.page for r in restrictions if not r.accept_request(request)]
    return request._pages_refusees


def hors_restrictions(request, pages):
    """`pages` without those under a view restriction this person does not pass."""
    for page in pages_refusees(request):
        pages = pages.not_descendant_of(page, inclusive=True)
    return pages


def menu_principal(request) -> dict:
    """The main menu of a verified person: what their convention opens to them, CPAM staff
    their workspace. The "S'informer" entries come from the page tree (the thématiques, the
    forms library, the flash infos and the agenda, in the editors' order), so a renamed or
    moved page keeps its entry: one query for them, the access rule is memoised per request."""
    from django.urls import reverse
    from wagtail.models import Page

    from conventions.models import Service
    from portail import roles

    utilisateur = request.user
    if not (utilisateur.is_authenticated and utilisateur.is_verified()):
        return {}
    from .models import (
        AgendaPage,
        FlashInfoIndexPage,
        FormulairesPage,
        RecherchePage,
        ThematiquePage,
    )

    menu = {
        "thematiques": [],
        "ressources": [],
        "demandes": None,
        "formations": None,
        "recherche": "",
    }
    if acces_requete(request, Service.CONTENUS).autorise:
        types = {
            modele: ContentType.objects.get_for_model(modele).pk
            for modele in (
                ThematiquePage,
                FormulairesPage,
                FlashInfoIndexPage,
                AgendaPage,
                RecherchePage,
            )
        }
        pages = hors_restrictions(request, Page.objects.live()).filter(
            content_type__in=types.values()
        )
        pages = pages.only("title", "url_path", "path", "depth", "content_type").order_by("path")
        for page in pages:
            if page.content_type_id == types[RecherchePage]:  # the header's search box
                menu["recherche"] = page.get_url(request=request)
                continue
            entree = _entree(request, page.title, page.get_url(request=request))
            cle = "thematiques" if page.content_type_id == types[ThematiquePage] else "ressources"
            menu[cle].append(entree)
        menu["informer_actif"] = any(e.actif for e in menu["thematiques"] + menu["ressources"])
    espace = roles.espace_cpam(utilisateur)
    if espace:
        menu["espace_cpam"] = espace
        return menu
    if acces_requete(request, Service.MESSAGERIE).autorise:
        menu["demandes"] = _entree(request, "", reverse("demandes:liste"))
    if acces_requete(request, Service.FORMATIONS).autorise:
        menu["formations"] = _entree(request, "", reverse("formations:sessions"))
    return menu


# Rencontres -------------------------------------------------------------------------------------

NOMBRE_RENCONTRES_PASSEES = 10
# Past rencontres are filtered by audience in Python over this bounded window.
FENETRE_RENCONTRES_PASSEES = 200


def rencontre_visible(rencontre, acces) -> bool:
    """CPAM staff see every rencontre; a partner those aimed at one of their structures."""
    return acces.personnel_cpam or any(rencontre.vise(p) for p in acces.partenaires)


def rencontres_avec_places(rencontres):
    """Rencontres annotated with `nombre_inscrits` (places taken), counted by the database."""
    from django.db.models import Count, Q

    from .models import InscriptionRencontre

    return rencontres.annotate(
        nombre_inscrits=Count(
            "inscriptions",
            filter=Q(inscriptions__etat=InscriptionRencontre.Etat.INSCRIT),
        )
    )


def agenda(request, agenda_page) -> dict:
    """Upcoming rencontres (with their places and the person's registration) and the latest
    past ones, only those aimed at the person's structures (all for CPAM staff).

    The audience (JSON lists) is checked in Python over the rows, as for flash infos; the
    number of queries does not depend on the number of rencontres.
    """
    from django.db.models import Exists, OuterRef

    from conventions.models import Service

    from .models import InscriptionRencontre, RencontrePage

    acces = acces_requete(request, Service.CONTENUS)
    maintenant = timezone.now()
    rencontres = RencontrePage.objects.child_of(agenda_page).live()
    if request.user.is_authenticated:
        rencontres = rencontres.annotate(
            je_suis_inscrit=Exists(
                InscriptionRencontre.objects.filter(
                    rencontre=OuterRef("pk"),
                    agent=request.user,
                    etat=InscriptionRencontre.Etat.INSCRIT,
                )
            )
        )
    a_venir = [
        r
        for r in rencontres_avec_places(rencontres.filter(debut__gte=maintenant)).order_by(
            "debut", "pk"
        )
        if rencontre_visible(r, acces)
    ]
    passees = [
        r
        for r in rencontres.filter(debut__lt=maintenant).order_by("-debut", "-pk")[
            :FENETRE_RENCONTRES_PASSEES
        ]
        if rencontre_visible(r, acces)
    ][:NOMBRE_RENCONTRES_PASSEES]
    return {"a_venir": a_venir, "passees": passees}


def structure_pour_rencontre(rencontre, acces):
    """The person's first structure the rencontre is aimed at, None when there is none."""
    return next((p for p in acces.partenaires if rencontre.vise(p)), None)


def rencontre_detail(request, rencontre) -> dict:
    """What the rencontre page shows: places left, the person's registration, whether they may
    register (a partner whose structure the rencontre is aimed at, before it starts)."""
    from conventions.models import Service

    from .models import InscriptionRencontre

    acces = acces_requete(request, Service.CONTENUS)
    if rencontre.pk and rencontre.capacite is not None:
        rencontre.nombre_inscrits = InscriptionRencontre.objects.filter(
            rencontre_id=rencontre.pk, etat=InscriptionRencontre.Etat.INSCRIT
        ).count()
    inscription = None
    if rencontre.pk and request.user.is_authenticated:
        inscription = InscriptionRencontre.objects.filter(
            rencontre_id=rencontre.pk, agent=request.user
        ).first()
    inscrit = inscription is not None and inscription.etat == InscriptionRencontre.Etat.INSCRIT
    a_venir = rencontre.debut > timezone.now()
    return {
        "acces": acces,
        "inscription": inscription if inscrit else None,
        "a_venir": a_venir,
        "inscriptions_ouvertes": rencontre.capacite is not None and a_venir,
        "peut_s_inscrire": (
            rencontre.capacite is not None
            and a_venir
            and not inscrit
            and not acces.personnel_cpam
            and structure_pour_rencontre(rencontre, acces) is not None
        ),
    }


def participants(rencontre):
    """The people registered to a rencontre, with their structure, by name (one query)."""
    from .models import InscriptionRencontre

    return (
        InscriptionRencontre.objects.filter(
            rencontre=rencontre, etat=InscriptionRencontre.Etat.INSCRIT
        )
        .select_related("agent", "partenaire")
        .order_by("agent__last_name", "agent__first_name", "pk")
    )
