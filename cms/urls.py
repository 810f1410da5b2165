from django.urls import path

from . import views_preferences

app_name = "cms"

urlpatterns = [
    path("compte/notifications/", views_preferences.preferences, name="preferences"),
]
