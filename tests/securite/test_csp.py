"""Script policy (CSP) of the back-office and of the partner and public pages.

No 'unsafe-inline' anywhere: the back-office runs only Wagtail's own inline initialisers,
recognised by their shape and given the response's nonce (`portail.scripts_admin`); the
project's templates hold no inline script or event handler at all. The browser journeys check,
screen by screen, that Chromium reports no violation (tests/conftest.py, `VIOLATIONS_CSP`).
"""

import re
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from wagtail.admin.widgets import (
    AdminDateInput,
    AdminDateTimeInput,
    AdminPageChooser,
    AdminTimeInput,
)
from wagtail.admin.widgets.workflows import AdminTaskChooser
from wagtail.documents.widgets import AdminDocumentChooser
from wagtail.images.widgets import AdminImageChooser
from wagtail.snippets.widgets import AdminSnippetChooser

from cms.models import FlashInfoIndexPage, FlashInfoPage, HomePage, ThematiquePage, Theme
from portail.middleware import PolitiqueScriptsAdministrationMiddleware
from portail.scripts_admin import script_wagtail_reconnu
from tests.conftest import connecter_verifie
from tests.factories import UtilisateurFactory

RACINE = Path(__file__).resolve().parents[2]
APPLICATIONS = ("portail", "cms", "conventions", "demandes", "formations")

# Every <script> element: its attributes and its text.
SCRIPT = re.compile(r"<script(?P<attributs>[^>]*)>(?P<texte>.*?)</script>", re.DOTALL)
NONCE = re.compile(r"""\bnonce="(?P<nonce>[^"]+)\"""")


def script_src(response) -> list[str]:
    """The sources of the response's script-src directive."""
    politique = response["Content-Security-Policy"]
    directive = next(d for d in politique.split(";") if d.strip().startswith("script-src "))
    return directive.split()[1:]


def scripts_en_ligne(contenu: str) -> list[tuple[str, str]]:
    """(attributes, text) of each inline script that a browser would run (no src, not data)."""
    return [
        (s["attributs"], s["texte"])
        for s in SCRIPT.finditer(contenu)
        if "src=" not in s["attributs"] and "application/json" not in s["attributs"]
    ]


def _rendu_widget(widget, **attrs) -> str:
    return str(widget.render("champ", None, {"id": "id_corps-0-value-champ", **attrs}))


def _texte_script(html: str) -> str:
    (_, texte), *_ = scripts_en_ligne(html)
    return texte


# The shapes Wagtail writes, as its own widgets and templates render them ------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "widget",
    [
        lambda: AdminDateInput(),
        lambda: AdminTimeInput(),
        lambda: AdminDateTimeInput(),
        lambda: AdminPageChooser(),
        lambda: AdminDocumentChooser(),
        lambda: AdminImageChooser(),
        lambda: AdminSnippetChooser(Theme),
        lambda: AdminTaskChooser(),
    ],
    ids=["date", "heure", "date-heure", "page", "document", "image", "extrait", "tache"],
)
def test_les_initialiseurs_de_wagtail_sont_reconnus(widget):
    texte = _texte_script(_rendu_widget(widget()))
    assert script_wagtail_reconnu(texte), texte


@pytest.mark.django_db
def test_le_panneau_en_ligne_de_wagtail_est_reconnu(client):
    """The workflow editor's inline panel (tasks), rendered by Wagtail itself."""
    connecter_verifie(client, UtilisateurFactory(is_superuser=True))
    contenu = client.get("/admin/workflows/add/").content.decode()
    panneaux = [t for _, t in scripts_en_ligne(contenu) if "InlinePanel" in t]
    assert len(panneaux) == 1
    assert script_wagtail_reconnu(panneaux[0])


@pytest.mark.parametrize(
    "texte",
    [
        "alert(document.cookie)",
        'initDateChooser("id_date", {}); alert(1);',
        'initDateChooser("id_date", {}) || fetch("/admin/")',
        'initDateChooser("id_date\\"); alert(1); //", {});',
        'initDateChooser("id_date", eval("1"));',
        "initDateChooser(document.cookie, {});",
        'initDateChooser("id_date", {"a": alert(1)});',
        'new Function("alert(1)")("id_date", {});',
        'window.initDateChooser("id_date", {});',
        "(function() { var panel = new InlinePanel(alert(1)); })();",
        '(function() { var panel = new InlinePanel(JSON.parse("[]")); })();',
        '(function() { var panel = new Worker(JSON.parse("{}")); })();',
    ],
)
def test_tout_autre_script_en_ligne_est_refuse(texte):
    assert not script_wagtail_reconnu(texte)


# The middleware ------------------------------------------------------------------------------


def _reponse(chemin: str, html: str):
    """The middleware's answer to a view that renders this HTML (its length already set, as
    CommonMiddleware does)."""
    requete = RequestFactory().get(chemin)
    requete.csp_nonce = "NONCE-DE-TEST"
    vue = HttpResponse(html)
    vue["Content-Length"] = len(vue.content)
    return PolitiqueScriptsAdministrationMiddleware(lambda r: vue)(requete)


def test_seuls_les_scripts_de_wagtail_recoivent_le_nonce_dans_l_administration():
    wagtail = '<script>initDateChooser("id_date", {"dayOfWeekStart": 1});</script>'
    injecte = "<script>alert(1)</script>"
    reponse = _reponse("/admin/pages/3/edit/", f"<p>{wagtail}{injecte}</p>")
    contenu = reponse.content.decode()
    assert '<script nonce="NONCE-DE-TEST">initDateChooser("id_date"' in contenu
    assert injecte in contenu
    assert reponse._csp_update == {"script-src": ["'nonce-NONCE-DE-TEST'"]}
    assert int(reponse["Content-Length"]) == len(reponse.content)


def test_aucun_nonce_hors_de_l_administration_ni_sans_script_de_wagtail():
    wagtail = '<script>initDateChooser("id_date", {"dayOfWeekStart": 1});</script>'
    for chemin, html in (("/demandes/", wagtail), ("/admin/", "<script>alert(1)</script>")):
        reponse = _reponse(chemin, html)
        assert reponse.content.decode() == html
        assert not hasattr(reponse, "_csp_update")


# Real admin screens: no 'unsafe-inline', every inline script carries the nonce ----------------
# (an inline script added by one of our hooks, insert_global_admin_js and the like, would show
# here without a nonce on every screen)


@pytest.fixture
def ecrans_admin(db):
    """Addresses of admin screens that render each of Wagtail's inline scripts."""
    accueil = HomePage.objects.get()
    index = FlashInfoIndexPage(title="Flash infos", slug="actualites")
    accueil.add_child(instance=index)
    flash = FlashInfoPage(title="Fermeture", slug="fermeture", resume="Fermé.")
    index.add_child(instance=flash)
    theme = Theme.objects.create(nom="Carte Vitale", slug="carte-vitale", ordre=1)
    thematique = ThematiquePage(title="Carte Vitale", slug="carte-vitale", theme=theme)
    accueil.add_child(instance=thematique)
    return [
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{index.pk}/",
        f"/admin/pages/add/cms/flashinfopage/{index.pk}/",
        f"/admin/pages/{flash.pk}/edit/",
        f"/admin/pages/add/cms/thematiquepage/{accueil.pk}/",
        f"/admin/pages/add/cms/fichepratiquepage/{thematique.pk}/",
        "/admin/snippets/cms/formulaire/add/",
        "/admin/sites/new/",
        "/admin/workflows/add/",
        "/admin/formations/campagnes/new/",
        "/admin/formations/sessions/new/",
        "/admin/messagerie/absences/new/",
        "/admin/partenaires/conventions/new/",
        "/admin/demandes/",
        "/admin/tableau-de-bord/",
        "/admin/journal-des-acces/",
        "/admin/images/",
        "/admin/documents/",
        "/admin/documents/multiple/add/",
    ]


@pytest.mark.django_db
def test_l_administration_n_execute_que_les_scripts_de_wagtail_par_nonce(client, ecrans_admin):
    connecter_verifie(client, UtilisateurFactory(is_superuser=True))
    vus = 0
    for adresse in ecrans_admin:
        response = client.get(adresse)
        assert response.status_code == 200, adresse
        sources = script_src(response)
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources, adresse
        assert sources[0] == "'self'", adresse
        nonces = {s.removeprefix("'nonce-").rstrip("'") for s in sources if "nonce-" in s}
        for attributs, texte in scripts_en_ligne(response.content.decode()):
            nonce = NONCE.search(attributs)
            assert nonce and nonce["nonce"] in nonces, f"{adresse} : script refusé {texte!r}"
            vus += 1
    # The screens do render Wagtail's inline scripts (dates, choosers, inline panel).
    assert vus >= len(ecrans_admin)


@pytest.mark.django_db
def test_l_administration_refuse_les_scripts_en_ligne_sans_nonce(client):
    """The login page and the dashboard render no inline script: script-src is 'self' alone."""
    assert script_src(client.get("/admin/login/")) == ["'self'"]
    connecter_verifie(client, UtilisateurFactory(is_superuser=True))
    assert script_src(client.get("/admin/")) == ["'self'"]


def _directive(response, nom: str) -> str:
    politique = response["Content-Security-Policy"]
    return next(d.strip() for d in politique.split(";") if d.strip().startswith(f"{nom} "))


@pytest.mark.django_db
def test_seul_l_apercu_de_wagtail_peut_etre_encadre_et_par_l_administration_seule(client):
    """The editor's preview panel frames the preview: allowed from the back-office itself
    (Wagtail marks the preview SAMEORIGIN), never from another site, and nothing else."""
    accueil = HomePage.objects.get()
    connecter_verifie(client, UtilisateurFactory(is_superuser=True))
    apercu = client.get(f"/admin/pages/{accueil.pk}/edit/preview/")
    assert apercu["X-Frame-Options"] == "SAMEORIGIN"
    assert _directive(apercu, "frame-ancestors") == "frame-ancestors 'self'"
    for adresse in (f"/admin/pages/{accueil.pk}/edit/", "/admin/", "/"):
        response = client.get(adresse)
        assert response["X-Frame-Options"] == "DENY", adresse
        assert _directive(response, "frame-ancestors") == "frame-ancestors 'none'", adresse


@pytest.mark.django_db
def test_pages_partenaires_et_publiques_en_script_src_self_seul(client, agent_a):
    for adresse in ("/", "/connexion/", "/devenir-partenaire/", "/mentions-legales/"):
        assert script_src(client.get(adresse)) == ["'self'"], adresse
    connecter_verifie(client, agent_a)
    for adresse in ("/", "/demandes/", "/demandes/nouvelle/", "/formations/"):
        response = client.get(adresse)
        assert response.status_code == 200, adresse
        assert script_src(response) == ["'self'"], adresse


# The project's own templates and hooks -----------------------------------------------------


def _gabarits_du_projet() -> list[Path]:
    return [g for app in APPLICATIONS for g in (RACINE / app).glob("templates/**/*.html")]


def test_aucun_script_en_ligne_ni_gestionnaire_d_evenement_dans_nos_gabarits():
    gabarits = _gabarits_du_projet()
    assert len(gabarits) > 50
    fautes = []
    for gabarit in gabarits:
        contenu = gabarit.read_text("utf-8")
        nom = gabarit.relative_to(RACINE)
        fautes += [f"{nom} : script en ligne" for _ in scripts_en_ligne(contenu)]
        fautes += [f"{nom} : {m[0]}" for m in re.finditer(r"\son[a-z]+\s*=", contenu)]
        fautes += [f"{nom} : javascript:" for _ in re.finditer(r"javascript:", contenu, re.I)]
    assert fautes == []
