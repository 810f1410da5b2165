"""Checks on what partners type and upload: the insured person's NIR and attached files."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portail.fichiers import fichier_verifier

# Sex, year, month, département (2 digits, 2A/2B, or 3 for overseas inside the 5 next), commune,
# order, key. Spaces and dots as people type them are removed before.
_NIR = re.compile(r"^([1-478])(\d{2})(\d{2})(\d{2}|2[AB])(\d{3})(\d{3})(\d{2})$")


def nir_normaliser(valeur: str) -> str:
    return re.sub(r"[\s.\-]", "", valeur or "").upper()


def nir_valider(valeur: str) -> str:
    """Return the NIR normalised (15 characters) or raise a French ValidationError.

    The key is 97 minus the 13-digit number modulo 97; for Corsica, 2A counts as 19 and 2B as
    18 in that number (the historic département 20 minus 1 or 2 million).
    """
    nir = nir_normaliser(valeur)
    correspondance = _NIR.match(nir)
    if not correspondance:
        raise ValidationError(
            _(
                "Le numéro de sécurité sociale comporte 15 caractères : 13 pour le numéro "
                "(2A ou 2B possibles pour la Corse) et 2 pour la clé."
            ),
            code="format",
        )
    sexe, annee, mois, departement, commune, ordre, cle = correspondance.groups()
    if not (1 <= int(mois) <= 12 or 20 <= int(mois) <= 42 or 50 <= int(mois) <= 99):
        raise ValidationError(
            _("Le mois de naissance du numéro de sécurité sociale n'est pas valide."),
            code="mois",
        )
    numero = f"{sexe}{annee}{mois}{departement}{commune}{ordre}"
    numero = numero.replace("2A", "19", 1) if departement == "2A" else numero
    numero = numero.replace("2B", "18", 1) if departement == "2B" else numero
    if 97 - int(numero) % 97 != int(cle):
        raise ValidationError(
            _(
                "La clé du numéro de sécurité sociale ne correspond pas au numéro : "
                "vérifiez les chiffres sur la carte Vitale ou l'attestation de droits."
            ),
            code="cle",
        )
    return nir


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
