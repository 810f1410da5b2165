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

from .admin_views import FichesARelireView, peut_voir_fiches_a_relire  # noqa: E402
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
    ]
