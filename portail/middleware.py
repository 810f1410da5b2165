"""Access rules applied to every request."""

from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import user_has_device

from .scripts_admin import scripts_wagtail_marquer

CLE_DEBUT_SESSION = "portail_connexion_debut"


def vue_publique(vue):
    """Mark a view as reachable without a verified second factor."""
    vue.vue_publique = True
    return vue


def vue_etape_connexion(vue):
    """Mark a view as a step of logging in: open to a password-authenticated person."""
    vue.vue_etape_connexion = True
    return vue


class MethodesHttpMiddleware:
    """Answers 405 to methods the portal does not serve (TRACE, CONNECT, PROPFIND, OPTIONS…).

    Function views and Wagtail's page serving accept any method and would answer them with the
    page. The back-office also needs the methods its scripts send (PATCH, PUT, DELETE); every
    other path serves GET, HEAD and POST only. Nothing here reads the session or the database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        acceptees = (
            METHODES_ADMINISTRATION if request.path.startswith("/admin/") else METHODES_PORTAIL
        )
        if request.method not in acceptees:
            contenu = loader.get_template("405.html").render()
            return HttpResponseNotAllowed(sorted(acceptees), content=contenu)
        return self.get_response(request)


METHODES_PORTAIL = frozenset({"GET", "HEAD", "POST"})
METHODES_ADMINISTRATION = METHODES_PORTAIL | {"PUT", "PATCH", "DELETE"}


class CacheControlPriveMiddleware:
    """Nothing shown to a logged-in person is kept by a browser or a shared cache: a page may
    carry a NIR, a demande or a file. Public pages seen anonymously keep their own caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        utilisateur = getattr(request, "user", None)
        if utilisateur is not None and utilisateur.is_authenticated:
            response["Cache-Control"] = CACHE_CONTROL_PRIVE
        return response


CACHE_CONTROL_PRIVE = "private, no-store"


class DureeSessionMiddleware:
    """Ends a session 10 hours after login, whatever the activity (idle expiry is the cookie's)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            debut = request.session.get(CLE_DEBUT_SESSION)
            maintenant = timezone.now()
            if debut is None:
                request.session[CLE_DEBUT_SESSION] = maintenant.isoformat()
            elif maintenant - datetime.fromisoformat(debut) > settings.SESSION_DUREE_ABSOLUE:
                logout(request)
                messages.info(request, _("Votre session a expiré. Merci de vous reconnecter."))
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


class DoubleAuthentificationMiddleware:
    """Every view needs a verified second factor, unless it is marked public.

    Anonymous people go to the login page; a person who typed the password but not yet a code
    goes to the code page, or to enrolment when they have no device yet. The Wagtail admin is
    covered like any other view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        vue = getattr(view_func, "view_class", view_func)
        if getattr(view_func, "vue_publique", False) or getattr(vue, "vue_publique", False):
            return None
        utilisateur = request.user
        if not utilisateur.is_authenticated:
            url = reverse(settings.LOGIN_URL)
            return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
        if utilisateur.is_verified():
            return None
        if getattr(view_func, "vue_etape_connexion", False):
            return None
        if user_has_device(utilisateur, confirmed=True):
            return redirect("portail:verification")
        return redirect("portail:enrolement")


class PolitiqueScriptsAdministrationMiddleware:
    """The back-office keeps the portal's script policy (`script-src 'self'`, no
    'unsafe-inline'); only the inline scripts that Wagtail itself writes into an admin page,
    recognised by their exact shape, run, through the response's nonce (see
    `portail.scripts_admin`). Partner and public pages never get a nonce.

    Framing stays refused (`frame-ancestors 'none'`) except for the admin responses that Wagtail
    itself marks `X-Frame-Options: SAMEORIGIN`: its previews, shown in the editor's side panel,
    which the back-office may frame (`frame-ancestors 'self'`), no other site."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):
            return response
        if response.get("X-Frame-Options") == "SAMEORIGIN":
            # Wagtail renders a preview by passing a request for the page's own address through
            # the whole middleware chain, so the preview arrives with the page's policy (framing
            # refused); the policy is written again, for the preview's place in the editor.
            if "Content-Security-Policy" in response:
                del response["Content-Security-Policy"]
            response._csp_replace = {"frame-ancestors": ["'self'"]}
        if (
            not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and b"<script>" in response.content
        ):
            nonce = str(request.csp_nonce)
            html, marques = scripts_wagtail_marquer(
                html=response.content.decode(response.charset), nonce=nonce
            )
            if marques:
                response.content = html.encode(response.charset)
                if response.has_header("Content-Length"):
                    response["Content-Length"] = str(len(response.content))
                response._csp_update = {"script-src": [f"'nonce-{nonce}'"]}
        return response
