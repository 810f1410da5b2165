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
    ("toutes", _("Tous les statuts")),
    ("ouvertes", _("Ouvertes")),
    ("en_attente", _("En attente de ma réponse")),
    (Demande.Statut.NOUVELLE, _("Envoyées, pas encore ouvertes par la CPAM")),
    (Demande.Statut.EN_COURS, _("En cours à la CPAM")),
    (Demande.Statut.RESOLUE, _("Résolues")),
    (Demande.Statut.CLOTUREE, _("Clôturées")),
]
FILTRES_PORTEE = [("toutes", _("Toutes celles que je peux suivre")), ("miennes", _("Les miennes"))]
# Sent within the last n days.
PERIODES = {"7j": 7, "30j": 30, "3m": 92, "12m": 366}
FILTRES_PERIODE = [
    ("toutes", _("Depuis toujours")),
    ("7j", _("Ces 7 derniers jours")),
    ("30j", _("Ces 30 derniers jours")),
    ("3m", _("Ces 3 derniers mois")),
    ("12m", _("Ces 12 derniers mois")),
]


def _choix(label, choices, erreur):
    return forms.ChoiceField(
        label=label, choices=choices, required=False, error_messages={"invalid_choice": erreur}
    )


class FiltresForm(forms.Form):
    """The list's filters, read from the address. A value that is not one of the choices (an
    edited address, a structure that is not the person's) gets a French message next to its
    field and is ignored; the other filters still apply and keep their values."""

    statut = _choix(
        _("Statut"), FILTRES_STATUT, _("Ce statut n'existe pas : choisissez-en un dans la liste.")
    )
    categorie = _choix(
        _("Catégorie"), [], _("Cette catégorie n'existe pas : choisissez-en une dans la liste.")
    )
    periode = _choix(
        _("Envoyées"),
        FILTRES_PERIODE,
        _("Cette période n'est pas proposée : choisissez-en une dans la liste."),
    )
    structure = _choix(
        _("Structure"),
        [],
        _("Vous ne suivez pas les demandes de cette structure : choisissez-en une dans la liste."),
    )
    portee = _choix(
        _("Demandes"), FILTRES_PORTEE, _("Ce choix n'existe pas : choisissez-en un dans la liste.")
    )

    def __init__(self, data, *, categories, structures):
        """`categories`: (slug, libellé) pairs; `structures`: the structures whose demandes the
        person follows (the access rule's), offered only when there are several."""
        super().__init__(data)
        self.fields["categorie"].choices = [("", _("Toutes les catégories")), *categories]
        if len(structures) > 1:
            self.fields["structure"].choices = [
                ("", _("Toutes mes structures")),
                *((str(structure.pk), structure.nom) for structure in structures),
            ]
        else:
            del self.fields["structure"]

    def valeurs(self) -> dict:
        """Chosen filters; anything not offered falls back to "all" (and has its error)."""
        self.is_valid()
        donnees = self.cleaned_data
        structure = donnees.get("structure")
        return {
            "statut": donnees.get("statut") or "toutes",
            "portee": donnees.get("portee") or "toutes",
            "categorie": donnees.get("categorie") or "",
            "periode": donnees.get("periode") or "toutes",
            "structure": int(structure) if structure else None,
        }

    @property
    def filtre(self) -> bool:
        """Whether a filter narrows the list (for the "no result" wording)."""
        valeurs = self.valeurs()
        return (
            valeurs["statut"] != "toutes"
            or valeurs["portee"] != "toutes"
            or valeurs["periode"] != "toutes"
            or bool(valeurs["categorie"])
            or valeurs["structure"] is not None
        )
