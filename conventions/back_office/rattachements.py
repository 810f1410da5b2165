"""Memberships in the back-office: role and deactivation through the services."""

from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.log_actions import log

from .. import selectors, services
from ..models import Adhesion
from .communs import ErreursServiceMixin


class AdhesionIndexView(generic.IndexView):
    def get_base_queryset(self):
        return selectors.adhesions_pour_liste()


# Structures --------------------------------------------------------------------------------------


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
