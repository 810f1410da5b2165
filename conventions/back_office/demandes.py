"""Join requests in the back-office: accept or refuse."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin import messages
from wagtail.admin.views.generic.base import BaseOperationView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.permission_policies import ModelPermissionPolicy

from .. import services
from ..models import DemandeAdhesion
from .communs import InspectView


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
