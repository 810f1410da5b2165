"""Back-office views of the reference content: the report of sheets due for review."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.reports import ReportView

from portail import roles

from .models import FichePratiquePage

DELAI_RELECTURE = timedelta(days=365)


def peut_voir_fiches_a_relire(utilisateur) -> bool:
    """Editors and superusers: the people who review the reference content."""
    return utilisateur.is_active and (
        utilisateur.is_superuser or roles.a_un_role(utilisateur, [roles.EDITEUR])
    )


class FichesARelireView(ReportView):
    """Live reference sheets whose content was last checked more than 12 months ago, the
    oldest first, each with a link to edit it."""

    page_title = _("Fiches à relire")
    header_icon = "date"
    index_url_name = "fiches_a_relire"
    index_results_url_name = "fiches_a_relire_resultats"
    paginate_by = 50
    list_export = ["title", "get_parent.title", "responsable", "revisee_le"]
    export_headings = {
        "title": _("Fiche"),
        "get_parent.title": _("Thématique"),
        "responsable": _("Responsable"),
        "revisee_le": _("Contenu vérifié le"),
    }
    columns = [
        TitleColumn(
            "title",
            label=_("Fiche"),
            get_url=lambda fiche: reverse("wagtailadmin_pages:edit", args=[fiche.pk]),
        ),
        Column("responsable", label=_("Responsable")),
        DateColumn("revisee_le", label=_("Contenu vérifié le")),
        DateColumn("last_published_at", label=_("Dernière publication")),
    ]

    def dispatch(self, request, *args, **kwargs):
        if not peut_voir_fiches_a_relire(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        limite = timezone.localdate() - DELAI_RELECTURE
        return (
            FichePratiquePage.objects.live()
            .filter(revisee_le__lt=limite)
            .select_related("responsable")
            .order_by("revisee_le", "title")
        )

    def get_filename(self):
        return f"fiches-a-relire-{timezone.localdate():%Y-%m-%d}"
