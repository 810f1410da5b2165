from wagtail import hooks

from .acces import refus_contenu


@hooks.register("before_serve_page")
def controler_acces_page(page, request, serve_args, serve_kwargs):
    """Pages are for partners under a convention in force and CPAM staff, except the ones
    marked public (home for visitors, legal pages)."""
    if getattr(page, "page_publique", False):
        return None
    return refus_contenu(request)


@hooks.register("before_serve_document")
def controler_acces_document(document, request):
    """No document is public: forms and attachments follow the same rule as pages."""
    return refus_contenu(request)


# Back-office of the reference content: snippets, review report ---------------------------------

from django.urls import path, reverse  # noqa: E402
from django.utils.translation import gettext_lazy as _  # noqa: E402
from wagtail.admin.menu import MenuItem  # noqa: E402
from wagtail.snippets.models import register_snippet  # noqa: E402
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup  # noqa: E402

from portail.admin_libelles import LibellesGenres  # noqa: E402

from .admin_views import (  # noqa: E402
    FichesARelireView,
    ParticipantsRencontreView,
    peut_voir_fiches_a_relire,
    peut_voir_participants,
)
from .models import Formulaire, Theme  # noqa: E402


class ThemeViewSet(LibellesGenres, SnippetViewSet):
    libelle_ajouter = _("Ajouter un thème")
    libelle_nouveau = _("Nouveau thème")
    model = Theme
    icon = "tag"
    menu_label = _("Thèmes")
    list_display = ["nom", "slug", "ordre"]
    search_fields = ["nom"]


class FormulaireViewSet(LibellesGenres, SnippetViewSet):
    libelle_ajouter = _("Ajouter un formulaire")
    libelle_nouveau = _("Nouveau formulaire")
    model = Formulaire
    icon = "doc-full"
    menu_label = _("Formulaires")
    list_display = ["titre", "reference", "version", "date_version", "theme", "remplace_par"]
    list_filter = ["theme"]
    search_fields = ["titre", "reference"]


class ContenusViewSetGroup(SnippetViewSetGroup):
    items = (ThemeViewSet, FormulaireViewSet)
    menu_label = _("Contenus")
    menu_icon = "folder-open-inverse"
    menu_name = "contenus"


register_snippet(ContenusViewSetGroup)


class FichesARelireMenuItem(MenuItem):
    def is_shown(self, request):
        return peut_voir_fiches_a_relire(request.user)


@hooks.register("register_reports_menu_item")
def menu_fiches_a_relire():
    return FichesARelireMenuItem(
        _("Fiches à relire"), reverse("fiches_a_relire"), icon_name="date", order=150
    )


@hooks.register("register_admin_urls")
def urls_fiches_a_relire():
    return [
        path("rapports/fiches-a-relire/", FichesARelireView.as_view(), name="fiches_a_relire"),
        path(
            "rapports/fiches-a-relire/resultats/",
            FichesARelireView.as_view(results_only=True),
            name="fiches_a_relire_resultats",
        ),
        path(
            "rencontres/<int:pk>/participants/",
            ParticipantsRencontreView.as_view(),
            name="rencontre_participants",
        ),
    ]


@hooks.register("register_page_header_buttons")
def bouton_participants(page, user, view_name, next_url=None):
    """On a rencontre's screens, a link to its participants (for whoever may see them)."""
    from wagtail.admin.widgets.button import Button

    from .models import RencontrePage

    if isinstance(page.specific_deferred, RencontrePage) and page.specific_deferred.capacite:
        if peut_voir_participants(user, page):
            yield Button(
                _("Participants"),
                reverse("rencontre_participants", args=[page.pk]),
                icon_name="group",
                priority=70,
            )
