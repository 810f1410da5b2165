"""Each person's notification preferences (flash infos by e-mail)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .forms import PreferencesNotificationForm
from .models import PreferencesNotification


def preferences(request):
    """GET shows the current choice (all by default); POST saves it. Login and a verified
    second factor are required by the middleware."""
    instance = PreferencesNotification.objects.filter(
        utilisateur=request.user
    ).first() or PreferencesNotification(utilisateur=request.user)
    donnees = request.POST if request.method == "POST" else None
    form = PreferencesNotificationForm(donnees, instance=instance)
    if form.is_bound and form.is_valid():
        form.save()
        messages.success(request, _("Vos préférences de notification sont enregistrées."))
        return redirect("cms:preferences")
    return render(request, "cms/preferences.html", {"form": form})
