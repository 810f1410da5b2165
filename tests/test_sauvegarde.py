"""Backup and restore: `manage.py sauvegarder` then `manage.py restaurer` into a fresh database.

The data are committed (transaction=True) so that pg_dump, another session, sees them; the
restore runs in a subprocess whose DATABASE_URL and MEDIA_ROOT point to a new, empty database
and folder, as on the machine where a backup is brought back.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from psycopg import sql

from demandes import services
from portail.management.commands.sauvegarder import MODELES_COMPTES, fichiers_media
from tests.demandes.conftest import (  # noqa: F401 - fixtures of the messaging tests
    creer_demande,
    creer_expert,
    equipe,
    fichier,
    regle_generale,
    suppleant,
    titulaire,
)
from tests.factories import ConventionFactory
from tests.formations.factories import SessionFactory, inscrire

RACINE = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.skipif(
        shutil.which("pg_dump") is None or shutil.which("pg_restore") is None,
        reason="pg_dump/pg_restore absents : sauvegarde et restauration non testées.",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def postgresql(db):
    if connection.vendor != "postgresql":
        pytest.skip(
            "Sauvegarde/restauration testées sur PostgreSQL seulement "
            f"(base de test : {connection.vendor}) : lancez avec DATABASE_URL=postgres://…"
        )


@pytest.fixture
def base_neuve(postgresql):
    """An empty database beside the test database, dropped at the end; its URL."""
    reglages = connection.settings_dict
    nom = f"{reglages['NAME']}_restauration"
    parametres = {
        "host": reglages.get("HOST") or None,
        "port": reglages.get("PORT") or None,
        "user": reglages.get("USER") or None,
        "password": reglages.get("PASSWORD") or None,
    }
    parametres = {cle: valeur for cle, valeur in parametres.items() if valeur}

    def executer(requete):
        with psycopg.connect(dbname="postgres", autocommit=True, **parametres) as admin:
            admin.execute(requete)

    supprimer = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(nom))
    executer(supprimer)
    executer(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(nom)))
    identite = quote(parametres.get("user", ""), safe="")
    if "password" in parametres:
        identite += ":" + quote(parametres["password"], safe="")
    hote = parametres.get("host", "") + (f":{parametres['port']}" if "port" in parametres else "")
    yield nom, f"postgres://{identite}{'@' if identite else ''}{hote}/{nom}"
    executer(supprimer)


@pytest.fixture
def donnees(agent_a, structure_a, regle_generale):  # noqa: F811 - the fixture
    """Rows in every counted table, and media files (signed conventions, attachments)."""
    ConventionFactory.create_batch(2)
    piece = services.piece_deposer(fichier=fichier(), utilisateur=agent_a)
    demande = creer_demande(agent_a, structure_a, pieces=[piece])
    services.message_partenaire_envoyer(
        demande=demande,
        auteur=agent_a,
        corps="Voici le justificatif de domicile.",
        pieces=[services.piece_deposer(fichier=fichier("domicile.pdf"), utilisateur=agent_a)],
    )
    creer_demande(agent_a, structure_a, objet="Carte Vitale perdue")
    session = SessionFactory()
    inscrire(session, agent_a)


def comptes_base(url: str) -> dict[str, int]:
    """Counts read straight from a database, without Django."""
    comptes = {}
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as base:
        for nom in MODELES_COMPTES:
            table = apps.get_model(nom)._meta.db_table
            requete = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            comptes[nom] = base.execute(requete).fetchone()[0]
    return comptes


def test_sauvegarde_puis_restauration_dans_une_base_neuve(base_neuve, donnees, tmp_path):
    nom_base, url_base = base_neuve
    media = Path(settings.MEDIA_ROOT)
    dossier = tmp_path / "sauvegarde"

    call_command("sauvegarder", str(dossier))

    manifeste = json.loads((dossier / "manifeste.json").read_text(encoding="utf-8"))
    attendus = {nom: apps.get_model(nom).objects.count() for nom in MODELES_COMPTES}
    assert manifeste["comptes"] == attendus
    assert all(attendus.values()), attendus  # every counted table really has rows
    fichiers = fichiers_media(media)
    assert len(fichiers) >= 5  # 3 conventions, 2 attachments
    assert manifeste["fichiers_media"] == len(fichiers)
    assert manifeste["date"].endswith("+00:00")
    assert (dossier / "base.dump").stat().st_size > 0
    assert (dossier / "base.dump").stat().st_mode & 0o077 == 0  # personal data: owner only

    media_restaure = tmp_path / "media-restaure"
    env = {
        **os.environ,
        "DATABASE_URL": url_base,
        "MEDIA_ROOT": str(media_restaure),
        "CONN_MAX_AGE": "0",
    }
    commande = [sys.executable, str(RACINE / "manage.py"), "restaurer", str(dossier)]

    refus = subprocess.run(commande, env=env, capture_output=True, text=True, cwd=RACINE)  # noqa: S603
    assert refus.returncode != 0
    assert "--confirmer" in refus.stderr
    assert comptes_vides(url_base)

    resultat = subprocess.run(  # noqa: S603
        [*commande, "--confirmer"], env=env, capture_output=True, text=True, cwd=RACINE
    )
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "conforme au manifeste" in resultat.stdout

    assert comptes_base(url_base) == attendus
    assert fichiers_media(media_restaure) == fichiers
    for relatif in fichiers:
        assert (media_restaure / relatif).read_bytes() == (media / relatif).read_bytes()


def comptes_vides(url: str) -> bool:
    """The refused restore left the fresh database empty (no table at all)."""
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as base:
        requete = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        return base.execute(requete).fetchone()[0] == 0


def test_restauration_signale_un_ecart_avec_le_manifeste(base_neuve, donnees, tmp_path):
    """A manifest that does not match the dump: the restore says so and exits non-zero."""
    _nom_base, url_base = base_neuve
    dossier = tmp_path / "sauvegarde"
    call_command("sauvegarder", str(dossier))
    chemin = dossier / "manifeste.json"
    manifeste = json.loads(chemin.read_text(encoding="utf-8"))
    manifeste["comptes"]["demandes.Demande"] += 1
    chemin.write_text(json.dumps(manifeste), encoding="utf-8")

    env = {**os.environ, "DATABASE_URL": url_base, "MEDIA_ROOT": str(tmp_path / "m")}
    resultat = subprocess.run(  # noqa: S603
        [sys.executable, str(RACINE / "manage.py"), "restaurer", str(dossier), "--confirmer"],
        env=env,
        capture_output=True,
        text=True,
        cwd=RACINE,
    )
    assert resultat.returncode == 1
    assert "demandes.Demande" in resultat.stderr


def test_une_sauvegarde_existante_n_est_pas_ecrasee(postgresql, tmp_path):
    (tmp_path / "base.dump").write_bytes(b"ancienne")
    with pytest.raises(CommandError, match="déjà une sauvegarde"):
        call_command("sauvegarder", str(tmp_path))
    assert (tmp_path / "base.dump").read_bytes() == b"ancienne"


@pytest.mark.django_db
def test_sqlite_refusee_avec_un_message_clair(tmp_path):
    if connection.vendor == "postgresql":
        pytest.skip("Refus propre à une base autre que PostgreSQL.")
    with pytest.raises(CommandError, match="qu'avec PostgreSQL"):
        call_command("sauvegarder", str(tmp_path / "s"))
    assert not (tmp_path / "s").exists()
