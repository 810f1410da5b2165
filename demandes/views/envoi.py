"""Sending a new demande for an insured person."""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from conventions.acces import acces_partenaire_requis
from conventions.models import Service

from .. import routage, selectors, services
from ..forms import DemandeForm
from ..templatetags.demandes_partenaire import date_heure
from .pieces import pieces_du_formulaire, pieces_gardees
from .suivi import vers_le_back_office

logger = logging.getLogger(__name__)


def _page(request, form, *, pieces=(), **contexte):
    partenaires, categorie = form.territoire_saisi()
    return render(
        request,
        "demandes/nouvelle.html",
        {
            "form": form,
            "pieces": pieces,
            "telephone": selectors.telephone_tres_urgent(
                partenaires=partenaires, categorie=categorie
            ),
            **contexte,
        },
    )


@acces_partenaire_requis(Service.MESSAGERIE)
def nouvelle(request):
    if request.acces.personnel_cpam:
        return vers_le_back_office(request)
    partenaires = request.acces.partenaires
    if request.method != "POST":
        # "Faire une demande" buttons of reference sheets preselect a category by its slug; an
        # unknown or withdrawn one simply selects nothing.
        initial = {"categorie": request.GET.get("categorie", "")[:40]}
        return _page(request, DemandeForm(initial=initial, partenaires=partenaires))

    form = DemandeForm(request.POST, request.FILES, partenaires=partenaires)
    if form.tres_urgente:
        # Nothing is sent nor stored: the agent must call. What was typed stays on the page.
        copie = DemandeForm(initial=form.valeurs_saisies(), partenaires=partenaires)
        return _page(request, copie, pieces=pieces_gardees(request), tres_urgente=True)

    form.is_valid()
    pieces = pieces_du_formulaire(request, form)
    if form.errors:
        return _page(request, form, pieces=pieces.toutes)

    donnees = form.cleaned_data
    partenaire = form.partenaire_choisi()
    try:
        demande = services.demande_creer(
            auteur=request.user,
            partenaire=partenaire,
            categorie=donnees["categorie"],
            urgence=donnees["urgence"],
            objet=donnees["objet"],
            description=donnees["description"],
            nir=donnees["nir"],
            nom=donnees["nom"],
            prenom=donnees["prenom"],
            date_naissance=donnees["date_naissance"],
            complements=form.complements(),
            partagee=donnees["partagee"],
            pieces=pieces.toutes,
        )
    except routage.AucuneRegle:
        # A configuration gap of the CPAM, not the agent's mistake: they are told to call, the
        # team is alerted through the error log (no personal data in it), nothing is kept.
        logger.error(
            "Aucune règle de routage pour la catégorie %s et le département %s",
            donnees["categorie"].slug,
            partenaire.departement,
        )
        services.pieces_retirer(
            utilisateur=request.user, uuids=[piece.uuid for piece in pieces.nouvelles]
        )
        anciennes = [piece for piece in pieces.toutes if piece not in pieces.nouvelles]
        return _page(request, form, pieces=anciennes, aucune_regle=True)
    except ValidationError as erreur:
        form.add_error(None, erreur)
        return _page(request, form, pieces=pieces.toutes)

    if demande.expert_id:
        suivi = _("Elle est confiée à %(expert)s.") % {"expert": demande.expert}
    else:
        suivi = _("Elle sera confiée au plus vite à un expert de la CPAM.")
    messages.success(
        request,
        _(
            "Votre demande est envoyée sous la référence %(reference)s. %(suivi)s "
            "Première réponse attendue avant le %(echeance)s."
        )
        % {
            "reference": demande.reference,
            "suivi": suivi,
            "echeance": date_heure(demande.echeance),
        },
    )
    return redirect("demandes:detail", reference=demande.reference)
