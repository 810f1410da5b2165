"""The invitation link: create one's account, or attach an existing one, to a structure.

Public (the invited person has no account yet). The token in the URL is the only credential:
it is checked first, and every page it opens is kept out of caches.
"""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from portail.middleware import vue_publique

from .. import selectors, services
from ..forms import InscriptionInvitationForm

GABARITS = "conventions/invitation/"


def _page_invalide(request, raison: str):
    statut = 404 if raison == "inconnue" else 410
    return render(request, f"{GABARITS}invalide.html", {"raison": raison}, status=statut)


@vue_publique
@never_cache
def accepter(request, jeton: str):
    try:
        invitation = services.invitation_trouver(jeton)
    except services.InvitationInvalide as erreur:
        return _page_invalide(request, erreur.raison)
    contexte = {"invitation": invitation, "partenaire": invitation.partenaire}

    utilisateur = request.user
    if utilisateur.is_authenticated:
        if not utilisateur.is_verified():
            return _connexion_requise(request, contexte)
        if utilisateur.email.lower() != invitation.email:
            return render(request, f"{GABARITS}autre_compte.html", contexte, status=403)
        return _rattacher_compte(request, jeton, contexte)

    if selectors.compte_existe(invitation.email):
        return _connexion_requise(request, contexte)
    return _creer_compte(request, jeton, invitation, contexte)


def _connexion_requise(request, contexte):
    url = reverse("portail:connexion")
    contexte["url_connexion"] = f"{url}?{urlencode({'next': request.path})}"
    return render(request, f"{GABARITS}connexion_requise.html", contexte)


def _rattacher_compte(request, jeton: str, contexte):
    """A verified person whose address matches joins one more structure (itinerant agents)."""
    if request.method == "POST":
        try:
            services.invitation_accepter(jeton=jeton, utilisateur=request.user)
        except services.InvitationInvalide as erreur:
            return _page_invalide(request, erreur.raison)
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        else:
            messages.success(
                request,
                _("Vous faites désormais partie de la structure « %(nom)s ».")
                % {"nom": contexte["partenaire"].nom},
            )
            return redirect("portail:accueil")
    return render(request, f"{GABARITS}rattacher.html", contexte)


def _creer_compte(request, jeton: str, invitation, contexte):
    form = InscriptionInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            utilisateur = services.invitation_accepter(
                jeton=jeton,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                phone=form.cleaned_data["phone"],
                password=form.cleaned_data["password1"],
            )
        except services.InvitationInvalide as erreur:
            return _page_invalide(request, erreur.raison)
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            login(request, utilisateur, backend="django.contrib.auth.backends.ModelBackend")
            # No second factor yet: enrolment is the only page open to the new account.
            return redirect("portail:enrolement")
    return render(request, f"{GABARITS}inscription.html", {**contexte, "form": form})
