"""axe-core (WCAG 2.1 A and AA rules) on every partner page and the main back-office screens, in
Chromium, on the demo data: no violation of impact "serious" or "critical".

Minor and moderate findings are not failures; they are listed in the message of a failing page
and can be printed for every page with `pytest -s` (ACCESSIBILITE_DETAILS=1).
"""

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from tests.accessibilite.conftest import IMPACTS_BLOQUANTS, analyser, resumer, source_axe

pytest.importorskip("axe_playwright_python", reason="dépendance de développement absente")

# `django_db` (not transactional): the test database exists and each page's writes (session,
# read receipts) are rolled back; the demo data itself is committed once by `portail_demo`.
pytestmark = [pytest.mark.navigateur, pytest.mark.django_db]

# Selectors of Wagtail's own admin chrome (sidebar, header, breadcrumbs) to leave out of the
# back-office scans, for a violation this project cannot fix in its templates. None is needed
# with Wagtail 7.4: the back-office screens, chrome included, are analysed whole. Only ever list
# Wagtail core markup here, never our templates (demandes/admin/*, demandes/tableaux/*,
# formations/admin/*), and say why.
CHROME_WAGTAIL: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ecran:
    nom: str
    compte: str | None  # local part of a demo account (agent, referent, ...) or None: visitor
    adresse: str  # formatted with the demo objects ({demande}, {session}, ...)
    admin: bool = False
    erreurs: bool = False  # submit the form empty and analyse the page with its errors


ECRANS = [
    # Visitors.
    Ecran("public-accueil", None, "/"),
    Ecran("public-connexion", None, "/connexion/"),
    Ecran("public-connexion-erreurs", None, "/connexion/", erreurs=True),
    Ecran("public-devenir-partenaire", None, "/devenir-partenaire/"),
    Ecran("public-devenir-partenaire-erreurs", None, "/devenir-partenaire/", erreurs=True),
    Ecran("public-mentions-legales", None, "/mentions-legales/"),
    Ecran("public-donnees-personnelles", None, "/donnees-personnelles/"),
    Ecran("public-accessibilite", None, "/accessibilite/"),
    Ecran("public-mot-de-passe-oublie", None, "/mot-de-passe/oublie/"),
    Ecran("public-mot-de-passe-envoye", None, "/mot-de-passe/envoye/"),
    # Partner agent.
    Ecran("agent-accueil", "agent", "/"),
    Ecran("agent-thematique", "agent", "/complementaire-sante-solidaire/"),
    Ecran(
        "agent-fiche",
        "agent",
        "/complementaire-sante-solidaire/demander-la-complementaire-sante-solidaire/",
    ),
    Ecran("agent-flash-infos", "agent", "/actualites/"),
    Ecran("agent-flash-info", "agent", "/actualites/nouveau-formulaire-css/"),
    Ecran("agent-formulaires", "agent", "/formulaires/"),
    Ecran("agent-agenda", "agent", "/agenda/"),
    Ecran("agent-rencontre", "agent", "/agenda/webinaire-css-renouvellement/"),
    Ecran("agent-recherche", "agent", "/recherche/?q=carte+vitale"),
    Ecran("agent-recherche-vide", "agent", "/recherche/?q=zzzzzz"),
    Ecran("agent-recherche-remplacees", "agent", "/recherche/?q=12504&remplacees=1"),
    Ecran("agent-recherche-un-type", "agent", "/recherche/?q=carte&type=fiches"),
    Ecran("agent-recherche-sans-mot", "agent", "/recherche/?q=%2A%2A%2A"),
    Ecran("agent-aide", "agent", "/aide/"),
    Ecran("agent-demandes", "agent", "/demandes/"),
    Ecran("agent-demandes-filtre-erreur", "agent", "/demandes/?categorie=css&periode=hier"),
    Ecran("referent-demandes-filtres", "referent", "/demandes/?statut=ouvertes&periode=12m"),
    Ecran("agent-demande-nouvelle", "agent", "/demandes/nouvelle/"),
    Ecran("agent-demande-nouvelle-erreurs", "agent", "/demandes/nouvelle/", erreurs=True),
    Ecran("agent-demande-detail", "agent", "/demandes/{demande}/"),
    Ecran("agent-demande-detail-erreurs", "agent", "/demandes/{demande}/", erreurs=True),
    Ecran("agent-demande-resolue", "agent", "/demandes/{demande_resolue}/"),
    Ecran("agent-formations", "agent", "/formations/"),
    Ecran("agent-session", "agent", "/formations/sessions/{session}/"),
    Ecran("agent-mes-inscriptions", "agent", "/formations/mes-inscriptions/"),
    Ecran("agent-securite", "agent", "/compte/securite/"),
    Ecran("agent-reauthentification", "agent", "/compte/securite/confirmer-mot-de-passe/"),
    Ecran(
        "agent-reauthentification-erreurs",
        "agent",
        "/compte/securite/confirmer-mot-de-passe/",
        erreurs=True,
    ),
    Ecran("agent-notifications", "agent", "/compte/notifications/"),
    Ecran("agent-mes-donnees", "agent", "/compte/mes-donnees/"),
    # Partner référent.
    Ecran("referent-accueil", "referent", "/"),
    Ecran("referent-structure", "referent", "/structure/{structure}/"),
    Ecran("referent-formations-structure", "referent", "/formations/structure/{structure}/"),
    Ecran("referent-tableau-de-bord", "referent", "/structure/{structure}/tableau-de-bord/"),
    # Back-office.
    Ecran("expert-accueil-admin", "expert", "/admin/", admin=True),
    Ecran("expert-boite", "expert", "/admin/demandes/", admin=True),
    Ecran("superviseur-boite", "superviseur", "/admin/demandes/?onglet=equipe", admin=True),
    Ecran("expert-demande", "expert", "/admin/demandes/{demande_expert}/", admin=True),
    Ecran("expert-absences", "expert", "/admin/demandes/absences/", admin=True),
    Ecran("superviseur-tableau-de-bord", "superviseur", "/admin/tableau-de-bord/", admin=True),
    Ecran(
        "formateur-inscriptions",
        "formateur",
        "/admin/formations/sessions/inscriptions/{session_inscrits}/",
        admin=True,
    ),
    Ecran("formateur-couverture", "formateur", "/admin/formations/couverture/", admin=True),
    Ecran("formateur-sessions", "formateur", "/admin/formations/sessions/", admin=True),
    Ecran("superviseur-guide", "superviseur", "/admin/guide/", admin=True),
]


def soumettre_vide(page):
    """Submit the page's main form as it is (the forms are `novalidate`: the server answers)."""
    with page.expect_navigation():
        page.evaluate(
            "() => { const f = document.querySelector('main form[method=post]');"
            " f.noValidate = true; f.requestSubmit(); }"
        )
    page.wait_for_selector("#erreurs-resume")


@pytest.mark.parametrize("ecran", ECRANS, ids=[e.nom for e in ECRANS])
def test_aucune_violation_grave(portail_demo, ecran):
    page = portail_demo.page(ecran.compte)
    try:
        adresse = ecran.adresse.format(**portail_demo.objets)
        reponse = page.goto(adresse)
        # The page itself, not a login page or another page it redirected to.
        assert reponse.status == 200, f"{adresse} : HTTP {reponse.status}"
        assert urlsplit(page.url).path == urlsplit(adresse).path, f"{adresse} -> {page.url}"
        if ecran.erreurs:
            soumettre_vide(page)
        violations = analyser(page, exclure=CHROME_WAGTAIL if ecran.admin else ())
        adresse = page.url
    finally:
        page.close()

    graves = [v for v in violations if v["impact"] in IMPACTS_BLOQUANTS]
    if os.environ.get("ACCESSIBILITE_DETAILS") and violations:
        print(f"\n{ecran.nom}\n{resumer(violations)}")
    assert not graves, (
        f"{ecran.nom} ({adresse}) : violations graves ou critiques\n{resumer(graves)}"
        + (
            f"\nAutres (mineures / modérées) :\n{resumer(autres)}"
            if (autres := [v for v in violations if v not in graves])
            else ""
        )
    )


def test_declaration_fidele_aux_tests():
    """The accessibility statement says what these tests check: the number of screens analysed
    and the axe-core version in use (update the page when either changes)."""
    from django.template.loader import render_to_string

    declaration = render_to_string("portail/pages/accessibilite.html")
    version_axe = source_axe().split("axe v", 1)[1].split()[0]
    assert "est non conforme" in declaration and "aucun audit complet" in declaration
    assert f"{len(ECRANS)} écrans" in declaration
    assert f"axe-core {version_axe.rsplit('.', 1)[0]}" in declaration
    for rubrique in (
        "Résultats des tests",
        "Contenus non accessibles",
        "Environnement de test",
        "Technologies utilisées",
        "Retour d'information et contact",
        "Défenseur des droits",
    ):
        assert rubrique in declaration
