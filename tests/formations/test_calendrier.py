"""Calendar files: a valid iCalendar per session (parsed here), and the personal feed at a
private, revocable address."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from icalendar import Calendar, Event

from conventions.models import Convention
from formations.models import JetonCalendrier, Session
from tests.conftest import connecter_verifie, texte
from tests.formations.factories import SessionFactory, inscrire

pytestmark = pytest.mark.django_db


def _evenements(brut: bytes) -> list[Event]:
    """The VEVENTs of a calendar file, read back by the `icalendar` parser, after checking
    by hand what readers are strict about: CRLF line ends, lines of at most 75 octets."""
    assert brut.endswith(b"\r\n")
    lignes = brut.split(b"\r\n")[:-1]
    assert b"\n" not in b"".join(lignes), "LF seul interdit : CRLF uniquement"
    for ligne in lignes:
        assert len(ligne) <= 75, f"ligne de plus de 75 octets : {ligne!r}"
    calendrier = Calendar.from_ical(brut)
    assert calendrier.name == "VCALENDAR"
    assert calendrier["VERSION"] == "2.0"
    assert calendrier["PRODID"]
    return list(calendrier.events)


def _en_utc(evenement: Event, champ: str):
    """A date-time property, checked to be written in UTC ("…Z")."""
    valeur = evenement.decoded(champ)
    assert valeur.tzinfo is not None and valeur.utcoffset() == timedelta(0), champ
    assert evenement[champ].to_ical().endswith(b"Z"), champ
    return valeur


# One session ------------------------------------------------------------------------------------


def test_fichier_ics_d_une_session_valide(client, agent_a):
    session = SessionFactory(
        titre="CSS, PUMa; et carte Vitale \\ une session au titre très long pour forcer le pliage",
        lieu="CPAM d'Indre-et-Loire, salle Loire, 36 rue Édouard Vaillant, 37000 Tours",
    )
    connecter_verifie(client, agent_a)

    response = client.get(f"/formations/sessions/{session.pk}/calendrier.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    (evenement,) = _evenements(response.content)
    assert evenement["SUMMARY"] == session.titre
    assert evenement["LOCATION"] == session.lieu
    assert evenement["UID"].startswith(f"formation-session-{session.pk}@")
    for champ in ("DTSTAMP", "LAST-MODIFIED"):
        _en_utc(evenement, champ)
    assert _en_utc(evenement, "DTSTART") == session.debut.replace(microsecond=0)
    assert _en_utc(evenement, "DTEND") == session.fin.replace(microsecond=0)
    assert evenement["STATUS"] == "CONFIRMED"
    assert "CONFERENCE" not in evenement
    # Downloaded again, the same event (same UID) is updated, not duplicated.
    page = client.get(f"/formations/sessions/{session.pk}/calendrier.ics")
    (encore,) = _evenements(page.content)
    assert encore["UID"] == evenement["UID"]
    assert session.programme.intitule in evenement["DESCRIPTION"].splitlines()


def test_lien_de_visio_reserve_aux_inscrits(client, agent_a, structure_a):
    session = SessionFactory(
        mode=Session.Mode.DISTANCIEL, lieu="", lien_visio="https://visio.cpam.example/secret-42"
    )
    connecter_verifie(client, agent_a)
    adresses = [
        f"/formations/sessions/{session.pk}/",
        f"/formations/sessions/{session.pk}/calendrier.ics",
        "/formations/",
    ]

    for adresse in adresses:
        response = client.get(adresse)
        assert response.status_code == 200
        assert "secret-42" not in response.content.decode(), adresse
    assert "Communiqué aux personnes inscrites" in texte(client.get(adresses[0]))

    inscrire(session, agent_a)

    assert "https://visio.cpam.example/secret-42" in texte(client.get(adresses[0]))
    (evenement,) = _evenements(client.get(adresses[1]).content)
    assert "https://visio.cpam.example/secret-42" in evenement["DESCRIPTION"]
    assert evenement["CONFERENCE"] == "https://visio.cpam.example/secret-42"
    assert evenement["CONFERENCE"].params["VALUE"] == "URI"
    assert evenement["LOCATION"] == "À distance (visioconférence)"


# Personal feed ----------------------------------------------------------------------------------


def _adresse_du_flux(client) -> str:
    response = client.post("/formations/calendrier/regenerer/")
    assert response.status_code == 200
    adresse = re.search(r'value="(http[^"]+\.ics)"', response.content.decode()).group(1)
    assert adresse.startswith(settings.PORTAIL_URL)
    return adresse.removeprefix(settings.PORTAIL_URL)


def test_flux_personnel_sans_connexion_avec_jeton(client, agent_a, structure_a):
    a_venir = SessionFactory(
        mode=Session.Mode.DISTANCIEL, lieu="", lien_visio="https://v.example/x"
    )
    autre = SessionFactory()
    inscrire(a_venir, agent_a)
    connecter_verifie(client, agent_a)
    adresse = _adresse_du_flux(client)
    client.logout()

    response = client.get(adresse)

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    (evenement,) = _evenements(response.content)
    nom = Calendar.from_ical(response.content)["X-WR-CALNAME"]
    assert nom == "Mes formations — Solidaires et partenaires"
    assert evenement["UID"].startswith(f"formation-session-{a_venir.pk}@")
    assert "https://v.example/x" in evenement["DESCRIPTION"]
    assert autre.titre not in response.content.decode()
    # Only a hash is stored.
    jeton = adresse.rsplit("/", 1)[1].removesuffix(".ics")
    assert not JetonCalendrier.objects.filter(empreinte=jeton).exists()


def test_regenerer_le_jeton_revoque_l_ancienne_adresse(client, agent_a, structure_a):
    inscrire(SessionFactory(), agent_a)
    connecter_verifie(client, agent_a)
    ancienne = _adresse_du_flux(client)
    nouvelle = _adresse_du_flux(client)

    assert ancienne != nouvelle
    assert client.get(ancienne).status_code == 404
    assert client.get(nouvelle).status_code == 200

    response = client.post("/formations/calendrier/supprimer/")
    assert response.status_code == 302
    assert client.get(nouvelle).status_code == 404
    assert not JetonCalendrier.objects.exists()


def test_jeton_inconnu_404(client):
    assert client.get("/formations/calendrier/nimporte-quoi.ics").status_code == 404


def test_flux_coupe_quand_la_convention_est_suspendue(client, agent_a, structure_a):
    inscrire(SessionFactory(), agent_a)
    connecter_verifie(client, agent_a)
    adresse = _adresse_du_flux(client)
    Convention.objects.filter(partenaire=structure_a).update(statut="suspendue")

    assert client.get(adresse).status_code == 404


def test_flux_sans_les_sessions_annulees_ni_la_liste_d_attente(client, agent_a, structure_a):
    from tests.formations.factories import agents_de

    complete = SessionFactory(capacite=1)
    inscrire(complete, agents_de(structure_a, 1)[0])
    inscrire(complete, agent_a)  # waiting list
    ancienne = SessionFactory(debut=complete.debut - timedelta(days=500))
    connecter_verifie(client, agent_a)
    adresse = _adresse_du_flux(client)

    assert _evenements(client.get(adresse).content) == []
    assert ancienne.titre not in client.get(adresse).content.decode()
