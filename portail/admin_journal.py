"""Back-office screens of data protection (Wagtail admin): the search and export of the access
journal, and the edition of the processing register shown on "Données personnelles".

Journal criteria (an e-mail address among them) are sent by POST, pagination included, so that
no person's address ends up in a URL, a browser history or an access log.
"""

import csv
from datetime import UTC

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .dates import horodatage, horodatage_fichier
from .donnees_personnelles import (
    journal_rechercher,
    registre_traitement,
    registre_traitement_enregistrer,
)
from .formulaires import ChampDate, texte_sur
from .journal import journaliser
from .models import EntreeJournal, RegistreTraitement
from .retention import duree_journal

PERMISSION_JOURNAL = "portail.consulter_journal"
PERMISSION_REGISTRE = "portail.change_registretraitement"


class _PermissionRequiseMixin:
    permission = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# Access journal --------------------------------------------------------------------------------


class JournalRechercheForm(forms.Form):
    personne = forms.CharField(
        label=gettext_lazy("Personne (adresse e-mail)"),
        help_text=gettext_lazy("L'adresse complète, ou une partie (par exemple « dupont »)."),
        required=False,
        max_length=254,
    )
    reference = forms.CharField(
        label=gettext_lazy("Référence de la demande"),
        help_text=gettext_lazy("Par exemple D-2026-000123."),
        required=False,
        max_length=20,
    )
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        required=False,
        choices=[("", gettext_lazy("Toutes"))] + EntreeJournal.Action.choices,
        error_messages={"invalid_choice": gettext_lazy("Choisissez une action dans la liste.")},
    )
    du = ChampDate(label=gettext_lazy("Du (date de Paris)"))
    au = ChampDate(label=gettext_lazy("Au (inclus)"))

    def clean(self):
        donnees = super().clean()
        du, au = donnees.get("du"), donnees.get("au")
        if du and au and au < du:
            self.add_error(
                "au", _("La date de fin doit être postérieure ou égale à la date de début.")
            )
        return donnees

    def criteres(self) -> dict:
        """The search criteria; none (the whole journal) when the form was not sent."""
        if not self.is_bound:
            return {}
        donnees = self.cleaned_data
        return {
            "personne": donnees["personne"],
            "reference": donnees["reference"],
            "action": donnees["action"],
            "debut": donnees["du"],
            "fin": donnees["au"],
        }


class JournalView(_PermissionRequiseMixin, WagtailAdminTemplateMixin, TemplateView):
    """Who did what, newest first, 50 rows a page."""

    permission = PERMISSION_JOURNAL
    page_title = gettext_lazy("Journal des accès")
    header_icon = "list-ul"
    template_name = "portail/admin/journal.html"
    par_page = 50

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=JournalRechercheForm()))

    def post(self, request, *args, **kwargs):
        form = JournalRechercheForm(request.POST)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, *, form, **kwargs):
        page = None
        if not form.is_bound or form.is_valid():
            entrees = journal_rechercher(**form.criteres())
            page = Paginator(entrees, self.par_page).get_page(self.request.POST.get("p"))
        return super().get_context_data(
            form=form, page=page, conservation_journal=duree_journal(), **kwargs
        )


class _Tampon:
    """A file-like object that hands back what the CSV writer writes (streamed export)."""

    def write(self, valeur):
        return valeur


def _lignes_csv(entrees):
    ecrivain = csv.writer(_Tampon(), delimiter=";", lineterminator="\r\n")
    # BOM: spreadsheet software then reads the accents right.
    yield "\ufeff" + ecrivain.writerow(
        [
            _("Date et heure (Paris)"),
            # UTC too: unambiguous in the hour repeated when clocks go back, and the zone of
            # the servers' own logs.
            _("Date et heure (UTC)"),
            _("Adresse e-mail"),
            _("Nom"),
            _("Action"),
            _("Écran ou opération"),
            _("Demande"),
            _("Adresse IP"),
            _("Précision"),
        ]
    )
    for entree in entrees.iterator(chunk_size=2000):
        personne = entree.utilisateur
        yield ecrivain.writerow(
            [
                texte_sur(valeur)
                for valeur in (
                    horodatage(entree.horodatage),
                    f"{entree.horodatage.astimezone(UTC):%Y-%m-%d %H:%M:%S}",
                    personne.email if personne else "",
                    personne.get_full_name() if personne else "",
                    entree.get_action_display(),
                    entree.vue,
                    entree.reference,
                    entree.adresse_ip,
                    entree.detail,
                )
            ]
        )


class JournalExportView(JournalView):
    """The current search as CSV (every page). The export is itself journalled; it holds the
    rows written before it."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = JournalRechercheForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        trace = journaliser(action=EntreeJournal.Action.EXPORT, request=request, detail="journal")
        entrees = journal_rechercher(**form.criteres()).filter(pk__lt=trace.pk)
        reponse = StreamingHttpResponse(
            _lignes_csv(entrees), content_type="text/csv; charset=utf-8"
        )
        nom = f"journal-des-acces-{horodatage_fichier(timezone.now())}.csv"
        reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
        return reponse


# Processing register ----------------------------------------------------------------------------

_CHAMPS_REGISTRE = ["finalites", "donnees", "destinataires", "durees", "droits", "contact_dpo"]
_TEXTE_OBLIGATOIRE = gettext_lazy(
    "Ce texte ne peut pas être vide : il figure sur la page « Données personnelles »."
)


class RegistreForm(forms.ModelForm):
    class Meta:
        model = RegistreTraitement
        fields = _CHAMPS_REGISTRE
        widgets = {champ: forms.Textarea(attrs={"rows": 6}) for champ in _CHAMPS_REGISTRE}
        help_texts = {
            champ: gettext_lazy("Texte simple : une ligne vide sépare deux paragraphes.")
            for champ in _CHAMPS_REGISTRE
        }
        error_messages = {champ: {"required": _TEXTE_OBLIGATOIRE} for champ in _CHAMPS_REGISTRE}
        error_messages["contact_dpo"] = {
            "required": gettext_lazy(
                "Indiquez comment joindre le délégué à la protection des données "
                "(adresse e-mail ou postale) : c'est à lui que les personnes adressent leurs "
                "demandes."
            )
        }


class RegistreView(_PermissionRequiseMixin, WagtailAdminTemplateMixin, FormView):
    """The texts of the "Données personnelles" page (purposes, data, recipients, retention,
    rights, data protection officer)."""

    permission = PERMISSION_REGISTRE
    page_title = gettext_lazy("Données personnelles")
    header_icon = "doc-full"
    template_name = "portail/admin/registre.html"
    form_class = RegistreForm

    @cached_property
    def registre(self) -> RegistreTraitement:
        return registre_traitement()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.registre}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            registre=self.registre, conservation_mois=settings.DEMANDES_CONSERVATION_MOIS, **kwargs
        )

    def form_valid(self, form):
        registre_traitement_enregistrer(registre=form.save(commit=False), auteur=self.request.user)
        messages.success(self.request, _("La page « Données personnelles » est mise à jour."))
        return redirect(reverse("registre_admin:modifier"))
