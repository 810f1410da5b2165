"""Attachments: several files in one input (Django 5.2's pattern).

Files are not validated here: each one goes through `services.piece_deposer` (content and
size), which the views call so that the files that pass are kept when another field fails.
"""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from portail.fichiers import ACCEPT


class PiecesInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PiecesField(forms.FileField):
    """Several files in one input; cleans to a list (checked one by one by the service)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", PiecesInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [fichier for fichier in data if fichier]
        return [data] if data else []


def champ_pieces():
    return PiecesField(
        label=_("Pièces jointes"),
        help_text=_(
            "Facultatif. PDF, JPEG ou PNG, %(taille)s Mo au plus par fichier, "
            "%(nombre)s fichiers au plus par message. Ne joignez que ce que la demande exige."
        )
        % {
            "taille": settings.DEMANDES_TAILLE_MAX_FICHIER // (1024 * 1024),
            "nombre": settings.DEMANDES_PIECES_PAR_MESSAGE,
        },
    )
