"""The trainers' back-office in the Wagtail admin: campaigns, programmes, sessions (with their
registrations, attendance and documents) and the coverage table, under one "Formations" menu
shown to whoever holds a matching permission (trainers, superviseurs)."""

from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from conventions.back_office.communs import PolitiqueModele
from portail.admin_libelles import LibellesGenres

from . import back_office as admin_views
from .models import Campagne, Programme, Session


class FormationsViewSet(LibellesGenres, ModelViewSet):
    #: Actions never offered here, whatever the role's permissions (see PolitiqueModele).
    actions_exclues = ("delete",)  # history stays: a session is cancelled, never deleted
    copy_view_enabled = False
    add_to_reference_index = False
    search_backend_name = None

    @cached_property
    def permission_policy(self):
        return PolitiqueModele(self.model, self.actions_exclues)

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(usage_url_name=None, **kwargs)


class CampagneViewSet(FormationsViewSet):
    libelle_ajouter = _("Ajouter une campagne")
    libelle_nouveau = _("Nouvelle campagne")
    model = Campagne
    name = "formations_campagnes"
    url_prefix = "formations/campagnes"
    icon = "date"
    menu_label = _("Campagnes")
    index_view_class = admin_views.CampagneIndexView
    list_display = [
        "__str__",
        "ouverture_inscriptions",
        "cloture_inscriptions",
        Column("nombre_sessions", label=_("Sessions"), sort_key="nombre_sessions"),
    ]
    ordering = ["-annee", "-semestre"]

    def get_form_class(self, for_update=False):
        return admin_views.CampagneForm


class ProgrammeViewSet(FormationsViewSet):
    libelle_ajouter = _("Ajouter un programme")
    libelle_nouveau = _("Nouveau programme")
    model = Programme
    name = "formations_programmes"
    url_prefix = "formations/programmes"
    icon = "list-ul"
    menu_label = _("Programmes")
    index_view_class = admin_views.ProgrammeIndexView
    list_display = [
        "intitule",
        "code",
        Column("nombre_sessions", label=_("Sessions"), sort_key="nombre_sessions"),
    ]
    search_fields = ["intitule", "code"]
    ordering = "intitule"

    def get_form_class(self, for_update=False):
        return admin_views.ProgrammeForm


def _places(session) -> str:
    texte = f"{session.nombre_inscrits} / {session.capacite}"
    if session.nombre_en_attente:
        texte += f" (+{session.nombre_en_attente} en attente)"
    return texte


class SessionViewSet(FormationsViewSet):
    libelle_ajouter = _("Ajouter une session")
    libelle_nouveau = _("Nouvelle session")
    model = Session
    name = "formations_sessions"
    url_prefix = "formations/sessions"
    icon = "calendar-alt"
    menu_label = _("Sessions")
    index_view_class = admin_views.SessionIndexView
    add_view_class = admin_views.SessionCreateView
    edit_view_class = admin_views.SessionEditView
    list_display = [
        "titre",
        "campagne",
        "debut",
        "mode",
        Column(
            "places",
            label=_("Personnes inscrites / places"),
            accessor=_places,
            sort_key="nombre_inscrits",
        ),
        StatusTagColumn(
            "statut",
            label=_("Statut"),
            accessor="get_statut_display",
            sort_key="statut",
            primary=lambda session: session.statut in ("ouverte", "complete"),
        ),
    ]
    list_filter = ["campagne", "statut", "programme", "mode"]
    search_fields = ["titre", "lieu"]
    ordering = "-debut"

    def get_form_class(self, for_update=False):
        return admin_views.SessionForm

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            inscriptions_url_name=self.get_url_name("inscriptions"),
            annuler_url_name=self.get_url_name("annuler"),
            **kwargs,
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "inscriptions/<int:pk>/",
                self.construct_view(
                    admin_views.InscriptionsSessionView,
                    permission_policy=admin_views.POLITIQUE_INSCRIPTIONS,
                    feuille_url_name=self.get_url_name("feuille"),
                    attestation_url_name=self.get_url_name("attestation"),
                ),
                name="inscriptions",
            ),
            path(
                "annuler/<int:pk>/",
                self.construct_view(admin_views.AnnulerSessionView),
                name="annuler",
            ),
            path(
                "emargement/<int:pk>/",
                self.construct_view(
                    admin_views.FeuilleEmargementView,
                    permission_policy=admin_views.POLITIQUE_INSCRIPTIONS,
                ),
                name="feuille",
            ),
            path(
                "attestation/<int:pk>/",
                self.construct_view(
                    admin_views.AttestationView,
                    permission_policy=admin_views.POLITIQUE_INSCRIPTIONS,
                ),
                name="attestation",
            ),
        ]


class CouvertureViewSet(ViewSet):
    name = "formations_couverture"
    url_prefix = "formations/couverture"
    icon = "table"
    menu_label = _("Couverture des formations")

    @cached_property
    def menu_item_class(self):
        class CouvertureMenuItem(MenuItem):
            def is_shown(self, request):
                return admin_views.POLITIQUE_INSCRIPTIONS.user_has_permission(request.user, "view")

        return CouvertureMenuItem

    @cached_property
    def menu_url(self):
        return reverse(self.get_url_name("index"))

    def get_urlpatterns(self):
        return [path("", admin_views.CouvertureView.as_view(), name="index")]


class FormationsGroupe(ViewSetGroup):
    menu_label = _("Formations")
    menu_icon = "calendar-alt"
    menu_order = 300
    items = (SessionViewSet, CampagneViewSet, ProgrammeViewSet, CouvertureViewSet)


@hooks.register("register_admin_viewset")
def formations_viewsets():
    return FormationsGroupe()
