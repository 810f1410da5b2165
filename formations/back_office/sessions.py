"""Sessions in the back-office: saved through `session_enregistrer`, their registration list
with the waiting list, attendance, and cancellation with its e-mails."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy

from conventions.back_office.communs import ErreursServiceMixin
from conventions.models import Partenaire

from .. import selectors, services
from ..models import Inscription, Session
from ..services.courriels import quand

Statut = Session.Statut
Etat = Inscription.Etat
POLITIQUE_INSCRIPTIONS = ModelPermissionPolicy(Inscription)


class SessionForm(WagtailAdminModelForm):
    """The session's fields, its audience, and "planned" or "open" only: "full" follows the
    places, "cancelled" has its own screen, "done" follows attendance."""

    publics = forms.MultipleChoiceField(
        label=gettext_lazy("Public"),
        choices=Partenaire.Type.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Les types de structures dont les agents peuvent s'inscrire."),
        error_messages={
            "required": gettext_lazy(
                "Choisissez au moins un type de structure à qui la session s'adresse."
            )
        },
    )

    lien_visio = forms.URLField(
        label=gettext_lazy("Lien de la visioconférence"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=Session._meta.get_field("lien_visio").help_text,
        error_messages={"invalid": gettext_lazy("Saisissez une adresse web complète (https://…).")},
    )

    class Meta:
        model = Session
        fields = [
            "campagne",
            "programme",
            "titre",
            "formateurs",
            "debut",
            "fin",
            "mode",
            "lieu",
            "lien_visio",
            "capacite",
            "statut",
        ]
        widgets = {
            "formateurs": forms.CheckboxSelectMultiple,
            "mode": forms.RadioSelect,
            "statut": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["formateurs"].queryset = selectors.formateurs()
        self.fields["statut"].choices = [
            (Statut.PLANIFIEE, _("Planifiée : invisible des partenaires")),
            (Statut.OUVERTE, _("Ouverte : visible des partenaires, qui peuvent s'inscrire")),
        ]
        self.fields["statut"].help_text = _(
            "Une session ouverte devient complète d'elle-même à sa dernière place."
        )
        if self.instance.pk:
            self.initial["publics"] = list(self.instance.publics.values_list("type", flat=True))
            if self.instance.statut == Statut.COMPLETE:
                self.initial["statut"] = Statut.OUVERTE
        else:
            self.initial.setdefault("publics", [Partenaire.Type.FRANCE_SERVICES])


class SessionEnregistrementMixin(ErreursServiceMixin):
    action_journal = "wagtail.edit"

    def save_instance(self):
        session = services.session_enregistrer(
            session=self.form.instance,
            publics=self.form.cleaned_data["publics"],
            formateurs=self.form.cleaned_data["formateurs"],
            auteur=self.request.user,
        )
        log(instance=session, action=self.action_journal, content_changed=True)
        return session


class SessionIndexView(generic.IndexView):
    inscriptions_url_name = None
    annuler_url_name = None

    def get_base_queryset(self):
        return selectors.sessions_pour_back_office()

    def get_list_more_buttons(self, instance):
        boutons = super().get_list_more_buttons(instance)
        boutons.append(
            MenuItem(
                _("Inscriptions et présences"),
                reverse(self.inscriptions_url_name, args=[instance.pk]),
                icon_name="group",
                priority=5,
            )
        )
        if self.user_has_permission("change") and instance.statut in (
            Statut.PLANIFIEE,
            Statut.OUVERTE,
            Statut.COMPLETE,
        ):
            boutons.append(
                MenuItem(
                    _("Annuler la session"),
                    reverse(self.annuler_url_name, args=[instance.pk]),
                    icon_name="cross",
                    priority=40,
                )
            )
        return boutons


class SessionBoutonsMixin:
    inscriptions_url_name = None

    @cached_property
    def header_more_buttons(self):
        boutons = list(super().header_more_buttons)
        boutons.append(
            Button(
                _("Inscriptions et présences"),
                url=reverse(self.inscriptions_url_name, args=[self.object.pk]),
                icon_name="group",
                priority=5,
            )
        )
        return boutons


class SessionCreateView(SessionEnregistrementMixin, generic.CreateView):
    action_journal = "wagtail.create"


class SessionEditView(SessionBoutonsMixin, SessionEnregistrementMixin, generic.EditView):
    pass


class SessionMixin:
    """A view about one session (`pk` in the URL), for people who see registrations."""

    permission_policy = POLITIQUE_INSCRIPTIONS
    index_url_name = None
    edit_url_name = None

    @cached_property
    def session(self):
        return get_object_or_404(selectors.sessions_pour_back_office(), pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return str(self.session)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Sessions")},
            {"url": "", "label": str(self.session)},
        ]


class InscriptionsSessionView(
    SessionMixin, PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView
):
    """The registration list with the waiting list in order; attendance once started."""

    permission_required = "view"
    header_icon = "group"
    page_title = gettext_lazy("Inscriptions et présences")
    template_name = "formations/admin/inscriptions.html"
    annuler_url_name = None
    feuille_url_name = None
    attestation_url_name = None

    def get_context_data(self, **kwargs):
        session = self.session
        inscriptions = list(selectors.inscriptions_de_la_session(session))
        peut_modifier = self.user_has_permission("change")
        commencee = timezone.now() >= session.debut
        return super().get_context_data(
            session=session,
            quand=quand(session),
            publics=", ".join(
                str(Partenaire.Type(t).label)
                for t in session.publics.values_list("type", flat=True)
            ),
            formateurs=", ".join(f.get_full_name() for f in session.formateurs.all()),
            places=[i for i in inscriptions if i.etat in Inscription.OCCUPE_UNE_PLACE],
            attente=[i for i in inscriptions if i.etat == Etat.LISTE_ATTENTE],
            annulees=[i for i in inscriptions if i.etat == Etat.ANNULE],
            releve_possible=peut_modifier and commencee and session.statut != Statut.ANNULEE,
            desinscription_possible=peut_modifier
            and not commencee
            and session.statut not in (Statut.ANNULEE, Statut.REALISEE),
            annulable=self.request.user.has_perm("formations.change_session")
            and not commencee
            and session.statut not in (Statut.ANNULEE, Statut.REALISEE),
            url_annuler=reverse(self.annuler_url_name, args=[session.pk]),
            url_modifier=reverse(self.edit_url_name, args=[session.pk]),
            url_feuille=reverse(self.feuille_url_name, args=[session.pk]),
            attestation_url_name=self.attestation_url_name,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        """Attendance (one `presence-<id>` field per registration, "present" or "absent"), or
        the cancellation of one person's place or waiting rank (`annuler`: its id)."""
        if not self.user_has_permission("change"):
            raise Http404
        if "annuler" in request.POST:
            return self.annuler_inscription(request)
        presences = {}
        for cle, valeur in request.POST.items():
            if cle.startswith("presence-") and cle[9:].isdigit():
                presences[int(cle[9:])] = valeur
        if not presences:
            messages.error(request, _("Indiquez « Présent » ou « Absent » pour chaque personne."))
            return redirect(request.path)
        try:
            changements = services.presences_enregistrer(
                session=self.session, presences=presences, auteur=request.user
            )
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        else:
            messages.success(
                request,
                ngettext(
                    "Présences enregistrées (%(n)s changement) ; la session est réalisée.",
                    "Présences enregistrées (%(n)s changements) ; la session est réalisée.",
                    changements,
                )
                % {"n": changements},
            )
        return redirect(request.path)

    def annuler_inscription(self, request):
        """Before the session starts: the person is told by e-mail and, while registration is
        open, the place goes to the first person of the waiting list (services)."""
        valeur = request.POST.get("annuler", "")
        inscription = get_object_or_404(
            Inscription.objects.select_related("agent"),
            session=self.session,
            agent__isnull=False,
            pk=int(valeur) if valeur.isdigit() else 0,
        )
        try:
            services.inscription_annuler(inscription=inscription, auteur=request.user)
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        else:
            messages.success(
                request,
                _(
                    "L'inscription de %(nom)s est annulée ; la personne en est prévenue par "
                    "e-mail. Une place libérée revient à la première personne de la liste "
                    "d'attente, prévenue elle aussi."
                )
                % {"nom": inscription.agent.get_full_name() or inscription.agent.email},
            )
        return redirect(request.path)


class AnnulationSessionForm(forms.Form):
    motif = forms.CharField(
        label=gettext_lazy("Motif de l'annulation"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Communiqué par e-mail aux personnes inscrites et en liste d'attente, avec les "
            "autres sessions de la campagne."
        ),
        error_messages={
            "required": gettext_lazy(
                "Indiquez le motif : il est communiqué aux personnes inscrites."
            )
        },
    )


class AnnulerSessionView(SessionMixin, PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    permission_policy = ModelPermissionPolicy(Session)
    permission_required = "change"
    header_icon = "cross"
    page_title = gettext_lazy("Annuler la session")
    template_name = "formations/admin/annuler.html"
    form_class = AnnulationSessionForm
    inscriptions_url_name = None

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            session=self.session,
            quand=quand(self.session),
            url_retour=reverse(self.inscriptions_url_name, args=[self.session.pk]),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            session = services.session_annuler(
                session=self.session, auteur=self.request.user, motif=form.cleaned_data["motif"]
            )
        except ValidationError as erreur:
            form.add_error(None, erreur)
            return self.form_invalid(form)
        log(instance=session, action="wagtail.edit", content_changed=True)
        messages.success(
            self.request,
            _(
                "La session est annulée ; les personnes inscrites et en liste d'attente en sont "
                "prévenues par e-mail."
            ),
        )
        return redirect(reverse(self.inscriptions_url_name, args=[session.pk]))
