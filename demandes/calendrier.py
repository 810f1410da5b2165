"""The CPAM's business calendar: Monday to Friday, 8:30 to 17:30 Europe/Paris, public holidays
off. Service levels are counted in business minutes on this calendar.

Holidays are computed (Easter by the Gregorian computus), never typed in, so the calendar is
right for any year.
"""

from datetime import date, datetime, time, timedelta
from functools import lru_cache

from portail.dates import PARIS

OUVERTURE = time(8, 30)
FERMETURE = time(17, 30)
MINUTES_PAR_JOUR = (FERMETURE.hour * 60 + FERMETURE.minute) - (
    OUVERTURE.hour * 60 + OUVERTURE.minute
)


def paques(annee: int) -> date:
    """Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a = annee % 19
    b, c = divmod(annee, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 (the algorithm's own name)
    m = (a + 11 * h + 22 * l) // 451
    mois, jour = divmod(h + l - 7 * m + 114, 31)
    return date(annee, mois, jour + 1)


@lru_cache(maxsize=64)
def jours_feries(annee: int) -> frozenset[date]:
    """French public holidays of metropolitan France."""
    dimanche_paques = paques(annee)
    return frozenset(
        {
            date(annee, 1, 1),  # Jour de l'an
            dimanche_paques + timedelta(days=1),  # Lundi de Pâques
            date(annee, 5, 1),  # Fête du travail
            date(annee, 5, 8),  # Victoire 1945
            dimanche_paques + timedelta(days=39),  # Ascension
            dimanche_paques + timedelta(days=50),  # Lundi de Pentecôte
            date(annee, 7, 14),  # Fête nationale
            date(annee, 8, 15),  # Assomption
            date(annee, 11, 1),  # Toussaint
            date(annee, 11, 11),  # Armistice
            date(annee, 12, 25),  # Noël
        }
    )


def est_jour_ouvre(jour: date) -> bool:
    return jour.weekday() < 5 and jour not in jours_feries(jour.year)


def _ouverture(jour: date) -> datetime:
    return datetime.combine(jour, OUVERTURE, tzinfo=PARIS)


def _fermeture(jour: date) -> datetime:
    return datetime.combine(jour, FERMETURE, tzinfo=PARIS)


def _minutes_ouvrees_du_jour(jour: date, debut: datetime, fin: datetime) -> float:
    """Business minutes of one day that fall between `debut` and `fin` (Paris times)."""
    if not est_jour_ouvre(jour):
        return 0
    a = max(debut, _ouverture(jour))
    b = min(fin, _fermeture(jour))
    return max((b - a).total_seconds() / 60, 0)


def minutes_ouvrees_entre(debut: datetime, fin: datetime) -> int:
    """Business minutes elapsed from `debut` to `fin` (negative when `fin` is before)."""
    if fin < debut:
        return -minutes_ouvrees_entre(fin, debut)
    debut, fin = debut.astimezone(PARIS), fin.astimezone(PARIS)
    if debut.date() == fin.date():
        return int(_minutes_ouvrees_du_jour(debut.date(), debut, fin))
    total = _minutes_ouvrees_du_jour(debut.date(), debut, _fermeture(debut.date()))
    total += _minutes_ouvrees_du_jour(fin.date(), _ouverture(fin.date()), fin)
    jour = debut.date() + timedelta(days=1)
    # Whole weeks in one step, then the remaining days one by one (holidays counted apart).
    while jour < fin.date():
        if (fin.date() - jour).days >= 7 and jour.weekday() == 0:
            semaine = [jour + timedelta(days=n) for n in range(5)]
            total += MINUTES_PAR_JOUR * sum(est_jour_ouvre(j) for j in semaine)
            jour += timedelta(days=7)
            continue
        if est_jour_ouvre(jour):
            total += MINUTES_PAR_JOUR
        jour += timedelta(days=1)
    return int(total)


def ajouter_minutes_ouvrees(debut: datetime, minutes: int) -> datetime:
    """The instant `minutes` business minutes after `debut`.

    Started outside business hours, the count begins at the next opening; a delay that ends
    exactly at closing time ends at 17:30 that day, not at the next opening.
    """
    instant = debut.astimezone(PARIS)
    reste = minutes
    jour = instant.date()
    if est_jour_ouvre(jour) and instant < _ouverture(jour):
        instant = _ouverture(jour)
    while True:
        if not est_jour_ouvre(jour) or instant >= _fermeture(jour):
            jour += timedelta(days=1)
            instant = _ouverture(jour)
            continue
        disponible = (_fermeture(jour) - instant).total_seconds() / 60
        if reste <= disponible:
            return instant + timedelta(minutes=reste)
        reste -= disponible
        jour += timedelta(days=1)
        instant = _ouverture(jour)


def jours_ouvres(minutes: int) -> str:
    """A delay in business minutes as people say it: "4 h ouvrées", "2 jours ouvrés"."""
    if minutes % MINUTES_PAR_JOUR == 0 and minutes >= MINUTES_PAR_JOUR:
        jours = minutes // MINUTES_PAR_JOUR
        return f"{jours} jour ouvré" if jours == 1 else f"{jours} jours ouvrés"
    heures, reste = divmod(minutes, 60)
    if reste:
        return f"{heures} h {reste:02d} ouvrées"
    return f"{heures} h ouvrées"
