"""Checks on what partners type and upload: how a NIR is shown in lists, and attached files.

The NIR itself is validated in `portail.identifiants`, with SIRET and SIREN.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def nir_masque(nir: str) -> str:
    """The NIR as screens show it in lists: sex and birth year only."""
    if not nir:
        return ""
    return f"{nir[0]} {nir[1:3]} •• •• ••• ••• ••"


# Attachments -----------------------------------------------------------------------------------

SIGNATURES = {
    b"%PDF-": ("application/pdf", "pdf"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
}


def type_fichier(debut: bytes) -> tuple[str, str] | None:
    """(MIME type, extension) recognised from the first bytes of a file, else None."""
    for signature, type_et_extension in SIGNATURES.items():
        if debut.startswith(signature):
            return type_et_extension
    return None


def fichier_valider(fichier) -> tuple[str, str]:
    """Check an uploaded file by its content and size; return (MIME type, extension)."""
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
    fichier.seek(0)
    debut = fichier.read(8)
    fichier.seek(0)
    reconnu = type_fichier(debut)
    if reconnu is None:
        raise ValidationError(
            _(
                "« %(nom)s » n'est pas un fichier PDF, JPEG ou PNG : seuls ces formats sont "
                "acceptés (le contenu du fichier est vérifié, pas seulement son nom)."
            )
            % {"nom": nom},
            code="type",
        )
    return reconnu
