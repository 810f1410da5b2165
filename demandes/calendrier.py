"""The business calendar of the CPAM teams: Monday to Friday, 8:30 to 17:30 local time, public
holidays off. Service levels are counted in business minutes on the calendar of the demande's
team.

Each team has a territory (`Territoire`): the public holidays are those of that territory,
from the `holidays` library (Alsace-Moselle adds Good Friday and 26 December; each overseas
department its abolition-of-slavery day, and some Good Friday or Mi-Carême), and the opening
hours are read in the territory's time zone (8:30 in Fort-de-France is not 8:30 in Paris). The
business-minute arithmetic itself is ours: no library counts minutes within opening hours.
Holidays are cached per (year, territory), so the arithmetic stays a matter of date lookups.
"""

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portail.dates import PARIS

OUVERTURE = time(8, 30)
FERMETURE = time(17, 30)
MINUTES_PAR_JOUR = (FERMETURE.hour * 60 + FERMETURE.minute) - (
    OUVERTURE.hour * 60 + OUVERTURE.minute
)


class Territoire(models.TextChoices):
    """Where a team works: its public holidays and its time zone."""

    METROPOLE = "metropole", _("Métropole")
    ALSACE_MOSELLE = "alsace_moselle", _("Alsace-Moselle")  # Bas-Rhin, Haut-Rhin, Moselle
    GUADELOUPE = "guadeloupe", _("Guadeloupe")
    MARTINIQUE = "martinique", _("Martinique")
    GUYANE = "guyane", _("Guyane")
    REUNION = "reunion", _("La Réunion")
    MAYOTTE = "mayotte", _("Mayotte")


# The subdivision of `holidays.France` (None: metropolitan France) and the local time zone.
# Moselle ("57") and Alsace ("6AE") have the same two extra holidays.
_SUBDIVISIONS = {
    Territoire.METROPOLE.value: (None, PARIS),
    Territoire.ALSACE_MOSELLE.value: ("6AE", PARIS),
    Territoire.GUADELOUPE.value: ("971", ZoneInfo("America/Guadeloupe")),
    Territoire.MARTINIQUE.value: ("972", ZoneInfo("America/Martinique")),
    Territoire.GUYANE.value: ("973", ZoneInfo("America/Cayenne")),
    Territoire.REUNION.value: ("974", ZoneInfo("Indian/Reunion")),
    Territoire.MAYOTTE.value: ("976", ZoneInfo("Indian/Mayotte")),
}
METROPOLE = Territoire.METROPOLE.value  # a plain str: hashed in C in the loops below


def _territoire(territoire: str) -> str:
    """The territory as a plain str (an unknown one raises ValueError)."""
    return Territoire(territoire).value


def fuseau(territoire: str) -> ZoneInfo:
    """The time zone in which the territory's opening hours are read."""
    return _SUBDIVISIONS[_territoire(territoire)][1]


@lru_cache(maxsize=128)
def jours_feries(annee: int, territoire: str = METROPOLE) -> frozenset[date]:
    """The public holidays of the territory in that year."""
    subdivision = _SUBDIVISIONS[_territoire(territoire)][0]
    return frozenset(holidays.France(years=annee, subdiv=subdivision))


def est_jour_ouvre(jour: date, territoire: str = METROPOLE) -> bool:
    return jour.weekday() < 5 and jour not in jours_feries(jour.year, territoire)


def _ouverture(jour: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(jour, OUVERTURE, tzinfo=zone)


def _fermeture(jour: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(jour, FERMETURE, tzinfo=zone)


def _minutes_ouvrees_du_jour(
    jour: date, debut: datetime, fin: datetime, territoire: str, zone: ZoneInfo
) -> float:
    """Business minutes of one day that fall between `debut` and `fin` (local times)."""
    if not est_jour_ouvre(jour, territoire):
        return 0
    a = max(debut, _ouverture(jour, zone))
    b = min(fin, _fermeture(jour, zone))
    return max((b - a).total_seconds() / 60, 0)


def minutes_ouvrees_entre(debut: datetime, fin: datetime, *, territoire: str = METROPOLE) -> int:
    """Business minutes elapsed from `debut` to `fin` (negative when `fin` is before)."""
    if fin < debut:
        return -minutes_ouvrees_entre(fin, debut, territoire=territoire)
    territoire = _territoire(territoire)
    zone = fuseau(territoire)
    debut, fin = debut.astimezone(zone), fin.astimezone(zone)
    premier, dernier = debut.date(), fin.date()
    if premier == dernier:
        return int(_minutes_ouvrees_du_jour(premier, debut, fin, territoire, zone))
    total = _minutes_ouvrees_du_jour(premier, debut, _fermeture(premier, zone), territoire, zone)
    total += _minutes_ouvrees_du_jour(dernier, _ouverture(dernier, zone), fin, territoire, zone)
    jour = premier + timedelta(days=1)
    # Whole weeks in one step, then the remaining days one by one (holidays counted apart).
    while jour < dernier:
        if (dernier - jour).days >= 7 and jour.weekday() == 0:
            semaine = [jour + timedelta(days=n) for n in range(5)]
            total += MINUTES_PAR_JOUR * sum(est_jour_ouvre(j, territoire) for j in semaine)
            jour += timedelta(days=7)
            continue
        if est_jour_ouvre(jour, territoire):
            total += MINUTES_PAR_JOUR
        jour += timedelta(days=1)
    return int(total)


def ajouter_minutes_ouvrees(
    debut: datetime, minutes: int, *, territoire: str = METROPOLE
) -> datetime:
    """The instant `minutes` business minutes after `debut`.

    Started outside business hours, the count begins at the next opening; a delay that ends
    exactly at closing time ends at 17:30 that day, not at the next opening. The instant is
    given in the territory's time zone.
    """
    territoire = _territoire(territoire)
    zone = fuseau(territoire)
    instant = debut.astimezone(zone)
    reste = minutes
    jour = instant.date()
    if est_jour_ouvre(jour, territoire) and instant < _ouverture(jour, zone):
        instant = _ouverture(jour, zone)
    while True:
        if not est_jour_ouvre(jour, territoire) or instant >= _fermeture(jour, zone):
            jour += timedelta(days=1)
            instant = _ouverture(jour, zone)
            continue
        disponible = (_fermeture(jour, zone) - instant).total_seconds() / 60
        if reste <= disponible:
            return instant + timedelta(minutes=reste)
        reste -= disponible
        jour += timedelta(days=1)
        instant = _ouverture(jour, zone)


def jours_ouvres(minutes: int) -> str:
    """A delay in business minutes as people say it: "4 h ouvrées", "1 h ouvrée", "2 jours
    ouvrés", "30 min ouvrées" (the one wording of every delay shown)."""
    if minutes % MINUTES_PAR_JOUR == 0 and minutes >= MINUTES_PAR_JOUR:
        jours = minutes // MINUTES_PAR_JOUR
        return ngettext("%(n)s jour ouvré", "%(n)s jours ouvrés", jours) % {"n": jours}
    if minutes < 60:
        return ngettext("%(n)s min ouvrée", "%(n)s min ouvrées", minutes) % {"n": minutes}
    heures, reste = divmod(minutes, 60)
    duree = f"{heures} h {reste:02d}" if reste else f"{heures} h"
    # "1 h ouvrée", but "1 h 30 ouvrées": plural beyond one hour.
    return ngettext("%(d)s ouvrée", "%(d)s ouvrées", 2 if minutes > 60 else 1) % {"d": duree}
