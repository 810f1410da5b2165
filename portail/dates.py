"""Dates and times as the portal writes them for people: in Paris time, in French.

Every e-mail, export, PDF and calendar text says its dates through these functions (templates
through the filters of `portail.templatetags.dates_paris`). The database gives datetimes in UTC,
and Django converts them only where asked, to the *active* time zone: `f"{instant:%H:%M}"` on a
stored value writes UTC, and inside the Wagtail admin the active zone is the one each user chose
in their preferences, so an e-mail or a PDF produced by a back-office action would follow it.
These functions convert to Europe/Paris explicitly, whatever zone is active, and format in
French whatever language is active.

The shapes are those of the pages: the partner screens say "jeudi 6 mai 2027 à 9 h 00"
(`date_heure_longue`), the back-office "06/05/2027 à 9 h 00" (`date_heure_courte`). One time
format for people, "9 h 00" (the French typographic usage: hour without a leading zero, "h",
minutes); the first day of a month is "1er mai". Only machine-read texts (export cells, file
names) keep "09:00:00".
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format

PARIS = ZoneInfo("Europe/Paris")


def aujourdhui() -> date:
    """Today in Paris, whatever zone is active."""
    return jour_de_paris(timezone.now())


def heure_de_paris(instant: datetime) -> datetime:
    """The same instant on a Paris clock. A naive datetime is taken as already in Paris time."""
    if instant.tzinfo is None:
        return instant.replace(tzinfo=PARIS)
    return instant.astimezone(PARIS)


def jour_de_paris(valeur: date | datetime) -> date:
    """The calendar day in Paris: a datetime's date on a Paris clock, a date as it is."""
    if isinstance(valeur, datetime):
        return heure_de_paris(valeur).date()
    return valeur


# "9 h 00": Django's format letters, with "h" escaped.
HEURE = r"G \h i"

# The all-numeric shapes, written without switching the language (a back-office page says
# dozens of dates: `translation.override` per date was most of their cost). Same output as
# `date_format` with these formats.
_NUMERIQUES = {
    f"d/m/Y à {HEURE}": lambda v: (
        f"{v.day:02d}/{v.month:02d}/{v.year:04d} à {v.hour} h {v.minute:02d}"
    ),
    "d/m/Y": lambda v: f"{v.day:02d}/{v.month:02d}/{v.year:04d}",
    HEURE: lambda v: f"{v.hour} h {v.minute:02d}",
    "d/m/Y H:i:s": lambda v: (
        f"{v.day:02d}/{v.month:02d}/{v.year:04d} {v.hour:02d}:{v.minute:02d}:{v.second:02d}"
    ),
}


def _formater(valeur: date | datetime, format_: str) -> str:
    """`format_` in Paris time and in French; "j" (day of the month) says "1er" on the first."""
    if isinstance(valeur, datetime):
        valeur = heure_de_paris(valeur)
    if format_ in _NUMERIQUES and (isinstance(valeur, datetime) or "i" not in format_):
        return _NUMERIQUES[format_](valeur)
    if valeur.day == 1:
        format_ = format_.replace("j", r"j\e\r")
    with translation.override(settings.LANGUAGE_CODE):
        return date_format(valeur, format_)


def date_courte(valeur: date | datetime | None) -> str:
    """ "06/05/2027"."""
    return _formater(valeur, "d/m/Y") if valeur else ""


def date_en_lettres(valeur: date | datetime | None) -> str:
    """ "6 mai 2027"."""
    return _formater(valeur, "j F Y") if valeur else ""


def date_longue(valeur: date | datetime | None) -> str:
    """ "jeudi 6 mai 2027"."""
    return _formater(valeur, "l j F Y") if valeur else ""


def heure(instant: datetime | None) -> str:
    """ "9 h 00", "12 h 30"."""
    return _formater(instant, HEURE) if instant else ""


def date_heure_courte(instant: datetime | None) -> str:
    """ "06/05/2027 à 9 h 00", as the back-office pages say it."""
    return _formater(instant, f"d/m/Y à {HEURE}") if instant else ""


def date_heure_longue(instant: datetime | None) -> str:
    """ "jeudi 6 mai 2027 à 9 h 00", as the partner pages say it."""
    return _formater(instant, rf"l j F Y à {HEURE}") if instant else ""


def horodatage(instant: datetime | None) -> str:
    """ "06/05/2027 10:00:00": one cell of an export, to the second."""
    return _formater(instant, "d/m/Y H:i:s") if instant else ""


def horodatage_fichier(instant: datetime) -> str:
    """ "20270506-1000": a file name's stamp."""
    return _formater(instant, "Ymd-Hi")
