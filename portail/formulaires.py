"""Form pieces and export helpers shared by the back-office screens (journal, dashboards,
attendance sheets)."""

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .dates import date_courte

# Bounds that keep date arithmetic (the day after the end, the UTC offset) far from Python's.
PREMIER_JOUR = date(2000, 1, 1)
DERNIER_JOUR = date(2100, 12, 31)
# A text starting with one of these is read as a formula by spreadsheets (CSV injection).
DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r")
# Control characters a spreadsheet cell cannot hold.
CARACTERES_INTERDITS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


class SelectLeger(forms.Select):
    """A drop-down list written in Python in one pass: Django's own renders one template per
    option, which costs tens of milliseconds for the hundreds of structures of a filter."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groupes = []
        for libelle_groupe, options, _index in widget["optgroups"]:
            contenu = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (option["value"], " selected" if option["selected"] else "", option["label"])
                    for option in options
                ),
            )
            groupes.append(
                format_html('<optgroup label="{}">{}</optgroup>', libelle_groupe, contenu)
                if libelle_groupe
                else contenu
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(groupes)),  # noqa: S308 (each part built by format_html)
        )


class ChampDate(forms.DateField):
    """An optional date typed as 2025-12-31 (date picker) or 31/12/2025, within sane bounds."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def __init__(self, **kwargs):
        super().__init__(
            input_formats=["%Y-%m-%d", "%d/%m/%Y"],
            required=False,
            error_messages={
                "invalid": gettext_lazy("Saisissez une date valide, par exemple 31/12/2025.")
            },
            **kwargs,
        )

    def validate(self, value):
        super().validate(value)
        if value and not PREMIER_JOUR <= value <= DERNIER_JOUR:
            raise ValidationError(
                _("Choisissez une date entre le %(debut)s et le %(fin)s.")
                % {"debut": date_courte(PREMIER_JOUR), "fin": date_courte(DERNIER_JOUR)},
                code="hors_bornes",
            )


def texte_sur(valeur) -> str:
    """A text a spreadsheet shows as typed: no control character, no formula."""
    texte = CARACTERES_INTERDITS.sub("", "" if valeur is None else str(valeur))
    return "'" + texte if texte.startswith(DEBUTS_DE_FORMULE) else texte
