"""Front-end entry of Wagtail pages, and the search."""

from django.core.paginator import Paginator
from django.shortcuts import render
from wagtail import views as wagtail_views

from portail.middleware import vue_publique

from .recherche import (
    LONGUEUR_MAX_REQUETE,
    RESULTATS_PAR_PAGE,
    nettoyer_requete,
    resultats_recherche,
)


@vue_publique
def servir(request, path):
    """Wagtail's `serve`, reachable without a session: every page type decides in the
    `before_serve_page` hook (cms/wagtail_hooks.py) whether it is public or needs a verified
    second factor and the convention access rule."""
    return wagtail_views.serve(request, path)


def recherche(request, page):
    """The search page (RecherchePage.serve): the access hook has already let the request in.

    `q` is the text typed in the search box, 100 characters at most; it is not personal data
    (the box asks for sheets and forms, not for an insured person). Results are paginated
    with `page`.
    """
    saisie = request.GET.get("q", "").strip()[:LONGUEUR_MAX_REQUETE]
    requete = nettoyer_requete(saisie)
    contexte = {"page": page, "q": saisie, "longueur_max": LONGUEUR_MAX_REQUETE, "resultats": None}
    if requete:
        pagination = Paginator(resultats_recherche(request, requete), RESULTATS_PAR_PAGE)
        contexte["resultats"] = pagination.get_page(request.GET.get("page"))
    elif saisie:
        # Only punctuation: nothing to search, said as such.
        contexte["resultats"] = Paginator([], RESULTATS_PAR_PAGE).get_page(1)
    return render(request, "cms/recherche_page.html", contexte)
