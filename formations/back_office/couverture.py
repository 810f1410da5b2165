"""The coverage table: France Services structures and agents not trained in the last year."""

from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from .. import selectors
from .sessions import POLITIQUE_INSCRIPTIONS


class CouvertureView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """France Services structures and agents not trained in the last 12 months, by
    département, computed by the database (a constant number of queries)."""

    permission_policy = POLITIQUE_INSCRIPTIONS
    permission_required = "view"
    header_icon = "table"
    page_title = gettext_lazy("Couverture des formations")
    template_name = "formations/admin/couverture.html"

    def get_context_data(self, **kwargs):
        lignes = selectors.couverture_par_departement()
        total = {
            cle: sum(ligne[cle] for ligne in lignes)
            for cle in ("structures", "structures_sans_forme", "agents", "agents_non_formes")
        }
        return super().get_context_data(
            lignes=lignes,
            total=total,
            structures=selectors.structures_sans_agent_forme(),
            **kwargs,
        )
