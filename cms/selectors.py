"""Read queries of the reference content."""

from conventions.selectors import acces_requete, partenaires_geres


NOMBRE_ACTUALITES_ACCUEIL = 5
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
    from .models import FichePratiquePage, FlashInfoPage, LectureFlashInfo, RecherchePage

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
    return {
        "acces": acces,
        "gere_des_structures": partenaires_geres(utilisateur).exists(),
        "actualites_epinglees": epinglees,
        "actualites": [f for f in actualites if f not in epinglees][:NOMBRE_ACTUALITES_ACCUEIL],
        "page_recherche": RecherchePage.objects.live().only("url_path").first(),
        "raccourcis": list(
            FichePratiquePage.objects.live()
            .order_by("-last_published_at")
            .only("title", "url_path", "resume")[:NOMBRE_RACCOURCIS_ACCUEIL]
        ),
    }


def flash_info_visible(flash, acces) -> bool:
    """CPAM staff see every flash info; a partner those aimed at one of their structures."""
    return acces.personnel_cpam or any(flash.vise(p) for p in acces.partenaires)


def formulaires_par_theme():
    return []


def flash_infos_index(request, index_page) -> dict:
    return {}
