"""Paris time in summer and in winter, for tests of what the portal writes for people.

A time written in UTC instead of Paris time is two hours early in summer and one hour early in
winter: tests run once in each, and a person whose Wagtail preferences name another zone must
not move what the portal writes either.
"""

from zoneinfo import ZoneInfo

import pytest
from wagtail.users.models import UserProfile

PARIS = ZoneInfo("Europe/Paris")
ETE, HIVER = "ete", "hiver"
SAISONS = pytest.mark.parametrize("saison", [ETE, HIVER])


def fuseau_prefere(utilisateur, fuseau: str = "UTC") -> None:
    """The time zone the person chose in their back-office preferences (Wagtail applies it to
    every admin request they make)."""
    profil = UserProfile.get_for_user(utilisateur)
    profil.current_time_zone = fuseau
    profil.save()
