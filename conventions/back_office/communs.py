"""Shared pieces of the back-office screens: permission policy, service errors, export, filters."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views import generic
from wagtail.permission_policies import ModelPermissionPolicy

from .. import selectors
from ..models import Adhesion, Convention, Partenaire

TAILLE_MAX_PDF = 20 * 1024 * 1024
STATUTS = Convention.Statut


class PolitiqueModele(ModelPermissionPolicy):
    """Model permissions, minus the actions the back-office never offers for this model (they
    would bypass a service or erase history), whatever the role's permissions say."""

    def __init__(self, model, actions_exclues=()):
        super().__init__(model)
        self.actions_exclues = frozenset(actions_exclues)

    def user_has_permission(self, user, action):
        return action not in self.actions_exclues and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(
            [action for action in actions if action not in self.actions_exclues]
        )


def url_document(convention: Convention) -> str | None:
    if convention.document_signe:
        return reverse("conventions:document_signe", args=[convention.pk])
    return None


def ajouter_erreurs(form, erreur: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has it."""
    if hasattr(erreur, "error_dict"):
        for champ, erreurs in erreur.error_dict.items():
            form.add_error(champ if champ in form.fields else None, erreurs)
    else:
        form.add_error(None, erreur)


class ErreursServiceMixin:
    """A rule refused by a service shows on the form; the transaction is rolled back."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as erreur:
            ajouter_erreurs(form, erreur)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


# Listings ----------------------------------------------------------------------------------------


class ExportMixin:
    """Readable exports: yes/no for booleans, labels for statuses, and no spreadsheet formula
    smuggled in a structure's name (CSV cells starting with = + - @ are quoted)."""

    def preprocess_field_value(self, field, value, export_format):
        if isinstance(value, bool):
            return _("oui") if value else _("non")
        if field == "statut_convention":
            value = STATUTS(value).label if value else _("aucune")
        valeur = super().preprocess_field_value(field, value, export_format)
        formule = isinstance(valeur, str) and valeur[:1] in ("=", "+", "-", "@", "\t", "\r")
        if export_format == self.FORMAT_CSV and formule:
            return "'" + valeur
        return valeur


def choix_departements():
    return [(departement, departement) for departement in selectors.departements_des_partenaires()]


CHOIX_STATUT_CONVENTION = [*STATUTS.choices, ("aucune", gettext_lazy("Aucune convention"))]


def filtre_departement(field_name="departement", label=None):
    # Choices read when the filter form is built: the départements structures are in.
    return django_filters.ChoiceFilter(
        field_name=field_name,
        label=label or gettext_lazy("Département"),
        choices=choix_departements,
        empty_label=gettext_lazy("Tous"),
    )


class StructureFilterSet(WagtailFilterSet):
    departement = filtre_departement()
    statut_convention = django_filters.ChoiceFilter(
        label=gettext_lazy("Convention"),
        choices=CHOIX_STATUT_CONVENTION,
        method="filtrer_statut_convention",
        empty_label=gettext_lazy("Toutes"),
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Partenaire
        fields = ["type", "departement", "actif", "statut_convention"]

    def filtrer_statut_convention(self, queryset, name, value):
        if value == "aucune":
            return queryset.filter(statut_convention__isnull=True)
        return queryset.filter(statut_convention=value)


class ConventionFilterSet(WagtailFilterSet):
    departement = filtre_departement(
        "partenaire__departement", gettext_lazy("Département de la structure")
    )

    class Meta:
        model = Convention
        fields = ["statut", "departement"]


class AdhesionFilterSet(WagtailFilterSet):
    departement = filtre_departement(
        "partenaire__departement", gettext_lazy("Département de la structure")
    )

    class Meta:
        model = Adhesion
        fields = ["role", "active", "departement"]


class InspectView(generic.InspectView):
    def get_field_display_value(self, field_name, field):
        valeur = super().get_field_display_value(field_name, field)
        if isinstance(valeur, bool):
            return _("Oui") if valeur else _("Non")
        return valeur
