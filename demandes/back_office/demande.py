"""The demande screen of the back-office and the expert's actions on it.

Every action is a POST to its own URL, goes through a service, and comes back to the screen
(Post/Redirect/Get); a refused action re-renders the screen with the form as it was typed.
Whoever cannot see the demande gets 404, on the screen and on every action.

The answer form works without script: « Insérer » (a canned reply) and « Enregistrer le
brouillon » post the form and re-render it with nothing lost. The screen's script
(static/demandes/ecran-demande.js) does both in place: it inserts the canned reply's text, as
the server renders it, at the cursor, and saves the draft as the expert types.
"""

from abc import ABCMeta, abstractmethod

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from conventions.back_office.communs import ajouter_erreurs
from portail import menu_admin
from portail.dates import heure

from .. import selectors, services
from ..models import Demande, Message, ReponseType
from .affichage import complements_lisibles, horloge, nir_lisible, url_piece
from .boite import fil_d_ariane
from .fil_ecran import fil_html
from .forms import (
    BrouillonForm,
    InformationForm,
    NoteForm,
    ReattributionForm,
    ReponseForm,
)

Statut = Demande.Statut

FORMULAIRES = {
    "repondre": ReponseForm,
    "note": NoteForm,
    "information": InformationForm,
    "reattribuer": ReattributionForm,
}


def texte_avec_reponse_type(texte: str, reponse_type: ReponseType) -> str:
    """The answer with a canned reply added at its end (the screen's script inserts the same
    text at the cursor instead)."""
    texte = texte.rstrip()
    return f"{texte}\n\n{reponse_type.corps}" if texte else reponse_type.corps


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
        menu_admin.garder_le_menu_en_cache(request)
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
        """Every action's form, unbound but for the one just posted. The answer starts from
        the expert's draft, with the canned reply chosen by a link (?reponse_type=) added."""
        possibles = actions_possibles(self.objet)
        formulaires = {}
        for action in FORMULAIRES:
            if lie is not None and lie[0] == action:
                formulaires[action] = lie[1]
            elif action in possibles:
                initial = {}
                if action == "repondre":
                    corps = self.brouillon.corps if self.brouillon else ""
                    if self.reponse_type_choisie:
                        corps = texte_avec_reponse_type(corps, self.reponse_type_choisie)
                    initial["corps"] = corps
                formulaires[action] = self.formulaire(action, initial=initial)
        return formulaires

    @cached_property
    def brouillon(self):
        return selectors.brouillon_de(self.request.user, self.objet)

    @cached_property
    def reponses_types(self):
        return list(selectors.reponses_types_pour(self.objet))

    @cached_property
    def reponse_type_choisie(self):
        choix = self.request.GET.get("reponse_type", "")
        return next((r for r in self.reponses_types if str(r.pk) == choix), None)

    def formulaire_reponse(self, **kwargs) -> ReponseForm:
        return self.formulaire(
            "repondre", data=self.request.POST, files=self.request.FILES, **kwargs
        )

    # Context -------------------------------------------------------------------------------------

    def get_context_data(self, lie=None, en_erreur=True, **kwargs):
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
            fil_html=fil_html(demande, fil),
            dernier_message=max((message.pk for message in fil), default=0),
            routages=selectors.historique_routage(demande),
            horloge=horloge(demande, timezone.now()),
            nir=nir_lisible(demande.nir),
            complements=complements_lisibles(demande),
            formulaires=formulaires,
            formulaire_en_erreur=lie[1] if lie and en_erreur else None,
            action_en_erreur=lie[0] if lie and en_erreur else "",
            brouillon=self.brouillon,
            reponses_types=self.reponses_types,
            reponse_type_choisie=self.reponse_type_choisie,
            type_note=Message.Type.NOTE,
            url_boite=reverse("demandes_admin:boite"),
            url_ecran=reverse("demandes_admin:demande", args=[demande.reference]),
            url_brouillon=reverse("demandes_admin:brouillon", args=[demande.reference]),
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
        formulaire = self.formulaire_lie()
        if formulaire.is_valid():
            try:
                self.executer(demande, formulaire)
            except ValidationError as erreur:
                ajouter_erreurs(formulaire, erreur)
            else:
                messages.success(request, self.succes)
                return redirect(self.url_suivante(demande))
        return self.render_to_response(self.get_context_data(lie=(self.action, formulaire)))

    def formulaire_lie(self):
        return self.formulaire(self.action, data=self.request.POST, files=self.request.FILES)

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
    """« Envoyer la réponse », or « Envoyer et résoudre »: the answer becomes the resolution
    message, in the one service that resolves (nothing is resolved if anything is refused)."""

    action = "repondre"

    @property
    def resoudre(self) -> bool:
        return "resoudre" in self.request.POST

    @property
    def succes(self):
        if self.resoudre:
            return _(
                "Votre réponse est envoyée et la demande résolue ; le partenaire en est prévenu."
            )
        return _("Votre réponse est envoyée ; le partenaire en est prévenu.")

    def formulaire_lie(self):
        return self.formulaire_reponse(resoudre=self.resoudre)

    def executer(self, demande, formulaire):
        if not self.resoudre:
            return super().executer(demande, formulaire)
        services.demande_resoudre(
            demande=demande,
            auteur=self.request.user,
            issue=formulaire.cleaned_data["issue"],
            corps=formulaire.cleaned_data["corps"],
            pieces=formulaire.pieces_deposees,
        )


class _ReponseEnCoursView(DemandeView):
    """The answer form posted for something else than sending it: re-rendered as it was
    typed, its files kept (stored by the form's check), without the errors of a send."""

    http_method_names = ["post"]

    def reafficher(
        self, formulaire: ReponseForm, corps: str | None = None, erreur: str = "", annonce=""
    ):
        """`annonce` is shown next to the form (its status line), where the expert is."""
        formulaire.is_valid()
        for champ in ("corps", "issue"):
            formulaire.errors.pop(champ, None)
        if erreur:
            formulaire.add_error("corps", erreur)
        if corps is not None:
            formulaire.data[formulaire.add_prefix("corps")] = corps
        contexte = self.get_context_data(
            lie=("repondre", formulaire), en_erreur=bool(formulaire.errors), annonce=annonce
        )
        return self.render_to_response(contexte)


class InsererReponseTypeView(_ReponseEnCoursView):
    """Without script: the chosen canned reply added to the answer being written."""

    def post(self, request, *args, **kwargs):
        formulaire = self.formulaire_reponse()
        choix = request.POST.get("reponse_type", "")
        reponse_type = next((r for r in self.reponses_types if str(r.pk) == choix), None)
        corps = request.POST.get(formulaire.add_prefix("corps"), "")
        if reponse_type is None:
            return self.reafficher(formulaire, annonce=_("Choisissez une réponse type à insérer."))
        return self.reafficher(
            formulaire,
            texte_avec_reponse_type(corps, reponse_type),
            annonce=_(
                "La réponse type « %(titre)s » est ajoutée à la fin de votre réponse : relisez-la "
                "et adaptez-la avant l'envoi."
            )
            % {"titre": reponse_type.titre},
        )


class BrouillonView(_ReponseEnCoursView):
    """The answer kept as a draft: from the screen's script as the expert types (JSON), or by
    « Enregistrer le brouillon » without script (the screen, re-rendered)."""

    def post(self, request, *args, **kwargs):
        script = "application/json" in request.headers.get("Accept", "")
        brouillon = BrouillonForm(request.POST, prefix="repondre")
        erreur, enregistre = "", None
        if brouillon.is_valid():
            try:
                enregistre = services.brouillon_enregistrer(
                    demande=self.objet,
                    auteur=request.user,
                    corps=brouillon.cleaned_data["corps"],
                    vu_jusqu_a=brouillon.cleaned_data["dernier_message"],
                )
            except ValidationError as refus:
                erreur = " ".join(refus.messages)
        else:
            erreur = " ".join(brouillon.errors["corps"])
        if script:
            if erreur:
                return JsonResponse({"erreur": erreur}, status=400)
            if enregistre is None:
                return JsonResponse({"message": _("Brouillon effacé.")})
            return JsonResponse(
                {
                    "message": _("Brouillon enregistré à %(heure)s.")
                    % {"heure": heure(enregistre.modifie_le)}
                }
            )
        formulaire = self.formulaire_reponse()
        if erreur:
            return self.reafficher(formulaire, erreur=erreur)
        return self.reafficher(
            formulaire,
            annonce=_(
                "Votre brouillon est enregistré : vous le retrouverez en revenant sur cette "
                "demande. Le brouillon garde le texte, pas les pièces jointes."
            ),
        )


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
