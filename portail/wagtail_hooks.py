from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_journal, admin_views, roles

# The way back to the partner portal, for a person who is also a partner's agent ---------------


class MenuEspacePartenaire(MenuItem):
    def is_shown(self, request):
        return roles.a_un_role(request.user, roles.PARTENAIRES)


@hooks.register("register_admin_menu_item")
def menu_espace_partenaire():
    return MenuEspacePartenaire(
        _("Espace partenaire"),
        reverse("portail:accueil"),
        name="espace-partenaire",
        icon_name="home",
        order=20000,
    )


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


# Data protection: the access journal and the processing register -------------------------------


@hooks.register("register_admin_urls")
def urls_protection_donnees():
    journal = [
        path("", admin_journal.JournalView.as_view(), name="recherche"),
        path("export.csv", admin_journal.JournalExportView.as_view(), name="export"),
    ]
    registre = [path("", admin_journal.RegistreView.as_view(), name="modifier")]
    return [
        path("journal-des-acces/", include((journal, "journal_admin"))),
        path("donnees-personnelles/", include((registre, "registre_admin"))),
    ]


class MenuAvecPermission(MenuItem):
    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_settings_menu_item")
def menu_journal():
    return MenuAvecPermission(
        _("Journal des accès"),
        reverse("journal_admin:recherche"),
        icon_name="list-ul",
        order=620,
        permission=admin_journal.PERMISSION_JOURNAL,
    )


@hooks.register("register_settings_menu_item")
def menu_registre():
    return MenuAvecPermission(
        _("Données personnelles"),
        reverse("registre_admin:modifier"),
        icon_name="doc-full",
        order=630,
        permission=admin_journal.PERMISSION_REGISTRE,
    )


# The portal's own guide replaces Wagtail's help menu (English guide and release notes) -----------


@hooks.register("register_admin_urls")
def urls_guide():
    return [path("guide/", admin_views.GuideView.as_view(), name="guide_back_office")]


@hooks.register("register_admin_menu_item")
def menu_guide():
    return MenuItem(
        _("Guide du back-office"),
        reverse("guide_back_office"),
        name="guide",
        icon_name="help",
        order=11000,
    )


@hooks.register("construct_main_menu")
def sans_aide_wagtail(request, menu_items):
    menu_items[:] = [item for item in menu_items if item.name != "help"]
