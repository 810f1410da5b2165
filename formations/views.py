"""The partner portal's training pages: sessions, registering, my registrations, calendars, and
the référent's page for the structure's agents.

Every page needs the access rule with the "formations" service (a convention in force that
opens trainings); objects are fetched through selectors that return only what the person may
see, so any other id gives 404. Writes happen on POST only; a refused rule comes back as a
message in French, nothing written.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from conventions.acces import acces_partenaire_requis
from conventions.models import Service
from conventions.selectors import acces_portail
from conventions.services import empreinte_jeton
from portail.formulaires import message_d_erreur
from portail.liens import adresse_absolue
from portail.middleware import vue_publique

from . import selectors, services
from .calendrier import calendrier_ics
from .documents import attestation_pdf, nom_fichier_attestation
from .forms import InscriptionAgentForm
from .models import Inscription

SESSIONS_PAR_PAGE = 20
STRUCTURES_PAR_PAGE = 50
formations_requises = acces_partenaire_requis(Service.FORMATIONS)


def _session_visible(request, pk: int):
    session = selectors.session_pour_detail(request.user, request.acces, pk)
    if session is None:
        raise Http404(_("Session introuvable."))
    return session


# Sessions ---------------------------------------------------------------------------------------


@formations_requises
def sessions(request):
    disponibles = request.GET.get("disponibles") == "1"
    sessions = selectors.sessions_pour_liste(request.user, request.acces, disponibles=disponibles)
    page = Paginator(sessions, SESSIONS_PAR_PAGE).get_page(request.GET.get("page"))
    etats = dict(Inscription.Etat.choices)
    for session in page.object_list:
        session.libelle_mon_etat = etats.get(session.mon_etat, "")
    return render(
        request,
        "formations/sessions.html",
        {
            "page": page,
            "disponibles": disponibles,
            "gere_des_structures": selectors.structures_pour_formations(
                request.user, request.acces
            ).exists(),
        },
    )


@formations_requises
def session(request, pk: int):
    session = _session_visible(request, pk)
    inscription = selectors.inscription_de(request.user, session)
    inscrit = inscription is not None and inscription.etat in Inscription.OCCUPE_UNE_PLACE
    active = inscription is not None and inscription.etat != Inscription.Etat.ANNULE
    maintenant = timezone.now()
    ouverte = (
        session.statut in selectors.STATUTS_INSCRIPTIBLES
        and maintenant < session.cloture_le
        and session.campagne.inscriptions_ouvertes()
    )
    return render(
        request,
        "formations/session.html",
        {
            "session": session,
            "inscription": inscription,
            "rang": selectors.rang_en_attente(inscription) if inscription else None,
            "voit_le_lien": inscrit,
            "inscriptions_closes": maintenant >= session.cloture_le,
            "peut_s_inscrire": ouverte and not active and not request.acces.personnel_cpam,
            "peut_annuler": active
            and inscription.etat in (Inscription.Etat.INSCRIT, Inscription.Etat.LISTE_ATTENTE)
            and maintenant < session.debut,
        },
    )


@formations_requises
def s_inscrire(request, pk: int):
    session = _session_visible(request, pk)
    if request.method != "POST":
        return redirect("formations:session", pk=session.pk)
    try:
        inscription = services.inscription_creer(
            session=session, agent=request.user, auteur=request.user
        )
    except ValidationError as erreur:
        messages.error(request, message_d_erreur(erreur))
    else:
        if inscription.etat == Inscription.Etat.INSCRIT:
            messages.success(
                request,
                _("Votre inscription à la session est confirmée. Un e-mail vous le confirme."),
            )
        else:
            messages.success(
                request,
                _(
                    "La session est complète : vous êtes en liste d'attente. Un e-mail vous "
                    "avertira si une place se libère."
                ),
            )
    return redirect("formations:session", pk=session.pk)


@formations_requises
def session_ics(request, pk: int):
    session = _session_visible(request, pk)
    inscription = selectors.inscription_de(request.user, session)
    avec_lien = inscription is not None and inscription.etat in Inscription.OCCUPE_UNE_PLACE
    contenu = calendrier_ics([(session, avec_lien)], nom=session.titre)
    reponse = HttpResponse(contenu, content_type="text/calendar; charset=utf-8")
    reponse["Content-Disposition"] = f'attachment; filename="formation-{session.pk}.ics"'
    return reponse


# My registrations -------------------------------------------------------------------------------


@formations_requises
def mes_inscriptions(request):
    maintenant = timezone.now()
    inscriptions = list(selectors.mes_inscriptions(request.user))
    return render(
        request,
        "formations/mes_inscriptions.html",
        {
            "a_venir": [i for i in inscriptions if i.session.fin > maintenant][::-1],
            "passees": [i for i in inscriptions if i.session.fin <= maintenant],
            "jeton": selectors.jeton_calendrier_de(request.user),
        },
    )


@formations_requises
def annuler(request, pk: int):
    inscription = get_object_or_404(selectors.inscriptions_gerables(request.user), pk=pk)
    retour = (
        redirect("formations:mes_inscriptions")
        if inscription.agent_id == request.user.pk
        else redirect("formations:structure", pk=inscription.partenaire_id)
    )
    if request.method != "POST":
        return retour
    if request.POST.get("confirmer") != "oui":
        return render(request, "formations/annuler_confirmer.html", {"inscription": inscription})
    try:
        services.inscription_annuler(inscription=inscription, auteur=request.user)
    except ValidationError as erreur:
        messages.error(request, message_d_erreur(erreur))
    else:
        messages.success(request, _("L'inscription est annulée."))
    return retour


@formations_requises
def attestation(request, pk: int):
    """The person's own certificate of attendance, or one of their structure's agents for a
    référent; anything else (another agent's, another structure's, no attendance) is 404."""
    inscription = selectors.attestation_visible(request.user, pk)
    if inscription is None:
        raise Http404(_("Attestation introuvable."))
    reponse = HttpResponse(attestation_pdf(inscription), content_type="application/pdf")
    reponse["Content-Disposition"] = (
        f'attachment; filename="{nom_fichier_attestation(inscription)}"'
    )
    reponse["Cache-Control"] = "private, no-store"
    return reponse


# Calendar feed ----------------------------------------------------------------------------------


@formations_requises
def calendrier_regenerer(request):
    if request.method != "POST":
        return redirect("formations:mes_inscriptions")
    jeton = services.jeton_calendrier_regenerer(utilisateur=request.user)
    adresse = adresse_absolue("formations:flux_calendrier", jeton)
    # Shown once, in this response only: the token is stored as a hash.
    return render(request, "formations/calendrier_adresse.html", {"adresse": adresse})


@formations_requises
def calendrier_revoquer(request):
    if request.method == "POST" and services.jeton_calendrier_revoquer(utilisateur=request.user):
        messages.success(
            request, _("L'adresse de votre agenda est supprimée : elle ne fonctionne plus.")
        )
    return redirect("formations:mes_inscriptions")


@vue_publique
def flux_calendrier(request, jeton: str):
    """The personal feed, read by calendar applications without a session: the private token
    is the key. An unknown token, or a person who lost access, gets 404."""
    trouve = selectors.jeton_calendrier_trouver(empreinte_jeton(jeton))
    if trouve is None:
        raise Http404
    utilisateur = trouve.utilisateur
    if not utilisateur.is_active or not acces_portail(utilisateur, Service.FORMATIONS).autorise:
        raise Http404
    inscriptions = selectors.sessions_du_calendrier(utilisateur)
    contenu = calendrier_ics(
        [(inscription.session, True) for inscription in inscriptions],
        nom=_("Mes formations — Solidaires et partenaires"),
    )
    reponse = HttpResponse(contenu, content_type="text/calendar; charset=utf-8")
    reponse["Cache-Control"] = "private, no-store"
    return reponse


# Référent ---------------------------------------------------------------------------------------


def _structure(request, pk: int):
    return get_object_or_404(
        selectors.structures_pour_formations(request.user, request.acces), pk=pk
    )


@formations_requises
def mes_structures(request):
    structures = selectors.structures_pour_formations(request.user, request.acces)
    page = Paginator(structures, STRUCTURES_PAR_PAGE).get_page(request.GET.get("page"))
    if page.paginator.count == 0:
        raise Http404(_("Vous ne gérez aucune structure."))
    if page.paginator.count == 1:
        return redirect("formations:structure", pk=page.object_list[0].pk)
    return render(request, "formations/structures.html", {"page": page})


def _page_structure(request, partenaire, form=None, status: int = 200):
    agents = list(selectors.agents_de_la_structure(partenaire))
    return render(
        request,
        "formations/structure.html",
        {
            "partenaire": partenaire,
            "agents": agents,
            "non_formes": [adhesion for adhesion in agents if not adhesion.forme],
            "inscriptions": list(selectors.inscriptions_de_la_structure(partenaire)),
            "attestations": selectors.attestations_de_la_structure(partenaire),
            "form": form or InscriptionAgentForm(partenaire=partenaire),
            "maintenant": timezone.now(),
        },
        status=status,
    )


@formations_requises
def structure(request, pk: int):
    return _page_structure(request, _structure(request, pk))


@formations_requises
def inscrire_agent(request, pk: int):
    partenaire = _structure(request, pk)
    if request.method != "POST":
        return redirect("formations:structure", pk=partenaire.pk)
    form = InscriptionAgentForm(request.POST, partenaire=partenaire)
    if form.is_valid():
        agent = form.cleaned_data["agent"]
        try:
            inscription = services.inscription_creer(
                session=form.cleaned_data["session"],
                agent=agent,
                auteur=request.user,
                partenaire=partenaire,
            )
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            nom = agent.get_full_name() or agent.email
            if inscription.etat == Inscription.Etat.INSCRIT:
                message = _(
                    "Inscription de %(nom)s confirmée ; un e-mail de confirmation lui est envoyé."
                )
            else:
                message = _(
                    "La session est complète : %(nom)s est en liste d'attente ; un e-mail "
                    "l'avertira si une place se libère."
                )
            messages.success(request, message % {"nom": nom})
            return redirect("formations:structure", pk=partenaire.pk)
    return _page_structure(request, partenaire, form=form)
