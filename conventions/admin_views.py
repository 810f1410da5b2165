"""Back-office screens of partner structures, conventions, memberships and join requests.

Registered as Wagtail viewsets in `wagtail_hooks.py`. Every write with a rule goes through
`services`; these views only translate HTTP and show the service's message on the form.
"""

import uuid

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import BaseOperationView, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy

from . import selectors, services
from .models import Adhesion, Convention, DemandeAdhesion, Partenaire

SIGNATURE_PDF = b"%PDF-"
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


class StructureIndexView(ExportMixin, generic.IndexView):
    def get_base_queryset(self):
        return selectors.partenaires_pour_back_office()


class ConventionIndexView(ExportMixin, generic.IndexView):
    statut_url_name = None

    def get_base_queryset(self):
        return selectors.conventions_pour_liste()

    def get_list_more_buttons(self, instance):
        boutons = super().get_list_more_buttons(instance)
        if self.user_has_permission("change"):
            boutons.append(
                MenuItem(
                    _("Changer le statut"),
                    reverse(self.statut_url_name, args=[instance.pk]),
                    icon_name="resubmit",
                    priority=15,
                )
            )
        if lien := url_document(instance):
            boutons.append(
                MenuItem(_("Télécharger la convention signée"), lien, "download", priority=25)
            )
        return boutons


class InspectView(generic.InspectView):
    def get_field_display_value(self, field_name, field):
        valeur = super().get_field_display_value(field_name, field)
        if isinstance(valeur, bool):
            return _("Oui") if valeur else _("Non")
        return valeur


class AdhesionIndexView(generic.IndexView):
    def get_base_queryset(self):
        return selectors.adhesions_pour_liste()


# Structures --------------------------------------------------------------------------------------


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
    """The model's clean() checks the France Services label; its validator the SIRET key."""

    class Meta:
        model = Partenaire
        fields = CHAMPS_STRUCTURE


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


def valider_pdf(fichier) -> None:
    """A signed convention is a PDF: `.pdf` name and `%PDF-` first bytes, 20 MB at most."""
    if not (fichier.name or "").lower().endswith(".pdf"):
        raise ValidationError(
            _("La convention signée doit être un fichier PDF (extension .pdf)."), code="extension"
        )
    if fichier.size > TAILLE_MAX_PDF:
        raise ValidationError(_("Le fichier dépasse 20 Mo."), code="taille")
    fichier.seek(0)
    debut = fichier.read(len(SIGNATURE_PDF))
    fichier.seek(0)
    if debut != SIGNATURE_PDF:
        raise ValidationError(
            _(
                "Ce fichier n'est pas un PDF valide : enregistrez la convention signée au "
                "format PDF puis déposez-la de nouveau."
            ),
            code="contenu",
        )


class ConventionForm(WagtailAdminModelForm):
    """Dates, signatories, signed PDF and services opened; never the number nor the status."""

    class Meta:
        model = Convention
        fields = [
            "partenaire",
            "date_effet",
            "date_fin",
            "signataire_partenaire",
            "signataire_cpam",
            "document_signe",
            "ouvre_contenus",
            "ouvre_messagerie",
            "ouvre_formations",
        ]
        # A plain file input: the default one would print the file's storage URL, and the
        # signed PDF is served by no public URL (see views.documents).
        widgets = {"document_signe": forms.FileInput(attrs={"accept": ".pdf,application/pdf"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "partenaire" in self.fields:
            self.fields["partenaire"].queryset = Partenaire.objects.filter(actif=True)
        self.fields["document_signe"].help_text = _(
            "PDF uniquement. Le document n'est jamais publié : seuls la CPAM et les référents "
            "de la structure peuvent le télécharger."
        )

    def clean_document_signe(self):
        fichier = self.cleaned_data.get("document_signe")
        if isinstance(fichier, UploadedFile):
            valider_pdf(fichier)
            fichier.name = f"{uuid.uuid4().hex}.pdf"  # no guessable nor personal file name
        return fichier


class ConventionModificationForm(ConventionForm):
    class Meta(ConventionForm.Meta):
        fields = [champ for champ in ConventionForm.Meta.fields if champ != "partenaire"]


class ConventionCreateView(ErreursServiceMixin, generic.CreateView):
    """Creation goes through `convention_creer`: a draft numbered CONV-YYYY-NNNN, traced."""

    def get_initial(self):
        initial = super().get_initial()
        if partenaire := self.request.GET.get("partenaire", ""):
            initial["partenaire"] = partenaire if partenaire.isdigit() else None
        return initial

    def save_instance(self):
        champs = {nom: val for nom, val in self.form.cleaned_data.items() if val is not None}
        convention = services.convention_creer(auteur=self.request.user, **champs)
        log(instance=convention, action="wagtail.create", content_changed=True)
        return convention


class ConventionBoutonsMixin:
    statut_url_name = None

    @cached_property
    def header_more_buttons(self):
        boutons = list(super().header_more_buttons)
        if self.user_has_permission("change"):
            boutons.append(
                Button(
                    _("Changer le statut"),
                    url=reverse(self.statut_url_name, args=[self.object.pk]),
                    icon_name="resubmit",
                    priority=5,
                )
            )
        if lien := url_document(self.object):
            boutons.append(
                Button(_("Télécharger la convention signée"), url=lien, icon_name="download")
            )
        return boutons

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            url_document=url_document(self.object),
            transitions=selectors.transitions_de_la_convention(self.object),
            url_statut=reverse(self.statut_url_name, args=[self.object.pk]),
            **kwargs,
        )


class ConventionEditView(ConventionBoutonsMixin, generic.EditView):
    template_name = "conventions/admin/convention_edit.html"


class ConventionInspectView(ConventionBoutonsMixin, InspectView):
    template_name = "conventions/admin/convention_inspect.html"


class ChangementStatutForm(forms.Form):
    vers = forms.ChoiceField(label=gettext_lazy("Nouveau statut"), widget=forms.RadioSelect)
    motif = forms.CharField(
        label=gettext_lazy("Motif"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Obligatoire pour suspendre ou résilier : il est communiqué au référent de la "
            "structure."
        ),
    )

    def __init__(self, *args, statut_actuel: str, **kwargs):
        super().__init__(*args, **kwargs)
        suivants = services.TRANSITIONS.get(statut_actuel, set())
        self.fields["vers"].choices = [
            (statut, libelle) for statut, libelle in STATUTS.choices if statut in suivants
        ]


class ChangerStatutView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """Moves a convention along its lifecycle through `convention_changer_statut`."""

    permission_policy = None
    permission_required = "change"
    index_url_name = None
    edit_url_name = None
    header_icon = "resubmit"
    page_title = gettext_lazy("Changer le statut")
    template_name = "conventions/admin/changer_statut.html"
    form_class = ChangementStatutForm

    @cached_property
    def convention(self):
        return get_object_or_404(selectors.conventions_pour_liste(), pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return self.convention.numero

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse(self.index_url_name),
                "label": capfirst(Convention._meta.verbose_name_plural),
            },
            {
                "url": reverse(self.edit_url_name, args=[self.convention.pk]),
                "label": self.convention.numero,
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "statut_actuel": self.convention.statut}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            convention=self.convention,
            transitions=selectors.transitions_de_la_convention(self.convention),
            url_document=url_document(self.convention),
            url_modifier=reverse(self.edit_url_name, args=[self.convention.pk]),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            convention = services.convention_changer_statut(
                convention=self.convention,
                vers=form.cleaned_data["vers"],
                auteur=self.request.user,
                motif=form.cleaned_data["motif"],
            )
        except services.TransitionInterdite as erreur:
            form.add_error(None, erreur)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("La convention %(numero)s est maintenant « %(statut)s ».")
            % {"numero": convention.numero, "statut": convention.get_statut_display()},
        )
        return redirect(reverse(self.edit_url_name, args=[convention.pk]))


# Memberships -------------------------------------------------------------------------------------


class AdhesionForm(WagtailAdminModelForm):
    class Meta:
        model = Adhesion
        fields = ["role", "active"]


class AdhesionEditView(ErreursServiceMixin, generic.EditView):
    """Role and activation only, through the membership services (they keep the référent's
    object permission in step and refuse to remove a structure's last référent)."""

    def save_instance(self):
        adhesion, auteur = self.object, self.request.user
        role, active = self.form.cleaned_data["role"], self.form.cleaned_data["active"]
        etait_active, ancien_role = self.form.initial["active"], self.form.initial["role"]
        if etait_active and not active:
            adhesion = services.adhesion_desactiver(adhesion=adhesion, auteur=auteur)
        elif active and not etait_active:
            adhesion = services.adhesion_creer(
                utilisateur=adhesion.utilisateur, partenaire=adhesion.partenaire, role=role
            )
        elif role != ancien_role:
            adhesion = services.adhesion_changer_role(adhesion=adhesion, role=role, auteur=auteur)
        else:
            return Adhesion.objects.get(pk=adhesion.pk)
        log(instance=adhesion, action="wagtail.edit", content_changed=True)
        return adhesion


# Join requests -----------------------------------------------------------------------------------


class DemandeInspectView(InspectView):
    template_name = "conventions/admin/demande_inspect.html"
    traiter_url_name = None

    def get_context_data(self, **kwargs):
        traitable = self.object.statut == DemandeAdhesion.Statut.EN_ATTENTE and (
            self.request.user.has_perm("conventions.change_demandeadhesion")
        )
        return super().get_context_data(
            url_traiter=reverse(self.traiter_url_name, args=[self.object.pk]) if traitable else "",
            **kwargs,
        )


class TraiterDemandeView(PermissionCheckedMixin, BaseOperationView):
    """POST décision=acceptee|refusee, through `demande_adhesion_traiter`."""

    model = DemandeAdhesion
    permission_policy = ModelPermissionPolicy(DemandeAdhesion)
    permission_required = "change"
    inspect_url_name = None
    add_structure_url_name = None
    DECISIONS = (DemandeAdhesion.Statut.ACCEPTEE, DemandeAdhesion.Statut.REFUSEE)

    def post(self, request, *args, **kwargs):
        decision = request.POST.get("decision")
        if decision not in self.DECISIONS:
            messages.error(request, _("Choisissez d'accepter ou de refuser la demande."))
        else:
            try:
                demande = services.demande_adhesion_traiter(
                    demande=self.object, statut=decision, auteur=request.user
                )
            except ValidationError as erreur:
                messages.error(request, " ".join(erreur.messages))
            else:
                self.message_traitee(demande)
        return redirect(reverse(self.inspect_url_name, args=[self.object.pk]))

    def message_traitee(self, demande):
        if demande.statut == DemandeAdhesion.Statut.REFUSEE:
            messages.success(self.request, _("La demande est refusée."))
            return
        boutons = []
        if self.request.user.has_perm("conventions.add_partenaire"):
            url = f"{reverse(self.add_structure_url_name)}?demande={demande.pk}"
            boutons.append(messages.button(url, _("Créer la structure")))
        messages.success(self.request, _("La demande est acceptée."), buttons=boutons)
