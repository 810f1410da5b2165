"""Front-end entry of Wagtail pages, and the search."""

from django.core.paginator import Paginator
from django.shortcuts import render
from wagtail import views as wagtail_views

from portail.middleware import vue_publique

from .recherche import (
    LONGUEUR_MAX_REQUETE,
    RESULTATS_PAR_PAGE,
    Recherche,
    nettoyer_requete,
    ressemble_a_un_nir,
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
    (the box asks for sheets and forms, not for an insured person). Without `type`, the page
    shows each type's first results; with `type`, all the results of that type, paginated with
    `page`. `remplacees=1` adds the superseded versions of forms, in a last group.
    """
    saisie = request.GET.get("q", "").strip()[:LONGUEUR_MAX_REQUETE]
    if ressemble_a_un_nir(saisie):
        # Never searched nor written back: the box is for sheets and forms, not for people.
        contexte = {
            "page": page,
            "q": "",
            "longueur_max": LONGUEUR_MAX_REQUETE,
            "recherche": None,
            "nir_refuse": True,
        }
        return render(request, "cms/recherche_page.html", contexte)
    requete = nettoyer_requete(saisie)
    remplacees = request.GET.get("remplacees") == "1"
    contexte = {
        "page": page,
        "q": saisie,
        "longueur_max": LONGUEUR_MAX_REQUETE,
        "remplacees": remplacees,
        "recherche": None,
    }
    if not saisie:
        return render(request, "cms/recherche_page.html", contexte)
    # Only punctuation leaves nothing to search: said as such, with the same suggestions as
    # a search without results.
    resultats = Recherche(request, requete, remplacees=remplacees)
    contexte["recherche"] = resultats
    contexte["nombre"] = resultats.nombre
    groupe = resultats.groupe(request.GET.get("type", ""))
    if groupe is not None:
        contexte["groupe"] = groupe
        contexte["page_resultats"] = Paginator(groupe, RESULTATS_PAR_PAGE).get_page(
            request.GET.get("page")
        )
    else:
        contexte["groupes"] = resultats.groupes()
    contexte["remplacees_masquees"] = resultats.remplacees_masquees
    if not contexte["nombre"]:
        contexte["thematiques"] = resultats.thematiques()
        contexte["page_formulaires"] = resultats.page_formulaires()
    return render(request, "cms/recherche_page.html", contexte)
