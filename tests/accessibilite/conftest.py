"""Accessibility checks in a real Chromium (RGAA / WCAG 2.1 AA).

axe-core comes from the `axe-playwright-python` dev dependency (it bundles `axe.min.js`, MPL-2.0):
nothing is fetched from a CDN at test time and the portal never serves it. The script is passed
to `page.evaluate`, which runs through the DevTools protocol, so the portal's CSP
(`script-src 'self'`) does not have to be relaxed for the tests.

The page-by-page scan (`test_axe.py`) works on the demo data (`seed_demo`), committed once per
module and served by the module's own live server: pytest-django's `live_server` would flush the
database after every test, and seeding again for each of the ~40 pages would take minutes. Each
page's test is a plain `django_db` test (its writes are rolled back); the module empties the test
database when it is done (`flush`; post_migrate rebuilds the groups and the page tree). Seeding
and flushing are guarded so that they only ever run against the test database.
"""

import functools
import os
from dataclasses import dataclass, field
from importlib import resources
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

from portail.celery import app as celery_app
from tests.conftest import CHROMIUM, connecter_verifie, lancer_chromium, requetes_du_serveur

# The demande module's actors (routing rule, experts), for the keyboard journey.
from tests.demandes.conftest import equipe, regle_generale, suppleant, titulaire  # noqa: F401


@functools.cache
def source_axe() -> str:
    """axe.min.js as bundled by the `axe-playwright-python` dev dependency."""
    return resources.files("axe_playwright_python").joinpath("axe.min.js").read_text("utf-8")


# WCAG 2.1 level A and AA rules, as RGAA 4.1 maps onto them.
OPTIONS_AXE = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
IMPACTS_BLOQUANTS = {"serious", "critical"}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The page scans run after every other test of the session (pytest-django has already put
    the transactional tests after the others): the demo data they commit and the flush that
    empties it must not land among tests that expect the freshly migrated database."""
    scans = [item for item in items if "portail_demo" in getattr(item, "fixturenames", ())]
    if scans:
        autres = [item for item in items if "portail_demo" not in item.fixturenames]
        items[:] = autres + scans


def cookie_de_session(utilisateur, url):
    """A session cookie for this person, second factor verified (the login journey has its own
    browser tests)."""
    client = connecter_verifie(Client(), utilisateur)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": url,
    }


def contexte_connecte(navigateur, live_server, utilisateur):
    """A browser context logged in (second factor verified) as this person (as in
    tests/demandes/test_partenaire_navigateur.py)."""
    contexte = navigateur.new_context(locale="fr-FR", base_url=live_server.url)
    contexte.set_default_timeout(10_000)
    contexte.add_cookies([cookie_de_session(utilisateur, live_server.url)])
    return contexte


def analyser(page, exclure=()):
    """axe-core on the page as it is now; returns the violations (list of axe dicts)."""
    page.evaluate(source_axe())
    contexte = {"exclude": [[selecteur] for selecteur in exclure]} if exclure else None
    return page.evaluate(
        "([contexte, options]) => axe.run(contexte || document, options).then(r => r.violations)",
        [contexte, OPTIONS_AXE],
    )


def resumer(violations) -> str:
    """One line per violation and node, readable in a failure message."""
    lignes = []
    for violation in violations:
        lignes.append(
            f"[{violation['impact']}] {violation['id']} : {violation['help']} "
            f"({len(violation['nodes'])} élément(s))"
        )
        for noeud in violation["nodes"][:5]:
            cible = " ".join(str(c) for c in noeud["target"])
            lignes.append(f"    {cible} — {noeud['html'][:160]}")
    return "\n".join(lignes)


@dataclass
class PortailDemo:
    """The demo portal served to a Chromium: one logged-in browser context per account."""

    url: str
    navigateur: object
    cookies: dict
    objets: dict
    contextes: dict = field(default_factory=dict)

    def page(self, compte: str | None):
        if compte not in self.contextes:
            contexte = self.navigateur.new_context(locale="fr-FR", base_url=self.url)
            contexte.set_default_timeout(15_000)
            if compte is not None:
                contexte.add_cookies([self.cookies[compte]])
            self.contextes[compte] = contexte
        return self.contextes[compte].new_page()


def _objets_demo():
    """The objects the scanned addresses point at, picked from the demo data."""
    from django.db.models import Count

    from conventions.models import Partenaire
    from demandes.models import Demande
    from demandes.selectors import demandes_visibles_partenaire
    from formations.models import Inscription, Session
    from portail.models import Utilisateur

    agent = Utilisateur.objects.get(email="agent@demo.solidaires.fr")
    expert = Utilisateur.objects.get(email="expert@demo.solidaires.fr")
    structure = Partenaire.objects.get(adhesions__utilisateur__email="referent@demo.solidaires.fr")
    # What the agent may follow, the richest first: one waiting for the partner (answer form),
    # one resolved (reopening form).
    visibles = demandes_visibles_partenaire(agent).annotate(n=Count("messages"))
    visibles = visibles.order_by("-n", "-cree_le")
    demande_agent = (
        visibles.filter(statut=Demande.Statut.EN_ATTENTE).first()
        or visibles.filter(statut__in=Demande.OUVERTES).first()
        or visibles.first()
    )
    demande_resolue = visibles.filter(statut=Demande.Statut.RESOLUE).first() or demande_agent
    demande_expert = (
        Demande.objects.filter(expert__utilisateur=expert, statut__in=Demande.OUVERTES)
        .order_by("-cree_le")
        .first()
    )
    session_ouverte = Session.objects.filter(statut="ouverte").order_by("debut").first()
    session_inscrits = (
        Session.objects.filter(pk__in=Inscription.objects.values("session")).order_by("pk").first()
    )
    return {
        "structure": structure.pk,
        "demande": demande_agent.reference,
        "demande_resolue": demande_resolue.reference,
        "demande_expert": demande_expert.reference,
        "session": session_ouverte.pk,
        "session_inscrits": session_inscrits.pk,
    }


def _collection_racine_assurer():
    """Wagtail's root collection comes from a data migration, which a flush (after a
    transactional test) removes and no post_migrate handler restores; `seed_demo` needs it."""
    from wagtail.models import Collection

    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


def _base_de_test() -> bool:
    """True when the default connection points at the test database (never the developer's)."""
    from django.db import connection

    nom = str(connection.settings_dict["NAME"])
    return connection.is_in_memory_db() if connection.vendor == "sqlite" else "test" in nom


@pytest.fixture(scope="module")
def portail_demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data, seeded once, served by a live server of this module to one Chromium."""
    from playwright.sync_api import sync_playwright
    from pytest_django.live_server_helper import LiveServer

    from portail.management.commands.seed_demo import COMPTES_DEMO
    from portail.models import Utilisateur

    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium absent (/usr/bin/chromium) : analyses axe non exécutées.")

    reglages = override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("media-accessibilite"),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    eager = celery_app.conf.task_always_eager
    with pytest.MonkeyPatch.context() as mp, django_db_blocker.unblock():
        # Playwright's sync API runs an event loop in this thread: allow the ORM there.
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        # Seeding and flushing below must only ever touch the test database.
        assert _base_de_test(), "la base de test n'est pas active : analyse interrompue"
        reglages.enable()
        celery_app.conf.task_always_eager = True
        serveur = None
        try:
            _collection_racine_assurer()
            call_command("seed_demo", "--force", stdout=StringIO())
            serveur = LiveServer("localhost")
            requetes = requetes_du_serveur(serveur)
            cookies = {
                email.split("@")[0]: cookie_de_session(
                    Utilisateur.objects.get(email=email), serveur.url
                )
                for email, *_ in COMPTES_DEMO
            }
            objets = _objets_demo()
            with sync_playwright() as playwright:
                navigateur = lancer_chromium(playwright)
                demo = PortailDemo(serveur.url, navigateur, cookies, objets)
                yield demo
                navigateur.close()
        finally:
            if serveur is not None:
                requetes.attendre_la_fin()
                serveur.stop()
            if _base_de_test():
                call_command("flush", "--no-input")
            celery_app.conf.task_always_eager = eager
            reglages.disable()
