"""Forms of the reference content seen by partners."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PreferencesNotification


class PreferencesNotificationForm(forms.ModelForm):
    class Meta:
        model = PreferencesNotification
        fields = ["flash_infos"]
        labels = {"flash_infos": _("Recevoir les flash infos par e-mail")}
        widgets = {"flash_infos": forms.RadioSelect}
        error_messages = {
            "flash_infos": {
                "required": _("Choisissez comment recevoir les flash infos."),
                "invalid_choice": _("Choisissez l'une des options proposées."),
            }
        }
