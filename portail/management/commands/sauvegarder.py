"""Backup of the portal: the PostgreSQL database (pg_dump, custom format) and the media files.

    python manage.py sauvegarder /chemin/vers/sauvegarde-2026-11-25

writes into that folder (created if needed, refused if it already holds a backup):

- `base.dump`: `pg_dump --format=custom` of the configured database;
- `media.tar.gz`: MEDIA_ROOT (signed conventions, attachments of demandes, documents...);
- `manifeste.json`: UTC date, commit, row counts of the main tables, number of media files.

The folder holds personal data (demandes, NIR, attachments): it is created readable by the owner
only, and must be stored encrypted. `manage.py restaurer` is the other half.
"""

import json
import os
import shutil
import subprocess  # noqa: S404 - pg_dump, git: fixed executables, argument lists, no shell
import tarfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

BASE = "base.dump"
MEDIA = "media.tar.gz"
MANIFESTE = "manifeste.json"

# The tables whose counts prove a restore complete (compared by `restaurer`).
MODELES_COMPTES = [
    "portail.Utilisateur",
    "conventions.Partenaire",
    "conventions.Convention",
    "demandes.Demande",
    "demandes.Message",
    "demandes.PieceJointe",
    "formations.Session",
    "formations.Inscription",
]


def postgresql_exiger(connexion=connection) -> None:
    if connexion.vendor != "postgresql":
        raise CommandError(
            "La sauvegarde et la restauration ne fonctionnent qu'avec PostgreSQL "
            f"(base configurée : {connexion.vendor}). Définissez DATABASE_URL=postgres://…"
        )


def executable(nom: str) -> str:
    chemin = shutil.which(nom)
    if chemin is None:
        raise CommandError(
            f"{nom} est introuvable : installez le client PostgreSQL (paquet postgresql-client)."
        )
    return chemin


def environnement_pg(connexion=connection) -> tuple[dict[str, str], list[str]]:
    """The libpq environment (password never on the command line) and connection arguments."""
    reglages = connexion.settings_dict
    env = dict(os.environ)
    if reglages.get("PASSWORD"):
        env["PGPASSWORD"] = str(reglages["PASSWORD"])
    options = reglages.get("OPTIONS") or {}
    for cle, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if options.get(cle):
            env[variable] = str(options[cle])
    arguments = []
    if reglages.get("HOST"):
        arguments += ["--host", str(reglages["HOST"])]
    if reglages.get("PORT"):
        arguments += ["--port", str(reglages["PORT"])]
    if reglages.get("USER"):
        arguments += ["--username", str(reglages["USER"])]
    arguments += ["--dbname", str(reglages["NAME"])]
    return env, arguments


def comptes_tables() -> dict[str, int]:
    return {nom: apps.get_model(nom).objects.count() for nom in MODELES_COMPTES}


def fichiers_media(racine: Path) -> list[str]:
    """Relative paths of every regular file under `racine`, sorted."""
    if not racine.is_dir():
        return []
    return sorted(
        chemin.relative_to(racine).as_posix() for chemin in racine.rglob("*") if chemin.is_file()
    )


def commit_courant() -> str | None:
    git = shutil.which("git")
    if git is None:
        return None
    try:
        resultat = subprocess.run(  # noqa: S603 - fixed arguments
            [git, "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if resultat.returncode != 0:
        return None
    return resultat.stdout.strip() or None


class Command(BaseCommand):
    help = (
        "Sauvegarde la base PostgreSQL (pg_dump) et les fichiers media dans un dossier, "
        "avec un manifeste (date, commit, nombres de lignes)."
    )

    def add_arguments(self, parser):
        parser.add_argument("dossier", help="Dossier de destination (créé s'il n'existe pas).")

    def handle(self, *args, dossier, **options):
        postgresql_exiger()
        pg_dump = executable("pg_dump")
        dossier = Path(dossier).resolve()
        existants = [nom for nom in (BASE, MEDIA, MANIFESTE) if (dossier / nom).exists()]
        if existants:
            raise CommandError(
                f"{dossier} contient déjà une sauvegarde ({', '.join(existants)}) : "
                "choisissez un dossier neuf."
            )
        dossier.mkdir(parents=True, exist_ok=True, mode=0o700)
        ancien_umask = os.umask(0o077)
        try:
            self._sauvegarder(dossier, pg_dump)
        finally:
            os.umask(ancien_umask)

    def _sauvegarder(self, dossier: Path, pg_dump: str) -> None:
        date = timezone.now()
        # Counts first, dump right after: on a live portal a few rows may appear in between,
        # which `restaurer` reports; stop the web and workers for an exact backup.
        comptes = comptes_tables()

        env, arguments = environnement_pg()
        resultat = subprocess.run(  # noqa: S603 - fixed executable, argument list, no shell
            [pg_dump, "--format=custom", "--no-password", "--file", str(dossier / BASE)]
            + arguments,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if resultat.returncode != 0:
            raise CommandError(f"pg_dump a échoué : {resultat.stderr.strip()}")
        self.stdout.write(f"Base sauvegardée : {dossier / BASE}")

        racine = Path(settings.MEDIA_ROOT)
        fichiers = fichiers_media(racine)
        with tarfile.open(dossier / MEDIA, "w:gz") as archive:
            for relatif in fichiers:
                archive.add(racine / relatif, arcname=relatif, recursive=False)
        self.stdout.write(f"Fichiers media sauvegardés : {len(fichiers)} ({dossier / MEDIA})")

        manifeste = {
            "date": date.isoformat(),
            "commit": commit_courant(),
            "base": connection.settings_dict["NAME"],
            "comptes": comptes,
            "fichiers_media": len(fichiers),
        }
        (dossier / MANIFESTE).write_text(
            json.dumps(manifeste, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        for nom, nombre in comptes.items():
            self.stdout.write(f"  {nom:<26} {nombre}")
        self.stdout.write(self.style.SUCCESS(f"Sauvegarde terminée : {dossier}"))
