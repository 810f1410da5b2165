"""The portal's URLs plus views that fail, to see the error pages a person gets."""

from django.contrib.sessions.exceptions import SessionInterrupted
from django.core.exceptions import SuspiciousOperation
from django.db import OperationalError
from django.urls import include, path

from portail.middleware import vue_publique


@vue_publique
def panne_base(request):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")


@vue_publique
def base_verrouillee(request):
    """What SQLite raises when another writer held the database past the busy timeout."""
    raise OperationalError("database is locked")


@vue_publique
def bogue(request):
    raise ZeroDivisionError


@vue_publique
def session_interrompue(request):
    """What Django raises when the database goes away while the session is being saved."""
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError as erreur:
        raise SessionInterrupted("The request's session was deleted.") from erreur


@vue_publique
def requete_suspecte(request):
    raise SuspiciousOperation("bad header")


urlpatterns = [
    path("essai/panne-base/", panne_base),
    path("essai/base-verrouillee/", base_verrouillee),
    path("essai/bogue/", bogue),
    path("essai/session-interrompue/", session_interrompue),
    path("essai/requete-suspecte/", requete_suspecte),
    path("", include("portail.urls")),
]

handler400 = "portail.erreurs.requete_incorrecte"
handler500 = "portail.erreurs.erreur_serveur"
