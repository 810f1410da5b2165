"""Front-end entry of Wagtail pages, and the search."""

from django.shortcuts import render
from wagtail import views as wagtail_views

from portail.middleware import vue_publique


@vue_publique
def servir(request, path):
    """Wagtail's `serve`, reachable without a session: every page type decides in the
    `before_serve_page` hook (cms/wagtail_hooks.py) whether it is public or needs a verified
    second factor and the convention access rule."""
    return wagtail_views.serve(request, path)


def recherche(request, page):
    return render(request, "cms/recherche_page.html", {"page": page})
