"""Container files (Dockerfile, docker-compose.yml, .dockerignore) and documented variables.

No Docker engine is needed: the files are parsed and checked against the settings, so that the
deployment description cannot drift from what the portal reads.
"""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

RACINE = Path(__file__).resolve().parent.parent
COMPOSE = RACINE / "docker-compose.yml"
DOCKERFILE = RACINE / "Dockerfile"
DOCKERIGNORE = RACINE / ".dockerignore"
SETTINGS = RACINE / "portail" / "settings.py"
ENV_EXAMPLE = RACINE / ".env.example"

SERVICES_PORTAIL = ("web", "worker", "beat")

# env("X"), env.bool("X"), env.list("X"), env.db("X")... in the settings source.
LECTURE_ENV = re.compile(r"\benv(?:\.\w+)?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']")
# Compose interpolation: ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}.
INTERPOLATION = re.compile(r"\$\{(?P<nom>\w+)(?:(?P<op>:?[-?])(?P<valeur>[^}]*))?\}")
# A value for the variables the stack requires (${NAME:?...}), as an operator would give.
VALEUR_OBLIGATOIRE = "cle-de-test-" + "x" * 60


# Helpers -----------------------------------------------------------------------------------------


def _interpoler(valeur):
    """Resolve Compose interpolation the way `docker compose config` would with nothing set."""
    if isinstance(valeur, dict):
        return {cle: _interpoler(v) for cle, v in valeur.items()}
    if isinstance(valeur, list):
        return [_interpoler(v) for v in valeur]
    if not isinstance(valeur, str):
        return valeur

    def remplacer(correspondance):
        op = correspondance["op"] or ""
        if op.endswith("-"):
            return correspondance["valeur"]
        if op.endswith("?"):
            return VALEUR_OBLIGATOIRE
        return ""

    # "$$" is a literal dollar, left for the container's shell.
    morceaux = valeur.split("$$")
    return "$".join(INTERPOLATION.sub(remplacer, morceau) for morceau in morceaux)


def _commande(service) -> str:
    commande = service.get("command", "")
    return " ".join(commande) if isinstance(commande, list) else commande


def _environnement(service) -> dict:
    environnement = service.get("environment", {})
    if isinstance(environnement, list):
        environnement = dict(ligne.split("=", 1) for ligne in environnement)
    return {cle: "" if v is None else str(v) for cle, v in environnement.items()}


def _volumes_nommes(service) -> dict[str, str]:
    """Target path -> volume name, for the named volumes (not bind mounts) of a service."""
    volumes = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            if volume.get("type", "volume") == "volume":
                volumes[volume["target"]] = volume["source"]
            continue
        source, _, reste = volume.partition(":")
        if not source.startswith((".", "/", "~", "$")):
            volumes[reste.split(":")[0]] = source
    return volumes


def _instructions_dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    instructions, courante = [], ""
    for ligne in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        if not courante and (not ligne.strip() or ligne.lstrip().startswith("#")):
            continue
        if courante and ligne.lstrip().startswith("#"):
            continue
        if ligne.rstrip().endswith("\\"):
            courante += ligne.rstrip()[:-1] + " "
            continue
        courante += ligne
        mot, _, arguments = courante.strip().partition(" ")
        instructions.append((mot.upper(), arguments.strip()))
        courante = ""
    return instructions


def _variables_des_settings() -> set[str]:
    return set(LECTURE_ENV.findall(SETTINGS.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def compose_brut():
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def compose(compose_brut):
    return _interpoler(compose_brut)


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


# docker-compose.yml ------------------------------------------------------------------------------


def test_compose_decrit_les_cinq_services(compose_brut):
    """La pile compte exactement web, worker, beat, postgres et redis, sans clé `version`."""
    assert set(compose_brut["services"]) == {"web", "worker", "beat", "postgres", "redis"}
    assert "version" not in compose_brut


def test_web_applique_les_migrations_puis_lance_gunicorn(services):
    """Le service web migre la base puis sert portail.wsgi avec gunicorn sur le port 8000."""
    commande = _commande(services["web"])

    assert "manage.py migrate --noinput" in commande
    assert "gunicorn portail.wsgi:application" in commande
    assert commande.index("migrate") < commande.index("gunicorn")
    assert "--bind 0.0.0.0:8000" in commande
    assert "8000:8000" in [str(port) for port in services["web"]["ports"]]


def test_worker_lance_celery_worker(services):
    """Le service worker exécute les tâches Celery du portail."""
    assert "celery -A portail worker" in _commande(services["worker"])


def test_beat_lance_celery_beat_avec_un_calendrier_persistant(services):
    """Le service beat planifie les tâches ; son calendrier est sur un volume nommé."""
    commande = _commande(services["beat"])
    assert "celery -A portail beat" in commande

    calendrier = re.search(r"--schedule[= ](\S+)", commande)
    assert calendrier, "beat doit recevoir --schedule"
    dossier = str(Path(calendrier.group(1)).parent)
    assert dossier in _volumes_nommes(services["beat"])


def test_chaque_service_a_un_controle_de_sante(services):
    """Chaque service déclare un healthcheck ; web interroge /sante/, worker et beat répondent
    à `celery inspect ping` sous leur propre nom de nœud."""
    for nom, service in services.items():
        assert service.get("healthcheck", {}).get("test"), f"{nom} sans healthcheck"

    def test(nom):
        sonde = services[nom]["healthcheck"]["test"]
        return " ".join(sonde) if isinstance(sonde, list) else sonde

    assert "http://127.0.0.1:8000/sante/" in test("web")
    assert "inspect ping" in test("worker")
    assert "celery@$HOSTNAME" in test("worker")
    assert "inspect ping" in test("beat")
    assert "celerybeat@$HOSTNAME" in test("beat")
    # Beat answers pings only with remote control turned on.
    assert "--enable-remote-control" in _commande(services["beat"])


def test_web_worker_beat_partagent_image_et_environnement(services):
    """Web, worker et beat utilisent la même image et le même environnement de production."""
    references = {
        (str(services[nom].get("build")), services[nom].get("image")) for nom in SERVICES_PORTAIL
    }
    assert len(references) == 1
    build, image = references.pop()
    assert build != "None" or image

    environnements = [_environnement(services[nom]) for nom in SERVICES_PORTAIL]
    assert environnements[0] == environnements[1] == environnements[2]
    for nom in SERVICES_PORTAIL:
        environnement = _environnement(services[nom])
        assert environnement["DEBUG"].lower() == "false", nom

        base = urlsplit(environnement["DATABASE_URL"])
        assert base.scheme in ("postgres", "postgresql", "pgsql")
        assert base.hostname == "postgres", nom

        broker = urlsplit(environnement["CELERY_BROKER_URL"])
        assert broker.scheme == "redis"
        assert broker.hostname == "redis", nom


def test_url_de_la_base_correspond_au_service_postgres(services):
    """Utilisateur, mot de passe et base de DATABASE_URL sont ceux que crée postgres."""
    base = urlsplit(_environnement(services["web"])["DATABASE_URL"])
    postgres = _environnement(services["postgres"])

    assert base.username == postgres["POSTGRES_USER"]
    assert base.password == postgres["POSTGRES_PASSWORD"]
    assert base.path.lstrip("/") == postgres["POSTGRES_DB"]
    assert (base.port or 5432) == 5432


def test_secret_key_est_exigee_par_compose(compose_brut):
    """Sans SECRET_KEY, Compose refuse de démarrer la pile avec un message en français."""
    valeur = compose_brut["services"]["web"]["environment"]["SECRET_KEY"]
    correspondance = INTERPOLATION.fullmatch(valeur)

    assert correspondance and correspondance["nom"] == "SECRET_KEY"
    assert correspondance["op"] == ":?"
    assert "doit être définie" in correspondance["valeur"]


def test_web_attend_postgres_et_redis_en_bonne_sante(services):
    """Le web ne démarre (et ne migre) qu'une fois PostgreSQL et Redis en bonne santé."""
    dependances = services["web"]["depends_on"]

    assert isinstance(dependances, dict), "depends_on doit préciser une condition"
    for nom in ("postgres", "redis"):
        assert dependances[nom]["condition"] == "service_healthy"


def test_donnees_sur_des_volumes_nommes(compose, services):
    """Les données de PostgreSQL et de Redis et les fichiers déposés sont sur des volumes
    nommés, déclarés au niveau racine ; les fichiers sont partagés par web et worker."""
    declares = set(compose.get("volumes") or {})

    postgres = _volumes_nommes(services["postgres"])
    assert postgres.get("/var/lib/postgresql/data") in declares
    redis = _volumes_nommes(services["redis"])
    assert redis.get("/data") in declares
    assert "--appendonly yes" in _commande(services["redis"])

    media_root = _environnement(services["web"])["MEDIA_ROOT"]
    volume_media = _volumes_nommes(services["web"]).get(media_root)
    assert volume_media in declares
    assert _volumes_nommes(services["worker"]).get(media_root) == volume_media

    for nom, service in services.items():
        for volume in _volumes_nommes(service).values():
            assert volume in declares, f"volume {volume} de {nom} non déclaré"


def test_variables_du_compose_sont_lues_par_les_settings(services):
    """Chaque variable passée au portail par Compose est lue par les settings (pas de faute de
    frappe qui serait ignorée en silence)."""
    inconnues = set(_environnement(services["web"])) - _variables_des_settings()

    assert not inconnues


def test_environnement_compose_passe_check_deploy(services, tmp_path):
    """L'environnement de Compose charge les settings de production sans erreur de
    `check --deploy` (aucune connexion à la base n'est nécessaire)."""
    environnement = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        **_environnement(services["web"]),
    }

    resultat = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        cwd=RACINE,
        env=environnement,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert resultat.returncode == 0, resultat.stderr


# Dockerfile --------------------------------------------------------------------------------------


def test_dockerfile_ne_tourne_pas_en_root():
    """L'image finale tourne sous un compte sans privilège."""
    utilisateurs = [arguments for mot, arguments in _instructions_dockerfile() if mot == "USER"]

    assert utilisateurs, "aucune instruction USER"
    utilisateur = utilisateurs[-1].split(":")[0]
    assert utilisateur not in ("root", "0")


def test_dockerfile_collecte_les_fichiers_statiques():
    """collectstatic tourne à la construction, avec une clé jetable limitée à cette étape."""
    instructions = _instructions_dockerfile()
    collecte = [
        arguments
        for mot, arguments in instructions
        if mot == "RUN" and "manage.py collectstatic" in arguments
    ]

    assert len(collecte) == 1
    assert "--noinput" in collecte[0]
    cle = re.search(r"\bSECRET_KEY=(\S+)", collecte[0])
    assert cle and len(cle.group(1)) >= 50
    # The throwaway key must not become part of the image's environment.
    for mot, arguments in instructions:
        if mot in ("ENV", "ARG"):
            assert "SECRET_KEY" not in arguments


def test_dockerfile_installe_le_projet_sans_outils_de_developpement():
    """L'image installe le projet par pip, sans extras dev ni navigateur Playwright."""
    texte = DOCKERFILE.read_text(encoding="utf-8")
    installations = [
        arguments
        for mot, arguments in _instructions_dockerfile()
        if mot == "RUN" and "pip install" in arguments
    ]

    assert "playwright install" not in texte
    assert any(re.search(r"pip install\b.*\s\.(\s|$)", arguments) for arguments in installations)
    assert "[dev]" not in texte


def test_dockerfile_production_par_defaut():
    """Base python:3.11-slim, DEBUG=False, port 8000, sonde /sante/ et gunicorn par défaut."""
    instructions = _instructions_dockerfile()
    images = [arguments.split()[0] for mot, arguments in instructions if mot == "FROM"]
    environnement = " ".join(arguments for mot, arguments in instructions if mot == "ENV")
    par_mot = {mot: arguments for mot, arguments in instructions}

    assert images and all(image == "python:3.11-slim" for image in images)
    for variable in ("PYTHONDONTWRITEBYTECODE=1", "PYTHONUNBUFFERED=1", "DEBUG=False"):
        assert variable in environnement
    assert par_mot["EXPOSE"] == "8000"
    assert "http://127.0.0.1:8000/sante/" in par_mot["HEALTHCHECK"]
    assert "urllib" in par_mot["HEALTHCHECK"]
    assert "portail.wsgi:application" in par_mot["CMD"]
    assert "gunicorn" in par_mot["CMD"]


def test_dockerignore_exclut_l_etat_local():
    """Le contexte de construction n'emporte ni virtualenv, ni base locale, ni secrets."""
    motifs = {
        ligne.strip().rstrip("/")
        for ligne in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if ligne.strip() and not ligne.startswith("#")
    }

    for motif in (".venv", ".git", ".env", "db.sqlite3", "staticfiles", "media", "courriels"):
        assert motif in motifs, motif
    for cache in ("__pycache__", ".pytest_cache", ".ruff_cache"):
        assert cache in motifs or f"**/{cache}" in motifs, cache


# .env.example ------------------------------------------------------------------------------------


def test_variables_des_settings_documentees_dans_env_example():
    """Chaque variable lue par les settings figure dans .env.example (`NOM=` ou `# NOM=`)."""
    variables = _variables_des_settings()
    exemple = ENV_EXAMPLE.read_text(encoding="utf-8")

    # Guard against a regex that silently stops matching.
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "EMAIL_URL"} <= variables
    manquantes = sorted(
        nom
        for nom in variables
        if not re.search(rf"^#?\s*{re.escape(nom)}=", exemple, flags=re.MULTILINE)
    )
    assert not manquantes, f"absentes de .env.example : {manquantes}"
