"""The access rule applied to views: decorator and explanation page."""

import functools

from django.shortcuts import render

from .selectors import acces_requete


def acces_partenaire_requis(service: str | None = None):
    """The wrapped partner view runs only for people the access rule lets in.

    Others see a page that explains why (no convention, suspended, expired, deactivated) and
    whom to contact, with status 403.
    """

    def decorateur(vue):
        @functools.wraps(vue)
        def enveloppe(request, *args, **kwargs):
            acces = acces_requete(request, service)
            if not acces.autorise:
                return page_acces_refuse(request, acces)
            request.acces = acces
            return vue(request, *args, **kwargs)

        return enveloppe

    return decorateur


def page_acces_refuse(request, acces):
    return render(request, "conventions/acces_refuse.html", {"acces": acces}, status=403)
