from django.urls import path

from .views import envoi, fichiers, suivi

app_name = "demandes"

# The reference (D-2026-000123) is the only identifier of a demande in addresses; an unknown
# one is a 404 from the view, like a demande the person may not see.
urlpatterns = [
    path("demandes/", suivi.liste, name="liste"),
    path("demandes/nouvelle/", envoi.nouvelle, name="nouvelle"),
    path("demandes/<str:reference>/", suivi.detail, name="detail"),
    path("demandes/<str:reference>/repondre/", suivi.repondre, name="repondre"),
    path("demandes/<str:reference>/rouvrir/", suivi.rouvrir, name="rouvrir"),
    path("demandes/<str:reference>/cloturer/", suivi.cloturer, name="cloturer"),
    path(
        "demandes/<str:reference>/fichiers/<str:uuid>/",
        fichiers.telecharger,
        name="fichier",
    ),
]
