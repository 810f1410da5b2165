"""The portal's URLs plus two views that fail, to see the error pages a person gets."""

from django.db import OperationalError
from django.urls import include, path

from portail.middleware import vue_publique


@vue_publique
def panne_base(request):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")


@vue_publique
def bogue(request):
    raise ZeroDivisionError


urlpatterns = [
    path("essai/panne-base/", panne_base),
    path("essai/bogue/", bogue),
    path("", include("portail.urls")),
]

handler500 = "portail.erreurs.erreur_serveur"
