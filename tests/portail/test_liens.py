"""Absolute addresses come from one helper: the public address, then the resolved path."""

import ast
from pathlib import Path

from django.test import override_settings

from portail.liens import adresse_absolue, adresse_du_chemin

RACINE = Path(__file__).resolve().parents[2]
APPLICATIONS = ("portail", "cms", "conventions", "demandes", "formations")


@override_settings(PORTAIL_URL="https://partenaires.example")
def test_adresse_absolue_depuis_le_nom_de_la_route():
    assert adresse_absolue("demandes:detail", "D-2026-000001") == (
        "https://partenaires.example/demandes/D-2026-000001/"
    )
    assert adresse_absolue("portail:connexion") == "https://partenaires.example/connexion/"


@override_settings(PORTAIL_URL="https://partenaires.example")
def test_adresse_du_chemin_garde_une_adresse_deja_absolue():
    assert adresse_du_chemin("/fiches/css/") == "https://partenaires.example/fiches/css/"
    assert adresse_du_chemin("https://ailleurs.example/x/") == "https://ailleurs.example/x/"


def test_aucun_module_n_ecrit_une_adresse_du_portail_a_la_main():
    """`PORTAIL_URL` glued to a path in an f-string outside `portail/liens.py`: a renamed route
    would leave a dead link in e-mails."""
    fautifs = []
    for application in APPLICATIONS:
        for fichier in (RACINE / application).rglob("*.py"):
            if "migrations" in fichier.parts or fichier.name in {"liens.py", "settings.py"}:
                continue
            for noeud in ast.walk(ast.parse(fichier.read_text(encoding="utf-8"))):
                if isinstance(noeud, ast.JoinedStr) and "PORTAIL_URL" in ast.unparse(noeud):
                    fautifs.append(f"{fichier.relative_to(RACINE)}:{noeud.lineno}")
    assert fautifs == []
