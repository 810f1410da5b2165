"""Writes with business rules of trainings: registrations and waiting list, sessions,
attendance, reminders, calendar feed addresses.

One module per subject; callers import from `formations.services`.
"""

from .calendrier import jeton_calendrier_regenerer, jeton_calendrier_revoquer
from .inscriptions import inscription_annuler, inscription_creer, peut_gerer
from .rappels import rappels_envoyer
from .retention import inscriptions_anonymiser
from .sessions import (
    presences_enregistrer,
    session_annuler,
    session_enregistrer,
    sessions_terminees_realiser,
)

__all__ = [
    "inscription_annuler",
    "inscription_creer",
    "inscriptions_anonymiser",
    "jeton_calendrier_regenerer",
    "jeton_calendrier_revoquer",
    "peut_gerer",
    "presences_enregistrer",
    "rappels_envoyer",
    "session_annuler",
    "session_enregistrer",
    "sessions_terminees_realiser",
]
