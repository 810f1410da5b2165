"""HTTP views of the portal shell: home, login with second factor, account security, health."""

import functools
import json
from base64 import b32encode
from datetime import UTC, datetime, timedelta

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import selectors, services
from .donnees_personnelles import donnees_de, registre_traitement
from .forms import (
    CodeForm,
    CodeTotpForm,
    ConnexionForm,
    DemandeMotDePasseForm,
    ReauthentificationForm,
)
from .journal import journaliser
from .liens import adresse_absolue, adresse_du_chemin
from .middleware import vue_etape_connexion, vue_publique
from .models import EntreeJournal, EvenementSecurite
from .retention import durees_conservation
from .roles import espace_de

CLE_SUIVANT = "portail_connexion_suivant"
CLE_CODES_A_AFFICHER = "portail_codes_secours_a_afficher"
CLE_REAUTHENTIFICATION = "portail_reauthentification_le"


def _url_sure(request, url: str | None, defaut: str) -> str:
    # A path on this site only: `redirect()` would read "0" or "abc" as a view name (500).
    if (
        url
        and url.startswith("/")
        and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return url
    return defaut


# Home and public pages -------------------------------------------------------------------------


def page_statique(gabarit: str):
    @vue_publique
    def vue(request):
        return render(request, gabarit)

    return vue


# Login, step 1: e-mail and password ------------------------------------------------------------


class ConnexionView(auth_views.LoginView):
    vue_publique = True
    form_class = ConnexionForm
    template_name = "portail/connexion.html"
    redirect_authenticated_user = False

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_verified():
            # Already logged in: their workspace, not `next`, which may be a page this person
            # may not open (the Wagtail admin for a partner) and would send them back here
            # forever.
            return redirect(espace_de(request.user))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        suivant = self.get_redirect_url()
        utilisateur = form.get_user()
        auth_login(self.request, utilisateur)  # a new session key is issued here
        if suivant:
            self.request.session[CLE_SUIVANT] = suivant
        if user_has_device(utilisateur, confirmed=True):
            return redirect("portail:verification")
        return redirect("portail:enrolement")


# Login, step 2: code ---------------------------------------------------------------------------


def _apres_verification(request) -> HttpResponseRedirect:
    # A safe `next` wins; otherwise each person lands on their own workspace.
    suivant = request.session.pop(CLE_SUIVANT, None)
    return redirect(_url_sure(request, suivant, espace_de(request.user)))


@vue_etape_connexion
def verification(request):
    utilisateur = request.user
    if utilisateur.is_verified():
        return _apres_verification(request)
    if not user_has_device(utilisateur, confirmed=True):
        return redirect("portail:enrolement")

    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appareil = services.second_facteur_verifier(
                utilisateur=utilisateur, code=form.cleaned_data["code"]
            )
        except ValidationError as erreur:
            form.add_error("code", erreur)
        else:
            otp_login(request, appareil)
            request.session.cycle_key()
            if isinstance(appareil, StaticDevice):
                _prevenir_code_secours_utilise(
                    request,
                    appareil,
                    _(
                        "Vous vous êtes connecté avec un code de secours ; il ne servira plus. "
                        "Il vous en reste %(restants)s. Régénérez-les depuis « Sécurité du "
                        "compte »."
                    ),
                )
            return _apres_verification(request)
    return render(request, "portail/verification.html", {"form": form})


def _prevenir_code_secours_utilise(request, appareil: StaticDevice, message: str) -> None:
    restants = StaticToken.objects.filter(device=appareil).count()
    messages.warning(request, message % {"restants": restants})


# Enrolment and device replacement --------------------------------------------------------------


def _contexte_appareil(appareil: TOTPDevice) -> dict:
    secret = b32encode(appareil.bin_key).decode()
    qr = segno.make(appareil.config_url, error="m")
    return {
        "qr_svg": qr.svg_inline(
            border=2,
            omitsize=True,
            title=_("QR code à scanner avec votre application d'authentification"),
        ),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }


def _confirmer_appareil(request, appareil: TOTPDevice, gabarit: str, contexte: dict):
    form = CodeTotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not appareil.verify_is_allowed()[0]:
        form.add_error("code", services.MESSAGE_TROP_D_ESSAIS)
    elif request.method == "POST" and form.is_valid():
        codes = services.appareil_totp_confirmer(
            utilisateur=request.user, appareil=appareil, code=form.cleaned_data["code"]
        )
        if codes is not None:
            appareil.refresh_from_db()
            otp_login(request, appareil)
            request.session.cycle_key()
            request.session[CLE_CODES_A_AFFICHER] = codes
            return redirect("portail:codes_secours")
        form.add_error(
            "code",
            _(
                "Ce code ne correspond pas. Vérifiez que vous avez bien ajouté le compte dans "
                "votre application, puis saisissez le code affiché en ce moment."
            ),
        )
    return render(request, gabarit, {**contexte, **_contexte_appareil(appareil), "form": form})


@vue_etape_connexion
def enrolement(request):
    """First set-up of the authenticator, right after the password step of the first login.

    Unlike the replacement page, showing this page creates the pending device (a write on GET):
    the person has just proved their password (counted by axes), has no confirmed device to
    protect and nothing else to do in the portal until this device is confirmed; the same
    pending device is shown again on reload, so that opening the page twice creates nothing.
    """
    utilisateur = request.user
    if user_has_device(utilisateur, confirmed=True):
        # A second device is only added by someone already verified, from account security.
        if utilisateur.is_verified():
            return redirect("portail:securite")
        return redirect("portail:verification")
    appareil = services.appareil_totp_en_attente(utilisateur=utilisateur)
    return _confirmer_appareil(request, appareil, "portail/enrolement.html", {})


def codes_secours(request):
    """Shows a freshly generated set of backup codes, once."""
    codes = request.session.pop(CLE_CODES_A_AFFICHER, None)
    if not codes:
        return redirect("portail:securite")
    return render(request, "portail/codes_secours.html", {"codes": codes})


# Account security ------------------------------------------------------------------------------


def reauthentification_recente(vue):
    """The wrapped view needs the password typed again within REAUTHENTIFICATION_DUREE."""

    @functools.wraps(vue)
    def enveloppe(request, *args, **kwargs):
        le = request.session.get(CLE_REAUTHENTIFICATION)
        if le and timezone.now() - datetime.fromisoformat(le) < settings.REAUTHENTIFICATION_DUREE:
            return vue(request, *args, **kwargs)
        url = reverse("portail:reauthentification")
        return redirect(f"{url}?{urlencode({'next': request.path})}")

    return enveloppe


def securite(request):
    contexte = selectors.securite_compte(utilisateur=request.user)
    return render(request, "portail/securite.html", contexte)


def reauthentification(request):
    """Password and a fresh one-time code again before a change to the second factor (the
    rules are ReauthentificationForm's)."""
    form = ReauthentificationForm(request.POST or None, request=request)
    suivant = _url_sure(
        request, request.POST.get("next") or request.GET.get("next"), reverse("portail:securite")
    )
    if request.method == "POST" and form.is_valid():
        request.session[CLE_REAUTHENTIFICATION] = timezone.now().isoformat()
        if isinstance(form.appareil, StaticDevice):
            _prevenir_code_secours_utilise(
                request,
                form.appareil,
                _(
                    "Vous avez utilisé un code de secours ; il ne servira plus. "
                    "Il vous en reste %(restants)s."
                ),
            )
        return redirect(suivant)
    if form.verrouille:
        # Five wrong passwords for this account from this address: the person who knows the
        # password rarely gets there, someone with a stolen session cookie does. The session
        # ends, so that guessing cannot go on after the cool-off without passing the login
        # again (password and second factor). AxesMiddleware answers with the lockout page.
        services.evenement_securite_tracer(
            utilisateur=request.user, type=EvenementSecurite.Type.REAUTHENTIFICATION_BLOQUEE
        )
        logout(request)
    return render(request, "portail/reauthentification.html", {"form": form, "next": suivant})


@require_POST
@reauthentification_recente
def codes_secours_regenerer(request):
    request.session[CLE_CODES_A_AFFICHER] = services.codes_secours_regenerer(
        utilisateur=request.user
    )
    return redirect("portail:codes_secours")


@reauthentification_recente
def appareil_remplacer(request):
    """Replacing the authenticator (new phone).

    Opening the page writes nothing: a new key is created only by the explicit POST of the
    "Générer une nouvelle clé" button, then shown again on reload until it is confirmed. The
    current device stays in use until the new one gives a correct code (see
    services.appareil_totp_confirmer).
    """
    gabarit = "portail/appareil_remplacer.html"
    if request.method == "POST" and "generer" in request.POST:
        services.appareil_totp_en_attente(utilisateur=request.user)
        return redirect("portail:appareil_remplacer")
    appareil = selectors.appareil_totp_en_attente(utilisateur=request.user)
    if appareil is None:
        erreur = None
        if request.method == "POST":
            erreur = _("Générez d'abord une nouvelle clé, puis saisissez le code qu'elle produit.")
        return render(request, gabarit, {"erreur": erreur})
    return _confirmer_appareil(request, appareil, gabarit, {})


# Password reset: never logs in, so the second factor is still asked afterwards -----------------


class DemandeMotDePasseView(auth_views.PasswordResetView):
    vue_publique = True
    form_class = DemandeMotDePasseForm
    template_name = "portail/mot_de_passe/demande.html"
    email_template_name = "portail/mot_de_passe/courriel.txt"
    subject_template_name = "portail/mot_de_passe/courriel_sujet.txt"
    success_url = reverse_lazy("portail:mot_de_passe_envoye")
    extra_email_context = {"portail_url": settings.PORTAIL_URL}


class MotDePasseEnvoyeView(auth_views.PasswordResetDoneView):
    vue_publique = True
    template_name = "portail/mot_de_passe/envoye.html"


class NouveauMotDePasseView(auth_views.PasswordResetConfirmView):
    vue_publique = True
    template_name = "portail/mot_de_passe/nouveau.html"
    success_url = reverse_lazy("portail:mot_de_passe_modifie")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        services.evenement_securite_tracer(
            utilisateur=form.user, type=EvenementSecurite.Type.MOT_DE_PASSE_REINITIALISE
        )
        return response


class MotDePasseModifieView(auth_views.PasswordResetCompleteView):
    vue_publique = True
    template_name = "portail/mot_de_passe/modifie.html"


class DeconnexionView(auth_views.LogoutView):
    vue_publique = True


# Health ----------------------------------------------------------------------------------------


@vue_publique
def sante(request):
    """Database and broker status, for the load balancer and monitoring (no personal data).

    Only the database decides the HTTP status: without it nothing can be served (503), while
    without the broker the portal still serves every page and keeps its e-mails in the outbox
    until the broker is back ("dégradé" for monitoring, 200 so that a load balancer does not
    turn delayed e-mails into an outage)."""
    etat = selectors.etat_services()
    sain = all(v in ("ok", "non configuré") for v in etat.values())
    statut = 503 if etat["base_de_donnees"] != "ok" else 200
    response = JsonResponse({"statut": "ok" if sain else "dégradé", **etat}, status=statut)
    response["Cache-Control"] = "no-store"
    return response


@vue_publique
def securite_publique(request):
    contact = settings.SECURITE_CONTACT.removeprefix("mailto:")
    return render(request, "portail/pages/securite.html", {"contact_securite": contact})


@vue_publique
def security_txt(request):
    """RFC 9116: where to report a vulnerability. `Expires` is always a few months ahead, as
    the RFC asks (less than a year)."""
    expire = (timezone.now() + timedelta(days=180)).replace(microsecond=0)
    lignes = [
        f"Contact: {settings.SECURITE_CONTACT}",
        f"Expires: {expire.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: fr, en",
        f"Policy: {adresse_absolue('portail:securite_publique')}",
        f"Canonical: {adresse_du_chemin(request.path)}",
    ]
    return HttpResponse("\n".join(lignes) + "\n", content_type="text/plain; charset=utf-8")


# Personal data (RGPD) ----------------------------------------------------------------------------


@vue_publique
def donnees_personnelles(request):
    """The processing register as edited by superviseurs, with the retention in force."""
    contexte = {"registre": registre_traitement(), "durees": durees_conservation()}
    return render(request, "portail/pages/donnees_personnelles.html", contexte)


def mes_donnees(request):
    """The data the portal holds about the person, downloaded as JSON (POST); the download is
    journalled."""
    if request.method != "POST":
        return render(request, "portail/mes_donnees.html")
    contenu = json.dumps(donnees_de(utilisateur=request.user), ensure_ascii=False, indent=2)
    journaliser(action=EntreeJournal.Action.EXPORT, request=request, detail="données personnelles")
    reponse = HttpResponse(contenu, content_type="application/json; charset=utf-8")
    reponse["Content-Disposition"] = 'attachment; filename="mes-donnees.json"'
    return reponse
