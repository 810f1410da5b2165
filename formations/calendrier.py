"""iCalendar (RFC 5545) files of the portal's events: a training session, a person's feed of
sessions, a rencontre (cms/views_rencontres.py).

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


def evenement(
    *,
    uid: str,
    debut: datetime,
    fin: datetime,
    titre: str,
    description: str,
    lieu: str,
    url: str,
    modifie_le: datetime,
    annule: bool = False,
    conference: str = "",
) -> Event:
    """One VEVENT (any event of the portal: training session, rencontre); `conference` is a
    video link, given only to a registered person. Its DTSTAMP is set by the calendar."""
    vevenement = Event()
    vevenement.add("uid", f"{uid}@{_domaine()}")
    vevenement.add("last-modified", _utc(modifie_le))
    vevenement.add("dtstart", _utc(debut))
    vevenement.add("dtend", _utc(fin))
    vevenement.add("summary", titre)
    vevenement.add("description", description)
    vevenement.add("location", lieu)
    vevenement.add("url", url)
    vevenement.add("status", "CANCELLED" if annule else "CONFIRMED")
    if conference:
        vevenement.add("conference", conference, parameters={"VALUE": "URI"})
    return vevenement


def _evenement(session: Session, *, avec_lien: bool) -> Event:
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
    return evenement(
        uid=f"formation-session-{session.pk}",
        debut=session.debut,
        fin=session.fin,
        titre=session.titre,
        description="\n".join(description),
        lieu=lieu,
        url=url,
        modifie_le=session.modifiee_le,
        annule=session.statut == Session.Statut.ANNULEE,
        conference=session.lien_visio if avec_lien and session.a_distance else "",
    )


def calendrier_evenements(evenements: Iterable[Event], *, nom: str) -> bytes:
    """A VCALENDAR of events made by `evenement`, each stamped with the moment the file was
    produced."""
    horodatage = _utc(timezone.now()).replace(microsecond=0)
    calendrier = Calendar()
    calendrier.add("version", "2.0")
    calendrier.add("prodid", "-//CPAM//Solidaires et partenaires//FR")
    calendrier.add("calscale", "GREGORIAN")
    calendrier.add("method", "PUBLISH")
    calendrier.add("x-wr-calname", vText(nom))
    calendrier.add("x-wr-timezone", "Europe/Paris")
    for vevenement in evenements:
        vevenement.add("dtstamp", horodatage)
        calendrier.add_component(vevenement)
    return calendrier.to_ical()


def calendrier_ics(sessions: Iterable[tuple[Session, bool]], *, nom: str) -> bytes:
    """A VCALENDAR of the sessions; each comes with whether to show its video link (only to a
    person registered to it). Sessions need their programme loaded."""
    return calendrier_evenements(
        (_evenement(session, avec_lien=avec_lien) for session, avec_lien in sessions), nom=nom
    )
