"""Writes with business rules of conventions: lifecycle, memberships, invitations, join requests.

One module per subject; callers import from `conventions.services`.
"""

from .adhesions import adhesion_changer_role, adhesion_creer, adhesion_desactiver
from .cycle_de_vie import (
    MOTIF_OBLIGATOIRE,
    TRANSITIONS,
    TransitionInterdite,
    convention_changer_statut,
    convention_creer,
    conventions_echues_expirer,
    conventions_rappels_envoyer,
)
from .demandes_adhesion import (
    LIMITE_DEMANDES_PAR_HEURE,
    demande_adhesion_enregistrer,
    demande_adhesion_limite_atteinte,
    demande_adhesion_traiter,
    empreinte_origine,
)
from .invitations import (
    DUREE_INVITATION,
    InvitationInvalide,
    empreinte_jeton,
    invitation_accepter,
    invitation_creer,
    invitation_trouver,
)
from .retention import demandes_adhesion_anonymiser, invitations_purger, retention_appliquer

__all__ = [
    "DUREE_INVITATION",
    "LIMITE_DEMANDES_PAR_HEURE",
    "MOTIF_OBLIGATOIRE",
    "TRANSITIONS",
    "InvitationInvalide",
    "TransitionInterdite",
    "adhesion_changer_role",
    "adhesion_creer",
    "adhesion_desactiver",
    "convention_changer_statut",
    "convention_creer",
    "conventions_echues_expirer",
    "conventions_rappels_envoyer",
    "demande_adhesion_enregistrer",
    "demandes_adhesion_anonymiser",
    "demande_adhesion_limite_atteinte",
    "demande_adhesion_traiter",
    "empreinte_jeton",
    "empreinte_origine",
    "invitation_accepter",
    "invitation_creer",
    "invitation_trouver",
    "invitations_purger",
    "retention_appliquer",
]
