"""Forms of the partner portal (HTTP only: the rules are in services)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from conventions.models import Partenaire
from portail.dates import date_longue, heure

from . import selectors
from .models import Session


class ChoixSession(forms.ModelChoiceField):
    def label_from_instance(self, session):
        restantes = session.capacite - session.nombre_inscrits
        places = (
            ngettext("%(n)s place restante", "%(n)s places restantes", restantes) % {"n": restantes}
            if restantes > 0
            else _("complète : liste d'attente")
        )
        return f"{session.titre} — {date_longue(session.debut)} {heure(session.debut)} ({places})"


class ChoixAgent(forms.ModelChoiceField):
    def label_from_instance(self, utilisateur):
        return utilisateur.get_full_name() or utilisateur.email


class InscriptionAgentForm(forms.Form):
    """A référent registers one of the structure's agents to a session."""

    agent = ChoixAgent(
        label=_("Agent"),
        queryset=get_user_model().objects.none(),
        empty_label=_("Choisissez un agent"),
        error_messages={
            "required": _("Choisissez l'agent à inscrire."),
            "invalid_choice": _("Choisissez un agent de la structure."),
        },
    )
    session = ChoixSession(
        label=_("Session"),
        queryset=Session.objects.none(),
        empty_label=_("Choisissez une session"),
        help_text=_(
            "Les sessions ouvertes à votre structure dont les inscriptions ne sont pas closes. "
            "Une session complète inscrit en liste d'attente."
        ),
        error_messages={
            "required": _("Choisissez la session."),
            "invalid_choice": _(
                "Cette session n'est pas ouverte aux inscriptions de votre structure."
            ),
        },
    )

    def __init__(self, *args, partenaire: Partenaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = selectors.membres_actifs(partenaire)
        self.fields["session"].queryset = selectors.sessions_pour_structure(partenaire)
