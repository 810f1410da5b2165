"""The server error handler: 503 when the database is unreachable, 500 otherwise.

Both pages render without the database (no session, no user, no query), since the database is
often what failed. A database that restarts therefore gives people a "try again in a minute"
page with `Retry-After`, and the web process reconnects by itself on the next request
(`CONN_HEALTH_CHECKS`), without being restarted.

The 400 handler catches the same outage in one more place: when the database goes away after
the view but before the session is saved, Django's session middleware reports it as
`SessionInterrupted` (a 400, "the session was deleted"); the database error is its cause.

With DEBUG on (the SQLite demo) Django shows its English debug trace instead of calling these
handlers. A database locked by another writer is not a developer's bug but a moment to wait:
`BaseVerrouilleeMiddleware` answers it with the same French 503 page there too, and logs the
trace on the console. Other database errors (a missing migration) keep the debug trace.
"""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

#: Seconds a client is asked to wait before trying again after a database outage.
REESSAYER_APRES = 30


def base_indisponible(exception: BaseException | None) -> bool:
    return isinstance(exception, OperationalError | InterfaceError)


def cause_base_indisponible(exception: BaseException | None) -> bool:
    """Whether the exception or one it was raised from is the database being unreachable."""
    vues = set()
    while exception is not None and id(exception) not in vues:
        if base_indisponible(exception):
            return True
        vues.add(id(exception))
        exception = exception.__cause__ or exception.__context__
    return False


def base_verrouillee(exception: BaseException | None) -> bool:
    """SQLite's "database is locked" (or "database table is locked"): another writer held the
    database longer than the busy timeout of the settings."""
    return isinstance(exception, OperationalError) and "is locked" in str(exception)


def _page(gabarit: str, statut: int) -> HttpResponse:
    contexte = {"telephone": settings.DEMANDES_TELEPHONE_TRES_URGENT}
    response = HttpResponse(loader.get_template(gabarit).render(contexte), status=statut)
    if statut == 503:
        response["Retry-After"] = str(REESSAYER_APRES)
    response["Cache-Control"] = "no-store"
    return response


@requires_csrf_token
def erreur_serveur(request):
    if base_indisponible(sys.exc_info()[1]):
        return _page("503.html", 503)
    return _page("500.html", 500)


@requires_csrf_token
def requete_incorrecte(request, exception):
    if cause_base_indisponible(exception):
        return _page("503.html", 503)
    return defaults.bad_request(request, exception)


class BaseVerrouilleeMiddleware:
    """With DEBUG on, a view that met a locked database answers the French 503 page rather than
    Django's debug trace (with DEBUG off, `erreur_serveur` already does)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not (settings.DEBUG and base_verrouillee(exception)):
            return None
        logger.error("Database locked: %s %s", request.method, request.path, exc_info=exception)
        return _page("503.html", 503)
