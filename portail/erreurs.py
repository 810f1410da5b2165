"""The server error handler: 503 when the database is unreachable, 500 otherwise.

Both pages render without the database (no session, no user, no query), since the database is
often what failed. A database that restarts therefore gives people a "try again in a minute"
page with `Retry-After`, and the web process reconnects by itself on the next request
(`CONN_HEALTH_CHECKS`), without being restarted.
"""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

#: Seconds a client is asked to wait before trying again after a database outage.
REESSAYER_APRES = 30


def base_indisponible(exception: BaseException | None) -> bool:
    return isinstance(exception, OperationalError | InterfaceError)


@requires_csrf_token
def erreur_serveur(request):
    exception = sys.exc_info()[1]
    contexte = {"telephone": settings.DEMANDES_TELEPHONE_TRES_URGENT}
    if base_indisponible(exception):
        contenu = loader.get_template("503.html").render(contexte)
        response = HttpResponse(contenu, status=503)
        response["Retry-After"] = str(REESSAYER_APRES)
    else:
        response = HttpResponse(loader.get_template("500.html").render(contexte), status=500)
    response["Cache-Control"] = "no-store"
    return response
