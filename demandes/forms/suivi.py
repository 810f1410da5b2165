"""Forms of following demandes: a message in the thread, reopening, the list's filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Demande
from .demande import LONGUEUR_MESSAGE
from .pieces import champ_pieces


class MessageForm(forms.Form):
    corps = forms.CharField(
        label=_("Votre message"),
        help_text=_("%(n)s caractères au plus.") % {"n": LONGUEUR_MESSAGE},
        max_length=LONGUEUR_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Écrivez votre message."),
            "max_length": _(
                "Le message est limité à %(limit_value)d caractères (il en compte %(show_value)d)."
            ),
        },
    )
    pieces = champ_pieces()


class ReouvertureForm(forms.Form):
    motif = forms.CharField(
        label=_("Pourquoi rouvrir la demande ?"),
        help_text=_("Ce message est transmis à l'expert de la CPAM avec la demande rouverte."),
        max_length=LONGUEUR_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Indiquez pourquoi vous rouvrez la demande."),
            "max_length": _(
                "Le message est limité à %(limit_value)d caractères (il en compte %(show_value)d)."
            ),
        },
    )


# The list --------------------------------------------------------------------------------------

FILTRES_STATUT = [
    ("toutes", _("Toutes")),
    ("ouvertes", _("Ouvertes")),
    ("en_attente", _("En attente de ma réponse")),
    (Demande.Statut.RESOLUE, _("Résolues")),
    (Demande.Statut.CLOTUREE, _("Clôturées")),
]
FILTRES_PORTEE = [("toutes", _("Toutes celles que je peux suivre")), ("miennes", _("Les miennes"))]


class FiltresForm(forms.Form):
    statut = forms.ChoiceField(label=_("Statut"), choices=FILTRES_STATUT, required=False)
    portee = forms.ChoiceField(label=_("Demandes"), choices=FILTRES_PORTEE, required=False)

    def valeurs(self) -> dict[str, str]:
        """Chosen filters; anything unexpected in the address falls back to "toutes"."""
        self.is_valid()
        donnees = self.cleaned_data
        return {
            "statut": donnees.get("statut") or "toutes",
            "portee": donnees.get("portee") or "toutes",
        }
