"""Forms of the partner side of demandes (HTTP only: the rules are in services and validators)."""

from .complements import (
    CHAMPS_SPECIFIQUES,
    LIBELLES_COMPLEMENTS,
    REVENUS_AVEC_ARRET,
    SITUATIONS_CARTE,
    TYPES_REVENU,
    complements_lisibles,
)
from .demande import TRES_URGENTE, DemandeForm
from .pieces import PiecesField, PiecesInput, champ_pieces
from .suivi import (
    FILTRES_PERIODE,
    FILTRES_PORTEE,
    FILTRES_STATUT,
    PERIODES,
    FiltresForm,
    MessageForm,
    ReouvertureForm,
)

__all__ = [
    "CHAMPS_SPECIFIQUES",
    "FILTRES_PERIODE",
    "FILTRES_PORTEE",
    "FILTRES_STATUT",
    "LIBELLES_COMPLEMENTS",
    "PERIODES",
    "REVENUS_AVEC_ARRET",
    "SITUATIONS_CARTE",
    "TRES_URGENTE",
    "TYPES_REVENU",
    "DemandeForm",
    "FiltresForm",
    "MessageForm",
    "PiecesField",
    "PiecesInput",
    "ReouvertureForm",
    "champ_pieces",
    "complements_lisibles",
]
