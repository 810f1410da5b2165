from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.views import servir

from . import views
from .middleware import vue_publique

comptes = [
    # The home is the Wagtail HomePage (public for visitors, personal for partners).
    path("", servir, {"path": ""}, name="accueil"),
    path("connexion/", views.ConnexionView.as_view(), name="connexion"),
    path("connexion/code/", views.verification, name="verification"),
    path("connexion/activation/", views.enrolement, name="enrolement"),
    path("deconnexion/", views.DeconnexionView.as_view(), name="deconnexion"),
    path("compte/securite/", views.securite, name="securite"),
    path("compte/securite/codes/", views.codes_secours, name="codes_secours"),
    path(
        "compte/securite/codes/regenerer/",
        views.codes_secours_regenerer,
        name="codes_secours_regenerer",
    ),
    path("compte/securite/appareil/", views.appareil_remplacer, name="appareil_remplacer"),
    path("compte/mes-donnees/", views.mes_donnees, name="mes_donnees"),
    path(
        "compte/securite/confirmer-mot-de-passe/",
        views.reauthentification,
        name="reauthentification",
    ),
    path("mot-de-passe/oublie/", views.DemandeMotDePasseView.as_view(), name="mot_de_passe"),
    path("mot-de-passe/envoye/", views.MotDePasseEnvoyeView.as_view(), name="mot_de_passe_envoye"),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.NouveauMotDePasseView.as_view(),
        name="mot_de_passe_nouveau",
    ),
    path(
        "mot-de-passe/modifie/",
        views.MotDePasseModifieView.as_view(),
        name="mot_de_passe_modifie",
    ),
    path(
        "mentions-legales/",
        views.page_statique("portail/pages/mentions_legales.html"),
        name="mentions_legales",
    ),
    path(
        "donnees-personnelles/",
        views.donnees_personnelles,
        name="donnees_personnelles",
    ),
    path(
        "accessibilite/",
        views.page_statique("portail/pages/accessibilite.html"),
        name="accessibilite",
    ),
    path("sante/", views.sante, name="sante"),
    path(".well-known/security.txt", views.security_txt, name="security_txt"),
    path("securite/", views.securite_publique, name="securite_publique"),
]

urlpatterns = [
    path("", include((comptes, "portail"))),
    path("", include("conventions.urls")),
    path("", include("demandes.urls")),
    path("", include("demandes.tableaux.urls")),
    path("", include("formations.urls")),
    # One login for everybody (password then second factor): Wagtail's own form is never shown.
    path(
        "admin/login/",
        vue_publique(RedirectView.as_view(pattern_name="portail:connexion", query_string=True)),
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("cms.urls")),
    # Wagtail pages last; access is decided per page type in cms.wagtail_hooks.
    re_path(r"^((?:[\w\-]+/)*)$", servir, name="wagtail_serve"),
]

handler400 = "portail.erreurs.requete_incorrecte"
handler500 = "portail.erreurs.erreur_serveur"
