"""Absences in the back-office, for the expert themself and the superviseurs of their team:
declare one (its demandes are handed over at once when it has started) and take the demandes
back in one action on return. Someone else's absence is 404, another team's expert a form
error."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from conventions.back_office.communs import ajouter_erreurs

from .. import continuite, selectors
from ..models import Expert

#: The screen lists the absences still running, to come, or ended in the last this many days,
#: at most this many of them (newest first).
ABSENCES_RECENTES_JOURS = 30
ABSENCES_AFFICHEES_MAX = 50


class DateHeureInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class AbsenceDeclarationForm(forms.Form):
    expert = forms.ModelChoiceField(
        label=gettext_lazy("Expert absent"),
        queryset=Expert.objects.none(),
        error_messages={"required": gettext_lazy("Choisissez l'expert absent.")},
    )
    debut = forms.DateTimeField(
        label=gettext_lazy("Début"),
        widget=DateHeureInput(),
        error_messages={"required": gettext_lazy("Indiquez le début de l'absence.")},
    )
    fin = forms.DateTimeField(
        label=gettext_lazy("Fin (retour prévu)"),
        widget=DateHeureInput(),
        error_messages={"required": gettext_lazy("Indiquez la fin de l'absence.")},
    )
    suppleant = forms.ModelChoiceField(
        label=gettext_lazy("Suppléant"),
        queryset=Expert.objects.none(),
        required=False,
        empty_label=gettext_lazy("Aucun : répartir dans l'équipe, le moins chargé d'abord"),
        help_text=gettext_lazy(
            "Suit les demandes ouvertes pendant l'absence ; le partenaire en est informé dans "
            "le fil de chaque demande."
        ),
    )
    motif = forms.CharField(
        label=gettext_lazy("Motif (facultatif)"), max_length=200, required=False
    )

    def __init__(self, *args, utilisateur, **kwargs):
        super().__init__(*args, **kwargs)
        geres = continuite.experts_geres_par(utilisateur)
        self.fields["expert"].queryset = geres
        self.fields["expert"].label_from_instance = lambda e: f"{e} ({e.equipe.nom})"
        equipes = geres.values("equipe_id")
        self.fields["suppleant"].queryset = (
            Expert.objects.filter(equipe_id__in=equipes, actif=True, utilisateur__is_active=True)
            .select_related("utilisateur", "equipe")
            .order_by("utilisateur__last_name", "utilisateur__first_name")
        )
        self.fields["suppleant"].label_from_instance = lambda e: f"{e} ({e.equipe.nom})"
        moi = selectors.expert_de(utilisateur)
        if moi is not None and not self.is_bound:
            self.initial.setdefault("expert", moi.pk)


class AbsencesView(WagtailAdminTemplateMixin, TemplateView):
    """The absences this person manages: theirs and their teams' experts', with the form."""

    template_name = "demandes/admin/absences.html"
    header_icon = "date"
    page_title = gettext_lazy("Absences et suppléances")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def dispatch(self, request, *args, **kwargs):
        if not selectors.acces_messagerie_cpam(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def absences(self):
        instant = timezone.now()
        absences = list(
            continuite.absences_gerees_par(self.request.user)
            .filter(fin__gt=instant - timedelta(days=ABSENCES_RECENTES_JOURS))
            .order_by("-debut")[:ABSENCES_AFFICHEES_MAX]
        )
        a_reprendre = continuite.demandes_a_reprendre(absences)
        for absence in absences:
            absence.en_cours = absence.debut <= instant < absence.fin
            absence.a_reprendre = (
                a_reprendre.get(absence.pk, 0)
                if continuite.reprise_possible(absence, instant)
                else 0
            )
        return absences

    def get_context_data(self, form=None, **kwargs):
        return super().get_context_data(
            form=form or AbsenceDeclarationForm(utilisateur=self.request.user),
            absences=self.absences,
            url_declarer=reverse("demandes_admin:absence_declarer"),
            **kwargs,
        )


class AbsenceDeclarerView(AbsencesView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = AbsenceDeclarationForm(request.POST, utilisateur=request.user)
        if form.is_valid():
            try:
                absence = continuite.absence_declarer(auteur=request.user, **form.cleaned_data)
            except ValidationError as erreur:
                ajouter_erreurs(form, erreur)
            else:
                remises = absence.demandes_remises.count()
                texte = _("L'absence est enregistrée.")
                if remises:
                    texte += " " + ngettext(
                        "%(n)s demande ouverte est confiée à son remplaçant.",
                        "%(n)s demandes ouvertes sont confiées à leur remplaçant.",
                        remises,
                    ) % {"n": remises}
                messages.success(request, texte)
                return redirect("demandes_admin:absences")
        return self.render_to_response(self.get_context_data(form=form), status=200)


class AbsenceReprendreView(AbsencesView):
    """Back: the demandes the substitute has not answered come back in one action."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        absence = get_object_or_404(continuite.absences_gerees_par(request.user), pk=kwargs["pk"])
        try:
            revenues = continuite.absence_reprendre(absence=absence, auteur=request.user)
        except PermissionDenied as erreur:
            raise Http404 from erreur
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)s demande est revenue à %(qui)s.",
                    "%(n)s demandes sont revenues à %(qui)s.",
                    revenues,
                )
                % {"n": revenues, "qui": absence.expert},
            )
        return redirect("demandes_admin:absences")
