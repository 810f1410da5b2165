"""Absolute addresses of the portal, for what leaves it (e-mails, calendars, security.txt):
the public address `PORTAIL_URL` followed by the path Django resolves. No module writes a path
by hand: a renamed route then changes every link at once."""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse


def adresse_absolue(nom: str, *args, **kwargs) -> str:
    """`reverse(nom)` as an absolute address: « https://…/demandes/D-2026-000001/ »."""
    return adresse_du_chemin(reverse(nom, args=args or None, kwargs=kwargs or None))


def adresse_du_chemin(chemin: str) -> str:
    """A path of the portal (a Wagtail page's URL, a request's path) as an absolute address;
    an address that is already absolute is kept as it is."""
    if urlsplit(chemin).scheme:
        return chemin
    return f"{settings.PORTAIL_URL}{chemin}"
