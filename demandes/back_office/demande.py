"""The demande screen of the back-office and the expert's actions on it.

Every action is a POST to its own URL, goes through a service, and comes back to the screen
(Post/Redirect/Get); a refused action re-renders the screen with the form as it was typed.
Whoever cannot see the demande gets 404, on the screen and on every action.
"""

from abc import ABCMeta, abstractmethod

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from conventions.back_office.communs import ajouter_erreurs

from .. import selectors, services
from ..models import Demande, Message
from .affichage import complements_lisibles, horloge, nir_lisible, url_piece
from .boite import fil_d_ariane
from .forms import (
    InformationForm,
    NoteForm,
    ReattributionForm,
    ReponseForm,
    ResolutionForm,
)

Statut = Demande.Statut

FORMULAIRES = {
    "repondre": ReponseForm,
    "note": NoteForm,
    "information": InformationForm,
    "resoudre": ResolutionForm,
    "reattribuer": ReattributionForm,
}


def actions_possibles(demande: Demande) -> set[str]:
    """What the screen offers for this status (the services refuse the rest anyway)."""
    if demande.statut in Demande.OUVERTES:
        return set(FORMULAIRES)
    if demande.statut == Statut.RESOLUE:
        return {"note", "reattribuer"}
    return set()


class DemandeView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "demandes/admin/demande.html"
    header_icon = "mail"

    def dispatch(self, request, *args, **kwargs):
        self.objet  # noqa: B018 (404 before anything else, whatever the method)
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def objet(self) -> Demande:
        demande = selectors.demande_pour_ecran_cpam(self.request.user, self.kwargs["reference"])
        if demande is None:
            raise Http404
        return demande

    def get_page_title(self):
        return self.objet.reference

    def get_page_subtitle(self):
        return self.objet.objet

    def get_breadcrumbs_items(self):
        return fil_d_ariane(
            {"url": reverse("demandes_admin:boite"), "label": _("Demandes")},
            {"url": "", "label": self.objet.reference},
        )

    def get(self, request, *args, **kwargs):
        demande = self.objet
        ouverte = services.demande_ouvrir(demande=demande, utilisateur=request.user)
        demande.statut, demande.nouveau_pour_cpam = ouverte.statut, ouverte.nouveau_pour_cpam
        return super().get(request, *args, **kwargs)

    # Forms ---------------------------------------------------------------------------------------

    def formulaire(self, action: str, **kwargs):
        classe = FORMULAIRES[action]
        if classe is ReattributionForm:
            return classe(prefix=action, demande=self.objet, **kwargs)
        return classe(prefix=action, utilisateur=self.request.user, **kwargs)

    def formulaires(self, lie=None) -> dict:
        """Every action's form, unbound but for the one just posted."""
        possibles = actions_possibles(self.objet)
        formulaires = {}
        for action in FORMULAIRES:
            if lie is not None and lie[0] == action:
                formulaires[action] = lie[1]
            elif action in possibles:
                initial = {}
                if action == "repondre" and self.reponse_type_choisie:
                    initial["corps"] = self.reponse_type_choisie.corps
                formulaires[action] = self.formulaire(action, initial=initial)
        return formulaires

    @cached_property
    def reponses_types(self):
        return list(selectors.reponses_types_pour(self.objet))

    @cached_property
    def reponse_type_choisie(self):
        choix = self.request.GET.get("reponse_type", "")
        return next((r for r in self.reponses_types if str(r.pk) == choix), None)

    # Context -------------------------------------------------------------------------------------

    def get_context_data(self, lie=None, **kwargs):
        demande = self.objet
        fil = selectors.fil_cpam(demande)
        for message in fil:
            message.liens = [
                (piece, url_piece(demande.reference, piece.uuid)) for piece in message.pieces.all()
            ]
        formulaires = self.formulaires(lie)
        return super().get_context_data(
            demande=demande,
            fil=fil,
            routages=selectors.historique_routage(demande),
            horloge=horloge(demande, timezone.now()),
            nir=nir_lisible(demande.nir),
            complements=complements_lisibles(demande),
            formulaires=formulaires,
            formulaire_en_erreur=lie[1] if lie else None,
            action_en_erreur=lie[0] if lie else "",
            reponses_types=self.reponses_types,
            reponse_type_choisie=self.reponse_type_choisie,
            type_note=Message.Type.NOTE,
            url_boite=reverse("demandes_admin:boite"),
            url_ecran=reverse("demandes_admin:demande", args=[demande.reference]),
            **kwargs,
        )


class ActionView(DemandeView, metaclass=ABCMeta):
    """POST only: one action on the demande, through its service (`executer`, defined by each
    action)."""

    http_method_names = ["post"]
    action = ""
    succes = ""

    def post(self, request, *args, **kwargs):
        demande = self.objet
        formulaire = self.formulaire(self.action, data=request.POST, files=request.FILES)
        if formulaire.is_valid():
            try:
                self.executer(demande, formulaire)
            except ValidationError as erreur:
                ajouter_erreurs(formulaire, erreur)
            else:
                messages.success(request, self.succes)
                return redirect(self.url_suivante(demande))
        return self.render_to_response(self.get_context_data(lie=(self.action, formulaire)))

    @abstractmethod
    def executer(self, demande, formulaire):
        """Call the action's service with the valid form; may raise ValidationError."""

    def url_suivante(self, demande):
        return reverse("demandes_admin:demande", args=[demande.reference])


class _MessageView(ActionView):
    type_message = Message.Type.MESSAGE

    def executer(self, demande, formulaire):
        services.message_cpam_envoyer(
            demande=demande,
            auteur=self.request.user,
            corps=formulaire.cleaned_data["corps"],
            type=self.type_message,
            pieces=formulaire.pieces_deposees,
        )


class RepondreView(_MessageView):
    action = "repondre"
    succes = gettext_lazy("Votre réponse est envoyée ; le partenaire en est prévenu.")


class NoteView(_MessageView):
    action = "note"
    type_message = Message.Type.NOTE
    succes = gettext_lazy("La note interne est enregistrée. Elle n'est pas visible du partenaire.")


class InformationView(_MessageView):
    action = "information"
    type_message = Message.Type.INFORMATION
    succes = gettext_lazy(
        "La demande d'information est envoyée au partenaire ; le délai est en pause jusqu'à "
        "sa réponse."
    )


class ResoudreView(ActionView):
    action = "resoudre"
    succes = gettext_lazy("La demande est résolue ; le partenaire en est prévenu.")

    def executer(self, demande, formulaire):
        services.demande_resoudre(
            demande=demande,
            auteur=self.request.user,
            issue=formulaire.cleaned_data["issue"],
            corps=formulaire.cleaned_data["corps"],
            pieces=formulaire.pieces_deposees,
        )


class ReattribuerView(ActionView):
    action = "reattribuer"
    succes = gettext_lazy("La demande est réattribuée.")

    def executer(self, demande, formulaire):
        services.demande_reattribuer(
            demande=demande,
            auteur=self.request.user,
            motif=formulaire.cleaned_data["motif"],
            **formulaire.cleaned_data["cible"],
        )

    def url_suivante(self, demande):
        # Given to another team, the demande may leave this expert's sight.
        if selectors.demande_reste_visible_cpam(self.request.user, demande):
            return super().url_suivante(demande)
        return reverse("demandes_admin:boite")
