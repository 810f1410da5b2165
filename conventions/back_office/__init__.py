"""Back-office screens of partner structures, conventions, memberships and join requests.

Registered as Wagtail viewsets in `conventions/wagtail_hooks.py`. Every write with a rule goes
through `services`; these views only translate HTTP and show the service's message on the form.
"""

from .communs import (
    AdhesionFilterSet,
    ConventionFilterSet,
    PolitiqueModele,
    StructureFilterSet,
)
from .conventions import (
    ChangerStatutView,
    ConventionCreateView,
    ConventionEditView,
    ConventionForm,
    ConventionIndexView,
    ConventionInspectView,
    ConventionModificationForm,
)
from .demandes import DemandeInspectView, TraiterDemandeView
from .rattachements import AdhesionEditView, AdhesionForm, AdhesionIndexView
from .structures import (
    CHAMPS_STRUCTURE,
    StructureCreateView,
    StructureForm,
    StructureIndexView,
    StructureInspectView,
)

__all__ = [
    "CHAMPS_STRUCTURE",
    "AdhesionEditView",
    "AdhesionFilterSet",
    "AdhesionForm",
    "AdhesionIndexView",
    "ChangerStatutView",
    "ConventionCreateView",
    "ConventionEditView",
    "ConventionForm",
    "ConventionFilterSet",
    "ConventionIndexView",
    "ConventionInspectView",
    "ConventionModificationForm",
    "DemandeInspectView",
    "PolitiqueModele",
    "StructureCreateView",
    "StructureFilterSet",
    "StructureForm",
    "StructureIndexView",
    "StructureInspectView",
    "TraiterDemandeView",
]
