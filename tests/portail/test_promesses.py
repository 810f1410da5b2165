"""One source for every promise: delays, phone numbers and sizes shown to people come from the
settings (portail/promesses.py) or the models, never typed in a template or a demo text."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import texte

RACINE = Path(settings.BASE_DIR)
APPLICATIONS = ["cms", "conventions", "demandes", "formations", "portail"]

MOTIFS = {
    "délai ouvré en chiffres": re.compile(
        r"\d+\s*(?:h|heures?|jours?|min|minutes?)\s+ouvr", re.IGNORECASE
    ),
    "délai ouvré en lettres": re.compile(
        r"\b(?:une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|quinze|trente)\s+"
        r"(?:heures?|jours?)\s+ouvr",
        re.IGNORECASE,
    ),
    "taille": re.compile(r"\d+\s*(?:Ko|Mo|Go)\b"),
    "nombre de fichiers": re.compile(r"\d+\s*(?:fichiers|pièces)\s+au\s+plus", re.IGNORECASE),
    "téléphone": re.compile(r"(?:\+33\s?|\b0)[1-9](?:[\s.-]?\d{2}){4}\b"),
    "numéro court": re.compile(r"\b3\d \d\d\b"),
}

# Allowed, each with its reason: (file, text found).
AUTORISES = {
    # The format example of phone fields and their error message, not a number to call.
    ("conventions/forms.py", "02 47 00 00 00"),
    ("conventions/forms_public.py", "02 47 00 00 00"),
    ("conventions/forms_public.py", "+33 2 47 00 00 00"),
    ("portail/identifiants.py", "02 47 00 00 00"),
    ("portail/identifiants.py", "+33 2 47 00 00 00"),
    ("portail/identifiants.py", "36 46"),
    # The Défenseur des droits' number, a mandatory mention of the RGAA accessibility statement:
    # a national number the CPAM does not set.
    ("portail/templates/portail/pages/accessibilite.html", "09 69 39 00 00"),
    ("portail/templates/portail/pages/accessibilite.html", "39 00"),
    # Demo data stored in models (structures' contact numbers, teams' "très urgent" line):
    # pages show them from the models, like any structure's or team's data.
    ("conventions/demo.py", "02 61 91 20 31"),
    ("conventions/demo.py", "02 61 91 20 32"),
    ("conventions/demo.py", "02 61 91 20 33"),
    ("demandes/demo.py", "02 61 91 37 00"),
    ("demandes/demo.py", "02 61 91 41 00"),
    ("demandes/demo.py", "37 00"),
    ("demandes/demo.py", "41 00"),
}


def _gabarits():
    for application in APPLICATIONS:
        for chemin in sorted((RACINE / application / "templates").rglob("*")):
            if chemin.suffix in {".html", ".txt"}:
                yield chemin, chemin.read_text(encoding="utf-8")


def _textes_python(chemin: Path) -> str:
    """The string literals of a module, docstrings left out (they explain, people never see
    them)."""
    arbre = ast.parse(chemin.read_text(encoding="utf-8"))
    docstrings = set()
    for noeud in ast.walk(arbre):
        if isinstance(noeud, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            premier = noeud.body[0] if noeud.body else None
            if isinstance(premier, ast.Expr) and isinstance(premier.value, ast.Constant):
                docstrings.add(id(premier.value))
    # NUL between literals: a pattern never spans two of them (« "976" » then « "h ouvrées" »).
    return "\0".join(
        noeud.value
        for noeud in ast.walk(arbre)
        if isinstance(noeud, ast.Constant)
        and isinstance(noeud.value, str)
        and id(noeud) not in docstrings
    )


def _modules():
    """Application code people read the output of: views, forms, notifications, demo texts.
    Settings are the source itself; migrations and tests are left out."""
    for application in APPLICATIONS:
        for chemin in sorted((RACINE / application).rglob("*.py")):
            relatif = chemin.relative_to(RACINE)
            if "migrations" in relatif.parts or relatif.name == "settings.py":
                continue
            yield chemin, _textes_python(chemin)


def promesses_ecrites_en_dur():
    trouvees = []
    for chemin, contenu in [*_gabarits(), *_modules()]:
        relatif = str(chemin.relative_to(RACINE))
        for nom, motif in MOTIFS.items():
            for trouve in motif.finditer(contenu):
                if (relatif, trouve.group(0)) not in AUTORISES:
                    trouvees.append(f"{relatif} : {nom} « {trouve.group(0)} »")
    return trouvees


def test_aucune_promesse_ecrite_en_dur():
    assert promesses_ecrites_en_dur() == []


def test_le_detecteur_trouve_les_promesses_ecrites_en_dur(tmp_path, monkeypatch):
    """The scan is not vacuous: the text that started it all is caught."""
    for texte_en_dur in [
        "Première réponse sous 2 jours ouvrés (demande urgente : 4 h ouvrées)",
        "sous 48 heures ouvrées",
        "sous deux jours ouvrés",
        "10 Mo au plus",
        "appelez le 36 46",
        "appelez le 02 47 12 34 56",
    ]:
        assert any(motif.search(texte_en_dur) for motif in MOTIFS.values()), texte_en_dur


@pytest.mark.django_db
def test_la_demo_ne_contredit_pas_les_reglages(settings):
    """The pinned flash info on the experts' delays is worded from the settings."""
    from cms import demo

    settings.DEMANDES_DELAI_URGENTE = 8 * 60
    (flash,) = [f for f in demo.FLASH_INFOS if f[0] == "messagerie-experts-horaires"]
    resume = flash[7]() if callable(flash[7]) else flash[7]
    assert "sous 8 h ouvrées" in resume
    assert "48" not in resume


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "reglage", "valeur", "attendu"),
    [
        (
            "/devenir-partenaire/",
            "CONVENTIONS_DELAI_REPONSE_ADHESION_JOURS",
            7,
            "sous 7 jours ouvrés",
        ),
        ("/securite/", "SECURITE_DELAI_ACCUSE_RECEPTION_JOURS", 3, "sous 3 jours ouvrés"),
    ],
)
def test_les_pages_publiques_suivent_leurs_reglages(
    client, settings, url, reglage, valeur, attendu
):
    setattr(settings, reglage, valeur)
    response = client.get(url)
    assert response.status_code == 200
    assert attendu in texte(response)
