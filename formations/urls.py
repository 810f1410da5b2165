from django.urls import path

from . import views

app_name = "formations"

urlpatterns = [
    path("formations/", views.sessions, name="sessions"),
    path("formations/sessions/<int:pk>/", views.session, name="session"),
    path("formations/sessions/<int:pk>/inscription/", views.s_inscrire, name="s_inscrire"),
    path("formations/sessions/<int:pk>/calendrier.ics", views.session_ics, name="session_ics"),
    path("formations/mes-inscriptions/", views.mes_inscriptions, name="mes_inscriptions"),
    path("formations/inscriptions/<int:pk>/annuler/", views.annuler, name="annuler"),
    path(
        "formations/inscriptions/<int:pk>/attestation.pdf",
        views.attestation,
        name="attestation",
    ),
    path(
        "formations/calendrier/regenerer/",
        views.calendrier_regenerer,
        name="calendrier_regenerer",
    ),
    path("formations/calendrier/supprimer/", views.calendrier_revoquer, name="calendrier_revoquer"),
    path("formations/calendrier/<str:jeton>.ics", views.flux_calendrier, name="flux_calendrier"),
    path("formations/structure/", views.mes_structures, name="mes_structures"),
    path("formations/structure/<int:pk>/", views.structure, name="structure"),
    path("formations/structure/<int:pk>/inscrire/", views.inscrire_agent, name="inscrire_agent"),
]
