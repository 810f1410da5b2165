"""Conventions in the back-office: numbered creation, signed PDF, status changes."""

import uuid

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
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log

from portail.fichiers import PDF, fichier_verifier
from portail.promesses import en_mo

from .. import selectors, services
from ..models import Convention, Partenaire
from .communs import (
    STATUTS,
    TAILLE_MAX_PDF,
    ErreursServiceMixin,
    ExportMixin,
    InspectView,
    url_document,
)


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


def valider_pdf(fichier) -> None:
    """A signed convention is a PDF: `.pdf` name, 20 MB at most, a PDF by its content with no
    active content (`portail.fichiers.fichier_verifier`)."""
    if not (fichier.name or "").lower().endswith(".pdf"):
        raise ValidationError(
            _("La convention signée doit être un fichier PDF (extension .pdf)."), code="extension"
        )
    if fichier.size > TAILLE_MAX_PDF:
        raise ValidationError(
            _("Le fichier dépasse %(taille)s.") % {"taille": en_mo(TAILLE_MAX_PDF)},
            code="taille",
        )
    fichier_verifier(fichier, types=[PDF])


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
