"""The messaging service in the Wagtail admin: the "Demandes" inbox for experts and
superviseurs, and its reference data under one "Messagerie" menu shown to whoever holds a
matching permission (superviseurs edit it, experts read categories, teams and canned replies)."""

from django.urls import include, path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from conventions.back_office import PolitiqueModele
from portail import menu_admin
from portail.admin_libelles import LibellesGenres

from . import selectors
from .back_office import absences, accueil, boite, demande, referentiel
from .models import Absence, Categorie, Equipe, Expert, RegleRoutage, ReponseType

# The inbox and the demande screen ----------------------------------------------------------------


@hooks.register("register_admin_urls")
def urls_demandes():
    reference = "<str:reference>/"
    urls = [
        path("", boite.BoiteView.as_view(), name="boite"),
        path("attribuer/", boite.AttributionGroupeeView.as_view(), name="attribuer"),
        path("filtres/", boite.FiltreEnregistrerView.as_view(), name="filtre_enregistrer"),
        path(
            "filtres/<int:pk>/supprimer/",
            boite.FiltreSupprimerView.as_view(),
            name="filtre_supprimer",
        ),
        path(f"{reference}prendre/", boite.PrendreView.as_view(), name="prendre"),
        path(reference, demande.DemandeView.as_view(), name="demande"),
        path(f"{reference}repondre/", demande.RepondreView.as_view(), name="repondre"),
        path(f"{reference}note/", demande.NoteView.as_view(), name="note"),
        path(f"{reference}information/", demande.InformationView.as_view(), name="information"),
        path(
            f"{reference}reponse-type/",
            demande.InsererReponseTypeView.as_view(),
            name="inserer_reponse_type",
        ),
        path(f"{reference}brouillon/", demande.BrouillonView.as_view(), name="brouillon"),
        path(f"{reference}reattribuer/", demande.ReattribuerView.as_view(), name="reattribuer"),
    ]
    # Before the demande's reference: "absences/" is not a reference (D-2026-000001).
    urls[1:1] = [
        path("absences/", absences.AbsencesView.as_view(), name="absences"),
        path("absences/declarer/", absences.AbsenceDeclarerView.as_view(), name="absence_declarer"),
        path(
            "absences/<int:pk>/reprendre/",
            absences.AbsenceReprendreView.as_view(),
            name="absence_reprendre",
        ),
    ]
    return [path("demandes/", include((urls, "demandes_admin")))]


LIBELLE_MENU_DEMANDES = _("Demandes")


def libelle_menu_demandes(request) -> str:
    """The item's label with the count of new demandes for this expert (one indexed count)."""
    nombre = selectors.nouveautes_cpam(request.user)
    if not nombre:
        return str(LIBELLE_MENU_DEMANDES)
    return ngettext("%(libelle)s (%(n)s nouvelle)", "%(libelle)s (%(n)s nouvelles)", nombre) % {
        "libelle": LIBELLE_MENU_DEMANDES,
        "n": nombre,
    }


# A kept sidebar holds a placeholder, replaced on each page by the live label.
menu_admin.JETONS_LIBELLES["demandes"] = libelle_menu_demandes


class MenuDemandes(MenuItem):
    def is_shown(self, request):
        return selectors.acces_messagerie_cpam(request.user)

    def render_component(self, request):
        if getattr(request, "menu_admin_jetons", False):
            libelle = menu_admin.jeton_libelle("demandes")
        else:
            libelle = libelle_menu_demandes(request)
        return LinkMenuItem(
            self.name,
            libelle,
            self.url,
            icon_name=self.icon_name,
            classname=self.classname,
            attrs=self.attrs,
        )


@hooks.register("register_admin_menu_item")
def menu_demandes():
    return MenuDemandes(
        LIBELLE_MENU_DEMANDES,
        reverse("demandes_admin:boite"),
        name="demandes",
        icon_name="mail",
        order=150,
    )


@hooks.register("register_admin_menu_item")
def menu_absences():
    return MenuDemandesAbsences(
        _("Mes absences"),
        reverse("demandes_admin:absences"),
        name="mes-absences",
        icon_name="date",
        order=151,
    )


class MenuDemandesAbsences(MenuItem):
    def is_shown(self, request):
        return selectors.acces_messagerie_cpam(request.user)


@hooks.register("construct_homepage_panels")
def panneaux_accueil(request, panneaux):
    accueil.panneaux_accueil(request, panneaux)


# Reference data ----------------------------------------------------------------------------------


class MessagerieViewSet(LibellesGenres, ModelViewSet):
    #: Actions never offered here, whatever the role's permissions (see PolitiqueModele).
    actions_exclues = ()
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = referentiel.InspectView
    # Indexing references would add queries to every save made by the services.
    add_to_reference_index = False
    # Plain database search (icontains): same behaviour on SQLite and PostgreSQL.
    search_backend_name = None

    @cached_property
    def permission_policy(self):
        return PolitiqueModele(self.model, self.actions_exclues)

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(usage_url_name=None, **kwargs)


def _toutes(valeur):
    return valeur if valeur else _("Toutes")


class CategorieViewSet(MessagerieViewSet):
    libelle_ajouter = _("Ajouter une catégorie")
    libelle_nouveau = _("Nouvelle catégorie")
    model = Categorie
    name = "messagerie_categories"
    url_prefix = "messagerie/categories"
    icon = "tag"
    menu_label = _("Catégories")
    # Demandes keep their category: a category is withdrawn (inactive), never deleted.
    actions_exclues = ("delete",)
    index_view_class = referentiel.CategorieIndexView
    list_display = [
        "libelle",
        "code",
        Column(
            "delai_urgente",
            label=_("Délai, urgente"),
            accessor=lambda c: referentiel.delai_affiche(c, "urgente"),
        ),
        Column(
            "delai_normale",
            label=_("Délai, normale"),
            accessor=lambda c: referentiel.delai_affiche(c, "normale"),
        ),
        Column("champs", label=_("Questions complémentaires"), accessor="get_champs_display"),
        BooleanColumn("active", label=_("Proposée"), sort_key="active"),
        Column("ordre", label=_("Ordre"), sort_key="ordre"),
    ]
    list_filter = ["active"]
    search_fields = ["libelle", "code"]
    ordering = ["ordre", "libelle"]
    inspect_view_fields = [
        "libelle",
        "slug",
        "code",
        "description",
        "delai_urgente",
        "delai_normale",
        "champs",
        "active",
        "ordre",
    ]

    def get_form_class(self, for_update=False):
        if for_update:
            return referentiel.CategorieModificationForm
        return referentiel.CategorieForm


class EquipeViewSet(MessagerieViewSet):
    libelle_ajouter = _("Ajouter une équipe")
    libelle_nouveau = _("Nouvelle équipe")
    model = Equipe
    name = "messagerie_equipes"
    url_prefix = "messagerie/equipes"
    icon = "group"
    menu_label = _("Équipes")
    # Demandes and experts belong to a team: it is renamed, never deleted.
    actions_exclues = ("delete",)
    index_view_class = referentiel.EquipeIndexView
    list_display = [
        "nom",
        "email",
        "telephone_tres_urgent",
        Column("territoire", label=_("Territoire"), accessor="get_territoire_display"),
        Column("nombre_experts", label=_("Experts actifs"), sort_key="nombre_experts"),
        Column("superviseurs", label=_("Superviseurs"), accessor=referentiel.superviseurs_affiches),
    ]
    search_fields = ["nom"]
    ordering = "nom"
    inspect_view_fields = ["nom", "email", "telephone_tres_urgent", "territoire", "superviseurs"]

    def get_form_class(self, for_update=False):
        return referentiel.EquipeForm


class ExpertViewSet(MessagerieViewSet):
    libelle_ajouter = _("Ajouter un expert")
    libelle_nouveau = _("Nouvel expert")
    model = Expert
    name = "messagerie_experts"
    url_prefix = "messagerie/experts"
    icon = "user"
    menu_label = _("Experts")
    # Demandes and routing history name the expert: an expert is deactivated, never deleted.
    actions_exclues = ("delete",)
    index_view_class = referentiel.ExpertIndexView
    list_display = [
        Column(
            "utilisateur",
            label=_("Expert"),
            accessor=lambda e: e.utilisateur.get_full_name() or e.utilisateur.email,
            sort_key="utilisateur__last_name",
        ),
        Column("email", label=_("Adresse e-mail"), accessor="utilisateur.email"),
        Column("equipe", label=_("Équipe"), accessor="equipe.nom", sort_key="equipe__nom"),
        Column("demandes_ouvertes", label=_("Demandes ouvertes"), sort_key="demandes_ouvertes"),
        BooleanColumn("actif", label=_("Actif"), sort_key="actif"),
    ]
    filterset_class = referentiel.ExpertFilterSet
    search_fields = ["utilisateur__first_name", "utilisateur__last_name", "utilisateur__email"]
    ordering = ["utilisateur__last_name", "utilisateur__first_name"]
    inspect_view_fields = ["utilisateur", "equipe", "actif"]

    def get_form_class(self, for_update=False):
        if for_update:
            return referentiel.ExpertModificationForm
        return referentiel.ExpertForm


class AbsenceViewSet(MessagerieViewSet):
    libelle_ajouter = _("Déclarer une absence")
    libelle_nouveau = _("Nouvelle absence")
    model = Absence
    name = "messagerie_absences"
    url_prefix = "messagerie/absences"
    icon = "date"
    menu_label = _("Absences")
    # An absence hands demandes over and its return gives them back (demandes.continuite): it
    # is ended early by "Reprendre" on /admin/demandes/absences/, never edited or deleted here,
    # which would leave the handed-over demandes with the substitute.
    actions_exclues = ("change", "delete")
    index_view_class = referentiel.AbsenceIndexView
    list_display = [
        Column("expert", label=_("Expert"), sort_key="expert__utilisateur__last_name"),
        DateColumn("debut", label=_("Début"), sort_key="debut"),
        DateColumn("fin", label=_("Fin"), sort_key="fin"),
        Column("suppleant", label=_("Suppléant")),
        Column(
            "en_cours",
            label=_("Période"),
            accessor=referentiel.periode_absence,
        ),
        "motif",
    ]
    filterset_class = referentiel.AbsenceFilterSet
    search_fields = ["expert__utilisateur__last_name", "expert__utilisateur__first_name", "motif"]
    ordering = "-debut"
    inspect_view_fields = ["expert", "debut", "fin", "suppleant", "motif"]

    add_view_class = referentiel.AbsenceCreateView

    def get_form_class(self, for_update=False):
        return referentiel.AbsenceForm


class RegleRoutageViewSet(MessagerieViewSet):
    libelle_ajouter = _("Ajouter une règle de routage")
    libelle_nouveau = _("Nouvelle règle de routage")
    model = RegleRoutage
    name = "messagerie_regles"
    url_prefix = "messagerie/regles"
    icon = "redirect"
    menu_label = _("Règles de routage")
    # Routing decisions point to their rule: a rule is deactivated, never deleted.
    actions_exclues = ("delete",)
    index_view_class = referentiel.RegleIndexView
    add_view_class = referentiel.RegleCreateView
    edit_view_class = referentiel.RegleEditView
    list_display = [
        "code",
        Column("categorie", label=_("Catégorie"), accessor=lambda r: _toutes(r.categorie)),
        Column("territoire", label=_("Territoire"), accessor=referentiel.territoire_affiche),
        Column("titulaire", label=_("Titulaire")),
        Column("suppleant", label=_("Suppléant")),
        Column("mode", label=_("Attribution"), accessor="get_mode_display"),
        BooleanColumn("active", label=_("Active"), sort_key="active"),
    ]
    filterset_class = referentiel.RegleFilterSet
    search_fields = ["code", "partenaire__nom"]
    ordering = "code"
    inspect_view_fields = [
        "code",
        "categorie",
        "partenaire",
        "departement",
        "titulaire",
        "suppleant",
        "mode",
        "active",
    ]

    def get_form_class(self, for_update=False):
        return referentiel.RegleRoutageForm


class ReponseTypeViewSet(MessagerieViewSet):
    libelle_ajouter = _("Ajouter une réponse type")
    libelle_nouveau = _("Nouvelle réponse type")
    model = ReponseType
    name = "messagerie_reponses_types"
    url_prefix = "messagerie/reponses-types"
    icon = "openquote"
    menu_label = _("Réponses types")
    index_view_class = referentiel.ReponseTypeIndexView
    list_display = [
        "titre",
        Column("equipe", label=_("Équipe"), accessor="equipe.nom", sort_key="equipe__nom"),
        Column("categorie", label=_("Catégorie"), accessor=lambda r: _toutes(r.categorie)),
    ]
    list_filter = ["equipe", "categorie"]
    search_fields = ["titre", "corps"]
    ordering = ["equipe__nom", "titre"]
    inspect_view_fields = ["titre", "equipe", "categorie", "corps"]

    def get_form_class(self, for_update=False):
        return referentiel.ReponseTypeForm


class MessagerieGroupe(ViewSetGroup):
    menu_label = _("Messagerie")
    menu_icon = "mail"
    menu_order = 160
    items = (
        CategorieViewSet,
        EquipeViewSet,
        ExpertViewSet,
        AbsenceViewSet,
        RegleRoutageViewSet,
        ReponseTypeViewSet,
    )


@hooks.register("register_admin_viewset")
def messagerie_viewsets():
    return MessagerieGroupe()


from .tableaux import hooks  # noqa: E402, F401
