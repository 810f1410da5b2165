"""Following demandes: the list, one demande's page with its thread, and the partner's actions
(reply, reopen, confirm the closure)."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conventions.acces import acces_partenaire_requis
from conventions.models import Service

from .. import selectors, services
from ..forms import PERIODES, FiltresForm, MessageForm, ReouvertureForm, complements_lisibles
from ..models import Demande
from .pieces import pieces_du_formulaire

DEMANDES_PAR_PAGE = 25
BACK_OFFICE = "/admin/demandes/"
Statut = Demande.Statut


def vers_le_back_office(request):
    """CPAM staff pass the access rule but work demandes in the back-office."""
    return redirect(BACK_OFFICE)


@acces_partenaire_requis(Service.MESSAGERIE)
def liste(request):
    if request.acces.personnel_cpam:
        return vers_le_back_office(request)
    filtres = FiltresForm(
        request.GET,
        categories=selectors.categories_pour_filtre_partenaire(),
        structures=request.acces.partenaires,
    )
    valeurs = filtres.valeurs()
    jours = PERIODES.get(valeurs["periode"])
    demandes = selectors.mes_demandes(
        request.user,
        request.acces,
        statut=valeurs["statut"],
        portee=valeurs["portee"],
        categorie=valeurs["categorie"],
        depuis=timezone.now() - timedelta(days=jours) if jours else None,
        structure=valeurs["structure"],
    )
    page = Paginator(demandes, DEMANDES_PAR_PAGE).get_page(request.GET.get("page"))
    contexte = {
        "page": page,
        "filtres": filtres,
        "valeurs": valeurs,
        "filtre": filtres.filtre,
        "compteurs": selectors.compteurs_partenaire(request.user, request.acces),
        "plusieurs_structures": len(request.acces.partenaires) > 1,
    }
    return render(request, "demandes/liste.html", contexte)


def _demande_visible(request, reference: str) -> Demande:
    demande = selectors.demande_pour_ecran_partenaire(request.user, request.acces, reference)
    if demande is None:
        raise Http404(_("Aucune demande à suivre sous cette référence."))
    return demande


def _page_demande(
    request, demande, *, form_message=None, form_reouverture=None, pieces=(), status=200
):
    close = demande.statut in (Statut.RESOLUE, Statut.CLOTUREE)
    reouvrable = services.reouverture_possible(demande)
    if form_message is None and not close:
        form_message = MessageForm()
    if form_reouverture is None and reouvrable:
        form_reouverture = ReouvertureForm()
    contexte = {
        "demande": demande,
        "fil": selectors.fil_partenaire(demande),
        "complements": complements_lisibles(demande.complements),
        "form_message": form_message,
        "form_reouverture": form_reouverture,
        "reouvrable": reouvrable,
        "reouverture_limite": (
            demande.resolue_le + timedelta(days=settings.DEMANDES_JOURS_AVANT_CLOTURE)
            if demande.resolue_le
            else None
        ),
        "pieces": pieces,
        "telephone": selectors.telephone_tres_urgent(demande=demande),
        "cloture_sans_suite_le": (
            services.cloture_sans_suite_prevue_le(demande) if demande.ouverte else None
        ),
    }
    return render(request, "demandes/detail.html", contexte, status=status)


@acces_partenaire_requis(Service.MESSAGERIE)
def detail(request, reference: str):
    demande = _demande_visible(request, reference)
    services.demande_lue_par_partenaire(demande=demande, utilisateur=request.user)
    return _page_demande(request, demande)


@require_POST
@acces_partenaire_requis(Service.MESSAGERIE)
def repondre(request, reference: str):
    demande = _demande_visible(request, reference)
    form = MessageForm(request.POST, request.FILES)
    form.is_valid()
    pieces = pieces_du_formulaire(request, form)
    if not form.errors:
        try:
            services.message_partenaire_envoyer(
                demande=demande,
                auteur=request.user,
                corps=form.cleaned_data["corps"],
                pieces=pieces.toutes,
            )
        except ValidationError as erreur:
            # Closed meanwhile (TransitionInterdite) or too many files: the text stays.
            form.add_error(None, erreur)
        else:
            messages.success(request, _("Votre message est envoyé à la CPAM."))
            return redirect("demandes:detail", reference=demande.reference)
    return _page_demande(request, demande, form_message=form, pieces=pieces.toutes)


@require_POST
@acces_partenaire_requis(Service.MESSAGERIE)
def rouvrir(request, reference: str):
    demande = _demande_visible(request, reference)
    if not services.reouverture_possible(demande):
        messages.error(
            request,
            _(
                "Cette demande ne peut plus être rouverte : envoyez une nouvelle demande en "
                "rappelant la référence %(reference)s."
            )
            % {"reference": demande.reference},
        )
        return redirect("demandes:detail", reference=demande.reference)
    form = ReouvertureForm(request.POST)
    if not form.is_valid():
        return _page_demande(request, demande, form_reouverture=form)
    try:
        services.demande_rouvrir(
            demande=demande, auteur=request.user, corps=form.cleaned_data["motif"]
        )
    except services.TransitionInterdite as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(
            request, _("La demande est rouverte : l'expert de la CPAM en est informé.")
        )
    return redirect("demandes:detail", reference=demande.reference)


@require_POST
@acces_partenaire_requis(Service.MESSAGERIE)
def cloturer(request, reference: str):
    demande = _demande_visible(request, reference)
    try:
        services.demande_cloturer(demande=demande, auteur=request.user)
    except services.TransitionInterdite as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(
            request,
            _("Merci : la demande %(reference)s est clôturée.") % {"reference": demande.reference},
        )
    return redirect("demandes:detail", reference=demande.reference)
