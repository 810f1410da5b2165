"""iCalendar (RFC 5545) files of training sessions: one session, or a person's feed.

Built with the `icalendar` library, which writes what readers are strict about: CRLF line
ends, lines folded at 75 octets without cutting a UTF-8 character, text values escaped. Times
are in UTC (no VTIMEZONE needed); the UID of a session never changes, so a calendar that
imports the file again updates the event instead of duplicating it.
"""

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vText

from portail.liens import adresse_absolue

from .models import Session
from .services.courriels import quand


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _domaine() -> str:
    return urlsplit(settings.PORTAIL_URL).hostname or "solidaires-partenaires.example"


def _evenement(session: Session, *, avec_lien: bool, horodatage: datetime) -> Event:
    if session.a_distance:
        lieu = "À distance (visioconférence)"
    else:
        lieu = session.lieu
    description = [f"{quand(session)} (heure de Paris)", session.programme.intitule]
    if session.programme.objectifs:
        description.append(session.programme.objectifs)
    if session.a_distance:
        if avec_lien:
            description.append(f"Lien de la visioconférence : {session.lien_visio}")
        else:
            description.append("Le lien de la visioconférence est donné aux personnes inscrites.")
    url = adresse_absolue("formations:session", session.pk)
    description.append(url)
    evenement = Event()
    evenement.add("uid", f"formation-session-{session.pk}@{_domaine()}")
    evenement.add("dtstamp", horodatage)
    evenement.add("last-modified", _utc(session.modifiee_le))
    evenement.add("dtstart", _utc(session.debut))
    evenement.add("dtend", _utc(session.fin))
    evenement.add("summary", session.titre)
    evenement.add("description", "\n".join(description))
    evenement.add("location", lieu)
    evenement.add("url", url)
    annulee = session.statut == Session.Statut.ANNULEE
    evenement.add("status", "CANCELLED" if annulee else "CONFIRMED")
    if avec_lien and session.a_distance and session.lien_visio:
        evenement.add("conference", session.lien_visio, parameters={"VALUE": "URI"})
    return evenement


def calendrier_ics(sessions: Iterable[tuple[Session, bool]], *, nom: str) -> bytes:
    """A VCALENDAR of the sessions; each comes with whether to show its video link (only to a
    person registered to it). Sessions need their programme loaded."""
    horodatage = _utc(timezone.now()).replace(microsecond=0)
    calendrier = Calendar()
    calendrier.add("version", "2.0")
    calendrier.add("prodid", "-//CPAM//Solidaires et partenaires//FR")
    calendrier.add("calscale", "GREGORIAN")
    calendrier.add("method", "PUBLISH")
    calendrier.add("x-wr-calname", vText(nom))
    calendrier.add("x-wr-timezone", "Europe/Paris")
    for session, avec_lien in sessions:
        calendrier.add_component(_evenement(session, avec_lien=avec_lien, horodatage=horodatage))
    return calendrier.to_ical()
