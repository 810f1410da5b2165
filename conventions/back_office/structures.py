"""Partner structures in the back-office."""

from django import forms
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.views import generic

from portail.identifiants import siret_valider

from .. import selectors
from ..models import DemandeAdhesion, Partenaire
from .communs import ExportMixin, InspectView


class StructureIndexView(ExportMixin, generic.IndexView):
    def get_base_queryset(self):
        return selectors.partenaires_pour_back_office()


CHAMPS_STRUCTURE = [
    "nom",
    "type",
    "siret",
    "adresse",
    "code_postal",
    "commune",
    "departement",
    "numero_label_france_services",
    "itinerant",
    "telephone",
    "email",
    "actif",
]


class StructureForm(WagtailAdminModelForm):
    """The model's clean() checks the France Services label; the SIRET is checked here, typed
    with spaces or not, then again by the model's validator."""

    siret = forms.CharField(
        label=_("SIRET"),
        help_text=_("14 chiffres, sur l'avis de situation INSEE (les espaces sont acceptés)."),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = Partenaire
        fields = CHAMPS_STRUCTURE

    def clean_siret(self):
        return siret_valider(self.cleaned_data["siret"])


class StructureCreateView(generic.CreateView):
    def get_initial(self):
        """Prefilled from an accepted join request (?demande=<pk>)."""
        initial = super().get_initial()
        pk = self.request.GET.get("demande", "")
        demande = DemandeAdhesion.objects.filter(pk=pk).first() if pk.isdigit() else None
        if demande is not None and demande.statut == DemandeAdhesion.Statut.ACCEPTEE:
            initial.update(
                nom=demande.nom_structure,
                type=demande.type,
                siret=demande.siret,
                code_postal=demande.code_postal,
                commune=demande.commune,
            )
        return initial


class StructureInspectView(InspectView):
    template_name = "conventions/admin/structure_inspect.html"

    def get_object(self, queryset=None):
        return get_object_or_404(selectors.partenaires_pour_back_office(), pk=self.pk)

    def get_context_data(self, **kwargs):
        utilisateur = self.request.user
        return super().get_context_data(
            conventions=selectors.conventions_avec_historique(self.object),
            adhesions=selectors.adhesions_de_la_structure(self.object),
            voit_conventions=utilisateur.has_perm("conventions.view_convention"),
            change_conventions=utilisateur.has_perm("conventions.change_convention"),
            ajoute_convention=utilisateur.has_perm("conventions.add_convention"),
            **kwargs,
        )


# Conventions -------------------------------------------------------------------------------------
