"""Who may see a page or a document of the reference content."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device

from conventions.acces import page_acces_refuse
from conventions.models import Service
from conventions.selectors import acces_requete


def refus_contenu(request):
    """None when the request may see reference content; otherwise the response to send.

    Anonymous people go to login, people without a verified second factor to its step, and
    partners whom the convention access rule turns away get the page that explains why.
    """
    utilisateur = request.user
    if not utilisateur.is_authenticated:
        url = reverse(settings.LOGIN_URL)
        # The full path, like the middleware: back to the same search after logging in.
        return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
    if not utilisateur.is_verified():
        if user_has_device(utilisateur, confirmed=True):
            return redirect("portail:verification")
        return redirect("portail:enrolement")
    acces = acces_requete(request, Service.CONTENUS)
    if not acces.autorise:
        return page_acces_refuse(request, acces)
    return None
