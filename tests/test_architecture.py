"""The apps' layers, as the README's « Architecture » section draws them: each app imports only
from the layers under it. `portail` is the base; `conventions` (who may use the portal) sits on
it; `formations` and `demandes` on both; `cms` (the pages people read, which show a bit of
everything) on top. The few crossings that remain are listed with their reason: a new one
fails here, and must either move code to the right layer or be argued for in this list."""

import ast
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
COUCHES = {
    "portail": set(),
    "conventions": {"portail"},
    "formations": {"portail", "conventions"},
    "demandes": {"portail", "conventions"},
    "cms": {"portail", "conventions", "formations", "demandes"},
}
EXCEPTIONS = {
    # The project's URL configuration mounts every app, Wagtail's page serving included.
    ("portail/urls.py", "cms"),
    # The base template's main menu is built from the page tree (cms).
    ("portail/templatetags/portail.py", "cms"),
    # Promises shown to people word the service levels of demandes (issue 16: to move).
    ("portail/promesses.py", "demandes"),
    # The superviseurs' dashboards also count trainings (issue 16: their own app).
    ("demandes/tableaux/selectors.py", "formations"),
}


def _imports(fichier: Path) -> set[str]:
    applications = set()
    for noeud in ast.walk(ast.parse(fichier.read_text(encoding="utf-8"))):
        if isinstance(noeud, ast.ImportFrom) and noeud.module and noeud.level == 0:
            applications.add(noeud.module.split(".")[0])
        elif isinstance(noeud, ast.Import):
            applications.update(alias.name.split(".")[0] for alias in noeud.names)
    return applications & set(COUCHES)


def test_chaque_application_n_importe_que_les_couches_du_dessous():
    croisements = set()
    for application, permises in COUCHES.items():
        for fichier in (RACINE / application).rglob("*.py"):
            if "migrations" in fichier.parts:
                continue
            relatif = str(fichier.relative_to(RACINE))
            for importee in _imports(fichier) - permises - {application}:
                croisements.add((relatif, importee))
    assert croisements - EXCEPTIONS == set()
    # An exception that no longer exists is taken off the list.
    assert EXCEPTIONS - croisements == set()
