"""The référent's dashboard of their structure, beside the structure's page
(`conventions:structure`)."""

from django.urls import path

from . import views

app_name = "tableaux"

TABLEAU = "structure/<int:pk>/tableau-de-bord/"

urlpatterns = [
    path(TABLEAU, views.tableau_structure, name="structure"),
    path(f"{TABLEAU}export.csv", views.export_structure, {"format_": "csv"}, name="export_csv"),
    path(f"{TABLEAU}export.xlsx", views.export_structure, {"format_": "xlsx"}, name="export_xlsx"),
]
