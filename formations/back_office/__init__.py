"""Trainers' screens in the Wagtail admin: campaigns and programmes, sessions saved through the
services, the registration list with its waiting list, attendance, attendance sheets (PDF, CSV),
certificates of attendance and the coverage table of France Services structures.

Registered as viewsets in `formations/wagtail_hooks.py`. Every write with a rule goes through
`services`; these views translate HTTP and show the service's message.
"""

from .couverture import CouvertureView
from .documents import AttestationView, FeuilleEmargementView
from .referentiels import CampagneForm, CampagneIndexView, ProgrammeForm, ProgrammeIndexView
from .sessions import (
    POLITIQUE_INSCRIPTIONS,
    AnnulerSessionView,
    InscriptionsSessionView,
    SessionCreateView,
    SessionEditView,
    SessionForm,
    SessionIndexView,
)

__all__ = [
    "POLITIQUE_INSCRIPTIONS",
    "AnnulerSessionView",
    "AttestationView",
    "CampagneForm",
    "CampagneIndexView",
    "CouvertureView",
    "FeuilleEmargementView",
    "InscriptionsSessionView",
    "ProgrammeForm",
    "ProgrammeIndexView",
    "SessionCreateView",
    "SessionEditView",
    "SessionForm",
    "SessionIndexView",
]
