"""Form pieces and export helpers shared by the back-office screens (journal, dashboards,
attendance sheets)."""

import html
import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html
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
    option, and even `format_html` per option (its lazy-aware escaping) costs tens of
    milliseconds for the thousands of structures and experts of the inbox's filters. The
    markup is Django's, option for option (tests/portail/test_formulaires.py)."""

    def render(self, name, value, attrs=None, renderer=None):
        choisies = set(self.format_value(value))
        selection_faite = False

        def option(valeur, libelle) -> str:
            nonlocal selection_faite
            valeur = "" if valeur is None else str(valeur)
            choisie = valeur in choisies and (not selection_faite or self.allow_multiple_selected)
            selection_faite |= choisie
            return (
                f'<option value="{echapper_html(valeur)}"{" selected" if choisie else ""}>'
                f"{echapper_html(libelle)}</option>"
            )

        parties = []
        for valeur, libelle in self.choices:
            if isinstance(libelle, (list, tuple)):
                contenu = "".join(option(v, lib) for v, lib in libelle)
                if valeur:
                    contenu = f'<optgroup label="{echapper_html(valeur)}">{contenu}</optgroup>'
                parties.append(contenu)
            else:
                parties.append(option(valeur, libelle))
        attributs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attributs["multiple"] = True
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(attributs),
            mark_safe("".join(parties)),  # noqa: S308 (every value and label escaped above)
        )


def message_d_erreur(erreur: ValidationError) -> str:
    """A service's refusal as one sentence for `messages.error` (its messages joined)."""
    return " ".join(str(message) for message in erreur.messages)


def echapper_html(texte) -> str:
    """`conditional_escape` without its lazy-string wrapper (same output): the one escaping of
    the HTML written in Python (select options, the inbox rows, the demande thread)."""
    if hasattr(texte, "__html__"):
        return texte.__html__()
    return html.escape(str(texte))


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
