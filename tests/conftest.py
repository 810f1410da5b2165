"""Actors and helpers shared by the whole suite."""

import html
import os
import shutil
import sqlite3
import threading

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp

from portail import roles
from portail.celery import app as celery_app
from tests.factories import MOT_DE_PASSE, TOTPDeviceFactory, UtilisateurFactory

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def texte(response) -> str:
    """The response body as a person reads it (HTML entities decoded)."""
    return html.unescape(response.content.decode())


def code_totp(appareil, decalage: int = 0) -> str:
    """The code the person's phone shows now (decalage: steps ahead, within tolerance)."""
    return f"{totp(appareil.bin_key, appareil.step, appareil.t0, appareil.digits, decalage):06d}"


def connecter_avec_mot_de_passe(client, utilisateur, **extra):
    return client.post(
        "/connexion/", {"username": utilisateur.email, "password": MOT_DE_PASSE}, **extra
    )


def connecter_verifie(client, utilisateur):
    """Log a client in with a verified second factor, without spending a TOTP step."""
    appareil = utilisateur.totpdevice_set.filter(confirmed=True).first() or TOTPDeviceFactory(
        user=utilisateur
    )
    client.force_login(utilisateur)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = appareil.persistent_id
    session.save()
    return client


@pytest.fixture(autouse=True)
def taches_immediates(request):
    """Tasks run eagerly in tests, even when CI configures a real broker; the integration tests
    marked `services` opt out and use a real worker."""
    if request.node.get_closest_marker("services"):
        yield
        return
    precedent = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = precedent


@pytest.fixture(autouse=True)
def _cache_vide():
    """Each test starts with an empty cache (dashboards keep their figures a few minutes)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _broker_sans_panne_memorisee():
    """The outbox's memory of a recent broker outage is the process's: reset for each test."""
    from portail import services

    services._broker_en_panne_depuis = None
    yield
    services._broker_en_panne_depuis = None


@pytest.fixture(autouse=True)
def _courriels_en_memoire(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _hachage_rapide(settings, request):
    """Argon2 is deliberately slow; tests that are not about hashing use a fast hasher."""
    if not request.node.get_closest_marker("argon2"):
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def agent(db):
    return UtilisateurFactory(roles=[roles.AGENT_PARTENAIRE])


@pytest.fixture
def expert(db):
    return UtilisateurFactory(roles=[roles.EXPERT_CPAM])


@pytest.fixture
def superviseur(db):
    return UtilisateurFactory(roles=[roles.SUPERVISEUR_CPAM])


@pytest.fixture
def appareil(agent):
    return TOTPDeviceFactory(user=agent)


@pytest.fixture
def client_agent(client, agent):
    return connecter_verifie(client, agent)


# Browser (Playwright driving Debian's chromium) -------------------------------------------------

ARGUMENTS_CHROMIUM = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

#: CSP violations reported by the browser during the running test (checked after it).
VIOLATIONS_CSP: list[str] = []

# Run before any script of each page: every refusal of the policy becomes a console message.
SIGNALER_VIOLATIONS_CSP = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`Content Security Policy: ${e.effectiveDirective} refuse ${e.blockedURI}`
    + ` (${e.sourceFile}:${e.lineNumber}) ${e.sample}`);
});
"""


def surveiller_csp(contexte) -> None:
    """Every page of this browser context reports its CSP violations into `VIOLATIONS_CSP`,
    whether Chromium logs them itself or the page's `securitypolicyviolation` event does."""
    contexte.add_init_script(script=SIGNALER_VIOLATIONS_CSP)

    def noter(message):
        if "Content Security Policy" in message.text:
            page = message.page.url if message.page else "?"
            VIOLATIONS_CSP.append(f"{page} : {message.text}")

    contexte.on("console", noter)


def lancer_chromium(playwright):
    """Headless Debian chromium whose every context is watched for CSP violations."""
    navigateur = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=ARGUMENTS_CHROMIUM
    )
    nouveau_contexte = navigateur.new_context

    def new_context(**options):
        contexte = nouveau_contexte(**options)
        surveiller_csp(contexte)
        return contexte

    navigateur.new_context = new_context
    return navigateur


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A browser test fails when a page it visited refused a script, style or resource of its
    own under the CSP (a blocked script is a broken screen); a test that provokes a violation on
    purpose reads and empties `violations_csp`."""
    VIOLATIONS_CSP.clear()
    resultat = yield
    violations, VIOLATIONS_CSP[:] = list(VIOLATIONS_CSP), []
    assert violations == [], "Violations de la politique de sécurité du contenu :\n" + "\n".join(
        violations
    )
    return resultat


@pytest.fixture
def violations_csp():
    """The CSP violations reported so far in this test (empty it after checking them)."""
    return VIOLATIONS_CSP


@pytest.fixture
def navigateur():
    """A headless Debian chromium driven by Playwright; skipped with a reason where absent."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium absent (/usr/bin/chromium) : parcours navigateur non exécutés.")
    # The module's tests set DJANGO_ALLOW_ASYNC_UNSAFE (Playwright runs an event loop).
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        navigateur = lancer_chromium(p)
        yield navigateur
        navigateur.close()


class RequetesDuServeurDeTest:
    """WSGI wrapper of pytest-django's live server: it counts the requests in flight, and on
    the in-memory SQLite test database it serves them one at a time.

    That database is ONE connection shared by the test and every request thread of the live
    server; Django's transaction state (atomic blocks, savepoints, "needs rollback") lives on
    it. Two requests at once (a page and its background fetch), or a request still running
    when the test ends and the database is emptied, interleave their transactions: a request
    then fails with "An error occurred in the current transaction", or the emptying is rolled
    back and the next tests find the previous one's pages. The body is read inside the lock,
    since a streamed response may still query the database."""

    def __init__(self, application, en_serie: bool):
        self.application = application
        self.en_serie = threading.Lock() if en_serie else None
        self.en_cours = 0
        self.condition = threading.Condition()

    def __call__(self, environ, start_response):
        from django.conf import settings

        with self.condition:
            self.en_cours += 1
        try:
            if self.en_serie is None or environ["PATH_INFO"].startswith(settings.STATIC_URL):
                return list(self._corps(environ, start_response))
            with self.en_serie:
                return list(self._corps(environ, start_response))
        finally:
            with self.condition:
                self.en_cours -= 1
                self.condition.notify_all()

    def _corps(self, environ, start_response):
        resultat = self.application(environ, start_response)
        try:
            yield from resultat
        finally:
            if hasattr(resultat, "close"):
                resultat.close()

    def attendre_la_fin(self, delai: float = 30) -> bool:
        """Wait until no request is in flight; False if one is still running after `delai`."""
        with self.condition:
            return self.condition.wait_for(lambda: self.en_cours == 0, timeout=delai)


def requetes_du_serveur(serveur) -> RequetesDuServeurDeTest:
    """Route the requests of a started pytest-django `LiveServer` through
    `RequetesDuServeurDeTest` (once), and return that wrapper."""
    httpd = serveur.thread.httpd
    requetes = httpd.get_app()
    if not isinstance(requetes, RequetesDuServeurDeTest):
        en_serie = bool(serveur.thread.connections_override)
        requetes = RequetesDuServeurDeTest(requetes, en_serie=en_serie)
        httpd.set_app(requetes)
    return requetes


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, started only once the test database exists: started
    before (a session fixture may come first), it would not share the in-memory database and
    each request thread would open its own connection to it, which SQLite's shared cache turns
    into "database table is locked" as soon as two of them write."""
    requetes_du_serveur(live_server)
    return live_server


@pytest.fixture(autouse=True)
def _serveur_de_test_sans_requete_en_cours(request):
    """A test that uses the live server ends only once its last request has finished: this
    fixture depends on `transactional_db`, so its teardown runs before the database is emptied
    (the browser fixtures, set up after it, are closed before)."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    requetes = requetes_du_serveur(request.getfixturevalue("live_server"))
    yield
    assert requetes.attendre_la_fin(), "une requête du serveur de test ne s'est pas terminée"
    connexion_saine_apres_le_serveur(requetes)


def connexion_saine_apres_le_serveur(requetes: RequetesDuServeurDeTest) -> None:
    """Fail the test that left the shared connection in a broken transaction, and repair it
    so that the following tests do not all fail with it."""
    from django.db import connection

    if requetes.en_serie is None or connection.in_atomic_block or not connection.needs_rollback:
        return
    connection.needs_rollback = False
    pytest.fail("le serveur de test a laissé la connexion partagée dans une transaction cassée")


def en_parallele(fonction, arguments) -> list[Exception]:
    """Run fonction(argument) in one thread each (its own database connection), all starting
    together; return the errors they raised."""
    depart = threading.Barrier(len(arguments))
    erreurs = []

    def executer(argument):
        from django.db import connections

        try:
            depart.wait(timeout=10)
            fonction(argument)
        except Exception as erreur:  # reported by the test
            erreurs.append(erreur)
        finally:
            connections.close_all()

    fils = [threading.Thread(target=executer, args=(argument,)) for argument in arguments]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=60)
    assert not any(fil.is_alive() for fil in fils), "un fil est resté bloqué"
    return erreurs


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The in-memory SQLite test database is in shared-cache mode, where a second connection
    meets a writer's lock as SQLITE_LOCKED ("database table is locked"), which no busy timeout
    waits for: with IMMEDIATE transactions, a test's own open transaction would lock out the
    thread of a live server that writes a session. The test database therefore opens its
    transactions as SQLite does by default; the SQLite FILE of `base_sqlite_fichier` gets every
    option of the settings, as db.sqlite3 does."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        settings.DATABASES["default"]["OPTIONS"].pop("transaction_mode", None)


@pytest.fixture
def base_sqlite_fichier(transactional_db, tmp_path):
    """The test database copied to a SQLite FILE, used by every thread until the test ends.

    The in-memory test database is one connection shared by every thread, so it never meets a
    second writer; a file gives each thread its own connection, as `runserver` does with
    db.sqlite3, with the OPTIONS of `portail/settings.py`. Skipped on PostgreSQL."""
    from django.conf import settings
    from django.db import connections

    memoire = connections["default"]
    if memoire.vendor != "sqlite":
        pytest.skip("Propre à SQLite : PostgreSQL accepte plusieurs écrivains par lui-même.")
    reglages_memoire = connections.settings["default"]
    fichier = tmp_path / "db.sqlite3"
    memoire.ensure_connection()
    copie = sqlite3.connect(fichier)
    memoire.connection.backup(copie)
    copie.close()
    reglages = {
        **reglages_memoire,
        "NAME": str(fichier),
        "OPTIONS": {**reglages_memoire["OPTIONS"], **settings.SQLITE_OPTIONS},
    }
    connections.settings["default"] = reglages
    connections["default"] = memoire.__class__(reglages, "default")
    yield fichier
    connections["default"].close()
    connections["default"] = memoire
    connections.settings["default"] = reglages_memoire


# Partner structures ----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fichiers_prives_temporaires(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def structure_a(db):
    from tests.factories import ConventionFactory

    return ConventionFactory().partenaire


@pytest.fixture
def structure_b(db):
    from tests.factories import ConventionFactory

    return ConventionFactory().partenaire


def rattacher(utilisateur, partenaire, role="agent"):
    from conventions.services import adhesion_creer

    return adhesion_creer(utilisateur=utilisateur, partenaire=partenaire, role=role)


@pytest.fixture
def agent_a(structure_a):
    utilisateur = UtilisateurFactory()
    rattacher(utilisateur, structure_a)
    return utilisateur


@pytest.fixture
def referent_a(structure_a):
    utilisateur = UtilisateurFactory()
    rattacher(utilisateur, structure_a, "referent")
    return utilisateur


@pytest.fixture
def agent_b(structure_b):
    utilisateur = UtilisateurFactory()
    rattacher(utilisateur, structure_b)
    return utilisateur


@pytest.fixture
def referent_b(structure_b):
    utilisateur = UtilisateurFactory()
    rattacher(utilisateur, structure_b, "referent")
    return utilisateur
