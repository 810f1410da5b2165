"""The period and département of a dashboard, read from the query string (nothing personal in
it), checked so that any input gives a page with its errors, never a server error."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conventions.selectors import departements_des_partenaires
from portail.formulaires import ChampDate

from .selectors import Perimetre

DUREE_MAX_ANNEES = 5
# Bounds that keep date arithmetic (the day after the end) far from Python's limits.
FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def periode_par_defaut(aujourdhui: date) -> tuple[date, date]:
    """The last 12 months: the current month and the 11 before it, up to today."""
    annee, mois = divmod(aujourdhui.year * 12 + aujourdhui.month - 1 - 11, 12)
    return date(annee, mois + 1, 1), aujourdhui


def _annees_plus_tard(jour: date, annees: int) -> date:
    try:
        return jour.replace(year=jour.year + annees)
    except ValueError:  # 29 February
        return jour.replace(year=jour.year + annees, day=28)


class PeriodeForm(forms.Form):
    date_debut = ChampDate(label=gettext_lazy("Du"))
    date_fin = ChampDate(label=gettext_lazy("Au (inclus)"))
    departement = forms.ChoiceField(
        label=gettext_lazy("Département"),
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy(
                "Ce département n'a aucune structure partenaire : choisissez-en un dans la liste."
            )
        },
    )

    def __init__(self, donnees=None, *, avec_departement: bool = True, aujourdhui=None):
        # An empty query string shows the default period, as if it had been submitted.
        super().__init__(donnees or None)
        self.aujourdhui = aujourdhui or timezone.localdate()
        self.defaut = periode_par_defaut(self.aujourdhui)
        self.fields["date_debut"].initial, self.fields["date_fin"].initial = self.defaut
        if avec_departement:
            self.fields["departement"].choices = [("", _("Tous"))] + [
                (d, d) for d in departements_des_partenaires() if d
            ]
        else:
            del self.fields["departement"]

    def clean(self):
        donnees = super().clean()
        debut = donnees.get("date_debut") or self.defaut[0]
        fin = donnees.get("date_fin") or self.defaut[1]
        if self.errors:
            return donnees
        if fin < debut:
            self.add_error(
                "date_fin", _("La date de fin doit être postérieure ou égale à la date de début.")
            )
        elif fin >= _annees_plus_tard(debut, DUREE_MAX_ANNEES):
            self.add_error(
                "date_fin",
                _("La période ne peut pas dépasser %(n)s ans : raccourcissez-la.")
                % {"n": DUREE_MAX_ANNEES},
            )
        donnees["date_debut"], donnees["date_fin"] = debut, fin
        return donnees

    def perimetre(self, partenaire=None) -> Perimetre | None:
        """The dashboard's scope, or None when the form has errors."""
        if self.is_bound and not self.is_valid():
            return None
        if not self.is_bound:
            debut, fin = self.defaut
            return Perimetre(debut, fin, partenaire=partenaire)
        donnees = self.cleaned_data
        return Perimetre(
            donnees["date_debut"],
            donnees["date_fin"],
            departement=donnees.get("departement", ""),
            partenaire=partenaire,
        )

    def parametres(self) -> dict[str, str]:
        """The valid query parameters, for the export links."""
        perimetre = self.perimetre()
        if perimetre is None:
            return {}
        parametres = {
            "date_debut": perimetre.date_debut.isoformat(),
            "date_fin": perimetre.date_fin.isoformat(),
        }
        if perimetre.departement:
            parametres["departement"] = perimetre.departement
        return parametres
