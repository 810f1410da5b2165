from django.urls import path

from . import views_preferences, views_rencontres

app_name = "cms"

urlpatterns = [
    path("compte/notifications/", views_preferences.preferences, name="preferences"),
    path(
        "rencontres/<int:pk>/inscription/",
        views_rencontres.s_inscrire,
        name="rencontre_inscription",
    ),
    path(
        "rencontres/<int:pk>/desinscription/",
        views_rencontres.se_desinscrire,
        name="rencontre_desinscription",
    ),
    path(
        "rencontres/<int:pk>/calendrier.ics",
        views_rencontres.calendrier,
        name="rencontre_calendrier",
    ),
]
