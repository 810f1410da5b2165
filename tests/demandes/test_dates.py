"""Deadlines in the e-mails about demandes and times in the dashboard's files are Paris times,
in summer (UTC+2) and in winter (UTC+1), whatever time zone is active."""

import csv
import io
from datetime import datetime, timedelta

import openpyxl
import pytest
import time_machine
from django.core import mail

from demandes import tasks
from demandes.models import Absence
from tests.conftest import connecter_verifie, texte
from tests.demandes.conftest import creer_demande
from tests.saisons import ETE, HIVER, PARIS, SAISONS, fuseau_prefere

pytestmark = pytest.mark.django_db

# An urgent demande (4 business hours) sent at 9:00 in Paris. Summer: Thursday 6 May 2027 is
# Ascension Day, so its clock starts on Friday 7 at 8:30.
URGENTE = {
    ETE: {
        "envoyee": datetime(2027, 5, 6, 9, 0, tzinfo=PARIS),
        "alerte": datetime(2027, 5, 7, 11, 30, tzinfo=PARIS),
        "retard": datetime(2027, 5, 7, 12, 45, tzinfo=PARIS),
        "paris": "07/05/2027 à 12 h 30",
        "utc": "07/05/2027 à 10 h 30",
        "envoyee_paris": "06/05/2027 à 9 h 00",
        "envoyee_utc": "06/05/2027 à 7 h 00",
    },
    HIVER: {
        "envoyee": datetime(2027, 1, 14, 9, 0, tzinfo=PARIS),
        "alerte": datetime(2027, 1, 14, 12, 0, tzinfo=PARIS),
        "retard": datetime(2027, 1, 14, 13, 15, tzinfo=PARIS),
        "paris": "14/01/2027 à 13 h 00",
        "utc": "14/01/2027 à 12 h 00",
        "envoyee_paris": "14/01/2027 à 9 h 00",
        "envoyee_utc": "14/01/2027 à 8 h 00",
    },
}


def _surveiller(voyage, instant, capture):
    voyage.move_to(instant)
    with capture(execute=True):
        tasks.delais_surveiller()


@SAISONS
def test_alerte_75_pourcent_et_escalade_a_l_heure_de_paris(
    saison,
    agent_a,
    structure_a,
    regle_generale,
    titulaire,
    superviseur,
    django_capture_on_commit_callbacks,
):
    cas = URGENTE[saison]
    with time_machine.travel(cas["envoyee"], tick=False) as voyage:
        demande = creer_demande(agent_a, structure_a, urgence="urgente")
        a_paris = demande.echeance.astimezone(PARIS)
        assert f"{a_paris:%d/%m/%Y} à {a_paris.hour} h {a_paris:%M}" == cas["paris"]
        mail.outbox.clear()

        # The 75 % warning goes to the expert, from the periodic task (no request, no user).
        _surveiller(voyage, cas["alerte"], django_capture_on_commit_callbacks)
        (alerte,) = mail.outbox
        assert alerte.to == [titulaire.utilisateur.email]
        assert f"Réponse attendue avant le {cas['paris']}." in alerte.body
        assert cas["utc"] not in alerte.body

        # The escalation tells the superviseurs when the answer was due.
        _surveiller(voyage, cas["retard"], django_capture_on_commit_callbacks)
        # The superviseur's copy (the expert holding the demande gets one too).
        (escalade,) = [
            m for m in mail.outbox if "dépassé" in m.subject and m.to == [superviseur.email]
        ]
        assert f"elle était attendue avant le {cas['paris']}." in escalade.body
        assert cas["utc"] not in escalade.body


# Half past midnight in Paris is still the day before in UTC.
EXPORT = {
    ETE: (datetime(2027, 5, 7, 0, 30, tzinfo=PARIS), "07/05/2027", "06/05/2027 à 22 h 30"),
    HIVER: (datetime(2027, 1, 15, 0, 30, tzinfo=PARIS), "15/01/2027", "14/01/2027 à 23 h 30"),
}


@SAISONS
def test_exports_du_tableau_de_bord_dates_de_paris(saison, client, superviseur):
    instant, jour, heure_utc = EXPORT[saison]
    fuseau_prefere(superviseur, "UTC")
    periode = {"date_debut": "01/01/2027", "date_fin": jour}
    with time_machine.travel(instant, tick=False):
        client_sup = connecter_verifie(client, superviseur)
        reponse_csv = client_sup.get("/admin/tableau-de-bord/export.csv", periode)
        reponse_xlsx = client_sup.get("/admin/tableau-de-bord/export.xlsx", periode)
    assert reponse_csv.status_code == reponse_xlsx.status_code == 200

    lignes = list(csv.reader(io.StringIO(reponse_csv.content.decode("utf-8-sig")), delimiter=";"))
    classeur = openpyxl.load_workbook(io.BytesIO(reponse_xlsx.content))
    cellules = {ligne[0]: ligne[1] for ligne in classeur["Périmètre"].iter_rows(values_only=True)}
    for contexte in ({ligne[0]: ligne[1:] for ligne in lignes if len(ligne) > 1}, cellules):
        assert contexte["Édité le"] in (jour, [jour])
        assert contexte["Chiffres calculés le"] in (f"{jour} à 0 h 30", [f"{jour} à 0 h 30"])
    assert heure_utc not in reponse_csv.content.decode("utf-8-sig")
    assert heure_utc not in str(list(cellules.values()))


@SAISONS
def test_ecran_de_l_expert_et_absence_a_l_heure_de_paris(
    saison, client, agent_a, structure_a, regle_generale, titulaire
):
    """The deadline on the expert's screen is the one of the e-mails, whatever zone the expert
    chose in their preferences."""
    cas = URGENTE[saison]
    fuseau_prefere(titulaire.utilisateur, "UTC")
    with time_machine.travel(cas["envoyee"], tick=False):
        demande = creer_demande(agent_a, structure_a, urgence="urgente")
        connecter_verifie(client, titulaire.utilisateur)
        ecran = texte(client.get(f"/admin/demandes/{demande.reference}/"))
    assert f"Échéance le {cas['paris']}" in ecran
    assert cas["utc"] not in ecran
    # Sent at 9:00 in Paris: so say its reception, the consent, the message and the routing.
    assert ecran.count(cas["envoyee_paris"]) >= 3
    assert cas["envoyee_utc"] not in ecran

    # An absence starting at midnight in Paris starts that day, not the day before in UTC.
    debut = cas["envoyee"].replace(hour=0)
    absence = Absence(expert=titulaire, debut=debut, fin=debut + timedelta(days=2))
    jour = debut.strftime("%d/%m/%Y")
    assert f"({jour} – " in str(absence)
