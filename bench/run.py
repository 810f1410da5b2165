"""The benchmark: production server, Celery worker, load from a separate process, one table.

    python -m bench.run [--quick] [--duree 60]

DATABASE_URL must name a dedicated PostgreSQL database (default: solidaires_bench, or
solidaires_bench_quick with --quick; created when absent, migrated and seeded when empty).
Redis database 14 is the broker. Exit status 1 when any request failed.
"""

import argparse
import io
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from bench import charge, comptes

RACINE = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def _pdf_d_un_mega() -> bytes:
    """A real PDF (uploads are parsed, a fake one is refused), its 1 MB in one uncompressed
    content stream of text lines: the size of a scanned statement, made in a few milliseconds."""
    document = PdfWriter()
    page = document.add_blank_page(width=595, height=842)
    police = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): police})}
    )
    flux = DecodedStreamObject()
    flux.set_data(
        b"BT /F1 9 Tf 11 TL 40 800 Td "
        + b"".join(
            b"(Releve de ressources, ligne %05d . . . . . . . . . .) '\n" % n for n in range(17_500)
        )
        + b"ET"
    )
    page[NameObject("/Contents")] = document._add_object(flux)
    sortie = io.BytesIO()
    document.write(sortie)
    return sortie.getvalue()


PDF_1MO = _pdf_d_un_mega()
PLANCHER = "floor /sante/"


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environnement(base_url: str, media: str, static: str) -> dict[str, str]:
    """Production settings, served over plain HTTP on 127.0.0.1 behind no proxy."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portail.settings",
        DATABASE_URL=base_url,
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1,testserver",
        SECURE_SSL_REDIRECT="False",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/14",
        MEDIA_ROOT=media,
        STATIC_ROOT=static,
        LOG_LEVEL="WARNING",
        EMAIL_URL="consolemail://",
    )
    return env


def _psql(base, sql: str) -> str:
    commande = ["psql", "-h", base.hostname or "127.0.0.1", "-p", str(base.port or 5432)]
    commande += ["-U", base.username or "postgres", "-d", "postgres", "-Atc", sql]
    # A local tool with arguments from this module and the bench's own DATABASE_URL.
    resultat = subprocess.run(commande, check=True, capture_output=True, text=True)  # noqa: S603, S607
    return resultat.stdout.strip()


def preparer_base(base_url: str, env: dict, echelle: str) -> None:
    base = urlparse(base_url)
    nom = base.path.lstrip("/")
    requete = f"SELECT 1 FROM pg_database WHERE datname = '{nom}'"  # noqa: S608 (our own URL)
    if not _psql(base, requete):
        _psql(base, f'CREATE DATABASE "{nom}"')
    for commande in (
        [PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"],
        [PYTHON, "-m", "bench.seed", "--scale", echelle],
        [PYTHON, "manage.py", "collectstatic", "--no-input", "-v", "0"],
    ):
        subprocess.run(commande, cwd=RACINE, env=env, check=True)  # noqa: S603


def demarrer(env: dict, port: int, journal: Path) -> tuple[subprocess.Popen, subprocess.Popen]:
    sortie = open(journal, "a")  # noqa: SIM115 (kept open for the processes' lifetime)
    web = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "portail.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "4",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
        ],
        cwd=RACINE,
        env=env,
        stdout=sortie,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    worker = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "celery"),
            "-A",
            "portail",
            "worker",
            "-l",
            "WARNING",
            "-c",
            "1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=RACINE,
        env=env,
        stdout=sortie,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    for _ in range(60):
        try:
            statut, _, _ = charge.Navigateur("127.0.0.1", port).requete("GET", "/sante/")
            if statut == 200:
                return web, worker
        except OSError:
            pass
        time.sleep(0.5)
    arreter(web, worker)
    raise SystemExit(f"gunicorn ne répond pas ; voir {journal}")


def arreter(*processus: subprocess.Popen) -> None:
    for p in processus:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in processus:
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def _descendants(pid: int) -> list[int]:
    pids = [pid]
    for tache in Path(f"/proc/{pid}/task").glob("*"):
        try:
            enfants = (tache / "children").read_text().split()
        except OSError:
            continue
        for enfant in enfants:
            pids += _descendants(int(enfant))
    return pids


def pic_memoire(pid: int) -> tuple[int, int]:
    """(peak RSS of the largest process, sum of peaks) in MiB, from /proc/<pid>/status VmHWM."""
    pics = []
    for p in _descendants(pid):
        try:
            for ligne in Path(f"/proc/{p}/status").read_text().splitlines():
                if ligne.startswith("VmHWM:"):
                    pics.append(int(ligne.split()[1]) // 1024)
        except OSError:
            continue
    return (max(pics) if pics else 0), sum(pics)


# Endpoints --------------------------------------------------------------------------------------


def points() -> tuple[dict[str, list[charge.Point]], dict]:
    """Journeys by role (each virtual user loops on its own), and what the driver needs."""
    from cms.models import FichePratiquePage, FlashInfoIndexPage, RecherchePage
    from demandes.models import Categorie, Demande

    fiche = FichePratiquePage.objects.live().order_by("pk").first().url
    flash = FlashInfoIndexPage.objects.live().first().url
    recherche = RecherchePage.objects.live().first().url
    categorie = Categorie.objects.filter(active=True, champs="").order_by("ordre").first()
    fils = dict(
        Demande.objects.filter(reference__startswith="B-")
        .order_by("reference")
        .values_list("reference", "expert__utilisateur__email")[: comptes.AGENTS + comptes.EXPERTS]
    )
    refs = list(fils)
    nir = "185073726104224"  # a NIR with a valid key (1 85 07 37 261 042, key 24)

    def partenaire(rang: int) -> list[charge.Point]:
        return [
            charge.Point("partner home", "GET", "/"),
            charge.Point("sheet", "GET", fiche),
            charge.Point("flash info index", "GET", flash),
            charge.Point("search", "GET", f"{recherche}?q=carte+vitale"),
            charge.Point("demande list (partner)", "GET", "/demandes/"),
            charge.Point("demande detail, 50 messages", "GET", f"/demandes/{refs[rang]}/"),
            charge.Point(
                "send demande + 1 MB PDF",
                "POST",
                "/demandes/nouvelle/",
                donnees={
                    "categorie": categorie.slug,
                    "urgence": "normale",
                    "nir": nir,
                    "objet": "Ouverture de droits bloquée",
                    "description": "Dossier complet déposé, aucune réponse depuis trois semaines.",
                    "partagee": "on",
                    "consentement": "on",
                },
                fichiers={"pieces": ("justificatif.pdf", PDF_1MO, "application/pdf")},
                attendu=302,
            ),
            charge.Point("sessions list", "GET", "/formations/"),
            charge.Point(PLANCHER, "GET", "/sante/"),
        ]

    def expert(rang: int) -> list[charge.Point]:
        reponse = refs[comptes.AGENTS + rang]
        return [
            charge.Point("inbox: mine", "GET", "/admin/demandes/?onglet=miennes"),
            charge.Point("inbox: team", "GET", "/admin/demandes/?onglet=equipe"),
            charge.Point("inbox: unassigned", "GET", "/admin/demandes/?onglet=non_attribuees"),
            charge.Point("inbox: overdue", "GET", "/admin/demandes/?onglet=en_retard"),
            charge.Point(
                "inbox: team, filtered",
                "GET",
                f"/admin/demandes/?onglet=equipe&categorie={categorie.slug}&urgence=normale",
            ),
            charge.Point("expert demande screen", "GET", f"/admin/demandes/{refs[rang]}/"),
            charge.Point(
                "expert reply",
                "POST",
                f"/admin/demandes/{reponse}/repondre/",
                donnees={"repondre-corps": "Bonjour, les droits sont ouverts depuis ce matin."},
                attendu=302,
            ),
            charge.Point(PLANCHER, "GET", "/sante/"),
        ]

    superviseur = [
        charge.Point("dashboard (superviseur)", "GET", "/admin/tableau-de-bord/"),
        charge.Point(PLANCHER, "GET", "/sante/"),
    ]
    return {"partenaire": partenaire, "expert": expert, "superviseur": superviseur}, fils


def journees(port: int, par_role) -> list[tuple[charge.Navigateur, list[charge.Point]]]:
    """Log every virtual user in (one TOTP code per device) and give it its journey."""
    utilisateurs = []
    for role, adresse in comptes.tous():
        rang = int(adresse.split("@")[0].rsplit("-", 1)[1])
        nav = charge.Navigateur("127.0.0.1", port)
        nav.connecter(adresse)
        if role == "agent":
            parcours = par_role["partenaire"](rang)
        elif role == "referent":
            parcours = [p for p in par_role["partenaire"](0) if "detail" not in p.nom]
        elif role == "expert":
            parcours = par_role["expert"](rang)
        else:
            parcours = par_role["superviseur"]
        utilisateurs.append((nav, parcours))
    return utilisateurs


def debits_seuls(utilisateurs, noms: list[str], duree: float, clients: int = 4) -> dict:
    """Each endpoint alone, `clients` logged-in users in parallel: its capacity in req/s."""
    debits = {}
    for nom in noms:
        candidats = [(nav, [p]) for nav, parcours in utilisateurs for p in parcours if p.nom == nom]
        choisis = [candidats[i % len(candidats)] for i in range(clients)]
        mesures = charge.piloter(choisis, duree)
        debits[nom] = len(mesures.latences.get(nom, [])) / duree
    return debits


# In-process figures ----------------------------------------------------------------------------


def requetes_par_point(par_role) -> dict[str, int]:
    """Queries of each endpoint, measured once in-process (second call, caches warm)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY

    from portail.models import Utilisateur

    resultat = {}
    for role, cle, rang in (
        ("agent", "partenaire", 0),
        ("expert", "expert", 0),
        ("superviseur", "superviseur", None),
    ):
        u = Utilisateur.objects.get(email=comptes.email(role, 0))
        client = Client(HTTP_X_FORWARDED_PROTO="https")
        client.force_login(u)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = u.totpdevice_set.get().persistent_id
        session.save()
        parcours = par_role[cle](rang) if rang is not None else par_role[cle]
        for point in parcours:
            for appel in range(2):
                debut = time.perf_counter()
                with CaptureQueriesContext(connection) as requetes:
                    if point.methode == "GET":
                        client.get(point.chemin)
                    else:
                        donnees = dict(point.donnees)
                        for champ, (nom, contenu, type_mime) in point.fichiers.items():
                            from django.core.files.uploadedfile import SimpleUploadedFile

                            donnees[champ] = SimpleUploadedFile(nom, contenu, type_mime)
                        client.post(point.chemin, donnees)
                if appel == 0:
                    PREMIER_APPEL[point.nom] = time.perf_counter() - debut
            resultat[point.nom] = len(requetes)
    return resultat


#: Duration of each endpoint's first in-process call (the dashboard computes its figures then).
PREMIER_APPEL: dict[str, float] = {}


def chronometre(fonction, n: int = 1) -> tuple[float, object]:
    durees, resultat = [], None
    for _ in range(n):
        debut = time.perf_counter()
        resultat = fonction()
        durees.append(time.perf_counter() - debut)
    return statistics.median(durees), resultat


def figures_separees(n_routage: int) -> list[tuple[str, str, str]]:
    import random

    from django.conf import settings
    from django.utils import timezone

    from conventions.models import Partenaire
    from demandes import routage, tasks
    from demandes.models import Categorie, Demande
    from demandes.retention import retention_appliquer
    from demandes.tableaux.selectors import Perimetre, tableau_de_bord

    hasard = random.Random(1)  # noqa: S311
    partenaires = list(Partenaire.objects.filter(siret__startswith="9")[:200])
    categories = list(Categorie.objects.filter(active=True))
    regles = routage.RegleRoutage.objects.filter(active=True).count()
    ouvertes = Demande.objects.filter(statut__in=Demande.OUVERTES).count()
    total = Demande.objects.count()

    def decider():
        routage.decider(categorie=hasard.choice(categories), partenaire=hasard.choice(partenaires))

    decider()
    t_routage, _ = chronometre(decider, n_routage)
    t_balayage, bilan_balayage = chronometre(tasks.delais_surveiller)
    aujourdhui = timezone.localdate()
    perimetre = Perimetre(date_debut=aujourdhui - timedelta(days=364), date_fin=aujourdhui)
    t_tableau, _ = chronometre(lambda: tableau_de_bord(perimetre), 3)
    premier_affichage = PREMIER_APPEL.get("dashboard (superviseur)")
    t_retention, bilan_retention = chronometre(retention_appliquer)
    return [
        (
            f"routing decision ({regles} rules), median of {n_routage}",
            f"{t_routage * 1000:.2f} ms",
            "< 5 ms",
        ),
        (f"SLA sweep ({ouvertes} open demandes): {bilan_balayage}", f"{t_balayage:.2f} s", "< 5 s"),
        ("dashboard selectors over one year (median of 3)", f"{t_tableau:.2f} s", ""),
        (
            "dashboard page, first display (figures computed, then kept "
            f"{settings.TABLEAUX_CACHE_SECONDES} s), in-process",
            "" if premier_affichage is None else f"{premier_affichage:.2f} s",
            "",
        ),
        (
            f"nightly retention ({total} demandes): {bilan_retention}",
            f"{t_retention:.1f} s",
            "< 120 s",
        ),
    ]


# Main ------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark du portail (voir bench/RESULTS.md).")
    parser.add_argument("--quick", action="store_true", help="quelques milliers de lignes, 20 s")
    parser.add_argument("--duree", type=float, help="secondes de charge mixte (60 ; 20 en quick)")
    parser.add_argument(
        "--pause",
        type=float,
        default=0.5,
        help="secondes entre deux requêtes d'un utilisateur virtuel pendant la charge mixte",
    )
    args = parser.parse_args(argv)
    echelle = "quick" if args.quick else "full"
    duree = args.duree or (20 if args.quick else 60)
    defaut = "solidaires_bench_quick" if args.quick else "solidaires_bench"
    base_url = os.environ.get("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{defaut}")
    if not base_url.startswith("postgres"):
        raise SystemExit("DATABASE_URL doit désigner une base PostgreSQL dédiée.")

    travail = Path(tempfile.mkdtemp(prefix="bench-solidaires-"))
    static = Path(tempfile.gettempdir()) / "bench-solidaires-static"
    env = environnement(base_url, str(travail / "media"), str(static))
    debut = time.perf_counter()
    preparer_base(base_url, env, echelle)
    print(f"Base prête en {time.perf_counter() - debut:.0f} s", flush=True)

    os.environ.update(env)
    import django

    django.setup()
    redis = ["redis-cli", "-n", "14", "flushdb"]
    subprocess.run(redis, check=False, capture_output=True)  # noqa: S603, S607
    port = _port_libre()
    journal = travail / "serveurs.log"
    web, worker = demarrer(env, port, journal)
    try:
        par_role, _ = points()
        utilisateurs = journees(port, par_role)
        print(
            f"{len(utilisateurs)} utilisateurs connectés ; charge mixte {duree:.0f} s", flush=True
        )
        melange = charge.piloter(utilisateurs, duree, args.pause)
        noms = list(dict.fromkeys(p.nom for _, parcours in utilisateurs for p in parcours))
        noms = [n for n in noms if n != PLANCHER] + [PLANCHER]
        seul = max(1.5, duree / 12)
        print(f"Débit de chaque endpoint seul ({seul:.0f} s chacun)", flush=True)
        seuls = debits_seuls(utilisateurs, noms, seul)
        memoire_web = pic_memoire(web.pid)
        memoire_worker = pic_memoire(worker.pid)
    finally:
        arreter(web, worker)
    from django.db import connections

    connections.close_all()
    print("Requêtes SQL par endpoint (mesurées une fois, dans le processus)", flush=True)
    requetes = requetes_par_point(par_role)
    separees = figures_separees(200 if not args.quick else 50)

    lignes = charge.lignes(melange, duree, seuls, PLANCHER, requetes, noms)
    erreurs = sum(ligne.erreurs for ligne in lignes)
    print()
    print(
        f"Charge mixte : {len(utilisateurs)} utilisateurs, pause {args.pause:g} s, {duree:.0f} s, "
        f"échelle {echelle} ; « alone » : chaque endpoint seul, 4 clients sans pause, {seul:.0f} s"
    )
    print(charge.tableau(lignes))
    print()
    print("| figure | measured | target |\n|---|---:|---|")
    for libelle, valeur, cible in separees:
        print(f"| {libelle} | {valeur} | {cible} |")
    print(
        f"| peak RSS, web (largest gunicorn process / all) | {memoire_web[0]} / "
        f"{memoire_web[1]} MiB | |"
    )
    print(
        f"| peak RSS, Celery worker (largest / all) | {memoire_worker[0]} / "
        f"{memoire_worker[1]} MiB | |"
    )
    print(f"\nErreurs : {erreurs}")
    if erreurs:
        print(f"Journal des serveurs : {journal}")
    else:
        shutil.rmtree(travail, ignore_errors=True)
    return 1 if erreurs else 0


if __name__ == "__main__":
    sys.exit(main())
