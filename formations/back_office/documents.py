"""Documents of a session: the attendance sheet (PDF to sign, or CSV) and the certificate of
attendance of each person marked present (PDF)."""

import csv
import io

from django.http import Http404, HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import View
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from portail.dates import aujourdhui, date_en_lettres, jour_de_paris
from portail.formulaires import texte_sur
from portail.pdf import pdf_simple

from .. import selectors
from ..models import Inscription
from ..services.courriels import quand
from .sessions import POLITIQUE_INSCRIPTIONS, SessionMixin


def _nom(utilisateur) -> str:
    return f"{utilisateur.last_name.upper()} {utilisateur.first_name}".strip() or utilisateur.email


def _court(texte: str, longueur: int) -> str:
    return texte if len(texte) <= longueur else texte[: longueur - 1] + "…"


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
        formateurs = ", ".join(f.get_full_name() for f in session.formateurs.all())
        lignes = [
            _("Feuille d'émargement"),
            _("Session : %(titre)s") % {"titre": _court(session.titre, 80)},
            _("Programme : %(intitule)s") % {"intitule": _court(session.programme.intitule, 78)},
            _("Date : %(quand)s") % {"quand": quand(session)},
            _court(session.lieu, 90) if not session.a_distance else _("À distance"),
            _("Formation animée par : %(noms)s") % {"noms": formateurs or "—"},
            "",
            _("Nom et prénom — Structure — Signature"),
        ]
        for rang, inscription in enumerate(inscriptions, start=1):
            lignes.append(
                f"{rang}. {_court(_nom(inscription.agent), 36)} — "
                f"{_court(inscription.partenaire.nom, 40)} — ____________"
            )
        if not inscriptions:
            lignes.append(_("Personne n'est inscrit à cette session."))
        reponse = HttpResponse(pdf_simple(lignes), content_type="application/pdf")
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
        session = inscription.session
        duree = session.fin - session.debut
        heures, reste = divmod(int(duree.total_seconds()) // 60, 60)
        lignes = [
            _("Attestation de présence"),
            "",
            _("La caisse primaire d'assurance maladie atteste que"),
            f"{inscription.agent.first_name} {inscription.agent.last_name}",
            _("de la structure %(structure)s (%(commune)s)")
            % {
                "structure": _court(inscription.partenaire.nom, 60),
                "commune": inscription.partenaire.commune,
            },
            _("a suivi la session de formation « %(titre)s »")
            % {"titre": _court(session.titre, 60)},
            _("programme : %(intitule)s") % {"intitule": _court(session.programme.intitule, 70)},
            quand(session) + f" ({heures} h {reste:02d})",
            _court(session.lieu, 90) if not session.a_distance else _("à distance"),
            "",
            _("Fait le %(date)s, pour servir et valoir ce que de droit.")
            % {"date": date_en_lettres(aujourdhui())},
            _("Solidaires et partenaires — service formation des partenaires de la CPAM"),
        ]
        nom = slugify(f"{inscription.agent.last_name}-{inscription.agent.first_name}")[:40]
        reponse = HttpResponse(pdf_simple(lignes), content_type="application/pdf")
        reponse["Content-Disposition"] = (
            f'attachment; filename="attestation-{nom}-{jour_de_paris(session.debut):%Y%m%d}.pdf"'
        )
        return reponse
