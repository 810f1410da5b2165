"""The partners' back-office in the Wagtail admin: structures, conventions, memberships and join
requests, grouped under one "Partenaires" menu shown to whoever holds a matching permission."""

from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import BooleanColumn, Column, StatusTagColumn
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from portail.admin_libelles import LibellesGenres

from . import back_office as admin_views
from .forms_public import CHAMPS_DEMANDE
from .models import Adhesion, Convention, DemandeAdhesion, Partenaire


def _en_vigueur(objet) -> bool:
    return getattr(objet, "statut_convention", getattr(objet, "statut", "")) == "en_vigueur"


def _libelle_statut_convention(partenaire) -> str:
    if not partenaire.statut_convention:
        return _("Aucune")
    return Convention.Statut(partenaire.statut_convention).label


COLONNE_STRUCTURE = Column(
    "partenaire", label=_("Structure"), accessor="partenaire.nom", sort_key="partenaire__nom"
)


class PartenairesViewSet(LibellesGenres, ModelViewSet):
    #: Actions never offered here, whatever the role's permissions (see PolitiqueModele).
    actions_exclues = ()
    copy_view_enabled = False  # a copy would bypass numbering, uniqueness and services
    # Indexing references would add queries to every save made by the services.
    add_to_reference_index = False
    # Plain database search (icontains): same behaviour on SQLite and PostgreSQL.
    search_backend_name = None

    @cached_property
    def permission_policy(self):
        return admin_views.PolitiqueModele(self.model, self.actions_exclues)

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(usage_url_name=None, **kwargs)


class StructureViewSet(PartenairesViewSet):
    libelle_ajouter = _("Ajouter une structure partenaire")
    libelle_nouveau = _("Nouvelle structure partenaire")
    model = Partenaire
    name = "partenaires_structures"
    url_prefix = "partenaires/structures"
    icon = "site"
    menu_label = _("Structures")
    actions_exclues = ("delete",)  # a structure is deactivated, never deleted
    index_view_class = admin_views.StructureIndexView
    add_view_class = admin_views.StructureCreateView
    inspect_view_class = admin_views.StructureInspectView
    inspect_view_enabled = True
    inspect_view_fields = [*admin_views.CHAMPS_STRUCTURE, "cree_le"]
    list_display = [
        "nom",
        "type",
        "commune",
        "departement",
        Column(
            "nombre_agents",
            label=_("Agents actifs"),
            sort_key="nombre_agents",
        ),
        StatusTagColumn(
            "statut_convention",
            label=_("Convention"),
            accessor=_libelle_statut_convention,
            sort_key="statut_convention",
            primary=_en_vigueur,
        ),
        BooleanColumn("actif", label=_("Active")),
    ]
    filterset_class = admin_views.StructureFilterSet
    search_fields = ["nom", "siret"]
    ordering = "nom"
    list_export = [
        "nom",
        "get_type_display",
        "siret",
        "adresse",
        "code_postal",
        "commune",
        "departement",
        "numero_label_france_services",
        "nombre_agents",
        "statut_convention",
        "actif",
    ]
    export_headings = {
        "get_type_display": _("Type"),
        "nombre_agents": _("Agents actifs"),
        "statut_convention": _("Convention"),
        "actif": _("Active"),
    }
    export_filename = "structures-partenaires"

    def get_form_class(self, for_update=False):
        return admin_views.StructureForm


class ConventionViewSet(PartenairesViewSet):
    libelle_ajouter = _("Ajouter une convention")
    libelle_nouveau = _("Nouvelle convention")
    model = Convention
    name = "partenaires_conventions"
    url_prefix = "partenaires/conventions"
    icon = "doc-full"
    menu_label = _("Conventions")
    actions_exclues = ("delete",)  # conventions are terminated, never deleted
    index_view_class = admin_views.ConventionIndexView
    add_view_class = admin_views.ConventionCreateView
    edit_view_class = admin_views.ConventionEditView
    inspect_view_class = admin_views.ConventionInspectView
    inspect_view_enabled = True
    list_display = [
        "numero",
        COLONNE_STRUCTURE,
        StatusTagColumn(
            "statut",
            label=_("Statut"),
            accessor="get_statut_display",
            sort_key="statut",
            primary=_en_vigueur,
        ),
        "date_effet",
        "date_fin",
    ]
    filterset_class = admin_views.ConventionFilterSet
    search_fields = ["numero", "partenaire__nom"]
    ordering = "-date_effet"
    list_export = [
        "numero",
        "partenaire.nom",
        "partenaire.siret",
        "partenaire.departement",
        "get_statut_display",
        "date_effet",
        "date_fin",
        "signataire_partenaire",
        "signataire_cpam",
        "ouvre_contenus",
        "ouvre_messagerie",
        "ouvre_formations",
    ]
    export_headings = {
        "partenaire.nom": _("Structure"),
        "partenaire.siret": _("SIRET"),
        "partenaire.departement": _("Département"),
        "get_statut_display": _("Statut"),
    }
    export_filename = "conventions"

    def get_form_class(self, for_update=False):
        if for_update:
            return admin_views.ConventionModificationForm
        return admin_views.ConventionForm

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(statut_url_name=self.get_url_name("statut"), **kwargs)

    @property
    def statut_view(self):
        return self.construct_view(admin_views.ChangerStatutView)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("statut/<int:pk>/", self.statut_view, name="statut"),
        ]


class AdhesionViewSet(PartenairesViewSet):
    libelle_ajouter = _("Ajouter un rattachement")
    libelle_nouveau = _("Nouveau rattachement")
    model = Adhesion
    name = "partenaires_rattachements"
    url_prefix = "partenaires/rattachements"
    icon = "group"
    menu_label = _("Rattachements")
    # People join through invitations; a membership is deactivated, never deleted.
    actions_exclues = ("add", "delete")
    index_view_class = admin_views.AdhesionIndexView
    edit_view_class = admin_views.AdhesionEditView
    list_display = [
        "utilisateur",
        COLONNE_STRUCTURE,
        "role",
        BooleanColumn("active", label=_("Active"), sort_key="active"),
        "date_debut",
        "date_fin",
    ]
    filterset_class = admin_views.AdhesionFilterSet
    search_fields = [
        "utilisateur__first_name",
        "utilisateur__last_name",
        "utilisateur__email",
        "partenaire__nom",
    ]

    def get_form_class(self, for_update=False):
        return admin_views.AdhesionForm


class DemandeViewSet(PartenairesViewSet):
    libelle_ajouter = _("Ajouter une demande pour devenir partenaire")
    libelle_nouveau = _("Nouvelle demande pour devenir partenaire")
    model = DemandeAdhesion
    name = "partenaires_demandes"
    url_prefix = "partenaires/demandes"
    icon = "mail"
    menu_label = _("Demandes pour devenir partenaire")
    # Requests come from the public form and are decided with "Accepter" / "Refuser" only.
    actions_exclues = ("add", "change")
    inspect_view_class = admin_views.DemandeInspectView
    inspect_view_enabled = True
    inspect_view_fields = [*CHAMPS_DEMANDE, "statut", "cree_le", "traitee_par", "traitee_le"]
    list_display = [
        "nom_structure",
        "type",
        "commune",
        StatusTagColumn("statut", label=_("Statut"), accessor="get_statut_display"),
        "cree_le",
    ]
    list_filter = ["statut", "type"]
    search_fields = ["nom_structure", "siret", "commune"]
    ordering = "-cree_le"
    form_fields = []  # no create nor edit form (excluded actions)

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            traiter_url_name=self.get_url_name("traiter"), **kwargs
        )

    @property
    def traiter_view(self):
        return self.construct_view(
            admin_views.TraiterDemandeView,
            permission_policy=ModelPermissionPolicy(DemandeAdhesion),
            add_structure_url_name=f"{StructureViewSet.name}:add",
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("traiter/<int:pk>/", self.traiter_view, name="traiter"),
        ]


class PartenairesGroupe(ViewSetGroup):
    menu_label = _("Partenaires")
    menu_icon = "group"
    menu_order = 200
    items = (StructureViewSet, ConventionViewSet, AdhesionViewSet, DemandeViewSet)


@hooks.register("register_admin_viewset")
def partenaires_viewsets():
    return PartenairesGroupe()
