"""The dashboards: the back-office screen of superviseurs (every structure or one département)
and the référent's page (their own structure), with their CSV and XLSX exports.

The period and the département travel in the query string, so that a dashboard can be
bookmarked and its export links carry the same figures; nothing personal ever goes there.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from conventions.acces import acces_partenaire_requis
from conventions.models import Service
from conventions.selectors import partenaires_geres
from portail.dates import date_courte

from ..calendrier import jours_ouvres
from ..selectors import voit_toutes_les_demandes
from . import exports, graphiques
from .forms import PeriodeForm
from .selectors import Perimetre, TableauDeBord, tableau_de_bord_recent

FORMATS = {"csv": (exports.en_csv, exports.TYPE_CSV), "xlsx": (exports.en_xlsx, exports.TYPE_XLSX)}


# Presentation shared by both pages ---------------------------------------------------------------


def _texte_valeur(valeur, unite: str) -> str:
    if valeur is None:
        return _("non calculable (aucune donnée)")
    if unite == exports.POURCENTAGE:
        return f"{number_format(valeur, 1)}\u00a0%"
    if unite == exports.MINUTES:
        return _("%(n)s minutes ouvrées (%(lisible)s)") % {
            "n": number_format(valeur, force_grouping=True),
            "lisible": jours_ouvres(valeur),
        }
    return number_format(valeur, force_grouping=True)


def _texte_cellule(valeur) -> str:
    if isinstance(valeur, date):
        return date_format(valeur, "F Y")
    if isinstance(valeur, int | float):
        return graphiques.valeur_affichee(valeur)
    return "" if valeur is None else str(valeur)


def _graphique(tableau: exports.Tableau, periode: str):
    barres = []
    for libelle, valeur in tableau.lignes:
        if isinstance(libelle, date):
            barres.append(
                graphiques.Barre(
                    date_format(libelle, "F Y"),
                    valeur,
                    (date_format(libelle, "N"), str(libelle.year)),
                )
            )
        else:
            barres.append(graphiques.Barre(str(libelle), valeur))
    dessin = (
        graphiques.graphique_colonnes
        if tableau.graphique == "colonnes"
        else graphiques.graphique_barres
    )
    return dessin(
        identifiant=f"graphique-{tableau.cle}",
        titre=f"{tableau.titre}, {periode}",
        barres=barres,
        description=_("Nombre de demandes ; le tableau qui suit donne chaque valeur."),
    )


def contexte_figures(tdb: TableauDeBord) -> dict:
    """Key figures as text, then each breakdown as a chart and its data table."""
    perimetre = tdb.perimetre
    periode = _("du %(debut)s au %(fin)s") % {
        "debut": date_courte(perimetre.date_debut),
        "fin": date_courte(perimetre.date_fin),
    }
    synthese, *detail = exports.tableaux(tdb)
    return {
        "tdb": tdb,
        "minutes_cache": settings.TABLEAUX_CACHE_SECONDES // 60,
        "periode": periode,
        "chiffres": [
            {"libelle": libelle, "texte": _texte_valeur(valeur, unite)}
            for libelle, valeur, unite in synthese.lignes
        ],
        "sections": [
            {
                "tableau": tableau,
                "svg": _graphique(tableau, periode),
                "lignes": [[_texte_cellule(v) for v in ligne] for ligne in tableau.lignes],
            }
            for tableau in detail
        ],
    }


def _fichier(tdb: TableauDeBord, format_: str) -> HttpResponse:
    ecrire, type_contenu = FORMATS[format_]
    response = HttpResponse(ecrire(tdb), content_type=type_contenu)
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.nom_de_fichier(tdb, format_)}"'
    )
    return response


def _periode_invalide() -> HttpResponse:
    return HttpResponseBadRequest(
        _(
            "La période ou le département demandés ne sont pas valides : corrigez-les sur le "
            "tableau de bord, puis relancez l'export."
        ),
        content_type="text/plain; charset=utf-8",
    )


def _liens_export(nom_csv: str, nom_xlsx: str, form: PeriodeForm, **kwargs) -> dict:
    requete = urlencode(form.parametres())
    return {
        "export_csv": f"{reverse(nom_csv, kwargs=kwargs)}?{requete}",
        "export_xlsx": f"{reverse(nom_xlsx, kwargs=kwargs)}?{requete}",
    }


# Back-office: superviseurs -----------------------------------------------------------------------


class AccesSuperviseurMixin:
    """Superviseurs (and administrators) only: the figures cover every structure."""

    def dispatch(self, request, *args, **kwargs):
        if not voit_toutes_les_demandes(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class TableauDeBordView(AccesSuperviseurMixin, WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Tableau de bord")
    header_icon = "table"
    template_name = "demandes/tableaux/admin.html"

    def get_context_data(self, **kwargs):
        form = PeriodeForm(self.request.GET)
        perimetre = form.perimetre()
        contexte = {"form": form}
        if perimetre is not None:
            contexte.update(contexte_figures(tableau_de_bord_recent(perimetre)))
            contexte.update(
                _liens_export("tableaux_admin:export_csv", "tableaux_admin:export_xlsx", form)
            )
        return super().get_context_data(**contexte, **kwargs)


class ExportView(AccesSuperviseurMixin, View):
    def get(self, request, format_: str):
        perimetre = PeriodeForm(request.GET).perimetre()
        if perimetre is None:
            return _periode_invalide()
        return _fichier(tableau_de_bord_recent(perimetre), format_)


# Partner portal: a référent's own structure ------------------------------------------------------


def _structure(request, pk: int):
    """A structure the person manages and may use the messaging service through (404 for any
    other: an agent, the référent of another structure, a suspended structure)."""
    structures = partenaires_geres(request.user)
    if not request.acces.personnel_cpam:
        structures = structures.filter(pk__in=[p.pk for p in request.acces.partenaires])
    return get_object_or_404(structures, pk=pk)


def _perimetre_structure(request, partenaire) -> tuple[PeriodeForm, Perimetre | None]:
    form = PeriodeForm(request.GET, avec_departement=False)
    return form, form.perimetre(partenaire=partenaire)


@acces_partenaire_requis(Service.MESSAGERIE)
def tableau_structure(request, pk: int):
    partenaire = _structure(request, pk)
    form, perimetre = _perimetre_structure(request, partenaire)
    contexte = {"partenaire": partenaire, "form": form}
    if perimetre is not None:
        contexte.update(contexte_figures(tableau_de_bord_recent(perimetre)))
        contexte.update(
            _liens_export("tableaux:export_csv", "tableaux:export_xlsx", form, pk=partenaire.pk)
        )
    return render(request, "demandes/tableaux/structure.html", contexte)


@acces_partenaire_requis(Service.MESSAGERIE)
def export_structure(request, pk: int, format_: str):
    partenaire = _structure(request, pk)
    _form, perimetre = _perimetre_structure(request, partenaire)
    if perimetre is None:
        return _periode_invalide()
    return _fichier(tableau_de_bord_recent(perimetre), format_)
