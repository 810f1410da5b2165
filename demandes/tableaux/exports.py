"""The dashboard's figures as tables, written as CSV (UTF-8 with BOM, ";" and decimal comma, as
French spreadsheets expect) and XLSX (openpyxl, a Wagtail dependency). The page shows the same
tables beside its charts, so the three can never disagree."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from portail.dates import aujourdhui, date_courte, date_heure_courte
from portail.formulaires import texte_sur

from .selectors import TableauDeBord

NOMBRE = "nombre"
POURCENTAGE = "%"
MINUTES = "minutes ouvrées"
# A text starting with one of these is read as a formula by spreadsheets (CSV injection).

TYPE_CSV = "text/csv; charset=utf-8"
TYPE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Tableau:
    cle: str
    titre: str
    feuille: str  # XLSX sheet name (31 characters at most)
    colonnes: list[str]
    lignes: list[list] = field(default_factory=list)
    graphique: str = ""  # "colonnes", "barres", or "" for none
    unite: str = ""


# Tables ------------------------------------------------------------------------------------------


def _synthese(tdb: TableauDeBord) -> Tableau:
    jour = date_courte(tdb.jour_reference)
    lignes = []
    if tdb.conventions is not None:
        conventions, structures = tdb.conventions, tdb.structures
        lignes += [
            [_("Conventions en vigueur au %(jour)s") % {"jour": jour}, conventions.en_vigueur],
            [_("Conventions signées (prise d'effet sur la période)"), conventions.signees],
            [_("Conventions suspendues (à ce jour)"), conventions.suspendues],
            [
                _("Conventions arrivant à échéance dans les 60 jours (à ce jour)"),
                conventions.echeance_proche,
            ],
            [_("Structures en vigueur au %(jour)s") % {"jour": jour}, structures.en_vigueur],
            [
                _("Structures actives (au moins une demande sur la période)"),
                structures.actives,
            ],
        ]
        lignes = [[libelle, valeur, NOMBRE] for libelle, valeur in lignes]
        lignes.append(
            [
                _("Part des structures en vigueur ayant envoyé une demande"),
                structures.part_actives.pourcentage,
                POURCENTAGE,
            ]
        )
    activite = tdb.activite
    lignes += [
        [_("Demandes envoyées"), activite.total, NOMBRE],
        [_("Demandes ayant reçu une première réponse"), activite.repondues, NOMBRE],
        [_("Délai médian de première réponse"), activite.delai_median, MINUTES],
        [_("Délai de première réponse, 90e centile"), activite.delai_90, MINUTES],
        [
            _("Part des premières réponses dans le délai"),
            activite.dans_le_delai.pourcentage,
            POURCENTAGE,
        ],
        [_("Demandes résolues au moins une fois"), activite.resolues, NOMBRE],
        [_("Demandes rouvertes"), activite.reouverture.nombre, NOMBRE],
        [_("Taux de réouverture"), activite.reouverture.pourcentage, POURCENTAGE],
    ]
    couverture = tdb.couverture
    if couverture is not None:
        if not tdb.perimetre.une_structure:
            lignes += [
                [_("Structures France Services en vigueur"), couverture.structures.sur, NOMBRE],
                [
                    _("… dont au moins un agent formé dans les 12 derniers mois"),
                    couverture.structures.nombre,
                    NOMBRE,
                ],
                [
                    _("Part des structures France Services ayant un agent formé"),
                    couverture.structures.pourcentage,
                    POURCENTAGE,
                ],
            ]
        lignes += [
            [_("Agents des structures France Services"), couverture.agents.sur, NOMBRE],
            [
                _("… dont formés dans les 12 derniers mois"),
                couverture.agents.nombre,
                NOMBRE,
            ],
            [_("Part des agents formés"), couverture.agents.pourcentage, POURCENTAGE],
        ]
    return Tableau(
        "synthese",
        _("Synthèse"),
        _("Synthèse"),
        [_("Indicateur"), _("Valeur"), _("Unité")],
        lignes,
    )


def tableaux(tdb: TableauDeBord) -> list[Tableau]:
    """Every table of the dashboard, in the order of the page."""
    demandes = _("Demandes")
    liste = [
        _synthese(tdb),
        Tableau(
            "par_mois",
            _("Demandes envoyées par mois"),
            _("Par mois"),
            [_("Mois"), demandes],
            [[ligne.cle, ligne.valeur] for ligne in tdb.par_mois],
            graphique="colonnes",
        ),
        Tableau(
            "par_categorie",
            _("Demandes par catégorie"),
            _("Par catégorie"),
            [_("Catégorie"), demandes],
            [[ligne.libelle, ligne.valeur] for ligne in tdb.par_categorie],
            graphique="barres",
        ),
    ]
    if tdb.par_type is not None:
        liste.append(
            Tableau(
                "par_type",
                _("Demandes par type de structure"),
                _("Par type de structure"),
                [_("Type de structure"), demandes],
                [[ligne.libelle, ligne.valeur] for ligne in tdb.par_type],
                graphique="barres",
            )
        )
    if tdb.par_structure is not None:
        par_structure = tdb.par_structure
        lignes = [[ligne.libelle, ligne.valeur] for ligne in par_structure.lignes]
        if par_structure.autres:
            autres = par_structure.structures - len(par_structure.lignes)
            lignes.append([_("Autres structures (%(n)s)") % {"n": autres}, par_structure.autres])
        liste.append(
            Tableau(
                "par_structure",
                _("Demandes par structure (les %(n)s plus actives)")
                % {"n": len(par_structure.lignes)},
                _("Par structure"),
                [_("Structure"), demandes],
                lignes,
                graphique="barres",
            )
        )
    liste.append(
        Tableau(
            "issues",
            _("Issues des demandes"),
            _("Issues"),
            [_("Issue"), demandes],
            [[ligne.libelle, ligne.valeur] for ligne in tdb.activite.issues],
            graphique="barres",
        )
    )
    return liste


def contexte(tdb: TableauDeBord) -> list[list[str]]:
    """The lines that say what the figures cover, at the top of both files."""
    perimetre = tdb.perimetre
    if perimetre.partenaire is not None:
        portee = _("Structure : %(nom)s") % {"nom": perimetre.partenaire.nom}
    elif perimetre.departement:
        portee = _("Département %(d)s") % {"d": perimetre.departement}
    else:
        portee = _("Toutes les structures")
    return [
        [_("Tableau de bord des demandes — Solidaires et partenaires")],
        [
            _("Période"),
            _("du %(debut)s au %(fin)s")
            % {
                "debut": date_courte(perimetre.date_debut),
                "fin": date_courte(perimetre.date_fin),
            },
        ],
        [_("Périmètre"), portee],
        [_("Édité le"), date_courte(aujourdhui())],
        [_("Chiffres calculés le"), date_heure_courte(tdb.calcule_le)],
    ]


def nom_de_fichier(tdb: TableauDeBord, extension: str) -> str:
    """Dates, département or structure number: nothing personal."""
    perimetre = tdb.perimetre
    morceaux = ["tableau-de-bord", perimetre.date_debut.isoformat(), perimetre.date_fin.isoformat()]
    if perimetre.partenaire is not None:
        morceaux.append(f"structure-{perimetre.partenaire.pk}")
    elif perimetre.departement:
        morceaux.append(f"departement-{perimetre.departement}")
    return "_".join(morceaux) + f".{extension}"


# Cells -------------------------------------------------------------------------------------------


def cellule(valeur):
    """The value written to both files: months as 2026-01, texts made safe; numbers as they
    are (the CSV writes them with a decimal comma)."""
    if isinstance(valeur, date):
        return f"{valeur:%Y-%m}"
    if isinstance(valeur, Promise):  # a lazy translation
        valeur = str(valeur)
    if isinstance(valeur, str):
        return texte_sur(valeur)
    return valeur


def _cellule_csv(valeur) -> str:
    valeur = cellule(valeur)
    if valeur is None:
        return ""
    if isinstance(valeur, float):
        return f"{valeur:.1f}".replace(".", ",")
    return str(valeur)


# Files -------------------------------------------------------------------------------------------


def en_csv(tdb: TableauDeBord) -> bytes:
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\r\n")
    for ligne in contexte(tdb):
        ecrivain.writerow([_cellule_csv(valeur) for valeur in ligne])
    for tableau in tableaux(tdb):
        ecrivain.writerow([])
        ecrivain.writerow([_cellule_csv(tableau.titre)])
        ecrivain.writerow([_cellule_csv(colonne) for colonne in tableau.colonnes])
        for ligne in tableau.lignes:
            ecrivain.writerow([_cellule_csv(valeur) for valeur in ligne])
    return ("\ufeff" + tampon.getvalue()).encode("utf-8")


def en_xlsx(tdb: TableauDeBord) -> bytes:
    """A "Périmètre" sheet, then one sheet per table: its title, its column headers, its rows."""
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = _("Périmètre")
    for ligne in contexte(tdb):
        feuille.append([cellule(valeur) for valeur in ligne])
    feuille["A1"].font = Font(bold=True)
    feuille.column_dimensions["A"].width = 20
    feuille.column_dimensions["B"].width = 40
    for tableau in tableaux(tdb):
        feuille = classeur.create_sheet(tableau.feuille[:31])
        feuille.append([cellule(tableau.titre)])
        feuille.append([cellule(colonne) for colonne in tableau.colonnes])
        for ligne in tableau.lignes:
            feuille.append([cellule(valeur) for valeur in ligne])
        for case in (feuille["A1"], *feuille[2]):
            case.font = Font(bold=True)
        feuille.column_dimensions["A"].width = 60
        feuille.column_dimensions["B"].width = 14
        feuille.column_dimensions["C"].width = 18
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()
