"""iCalendar (RFC 5545) files of the portal's events: a training session, a person's feed of
sessions, a rencontre (cms/views_rencontres.py).

Written by hand: the subset needed (one VEVENT per session, UTC times) is a few dozen lines, and
adding a dependency is not this module's call. The three rules that readers are strict about are
kept: CRLF line ends, lines folded at 75 octets without cutting a UTF-8 character, and text
values escaped.
"""

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .models import Session
from .services.courriels import quand

LONGUEUR_MAX = 75  # octets per line, CRLF excluded


def echapper(texte: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma, and line breaks."""
    return (
        texte.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def plier(ligne: str) -> str:
    """Fold a content line into chunks of at most 75 octets, continuation lines starting with
    one space (which counts in their 75)."""
    morceaux, courant, taille = [], "", 0
    for caractere in ligne:
        octets = len(caractere.encode())
        limite = LONGUEUR_MAX if not morceaux else LONGUEUR_MAX - 1
        if taille + octets > limite:
            morceaux.append(courant)
            courant, taille = "", 0
        courant += caractere
        taille += octets
    morceaux.append(courant)
    return "\r\n ".join(morceaux)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


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
) -> list[str]:
    """The lines of one VEVENT (any event of the portal: training session, rencontre);
    `conference` is a video link, given only to a registered person."""
    lignes = [
        "BEGIN:VEVENT",
        f"UID:{uid}@{_domaine()}",
        f"LAST-MODIFIED:{_utc(modifie_le)}",
        f"DTSTART:{_utc(debut)}",
        f"DTEND:{_utc(fin)}",
        f"SUMMARY:{echapper(titre)}",
        f"DESCRIPTION:{echapper(description)}",
        f"LOCATION:{echapper(lieu)}",
        f"URL:{url}",
        f"STATUS:{'CANCELLED' if annule else 'CONFIRMED'}",
        "END:VEVENT",
    ]
    if conference:
        lignes.insert(-1, f"CONFERENCE;VALUE=URI:{conference}")
    return lignes


def _evenement(session: Session, *, avec_lien: bool) -> list[str]:
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
    url = f"{settings.PORTAIL_URL}{reverse('formations:session', args=[session.pk])}"
    description.append(url)
    return evenement(
        uid=f"formation-session-{session.pk}",
        debut=session.debut,
        fin=session.fin,
        titre=session.titre,
        description=chr(10).join(description),
        lieu=lieu,
        url=url,
        modifie_le=session.modifiee_le,
        annule=session.statut == Session.Statut.ANNULEE,
        conference=session.lien_visio if avec_lien and session.a_distance else "",
    )


def calendrier_evenements(evenements: Iterable[list[str]], *, nom: str) -> bytes:
    """A VCALENDAR of events made by `evenement`."""
    horodatage = _utc(timezone.now())
    lignes = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//CPAM//Solidaires et partenaires//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{echapper(nom)}",
        "X-WR-TIMEZONE:Europe/Paris",
    ]
    for begin, uid, *reste in evenements:
        # The same stamp for every event of the file: when it was produced.
        lignes.extend([begin, uid, f"DTSTAMP:{horodatage}", *reste])
    lignes.append("END:VCALENDAR")
    return "".join(plier(ligne) + "\r\n" for ligne in lignes).encode()


def calendrier_ics(sessions: Iterable[tuple[Session, bool]], *, nom: str) -> bytes:
    """A VCALENDAR of the sessions; each comes with whether to show its video link (only to a
    person registered to it). Sessions need their programme loaded."""
    return calendrier_evenements(
        (_evenement(session, avec_lien=avec_lien) for session, avec_lien in sessions), nom=nom
    )
