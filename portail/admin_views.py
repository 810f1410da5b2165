"""Back-office screens of the portal shell (Wagtail admin): second factor resets."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import roles, selectors, services
from .forms import ReinitialisationDoubleAuthentificationForm

PERMISSION_REINITIALISER = "portail.reinitialiser_double_authentification"


class _PermissionReinitialiserMixin:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION_REINITIALISER):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ComptesView(_PermissionReinitialiserMixin, WagtailAdminTemplateMixin, TemplateView):
    """Accounts with the state of their second factor; a search by name is sent by POST so
    that no name ends up in a URL or an access log."""

    page_title = gettext_lazy("Sécurité des comptes")
    header_icon = "lock"
    template_name = "portail/admin/comptes.html"
    par_page = 50

    def post(self, request, *args, **kwargs):
        return self.get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        recherche = self.request.POST.get("q", "").strip()[:100]
        comptes = selectors.comptes_double_authentification(recherche=recherche)
        page = Paginator(comptes, self.par_page).get_page(self.request.GET.get("p"))
        return super().get_context_data(page=page, recherche=recherche, **kwargs)


class ReinitialiserView(_PermissionReinitialiserMixin, WagtailAdminTemplateMixin, FormView):
    page_title = gettext_lazy("Réinitialiser la double authentification")
    header_icon = "lock"
    template_name = "portail/admin/reinitialiser.html"
    form_class = ReinitialisationDoubleAuthentificationForm

    def dispatch(self, request, *args, **kwargs):
        self.compte = get_object_or_404(selectors.comptes_reinitialisables(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(compte=self.compte, **kwargs)

    def form_valid(self, form):
        if self.compte.pk == self.request.user.pk:
            form.add_error(
                None,
                _(
                    "Vous ne pouvez pas réinitialiser votre propre double authentification ici : "
                    "utilisez la page « Sécurité du compte »."
                ),
            )
            return self.form_invalid(form)
        if self.compte.is_superuser and not self.request.user.is_superuser:
            form.add_error(
                None, _("Seul un administrateur peut réinitialiser le compte d'un administrateur.")
            )
            return self.form_invalid(form)
        services.double_authentification_reinitialiser(
            utilisateur=self.compte, auteur=self.request.user, motif=form.cleaned_data["motif"]
        )
        messages.success(
            self.request,
            _(
                "La double authentification de %(nom)s est réinitialisée ; la personne en est "
                "informée par e-mail."
            )
            % {"nom": self.compte.get_full_name()},
        )
        return redirect(reverse("portail_admin:comptes"))


class GuideView(WagtailAdminTemplateMixin, TemplateView):
    """The back-office guide: for each of the person's CPAM roles, their day's work and where it
    is done. It replaces Wagtail's English help menu (editor guide, release notes)."""

    page_title = gettext_lazy("Guide du back-office")
    header_icon = "help"
    template_name = "portail/admin/guide.html"

    def get_context_data(self, **kwargs):
        utilisateur = self.request.user
        tous = utilisateur.is_superuser
        contexte = super().get_context_data(**kwargs)
        contexte["guides"] = {
            cle: tous or roles.a_un_role(utilisateur, [role])
            for cle, role in (
                ("expert", roles.EXPERT_CPAM),
                ("superviseur", roles.SUPERVISEUR_CPAM),
                ("editeur", roles.EDITEUR),
                ("formateur", roles.FORMATEUR),
            )
        }
        return contexte
