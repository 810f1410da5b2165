"""The référent's page: their structure, its members, invitations, deactivation and roles.

Every view fetches the structure through `selectors.partenaires_geres`, so a person who does not
manage it (an agent, the référent of another structure) gets 404 whatever the URL. Writes happen
on POST only; a GET on a write URL leads back to the structure's page.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from portail.formulaires import message_d_erreur

from .. import selectors, services
from ..acces import acces_partenaire_requis
from ..forms import ChangementRoleForm, InvitationForm
from ..models import Adhesion

STRUCTURES_PAR_PAGE = 50


def _structure_geree(request, pk: int):
    return get_object_or_404(selectors.partenaires_geres(request.user), pk=pk)


def _adhesion_de_la_structure(partenaire, adhesion_pk: int) -> Adhesion:
    return get_object_or_404(selectors.adhesions_de_la_structure(partenaire), pk=adhesion_pk)


def _retour(request, partenaire):
    """Back to the structure's page, or home when the person no longer manages it (they
    deactivated themselves or gave up their référent role)."""
    if selectors.partenaires_geres(request.user).filter(pk=partenaire.pk).exists():
        return redirect("conventions:structure", pk=partenaire.pk)
    return redirect("portail:accueil")


def _page_structure(request, partenaire, form_invitation=None, status: int = 200):
    contexte = {
        "partenaire": partenaire,
        "convention": selectors.convention_courante(partenaire),
        "adhesions": list(selectors.adhesions_de_la_structure(partenaire)),
        "invitations": list(selectors.invitations_en_attente(partenaire)),
        "form": form_invitation or InvitationForm(),
    }
    return render(request, "conventions/structure/detail.html", contexte, status=status)


@acces_partenaire_requis()
def mes_structures(request):
    partenaires = selectors.partenaires_geres(request.user)
    page = Paginator(partenaires, STRUCTURES_PAR_PAGE).get_page(request.GET.get("page"))
    if page.paginator.count == 0:
        raise Http404(_("Vous ne gérez aucune structure."))
    if page.paginator.count == 1:
        return redirect("conventions:structure", pk=page.object_list[0].pk)
    return render(request, "conventions/structure/liste.html", {"page": page})


@acces_partenaire_requis()
def structure_detail(request, pk: int):
    return _page_structure(request, _structure_geree(request, pk))


@acces_partenaire_requis()
def inviter(request, pk: int):
    partenaire = _structure_geree(request, pk)
    if request.method != "POST":
        return redirect("conventions:structure", pk=partenaire.pk)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_creer(
                partenaire=partenaire,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                auteur=request.user,
            )
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            messages.success(
                request,
                _("Invitation envoyée à %(email)s. Le lien est valable 72 heures.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("conventions:structure", pk=partenaire.pk)
    return _page_structure(request, partenaire, form_invitation=form)


@acces_partenaire_requis()
def desactiver(request, pk: int, adhesion_pk: int):
    partenaire = _structure_geree(request, pk)
    adhesion = _adhesion_de_la_structure(partenaire, adhesion_pk)
    if request.method != "POST":
        return redirect("conventions:structure", pk=partenaire.pk)
    nom = adhesion.utilisateur.get_full_name() or adhesion.utilisateur.email
    if not adhesion.active:
        messages.info(request, _("L'accès de %(nom)s est déjà désactivé.") % {"nom": nom})
        return redirect("conventions:structure", pk=partenaire.pk)
    if request.POST.get("confirmer") != "oui":
        return render(
            request,
            "conventions/structure/desactiver_confirmer.html",
            {"partenaire": partenaire, "adhesion": adhesion, "nom": nom},
        )
    try:
        services.adhesion_desactiver(adhesion=adhesion, auteur=request.user)
    except ValidationError as erreur:
        messages.error(request, message_d_erreur(erreur))
        return redirect("conventions:structure", pk=partenaire.pk)
    messages.success(
        request,
        _(
            "L'accès de %(nom)s à la structure est désactivé dès maintenant. "
            "L'historique est conservé."
        )
        % {"nom": nom},
    )
    return _retour(request, partenaire)


@acces_partenaire_requis()
def changer_role(request, pk: int, adhesion_pk: int):
    partenaire = _structure_geree(request, pk)
    adhesion = _adhesion_de_la_structure(partenaire, adhesion_pk)
    if request.method != "POST":
        return redirect("conventions:structure", pk=partenaire.pk)
    form = ChangementRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["role"]))
        return redirect("conventions:structure", pk=partenaire.pk)
    role = form.cleaned_data["role"]
    try:
        adhesion = services.adhesion_changer_role(adhesion=adhesion, role=role, auteur=request.user)
    except ValidationError as erreur:
        messages.error(request, message_d_erreur(erreur))
        return redirect("conventions:structure", pk=partenaire.pk)
    nom = adhesion.utilisateur.get_full_name() or adhesion.utilisateur.email
    messages.success(
        request,
        _("%(nom)s est désormais %(role)s de la structure.")
        % {"nom": nom, "role": adhesion.get_role_display().lower()},
    )
    return _retour(request, partenaire)
