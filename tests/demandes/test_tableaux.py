"""Dashboards: figures equal to hand-computed ones on a fixed dataset, CSV and XLSX that match
each other and the selectors, accessible charts, a query count that does not grow with the
number of demandes, form errors instead of server errors, and who may see what."""

import csv
import io
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conventions.models import Convention
from demandes.calendrier import minutes_ouvrees_entre
from demandes.models import Categorie, Demande
from demandes.tableaux import exports, graphiques
from demandes.tableaux.forms import periode_par_defaut
from demandes.tableaux.selectors import Perimetre, tableau_de_bord
from formations.models import Inscription
from portail import roles
from tests.conftest import connecter_verifie, rattacher, texte
from tests.demandes.conftest import creer_demande
from tests.factories import ConventionFactory, PartenaireFactory, UtilisateurFactory
from tests.formations.factories import SessionFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
AUJOURDHUI = date(2026, 4, 15)
PERIODE = {"date_debut": "2026-01-01", "date_fin": "2026-03-31"}
ADMIN = "/admin/tableau-de-bord/"


def paris(*morceaux) -> datetime:
    return datetime(*morceaux, tzinfo=PARIS)


def structure_url(partenaire, suite: str = "") -> str:
    return f"/structure/{partenaire.pk}/tableau-de-bord/{suite}"


@pytest.fixture(autouse=True)
def _horloge():
    """Wednesday 15 April 2026, 10:00 in Paris, for every fixture and test of the module."""
    with time_machine.travel(paris(2026, 4, 15, 10, 0), tick=False):
        yield


# The fixed dataset -------------------------------------------------------------------------------


def _convention(partenaire, statut, effet, fin):
    Convention.objects.filter(partenaire=partenaire).update(
        statut=statut, date_effet=effet, date_fin=fin
    )


def _structure_fs(statut, effet, fin):
    return ConventionFactory(statut=statut, date_effet=effet, date_fin=fin).partenaire


@pytest.fixture
def jeu(structure_a, structure_b, agent_a, referent_a, agent_b, regle_generale):
    """Structures A and B (France Services, 37), C (CCAS, 41), D to G (37, no demande), and
    twelve demandes with chosen dates, delays, statuses and outcomes (two outside the period).

    In the period (01/01/2026 – 31/03/2026), hand-computed:
    - answered delays, sorted: 30 45 60 90 150 600 1200 3000 (n = 8): median = rank 4 = 90,
      90th percentile = rank ceil(7.2) = 8 = 3000; within the SLA: 5 of 8;
    - département 37: 30 60 90 150 600 1200 (n = 6): median rank 3 = 90, p90 rank 6 = 1200;
    - structure A: 30 150 600 1200 (n = 4): median rank 2 = 150 (the weekend one), p90 = 1200.
    """
    _convention(structure_a, "en_vigueur", date(2025, 6, 1), date(2026, 6, 1))
    _convention(structure_b, "en_vigueur", date(2026, 2, 1), date(2027, 2, 1))
    structure_c = ConventionFactory(
        partenaire=PartenaireFactory(
            nom="CCAS de Blois",
            type="ccas_cias",
            departement="41",
            numero_label_france_services="",
        ),
        date_effet=date(2025, 1, 1),
        date_fin=date(2027, 1, 1),
    ).partenaire
    structures = {
        "A": structure_a,
        "B": structure_b,
        "C": structure_c,
        "D": _structure_fs("en_vigueur", date(2025, 9, 1), date(2026, 9, 1)),
        "E": _structure_fs("suspendue", date(2025, 5, 1), date(2026, 5, 1)),
        "F": _structure_fs("expiree", date(2025, 1, 1), date(2026, 4, 1)),
        "G": _structure_fs("brouillon", date(2026, 3, 1), date(2027, 3, 1)),
    }
    agent_c = UtilisateurFactory()
    rattacher(agent_c, structure_c)
    auteurs = {"A": agent_a, "B": agent_b, "C": agent_c}

    # Agent A was present at a session on 10 January 2026: trained in the last 12 months.
    session = SessionFactory(debut=paris(2026, 1, 10, 9, 0), statut="realisee")
    Inscription.objects.create(
        session=session,
        agent=agent_a,
        partenaire=structure_a,
        campagne=session.campagne,
        programme=session.programme,
        etat="present",
    )

    weekend = minutes_ouvrees_entre(paris(2026, 1, 16, 16, 30), paris(2026, 1, 19, 10, 0))
    lignes = [
        # name, structure, category, sent (Paris), delay, delay allowed, status, outcome, reopened
        ("a0", "A", "css", paris(2025, 12, 31, 23, 30), 10, 1080, "resolue", "droits_ouverts", 1),
        (
            "a1",
            "A",
            "css",
            paris(2026, 1, 16, 16, 30),
            weekend,
            240,
            "resolue",
            "droits_ouverts",
            0,
        ),
        ("a2", "A", "css", paris(2026, 1, 20, 9, 0), 30, 1080, "cloturee", "carte_commandee", 1),
        ("a3", "A", "affiliation", paris(2026, 2, 3, 10), 600, 240, "resolue", "reorientee", 0),
        ("a4", "A", "affiliation", paris(2026, 2, 10, 10), 1200, 1080, "en_cours", "", 1),
        ("a5", "A", "css", paris(2026, 3, 2, 10), None, 1080, "nouvelle", "", 0),
        ("b1", "B", "css", paris(2026, 2, 5, 10), 60, 1080, "resolue", "droits_ouverts", 0),
        ("b2", "B", "autre", paris(2026, 3, 10, 10), 90, 240, "cloturee", "sans_suite", 0),
        # 00:30 in Paris on 1 January is still 31 December in UTC: January, in the period.
        ("c1", "C", "css", paris(2026, 1, 1, 0, 30), 45, 1080, "resolue", "dossier_regularise", 0),
        ("c2", "C", "css", paris(2026, 3, 12, 10), 3000, 1080, "en_attente", "", 0),
        ("c3", "C", "autre", paris(2026, 3, 31, 23, 0), None, 1080, "nouvelle", "", 0),
        ("c4", "C", "css", paris(2026, 4, 1, 0, 0), 5, 1080, "resolue", "droits_ouverts", 0),
    ]
    demandes = {}
    for nom, cle, slug, envoi, delai, accorde, statut, issue, reouvertures in lignes:
        demande = creer_demande(auteurs[cle], structures[cle], slug=slug)
        Demande.objects.filter(pk=demande.pk).update(
            cree_le=envoi,
            repondue_le=None if delai is None else envoi + timedelta(hours=1),
            delai_reponse=delai,
            delai_accorde=accorde,
            statut=statut,
            issue=issue,
            reouvertures=reouvertures,
        )
        demandes[nom] = demande
    return {"structures": structures, "demandes": demandes, "weekend": weekend}


def _tdb(**perimetre):
    return tableau_de_bord(
        Perimetre(date(2026, 1, 1), date(2026, 3, 31), **perimetre), aujourdhui=AUJOURDHUI
    )


# Figures -----------------------------------------------------------------------------------------


def test_delai_sur_un_weekend_en_minutes_ouvrees(jeu):
    # Friday 16:30 → 17:30 (60 min), Saturday and Sunday closed, Monday 8:30 → 10:00 (90 min).
    assert jeu["weekend"] == 60 + 90 == 150


def test_chiffres_de_toutes_les_structures(jeu):
    tdb = _tdb()
    activite = tdb.activite
    assert activite.total == 10
    assert activite.structures == 3
    assert activite.repondues == 8
    assert (activite.delai_median, activite.delai_90) == (90, 3000)
    assert (activite.dans_le_delai.nombre, activite.dans_le_delai.sur) == (5, 8)
    assert activite.dans_le_delai.pourcentage == 62.5
    assert (activite.reouverture.nombre, activite.reouverture.sur) == (2, 7)
    assert activite.reouverture.pourcentage == 28.6
    assert {ligne.cle: ligne.valeur for ligne in activite.issues} == {
        "droits_ouverts": 2,
        "carte_commandee": 1,
        "dossier_regularise": 1,
        "reorientee": 1,
        "sans_suite": 1,
    }
    assert [(ligne.cle, ligne.valeur) for ligne in tdb.par_mois] == [
        (date(2026, 1, 1), 3),
        (date(2026, 2, 1), 3),
        (date(2026, 3, 1), 4),
    ]
    libelles = dict(Categorie.objects.values_list("slug", "libelle"))
    assert [(ligne.libelle, ligne.valeur) for ligne in tdb.par_categorie] == [
        (libelles["css"], 6),
        *sorted([(libelles["affiliation"], 2), (libelles["autre"], 2)]),
    ]
    assert [(ligne.libelle, ligne.valeur) for ligne in tdb.par_type] == [
        ("France Services", 7),
        ("CCAS / CIAS", 3),
    ]
    a, b, c = (jeu["structures"][cle] for cle in "ABC")
    assert [(ligne.libelle, ligne.valeur) for ligne in tdb.par_structure.lignes] == [
        (f"{a.nom} (37)", 5),
        ("CCAS de Blois (41)", 3),
        (f"{b.nom} (37)", 2),
    ]
    assert (tdb.par_structure.autres, tdb.par_structure.structures) == (0, 3)
    # In force on 31/03: A, B, C, D and F (expired on 01/04); signed in the period: B;
    # suspended today: E; ending within 60 days of 15/04 and in force today: A (01/06).
    assert tdb.jour_reference == date(2026, 3, 31)
    conventions = tdb.conventions
    assert (conventions.en_vigueur, conventions.signees) == (5, 1)
    assert (conventions.suspendues, conventions.echeance_proche) == (1, 1)
    assert (tdb.structures.en_vigueur, tdb.structures.actives) == (5, 3)
    assert tdb.structures.part_actives.pourcentage == 60.0
    # France Services in force today: A, B, D; agents: A's two and B's one; trained: agent A.
    assert (tdb.couverture.structures.nombre, tdb.couverture.structures.sur) == (1, 3)
    assert (tdb.couverture.agents.nombre, tdb.couverture.agents.sur) == (1, 3)
    assert tdb.couverture.agents.pourcentage == 33.3


def test_conventions_en_vigueur_selon_leur_historique(jeu, superviseur):
    """In force on a past day by the status it had that day, not by today's."""
    from conventions.services import convention_changer_statut

    d = Convention.objects.get(partenaire=jeu["structures"]["D"])
    h = ConventionFactory(date_effet=date(2025, 9, 1), date_fin=date(2026, 9, 1))

    def changer(convention, vers, jour):
        with time_machine.travel(paris(*jour, 11, 0), tick=False):
            convention_changer_statut(
                convention=convention, vers=vers, auteur=superviseur, motif="Contrôle"
            )

    def en_vigueur(debut, fin):
        tdb = tableau_de_bord(Perimetre(debut, fin), aujourdhui=AUJOURDHUI)
        return tdb.conventions.en_vigueur, tdb.structures.en_vigueur

    # D suspended on 15 March and still suspended; H suspended on 10 March, back on 10 April.
    changer(d, "suspendue", (2026, 3, 15))
    changer(h, "suspendue", (2026, 3, 10))
    changer(h, "en_vigueur", (2026, 4, 10))

    # 28 February: both were in force (A, B, C, D, F and H).
    assert en_vigueur(date(2026, 2, 1), date(2026, 2, 28)) == (6, 6)
    # 31 March: both suspended that day (A, B, C, F).
    assert en_vigueur(date(2026, 1, 1), date(2026, 3, 31)) == (4, 4)
    # 14 March: D not suspended yet, H already (A, B, C, D, F).
    assert en_vigueur(date(2026, 3, 1), date(2026, 3, 14)) == (5, 5)
    # Today: H is back, D still suspended (A, B, C, H; F expired on 1 April).
    assert en_vigueur(date(2026, 4, 1), date(2026, 4, 30)) == (4, 4)


def test_chiffres_d_un_departement(jeu):
    tdb = _tdb(departement="37")
    assert tdb.activite.total == 7
    assert (tdb.activite.delai_median, tdb.activite.delai_90) == (90, 1200)
    assert tdb.activite.dans_le_delai.pourcentage == 66.7
    assert (tdb.conventions.en_vigueur, tdb.conventions.signees) == (4, 1)
    assert (tdb.structures.en_vigueur, tdb.structures.actives) == (4, 2)
    assert tdb.structures.part_actives.pourcentage == 50.0
    assert [(ligne.libelle, ligne.valeur) for ligne in tdb.par_type] == [("France Services", 7)]
    tdb_41 = _tdb(departement="41")
    assert (tdb_41.activite.total, tdb_41.activite.delai_median) == (3, 45)
    assert tdb_41.couverture.structures.sur == 0
    assert tdb_41.couverture.structures.pourcentage is None


def test_chiffres_d_une_structure(jeu):
    tdb = _tdb(partenaire=jeu["structures"]["A"])
    activite = tdb.activite
    assert activite.total == 5
    # The weekend demande (150 business minutes) is the median of structure A.
    assert (activite.delai_median, activite.delai_90) == (150, 1200)
    assert activite.dans_le_delai.pourcentage == 50.0
    assert (activite.reouverture.nombre, activite.reouverture.sur) == (2, 4)
    assert [ligne.valeur for ligne in tdb.par_mois] == [2, 2, 1]
    assert (tdb.couverture.agents.nombre, tdb.couverture.agents.sur) == (1, 2)
    assert tdb.conventions is None and tdb.par_structure is None and tdb.par_type is None
    # Not a France Services: no training coverage.
    assert _tdb(partenaire=jeu["structures"]["C"]).couverture is None


def test_periode_vide(db):
    tdb = _tdb()
    assert tdb.activite.total == 0
    assert tdb.activite.delai_median is None and tdb.activite.delai_90 is None
    assert tdb.activite.dans_le_delai.pourcentage is None
    assert [ligne.valeur for ligne in tdb.par_mois] == [0, 0, 0]


def test_periode_par_defaut_les_douze_derniers_mois():
    assert periode_par_defaut(date(2026, 4, 15)) == (date(2025, 5, 1), date(2026, 4, 15))
    assert periode_par_defaut(date(2026, 12, 31)) == (date(2026, 1, 1), date(2026, 12, 31))


# Back-office page --------------------------------------------------------------------------------


@pytest.fixture
def client_superviseur(client, superviseur):
    return connecter_verifie(client, superviseur)


def test_page_du_superviseur(client_superviseur, jeu):
    response = client_superviseur.get(ADMIN, {**PERIODE, "departement": ""})
    assert response.status_code == 200
    page = texte(response)
    assert "Chiffres clés, du 01/01/2026 au 31/03/2026" in page
    assert "90 minutes ouvrées (1 h 30 ouvrées)" in page
    assert "3\u202f000 minutes ouvrées" in page or "3\xa0000 minutes ouvrées" in page
    assert "62,5\xa0%" in page
    # Charts: images with a title and a description, values printed, each with its table.
    contenu = response.content.decode()
    for cle in ("par_mois", "par_categorie", "par_type", "par_structure", "issues"):
        assert f'id="graphique-{cle}" role="img"' in contenu
        assert f'aria-labelledby="graphique-{cle}-titre graphique-{cle}-desc"' in contenu
        assert f'<title id="graphique-{cle}-titre">' in contenu
        assert f'<desc id="graphique-{cle}-desc">' in contenu
    assert contenu.count("<caption>") == 5
    assert "<script" not in contenu.split('id="graphique-par_mois"')[1].split("</svg>")[0]
    assert 'font-weight="700" fill="#1e1e1e">4</text>' in contenu  # March: 4 demandes
    assert "janvier 2026" in page and "CCAS de Blois (41)" in page
    # Export links carry the same period and nothing else.
    requete = "date_debut=2026-01-01&amp;date_fin=2026-03-31"
    assert f'href="/admin/tableau-de-bord/export.csv?{requete}"' in contenu
    assert f'href="/admin/tableau-de-bord/export.xlsx?{requete}"' in contenu


def test_page_par_defaut_et_departement(client_superviseur, jeu):
    page = texte(client_superviseur.get(ADMIN))
    assert "du 01/05/2025 au 15/04/2026" in page
    response = client_superviseur.get(ADMIN, {**PERIODE, "departement": "41"})
    contenu = response.content.decode()
    assert "export.csv?date_debut=2026-01-01&amp;date_fin=2026-03-31&amp;departement=41" in contenu
    assert "CCAS de Blois (41)" in texte(response)
    assert jeu["structures"]["A"].nom not in texte(response)


@pytest.mark.parametrize(
    ("parametres", "message"),
    [
        ({"date_debut": "2026-02-30"}, "Saisissez une date valide"),
        ({"date_debut": "n'importe quoi", "date_fin": "<script>"}, "Saisissez une date valide"),
        (
            {"date_debut": "2026-03-01", "date_fin": "2026-02-01"},
            "La date de fin doit être postérieure ou égale à la date de début.",
        ),
        ({"departement": "99"}, "Ce département n'a aucune structure partenaire"),
        ({"departement": "' OR 1=1 --"}, "Ce département n'a aucune structure partenaire"),
        (
            {"date_debut": "2020-01-01", "date_fin": "2026-01-01"},
            "La période ne peut pas dépasser 5 ans",
        ),
        ({"date_debut": "0001-01-01", "date_fin": "9999-12-31"}, "Choisissez une date entre"),
        ({"date_debut": "9999-12-31"}, "Choisissez une date entre"),
    ],
)
def test_saisies_invalides(client_superviseur, jeu, parametres, message):
    response = client_superviseur.get(ADMIN, parametres)
    assert response.status_code == 200
    page = texte(response)
    assert message in page
    assert "Le tableau de bord n'a pas pu être calculé" in page
    assert "Chiffres clés" not in page
    export = client_superviseur.get(f"{ADMIN}export.csv", parametres)
    assert export.status_code == 400
    assert "corrigez-les sur le tableau de bord" in export.content.decode()


def test_cinq_ans_tout_juste(client_superviseur, jeu):
    response = client_superviseur.get(ADMIN, {"date_debut": "2021-01-01", "date_fin": "2025-12-31"})
    assert "Chiffres clés" in texte(response)
    assert texte(response).count("<caption>") == 5


def test_dates_a_la_francaise(client_superviseur, jeu):
    response = client_superviseur.get(ADMIN, {"date_debut": "01/01/2026", "date_fin": "31/03/2026"})
    assert "Chiffres clés, du 01/01/2026 au 31/03/2026" in texte(response)


# Exports -----------------------------------------------------------------------------------------


def _sections_csv(contenu: bytes) -> tuple[list[list[str]], list[list[list[str]]]]:
    """(context lines, tables), each table being its title, headers and rows."""
    assert contenu.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    lignes = list(csv.reader(io.StringIO(contenu.decode("utf-8-sig")), delimiter=";"))
    blocs, bloc = [], []
    for ligne in lignes:
        if ligne:
            bloc.append(ligne)
        else:
            blocs.append(bloc)
            bloc = []
    blocs.append(bloc)
    return blocs[0], blocs[1:]


def _feuilles_xlsx(contenu: bytes) -> dict[str, list[list]]:
    classeur = openpyxl.load_workbook(io.BytesIO(contenu))
    return {
        feuille.title: [list(ligne) for ligne in feuille.iter_rows(values_only=True)]
        for feuille in classeur.worksheets
    }


def _normaliser(valeur):
    """A cell read back from either file, comparable: numbers as floats (the CSV writes
    "60,0", the workbook gives back 60), texts as they are, empty cells left out."""
    if isinstance(valeur, int | float):
        return float(valeur)
    if isinstance(valeur, str) and re.fullmatch(r"-?\d+(,\d+)?", valeur):
        return float(valeur.replace(",", "."))
    return valeur


def test_exports_csv_et_xlsx_concordent(client_superviseur, jeu):
    reponse_csv = client_superviseur.get(f"{ADMIN}export.csv", PERIODE)
    reponse_xlsx = client_superviseur.get(f"{ADMIN}export.xlsx", PERIODE)
    assert reponse_csv.status_code == reponse_xlsx.status_code == 200
    assert reponse_csv["Content-Type"] == "text/csv; charset=utf-8"
    assert reponse_xlsx["Content-Type"] == exports.TYPE_XLSX
    assert reponse_csv["Content-Disposition"] == (
        'attachment; filename="tableau-de-bord_2026-01-01_2026-03-31.csv"'
    )
    contexte, tableaux_csv = _sections_csv(reponse_csv.content)
    feuilles = _feuilles_xlsx(reponse_xlsx.content)
    assert contexte[1] == ["Période", "du 01/01/2026 au 31/03/2026"]
    assert [[v for v in ligne if v is not None] for ligne in feuilles["Périmètre"]] == contexte
    noms = list(feuilles)[1:]
    assert noms == [
        "Synthèse",
        "Par mois",
        "Par catégorie",
        "Par type de structure",
        "Par structure",
        "Issues",
    ]
    assert len(tableaux_csv) == len(noms)
    for tableau_csv, nom in zip(tableaux_csv, noms, strict=True):
        lignes_xlsx = [[_normaliser(v) for v in ligne if v is not None] for ligne in feuilles[nom]]
        lignes_csv = [[_normaliser(v) for v in ligne if v != ""] for ligne in tableau_csv]
        assert lignes_xlsx == lignes_csv

    # And both say what the selectors say.
    synthese = {ligne[0]: ligne[1] for ligne in tableaux_csv[0][2:]}
    tdb = _tdb()
    assert synthese["Demandes envoyées"] == str(tdb.activite.total) == "10"
    assert synthese["Délai médian de première réponse"] == "90"
    assert synthese["Délai de première réponse, 90e centile"] == "3000"
    assert synthese["Part des premières réponses dans le délai"] == "62,5"
    assert synthese["Taux de réouverture"] == "28,6"
    assert synthese["Conventions en vigueur au 31/03/2026"] == "5"
    assert synthese["Part des structures en vigueur ayant envoyé une demande"] == "60,0"
    assert synthese["Part des agents formés"] == "33,3"
    assert tableaux_csv[1][1:] == [
        ["Mois", "Demandes"],
        ["2026-01", "3"],
        ["2026-02", "3"],
        ["2026-03", "4"],
    ]
    assert feuilles["Par mois"][2:] == [["2026-01", 3], ["2026-02", 3], ["2026-03", 4]]
    issues = {ligne[0]: ligne[1] for ligne in feuilles["Issues"][2:]}
    assert issues == {ligne.libelle: ligne.valeur for ligne in tdb.activite.issues}
    # Numbers stay numbers in the workbook.
    assert ["Demandes envoyées", 10, "nombre"] in feuilles["Synthèse"]
    assert ["Taux de réouverture", 28.6, "%"] in feuilles["Synthèse"]


def test_export_sans_formule_ni_balise(client_superviseur, jeu):
    """A structure's name is typed by people: it must not run as a formula in a spreadsheet
    nor as markup in the page."""
    structure = jeu["structures"]["C"]
    structure.nom = '=HYPERLINK("http://x") <b>CCAS</b>'
    structure.save()
    contenu_csv = client_superviseur.get(f"{ADMIN}export.csv", PERIODE).content.decode("utf-8-sig")
    assert ";'=HYPERLINK" not in contenu_csv.replace('"', "")  # quoted by csv, prefixed by '
    assert "'=HYPERLINK" in contenu_csv
    classeur = openpyxl.load_workbook(
        io.BytesIO(client_superviseur.get(f"{ADMIN}export.xlsx", PERIODE).content)
    )
    cases = [case for ligne in classeur["Par structure"].iter_rows() for case in ligne]
    nom = next(case for case in cases if "HYPERLINK" in str(case.value))
    assert nom.data_type == "s" and nom.value.startswith("'=")
    page = client_superviseur.get(ADMIN, PERIODE).content.decode()
    assert "<b>CCAS</b>" not in page
    assert "&lt;b&gt;CCAS&lt;/b&gt;" in page


# Query count -------------------------------------------------------------------------------------


def _requetes(client, adresse, parametres) -> int:
    client.get(adresse, parametres)  # the first request after logging in writes the session
    with CaptureQueriesContext(connection) as requetes:
        response = client.get(adresse, parametres)
        assert response.status_code == 200
    return len(requetes)


def _ajouter_demandes(jeu, nombre: int):
    """`nombre` more demandes in the period, copied from a1 with other references, structures,
    categories, dates, delays, statuses and outcomes (one bulk insert)."""
    modele = Demande.objects.get(pk=jeu["demandes"]["a1"].pk)
    champs = {
        champ.attname: getattr(modele, champ.attname)
        for champ in Demande._meta.concrete_fields
        if not champ.primary_key
    }
    structures = [jeu["structures"][cle].pk for cle in "ABC"]
    categories = list(Categorie.objects.values_list("pk", flat=True))
    issues = [*Demande.Issue.values, ""]
    debut = paris(2026, 1, 1, 8, 0)
    Demande.objects.bulk_create(
        [
            Demande(
                **{
                    **champs,
                    "reference": f"D-2099-{n:06d}",
                    "partenaire_id": structures[n % 3],
                    "categorie_id": categories[n % len(categories)],
                    "cree_le": debut + timedelta(hours=2 * n),
                    "delai_reponse": None if n % 7 == 0 else (n * 37) % 2000,
                    "statut": Demande.Statut.values[n % 5],
                    "issue": issues[n % len(issues)],
                    "reouvertures": n % 4 == 0,
                }
            )
            for n in range(nombre)
        ],
        batch_size=500,
    )


def test_nombre_de_requetes_constant(client, superviseur, referent_a, jeu, capsys, settings):
    settings.TABLEAUX_CACHE_SECONDES = 0  # the computation itself, at every display
    assert _tdb().activite.total == 10
    client_sup = connecter_verifie(client, superviseur)
    admin_10 = _requetes(client_sup, ADMIN, PERIODE)
    export_10 = _requetes(client_sup, f"{ADMIN}export.xlsx", PERIODE)
    client_sup.logout()
    client_ref = connecter_verifie(client, referent_a)
    structure = jeu["structures"]["A"]
    ref_10 = _requetes(client_ref, structure_url(structure), PERIODE)

    _ajouter_demandes(jeu, 990)
    assert _tdb().activite.total == 1000
    ref_1000 = _requetes(client_ref, structure_url(structure), PERIODE)
    client_ref.logout()
    client_sup = connecter_verifie(client, superviseur)
    admin_1000 = _requetes(client_sup, ADMIN, PERIODE)
    export_1000 = _requetes(client_sup, f"{ADMIN}export.xlsx", PERIODE)

    assert admin_10 == admin_1000
    assert export_10 == export_1000
    assert ref_10 == ref_1000
    with capsys.disabled():
        print(f"\n[requêtes] superviseur {admin_10}, export {export_10}, référent {ref_10}")


def test_chiffres_gardes_quelques_minutes_et_dates(client, superviseur, referent_a, jeu, settings):
    settings.TABLEAUX_CACHE_SECONDES = 600
    client_sup = connecter_verifie(client, superviseur)
    client_sup.get(ADMIN, PERIODE)  # computed here, then kept
    page = texte(client_sup.get(ADMIN, PERIODE))
    assert "Chiffres calculés le 15/04/2026 à 10 h 00." in page
    assert "Ils sont recalculés au plus toutes les 10 minutes." in page

    _ajouter_demandes(jeu, 5)
    with CaptureQueriesContext(connection) as requetes:
        page = texte(client_sup.get(ADMIN, PERIODE))
    assert "Demandes envoyées</dt><dd>10<" in page.replace("\n", "")
    assert not any("demandes_demande" in q["sql"] for q in requetes.captured_queries)
    # The export gives the same figures as the page they were read on.
    _contexte, tableaux_csv = _sections_csv(client_sup.get(f"{ADMIN}export.csv", PERIODE).content)
    synthese = {ligne[0]: ligne[1] for ligne in tableaux_csv[0][2:]}
    assert synthese["Demandes envoyées"] == "10"
    # Another département: computed apart.
    with CaptureQueriesContext(connection) as requetes:
        client_sup.get(ADMIN, {**PERIODE, "departement": "41"})
    assert any("demandes_demande" in q["sql"] for q in requetes.captured_queries)

    with time_machine.travel(paris(2026, 4, 15, 10, 11), tick=False):
        page = texte(client_sup.get(ADMIN, PERIODE))
    assert "Chiffres calculés le 15/04/2026 à 10 h 11." in page
    assert "Demandes envoyées</dt><dd>15<" in page.replace("\n", "")

    # A référent's figures are their structure's, never a superviseur's kept ones.
    client_sup.logout()
    client_ref = connecter_verifie(client, referent_a)
    page = texte(client_ref.get(structure_url(jeu["structures"]["A"]), PERIODE))
    assert "Demandes envoyées</dt><dd>15<" not in page.replace("\n", "")


# Who sees what -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [roles.EXPERT_CPAM, roles.EDITEUR, roles.FORMATEUR])
def test_personnel_sans_droit_au_tableau_de_bord(client, jeu, role):
    connecter_verifie(client, UtilisateurFactory(roles=[role]))
    for adresse in (ADMIN, f"{ADMIN}export.csv", f"{ADMIN}export.xlsx"):
        # Wagtail's refusal: back to the admin home with "no permission".
        response = client.get(adresse, PERIODE)
        assert response.status_code == 302 and response["Location"] == "/admin/"
    assert "/admin/tableau-de-bord/" not in texte(client.get("/admin/"))


def test_agent_partenaire_exclu_du_back_office(client, agent_a, jeu):
    connecter_verifie(client, agent_a)
    for adresse in (ADMIN, f"{ADMIN}export.csv"):
        response = client.get(adresse, PERIODE)
        assert response.status_code == 302 and response["Location"].startswith("/connexion/")


def test_superviseur_et_administrateur(client, superviseur, jeu):
    connecter_verifie(client, superviseur)
    assert client.get(ADMIN).status_code == 200
    assert "/admin/tableau-de-bord/" in texte(client.get("/admin/"))
    client.logout()
    connecter_verifie(client, UtilisateurFactory(is_superuser=True))
    assert client.get(ADMIN).status_code == 200


def test_referent_voit_sa_structure(client, referent_a, jeu):
    connecter_verifie(client, referent_a)
    structure = jeu["structures"]["A"]
    response = client.get(structure_url(structure), PERIODE)
    assert response.status_code == 200
    page = texte(response)
    assert f"Tableau de bord de {structure.nom}" in page
    assert "150 minutes ouvrées (2 h 30 ouvrées)" in page  # the median of structure A
    assert "CCAS de Blois" not in page
    assert "graphique-par_structure" not in page  # a single structure: no such breakdown
    contenu = response.content.decode()
    assert f"/structure/{structure.pk}/tableau-de-bord/export.xlsx?date_debut=2026-01-01" in (
        contenu
    )
    export = client.get(structure_url(structure, "export.csv"), PERIODE)
    assert export.status_code == 200
    assert f"structure-{structure.pk}.csv" in export["Content-Disposition"]
    _contexte, tableaux_csv = _sections_csv(export.content)
    synthese = {ligne[0]: ligne[1] for ligne in tableaux_csv[0][2:]}
    assert synthese["Demandes envoyées"] == "5"
    assert synthese["Délai médian de première réponse"] == "150"
    xlsx = _feuilles_xlsx(client.get(structure_url(structure, "export.xlsx"), PERIODE).content)
    assert list(xlsx) == ["Périmètre", "Synthèse", "Par mois", "Par catégorie", "Issues"]


def test_referent_ne_voit_pas_une_autre_structure(client, referent_a, jeu):
    connecter_verifie(client, referent_a)
    autre = jeu["structures"]["B"]
    for suite in ("", "export.csv", "export.xlsx"):
        assert client.get(structure_url(autre, suite), PERIODE).status_code == 404


def test_agent_non_referent(client, agent_a, jeu):
    connecter_verifie(client, agent_a)
    for suite in ("", "export.csv"):
        assert client.get(structure_url(jeu["structures"]["A"], suite)).status_code == 404


def test_referent_d_une_structure_suspendue(client, referent_a, jeu):
    Convention.objects.filter(partenaire=jeu["structures"]["A"]).update(statut="suspendue")
    connecter_verifie(client, referent_a)
    response = client.get(structure_url(jeu["structures"]["A"]))
    assert response.status_code == 403
    assert "Chiffres clés" not in texte(response)


def test_referent_saisie_invalide(client, referent_a, jeu):
    connecter_verifie(client, referent_a)
    structure = jeu["structures"]["A"]
    response = client.get(
        structure_url(structure), {"date_debut": "2026-03-01", "date_fin": "2025-03-01"}
    )
    assert response.status_code == 200
    assert "La date de fin doit être postérieure ou égale à la date de début." in texte(response)
    assert "Chiffres clés" not in texte(response)
    assert client.get(structure_url(structure, "export.xlsx"), {"date_fin": "x"}).status_code == (
        400
    )


def test_anonyme_renvoye_a_la_connexion(client, jeu):
    response = client.get(structure_url(jeu["structures"]["A"]))
    assert response.status_code == 302
    assert client.get(ADMIN).status_code == 302


# Charts ------------------------------------------------------------------------------------------


def test_graphiques_accessibles_et_sans_injection():
    barres = [graphiques.Barre("<Affiliation & co>", 12), graphiques.Barre("CSS", 0)]
    svg = str(graphiques.graphique_barres(identifiant="g", titre="Titre", barres=barres))
    assert svg.startswith('<svg class="graphique" id="g" role="img"')
    assert "&lt;Affiliation &amp; co&gt;" in svg and "<Affiliation" not in svg
    assert '<title id="g-titre">Titre</title>' in svg
    assert "la plus élevée : &lt;Affiliation &amp; co&gt;, 12." in svg
    assert re.search(r">12</text>", svg) and re.search(r">0</text>", svg)
    # Too many months for columns: horizontal bars, every value still printed.
    mois = [graphiques.Barre(f"mois {n}", n, ("m", "2026")) for n in range(30)]
    svg = str(graphiques.graphique_colonnes(identifiant="m", titre="Mois", barres=mois))
    assert svg.count("<rect") == 30 and ">29</text>" in svg and 'text-anchor="end"' in svg
    vide = str(graphiques.graphique_colonnes(identifiant="v", titre="Vide", barres=[]))
    assert "Aucune donnée" in vide


def test_la_page_de_la_structure_mene_au_tableau_de_bord(client, referent_a, structure_a):
    connecter_verifie(client, referent_a)
    page = client.get(f"/structure/{structure_a.pk}/").content.decode()
    assert f'href="/structure/{structure_a.pk}/tableau-de-bord/"' in page
