"""`portail.dates`: Paris time in the portal's French shapes, whatever zone and language are
active; its template filters; the access journal's screen and export in Paris time."""

import csv
import io
import re
from datetime import UTC, date, datetime
from importlib import import_module

import pytest
import time_machine
from django.apps import apps
from django.template import Context, Template
from django.utils import timezone, translation
from wagtail.users.models import UserProfile

from portail import dates
from portail.dates import HEURE
from portail.models import EntreeJournal, EvenementSecurite
from tests.conftest import connecter_verifie, texte
from tests.portail.test_journal_admin import URL, URL_EXPORT, _entree
from tests.saisons import ETE, HIVER, SAISONS, fuseau_prefere

# 8:05 UTC: 10:05 in Paris in summer, 9:05 in winter.
INSTANTS = {
    ETE: datetime(2027, 5, 6, 8, 5, 7, tzinfo=UTC),
    HIVER: datetime(2027, 1, 14, 8, 5, 7, tzinfo=UTC),
}
ATTENDU = {
    ETE: {
        "date_courte": "06/05/2027",
        "date_en_lettres": "6 mai 2027",
        "date_longue": "jeudi 6 mai 2027",
        "heure": "10 h 05",
        "date_heure_courte": "06/05/2027 à 10 h 05",
        "date_heure_longue": "jeudi 6 mai 2027 à 10 h 05",
        "horodatage": "06/05/2027 10:05:07",
        "horodatage_fichier": "20270506-1005",
    },
    HIVER: {
        "date_courte": "14/01/2027",
        "date_en_lettres": "14 janvier 2027",
        "date_longue": "jeudi 14 janvier 2027",
        "heure": "9 h 05",
        "date_heure_courte": "14/01/2027 à 9 h 05",
        "date_heure_longue": "jeudi 14 janvier 2027 à 9 h 05",
        "horodatage": "14/01/2027 09:05:07",
        "horodatage_fichier": "20270114-0905",
    },
}


@SAISONS
@pytest.mark.parametrize("fuseau_actif", ["UTC", "America/Cayenne", "Europe/Paris"])
def test_formes_a_l_heure_de_paris(saison, fuseau_actif):
    with timezone.override(fuseau_actif), translation.override("en"):
        formes = {nom: getattr(dates, nom)(INSTANTS[saison]) for nom in ATTENDU[saison]}
    assert formes == ATTENDU[saison]


def test_le_jour_change_a_minuit_a_paris_pas_en_utc():
    # 22:30 UTC on 14 January is 23:30 in Paris; on 6 May it is already 00:30 on the 7th.
    assert dates.jour_de_paris(datetime(2027, 1, 14, 22, 30, tzinfo=UTC)) == date(2027, 1, 14)
    assert dates.jour_de_paris(datetime(2027, 5, 6, 22, 30, tzinfo=UTC)) == date(2027, 5, 7)
    assert dates.date_courte(datetime(2027, 5, 6, 22, 30, tzinfo=UTC)) == "07/05/2027"


def test_dates_seules_et_valeurs_absentes():
    assert dates.date_longue(date(2027, 1, 14)) == "jeudi 14 janvier 2027"
    assert dates.jour_de_paris(date(2027, 1, 14)) == date(2027, 1, 14)
    # A naive datetime is already a Paris time: shown as it is.
    naive = datetime(2027, 1, 14, 9, 30)  # noqa: DTZ001 (the case under test)
    assert dates.date_heure_courte(naive) == "14/01/2027 à 9 h 30"
    for nom in ATTENDU[ETE]:
        if nom != "horodatage_fichier":
            assert getattr(dates, nom)(None) == ""


@SAISONS
def test_filtres_de_gabarit(saison):
    gabarit = Template(
        "{% load dates_paris %}{{ t|date_courte }}|{{ t|date_longue }}|{{ t|heure }}|"
        "{{ t|date_heure_courte }}|{{ t|date_heure_longue }}|{{ t|horodatage }}"
    )
    with timezone.override("UTC"):
        rendu = gabarit.render(Context({"t": INSTANTS[saison]}))
    attendu = ATTENDU[saison]
    assert rendu.split("|") == [
        attendu[nom]
        for nom in (
            "date_courte",
            "date_longue",
            "heure",
            "date_heure_courte",
            "date_heure_longue",
            "horodatage",
        )
    ]


@SAISONS
@pytest.mark.django_db
def test_journal_des_acces_a_l_heure_de_paris(saison, client, superviseur, agent):
    """The screen and its export say the Paris time the search's days are counted in; the
    export adds UTC (unambiguous in the hour repeated in October, and the servers' logs' zone)."""
    _entree(agent, quand=INSTANTS[saison])
    fuseau_prefere(superviseur, "UTC")
    connecter_verifie(client, superviseur)

    # What the page shows (its <time datetime> attribute is ISO 8601 with an offset).
    ecran = re.sub(r"<[^>]*>", " ", texte(client.post(URL, {"personne": agent.email})))
    assert ATTENDU[saison]["horodatage"] in ecran
    assert "08:05:07" not in ecran

    with time_machine.travel(INSTANTS[saison], tick=False):
        connecter_verifie(client, superviseur)
        reponse = client.post(URL_EXPORT, {"personne": agent.email})
    fichier = f"journal-des-acces-{ATTENDU[saison]['horodatage_fichier']}.csv"
    assert reponse["Content-Disposition"] == f'attachment; filename="{fichier}"'
    contenu = b"".join(reponse.streaming_content).decode("utf-8-sig")
    entete, ligne = list(csv.reader(io.StringIO(contenu), delimiter=";"))
    assert entete[:2] == ["Date et heure (Paris)", "Date et heure (UTC)"]
    assert ligne[:2] == [ATTENDU[saison]["horodatage"], f"{INSTANTS[saison]:%Y-%m-%d %H:%M:%S}"]


def test_listes_du_back_office_a_l_heure_de_paris():
    """Security events and journal entries as the admin lists them (their `str`)."""
    minuit_et_demie = datetime(2027, 5, 6, 22, 30, tzinfo=UTC)  # 7 May, 0 h 30 in Paris
    evenement = EvenementSecurite(
        type=EvenementSecurite.Type.REINITIALISATION, date=minuit_et_demie
    )
    entree = EntreeJournal(horodatage=minuit_et_demie, action="connexion", reference="")
    assert str(evenement).endswith("07/05/2027 à 0 h 30")
    assert str(entree).startswith("07/05/2027 00:30:00 ")


def test_le_back_office_n_offre_que_l_heure_de_paris(client, expert):
    """A zone chosen in Wagtail's preferences would make a back-office screen show another hour
    than the partner's page: the choice is not offered, and zones saved before are cleared."""

    connecter_verifie(client, expert)
    assert "current_time_zone" not in texte(client.get("/admin/account/"))

    fuseau_prefere(expert, "America/Cayenne")
    migration = import_module("portail.migrations.0007_fuseau_unique_back_office")
    migration.effacer(apps, None)

    assert UserProfile.get_for_user(expert).get_current_time_zone() == "Europe/Paris"


@pytest.mark.parametrize("format_", [f"d/m/Y à {HEURE}", "d/m/Y", HEURE, "d/m/Y H:i:s"])
def test_formats_numeriques_identiques_a_date_format(format_):
    """The numeric shapes are written without switching the language: same text as Django's."""
    from django.utils.formats import date_format

    from portail.dates import PARIS, _formater

    for instant in (
        datetime(2027, 5, 6, 8, 0, 5, tzinfo=UTC),
        datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC),  # already 1 January in Paris
        datetime(2027, 3, 28, 1, 30, tzinfo=UTC),  # the clocks go forward
        datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC),
    ):
        with translation.override("fr"):
            attendu = date_format(instant.astimezone(PARIS), format_)
        with translation.override("en"):
            assert _formater(instant, format_) == attendu
    if "i" not in format_:
        assert _formater(date(2027, 5, 6), format_) == date_format(date(2027, 5, 6), format_)


def test_premier_du_mois_et_une_seule_forme_d_heure():
    premier = datetime(2027, 5, 1, 7, 0, tzinfo=UTC)  # 9 h 00 in Paris
    assert dates.date_en_lettres(premier) == "1er mai 2027"
    assert dates.date_longue(date(2027, 5, 1)) == "samedi 1er mai 2027"
    assert dates.date_heure_longue(premier) == "samedi 1er mai 2027 à 9 h 00"
    assert dates.date_courte(premier) == "01/05/2027"
    assert dates.heure(premier) == "9 h 00"
    assert dates.date_heure_courte(premier) == "01/05/2027 à 9 h 00"
    # Other days keep their number; the hour has no leading zero, minutes always two digits.
    assert dates.date_en_lettres(date(2027, 5, 11)) == "11 mai 2027"
    assert dates.heure(datetime(2027, 5, 11, 10, 5, tzinfo=UTC)) == "12 h 05"
