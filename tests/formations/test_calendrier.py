"""Calendar files: a valid iCalendar per session (parsed here), and the personal feed at a
private, revocable address."""

import re
from datetime import UTC, timedelta

import pytest
from django.conf import settings

from conventions.models import Convention
from formations.calendrier import echapper, plier
from formations.models import JetonCalendrier, Session
from tests.conftest import connecter_verifie, texte
from tests.formations.factories import SessionFactory, inscrire

pytestmark = pytest.mark.django_db

UTC_ICS = re.compile(r"^\d{8}T\d{6}Z$")


def lire_ics(brut: bytes) -> list[dict]:
    """A small RFC 5545 reader: checks line ends and folding, unfolds, unescapes, and returns
    the components as dictionaries (name, properties, children)."""
    assert brut.endswith(b"\r\n")
    lignes_brutes = brut.split(b"\r\n")[:-1]
    assert b"\n" not in b"".join(lignes_brutes), "LF seul interdit : CRLF uniquement"
    for ligne in lignes_brutes:
        assert len(ligne) <= 75, f"ligne de plus de 75 octets : {ligne!r}"
    # Unfold: a line starting with a space continues the previous one.
    lignes: list[bytes] = []
    for ligne in lignes_brutes:
        if ligne.startswith(b" "):
            lignes[-1] += ligne[1:]
        else:
            lignes.append(ligne)
    pile = [{"nom": "racine", "proprietes": {}, "enfants": []}]
    for ligne in (ligne.decode("utf-8") for ligne in lignes):
        nom_et_parametres, _, valeur = ligne.partition(":")
        nom = nom_et_parametres.split(";")[0]
        if nom == "BEGIN":
            composant = {"nom": valeur, "proprietes": {}, "enfants": []}
            pile[-1]["enfants"].append(composant)
            pile.append(composant)
        elif nom == "END":
            assert pile.pop()["nom"] == valeur
        else:
            pile[-1]["proprietes"][nom] = _desechapper(valeur)
    assert len(pile) == 1
    return pile[0]["enfants"]


def _desechapper(valeur: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), valeur)


def _evenements(brut: bytes) -> list[dict]:
    (calendrier,) = lire_ics(brut)
    assert calendrier["nom"] == "VCALENDAR"
    assert calendrier["proprietes"]["VERSION"] == "2.0"
    assert calendrier["proprietes"]["PRODID"]
    return [e["proprietes"] for e in calendrier["enfants"] if e["nom"] == "VEVENT"]


def _utc(moment):
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


# Helpers of the module --------------------------------------------------------------------------


def test_echappement_et_pliage():
    assert echapper("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    ligne = "DESCRIPTION:" + "é" * 100
    plie = plier(ligne)
    morceaux = plie.split("\r\n")
    assert all(len(m.encode()) <= 75 for m in morceaux)
    assert all(m.startswith(" ") for m in morceaux[1:])
    assert "".join(m[1:] if i else m for i, m in enumerate(morceaux)) == ligne


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
    for champ in ("DTSTAMP", "DTSTART", "DTEND", "LAST-MODIFIED"):
        assert UTC_ICS.match(evenement[champ]), champ
    assert evenement["DTSTART"] == _utc(session.debut)
    assert evenement["DTEND"] == _utc(session.fin)
    assert evenement["DTSTART"] < evenement["DTEND"]  # same format: ordered as text
    assert evenement["STATUS"] == "CONFIRMED"
    assert session.programme.intitule in evenement["DESCRIPTION"]


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
