"""Checks on what partners type and upload: how a NIR is shown in lists, and attached files.

The NIR itself is validated in `portail.identifiants`, with SIRET and SIREN.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portail.fichiers import fichier_verifier


def nir_masque(nir: str) -> str:
    """The NIR as screens show it in lists: sex and birth year only."""
    if not nir:
        return ""
    return f"{nir[0]} {nir[1:3]} •• •• ••• ••• ••"


# Attachments -----------------------------------------------------------------------------------


def fichier_valider(fichier) -> tuple[str, str]:
    """Check an attachment's size, then its content (`portail.fichiers.fichier_verifier`);
    return (MIME type, extension)."""
    nom = getattr(fichier, "name", "") or _("Le fichier")
    if fichier.size > settings.DEMANDES_TAILLE_MAX_FICHIER:
        raise ValidationError(
            _("« %(nom)s » dépasse la taille maximale de %(max)s Mo.")
            % {
                "nom": nom,
                "max": f"{settings.DEMANDES_TAILLE_MAX_FICHIER / 2**20:g}".replace(".", ","),
            },
            code="taille",
        )
    if fichier.size == 0:
        raise ValidationError(_("« %(nom)s » est vide.") % {"nom": nom}, code="vide")
    return fichier_verifier(fichier)
