"""Validation of French identifiers."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# La Poste's SIRET numbers (356 000 000) use a digit sum multiple of 5 instead of Luhn.
SIREN_LA_POSTE = "356000000"


def cle_luhn_valide(chiffres: str) -> bool:
    total = 0
    for position, chiffre in enumerate(reversed(chiffres)):
        valeur = int(chiffre)
        if position % 2 == 1:
            valeur *= 2
            if valeur > 9:
                valeur -= 9
        total += valeur
    return total % 10 == 0


def valider_siret(valeur: str) -> None:
    """A SIRET is 14 digits whose Luhn key is valid (La Poste's establishments excepted)."""
    if not valeur.isdigit() or len(valeur) != 14:
        raise ValidationError(
            _("Le SIRET comporte exactement 14 chiffres (sans espace ni lettre)."),
            code="format",
        )
    if valeur.startswith(SIREN_LA_POSTE):
        valide = sum(int(c) for c in valeur) % 5 == 0
    else:
        valide = cle_luhn_valide(valeur)
    if not valide:
        raise ValidationError(
            _("Ce SIRET n'est pas valide : vérifiez les chiffres sur l'avis de situation INSEE."),
            code="cle",
        )
