"""Documents of a session: the attendance sheet (PDF to sign, or CSV) and the certificate of
attendance of each person marked present (PDF)."""

import csv
import io

from django.http import Http404, HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import View
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from portail.dates import jour_de_paris
from portail.formulaires import texte_sur

from .. import selectors
from ..documents import attestation_pdf, feuille_emargement_pdf, nom_fichier_attestation
from ..models import Inscription
from .sessions import POLITIQUE_INSCRIPTIONS, SessionMixin


class FeuilleEmargementView(SessionMixin, PermissionCheckedMixin, View):
    """The attendance sheet of the people holding a place: PDF to sign, or CSV (?format=csv)."""

    permission_required = "view"

    def get(self, request, *args, **kwargs):
        session = self.session
        inscriptions = [
            inscription
            for inscription in selectors.inscriptions_de_la_session(session)
            if inscription.etat in Inscription.OCCUPE_UNE_PLACE
        ]
        inscriptions.sort(key=lambda i: (i.agent.last_name.lower(), i.agent.first_name.lower()))
        jour = jour_de_paris(session.debut)
        nom_fichier = f"emargement-{slugify(session.titre)[:40]}-{jour:%Y%m%d}"
        if request.GET.get("format") == "csv":
            return self._csv(session, inscriptions, nom_fichier)
        return self._pdf(session, inscriptions, nom_fichier)

    def _csv(self, session, inscriptions, nom_fichier):
        tampon = io.StringIO()
        ecrivain = csv.writer(tampon, delimiter=";")
        ecrivain.writerow(
            [_("Nom"), _("Prénom"), _("Structure"), _("Département"), _("État"), _("Signature")]
        )
        for inscription in inscriptions:
            ecrivain.writerow(
                [
                    texte_sur(inscription.agent.last_name),
                    texte_sur(inscription.agent.first_name),
                    texte_sur(inscription.partenaire.nom),
                    inscription.partenaire.departement,
                    inscription.get_etat_display(),
                    "",
                ]
            )
        # BOM: spreadsheet software then reads the accents right.
        reponse = HttpResponse("\ufeff" + tampon.getvalue(), content_type="text/csv; charset=utf-8")
        reponse["Content-Disposition"] = f'attachment; filename="{nom_fichier}.csv"'
        return reponse

    def _pdf(self, session, inscriptions, nom_fichier):
        reponse = HttpResponse(
            feuille_emargement_pdf(session, inscriptions), content_type="application/pdf"
        )
        reponse["Content-Disposition"] = f'attachment; filename="{nom_fichier}.pdf"'
        return reponse


class AttestationView(PermissionCheckedMixin, View):
    """The certificate of attendance of one person marked present."""

    permission_policy = POLITIQUE_INSCRIPTIONS
    permission_required = "view"

    def get(self, request, *args, **kwargs):
        inscription = selectors.inscription_presente(kwargs["pk"])
        if inscription is None:
            raise Http404
        reponse = HttpResponse(attestation_pdf(inscription), content_type="application/pdf")
        # The same name as the person's own download: no one's name in it.
        reponse["Content-Disposition"] = (
            f'attachment; filename="{nom_fichier_attestation(inscription)}"'
        )
        return reponse
