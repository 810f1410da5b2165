from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def urls_securite():
    urls = [
        path("", admin_views.ComptesView.as_view(), name="comptes"),
        path(
            "<int:pk>/reinitialiser/", admin_views.ReinitialiserView.as_view(), name="reinitialiser"
        ),
    ]
    return [path("securite-comptes/", include((urls, "portail_admin")))]


class MenuSecurite(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.PERMISSION_REINITIALISER)


@hooks.register("register_settings_menu_item")
def menu_securite():
    return MenuSecurite(
        _("Sécurité des comptes"), reverse("portail_admin:comptes"), icon_name="lock", order=610
    )
