"""The date filters of texts that leave the portal (e-mails, documents): `portail.dates` in
templates, in Paris time whatever zone is active.

    {% load dates_paris %}{{ demande.echeance|date_heure_courte }}
"""

from django import template

from portail import dates

register = template.Library()

for _nom in (
    "date_courte",
    "date_en_lettres",
    "date_longue",
    "heure",
    "date_heure_courte",
    "date_heure_longue",
    "horodatage",
):
    register.filter(_nom, getattr(dates, _nom))
