"""The superviseurs' dashboard in the Wagtail admin: its URLs and its menu item (imported by
`demandes.wagtail_hooks`, which Wagtail loads)."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ..selectors import voit_toutes_les_demandes
from . import views


@hooks.register("register_admin_urls")
def urls_tableau_de_bord():
    urls = [
        path("", views.TableauDeBordView.as_view(), name="tableau"),
        path("export.csv", views.ExportView.as_view(), {"format_": "csv"}, name="export_csv"),
        path("export.xlsx", views.ExportView.as_view(), {"format_": "xlsx"}, name="export_xlsx"),
    ]
    return [path("tableau-de-bord/", include((urls, "tableaux_admin")))]


class MenuTableauDeBord(MenuItem):
    def is_shown(self, request):
        return voit_toutes_les_demandes(request.user)


@hooks.register("register_admin_menu_item")
def menu_tableau_de_bord():
    return MenuTableauDeBord(
        _("Tableau de bord"),
        reverse("tableaux_admin:tableau"),
        name="tableau-de-bord",
        icon_name="table",
        order=170,
    )
