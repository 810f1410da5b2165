"""Template helpers of the partner screens of demandes."""

from django import template

from portail import dates

from .. import validators

register = template.Library()


@register.filter
def nir_masque(nir: str) -> str:
    """Sex and birth year only: what lists show."""
    return validators.nir_masque(nir)


@register.filter
def nir_lisible(nir: str) -> str:
    """The full NIR grouped as on the carte Vitale: 1 85 07 37 261 042 12."""
    if not nir or len(nir) != 15:
        return nir or ""
    groupes = (nir[0], nir[1:3], nir[3:5], nir[5:7], nir[7:10], nir[10:13], nir[13:15])
    return " ".join(groupes)


@register.filter
def date_heure(instant) -> str:
    """ "mardi 3 mars 2026 à 10 h 30", in the Paris time zone."""
    return dates.date_heure_longue(instant)
