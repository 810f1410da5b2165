"""Restore of a backup written by `manage.py sauvegarder`, into the configured database and media.

    python manage.py restaurer /chemin/vers/sauvegarde-2026-11-25 --confirmer

Replaces the objects of the configured PostgreSQL database with those of `base.dump`
(`pg_restore --clean --if-exists --no-owner`) and the content of MEDIA_ROOT with `media.tar.gz`,
then prints the row counts and compares them with `manifeste.json`: exit status 1 if any differs.
Refused without `--confirmer`: the current data are lost. Stop the web and workers first.
"""

import json
import shutil
import subprocess  # noqa: S404 - pg_restore: fixed executable, argument list, no shell
import sys
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from portail.management.commands.sauvegarder import (
    BASE,
    MANIFESTE,
    MEDIA,
    comptes_tables,
    environnement_pg,
    executable,
    fichiers_media,
    postgresql_exiger,
)


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde (base PostgreSQL et fichiers media) dans la base configurée, "
        "puis compare les nombres de lignes avec le manifeste. Exige --confirmer."
    )

    def add_arguments(self, parser):
        parser.add_argument("dossier", help="Dossier écrit par « manage.py sauvegarder ».")
        parser.add_argument(
            "--confirmer",
            action="store_true",
            help="Confirme le remplacement des données actuelles (base et fichiers media).",
        )

    def handle(self, *args, dossier, confirmer=False, **options):
        postgresql_exiger()
        dossier = Path(dossier).resolve()
        manquants = [nom for nom in (BASE, MEDIA, MANIFESTE) if not (dossier / nom).is_file()]
        if manquants:
            raise CommandError(f"Sauvegarde incomplète dans {dossier} : {', '.join(manquants)}.")
        base = connection.settings_dict["NAME"]
        if not confirmer:
            raise CommandError(
                f"La restauration remplace les données de la base « {base} » et le contenu de "
                f"{settings.MEDIA_ROOT}. Relancez avec --confirmer si c'est bien voulu."
            )
        pg_restore = executable("pg_restore")
        manifeste = json.loads((dossier / MANIFESTE).read_text(encoding="utf-8"))

        self._base(dossier / BASE, pg_restore)
        self.stdout.write(f"Base « {base} » restaurée depuis {dossier / BASE}")
        nombre_fichiers = self._media(dossier / MEDIA, Path(settings.MEDIA_ROOT))
        self.stdout.write(f"Fichiers media restaurés : {nombre_fichiers} ({settings.MEDIA_ROOT})")

        comptes = comptes_tables()
        attendus = manifeste.get("comptes", {})
        ecarts = []
        self.stdout.write(f"{'Table':<26} {'restauré':>9} {'manifeste':>9}")
        for nom in sorted(set(comptes) | set(attendus)):
            obtenu, attendu = comptes.get(nom), attendus.get(nom)
            marque = "" if obtenu == attendu else "  ← différent"
            self.stdout.write(f"{nom:<26} {obtenu!s:>9} {attendu!s:>9}{marque}")
            if obtenu != attendu:
                ecarts.append(nom)
        attendu_media = manifeste.get("fichiers_media")
        marque = "" if nombre_fichiers == attendu_media else "  ← différent"
        self.stdout.write(
            f"{'fichiers media':<26} {nombre_fichiers:>9} {attendu_media!s:>9}{marque}"
        )
        if nombre_fichiers != attendu_media:
            ecarts.append("fichiers media")

        if ecarts:
            self.stderr.write(
                self.style.ERROR(
                    "Restauration incomplète : différences avec le manifeste "
                    f"({', '.join(ecarts)})."
                )
            )
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS("Restauration terminée : conforme au manifeste."))

    def _base(self, dump: Path, pg_restore: str) -> None:
        # No connection of ours may hold a lock on a table pg_restore drops.
        connection.close()
        env, arguments = environnement_pg()
        resultat = subprocess.run(  # noqa: S603 - fixed executable, argument list, no shell
            [
                pg_restore,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-password",
                "--exit-on-error",
                "--single-transaction",
                *arguments,
                str(dump),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if resultat.returncode != 0:
            raise CommandError(f"pg_restore a échoué : {resultat.stderr.strip()}")

    def _media(self, archive: Path, racine: Path) -> int:
        """Replace the content of `racine` with the archive; returns the number of files."""
        racine.mkdir(parents=True, exist_ok=True)
        # Extracted beside MEDIA_ROOT first: a damaged archive leaves the current files alone.
        provisoire = Path(tempfile.mkdtemp(prefix=".restauration-", dir=racine.parent))
        try:
            with tarfile.open(archive, "r:gz") as fichier:
                # "data": no absolute path, no "..", no link outside, no device (PEP 706).
                fichier.extractall(provisoire, filter="data")
            for ancien in racine.iterdir():
                if ancien.is_dir() and not ancien.is_symlink():
                    shutil.rmtree(ancien)
                else:
                    ancien.unlink()
            for nouveau in provisoire.iterdir():
                shutil.move(str(nouveau), racine / nouveau.name)
        finally:
            shutil.rmtree(provisoire, ignore_errors=True)
        return len(fichiers_media(racine))
