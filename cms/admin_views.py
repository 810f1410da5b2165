"""Back-office views of the reference content: the report of sheets due for review, the
participants of a rencontre."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
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


# Rencontres: the list of participants for the organiser -----------------------------------------


def peut_voir_participants(utilisateur, rencontre) -> bool:
    """The organiser: an editor (or administrator) who may edit the rencontre's page. Partners,
    experts, superviseurs and trainers without the role may not see who registered."""
    if not utilisateur.is_active:
        return False
    if not (utilisateur.is_superuser or roles.a_un_role(utilisateur, [roles.EDITEUR])):
        return False
    return rencontre.permissions_for_user(utilisateur).can_edit()


class ParticipantsRencontreView(WagtailAdminTemplateMixin, TemplateView):
    """Who registered to a rencontre, with their structure; also as CSV (?format=csv)."""

    header_icon = "group"
    template_name = "cms/admin/participants_rencontre.html"

    def dispatch(self, request, *args, **kwargs):
        from django.shortcuts import get_object_or_404

        from .models import RencontrePage

        self.rencontre = get_object_or_404(RencontrePage, pk=kwargs["pk"])
        if not peut_voir_participants(request.user, self.rencontre):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Participants — %(titre)s") % {"titre": self.rencontre.title}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("wagtailadmin_pages:edit", args=[self.rencontre.pk]),
                "label": self.rencontre.title,
            },
            {"url": "", "label": _("Participants")},
        ]

    def get(self, request, *args, **kwargs):
        from . import selectors

        self.participants = list(selectors.participants(self.rencontre))
        if request.GET.get("format") == "csv":
            return self._csv()
        return super().get(request, *args, **kwargs)

    def _csv(self):
        import csv
        import io

        from django.http import HttpResponse

        from portail.formulaires import texte_sur

        tampon = io.StringIO()
        ecrivain = csv.writer(tampon, delimiter=";")
        ecrivain.writerow(
            [_("Nom"), _("Prénom"), _("E-mail"), _("Structure"), _("Département"), _("Inscrit le")]
        )
        for inscription in self.participants:
            ecrivain.writerow(
                [
                    texte_sur(inscription.agent.last_name),
                    texte_sur(inscription.agent.first_name),
                    texte_sur(inscription.agent.email),
                    texte_sur(inscription.partenaire.nom),
                    inscription.partenaire.departement,
                    f"{timezone.localtime(inscription.inscrit_le):%d/%m/%Y %H:%M}",
                ]
            )
        reponse = HttpResponse("\ufeff" + tampon.getvalue(), content_type="text/csv; charset=utf-8")
        reponse["Content-Disposition"] = (
            f'attachment; filename="participants-rencontre-{self.rencontre.pk}.csv"'
        )
        return reponse

    def get_context_data(self, **kwargs):
        rencontre = self.rencontre
        rencontre.nombre_inscrits = len(self.participants)
        return super().get_context_data(
            rencontre=rencontre,
            participants=self.participants,
            url_modifier=reverse("wagtailadmin_pages:edit", args=[rencontre.pk]),
            **kwargs,
        )
