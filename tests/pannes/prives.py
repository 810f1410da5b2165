"""Private services for the fault tests: a Redis, a PostgreSQL cluster, an SMTP capture, and the
portal itself (gunicorn + a Celery worker) started against them.

Every service here is ours alone, on a free port of 127.0.0.1: killing or restarting it never
disturbs the machine's shared PostgreSQL and Redis.
"""

import email
import email.policy
import os
import pwd
import secrets
import select
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

RACINE = Path(__file__).resolve().parents[2]
PG_BIN = Path("/usr/lib/postgresql/15/bin")
REDIS_SERVER = "/usr/bin/redis-server"
RUNUSER = shutil.which("runuser") or "/usr/sbin/runuser"


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def attendre(condition: Callable[[], object], delai: float, message, pas: float = 0.1):
    """Poll `condition` until it returns a true value (returned), or fail after `delai` s.

    `message` may be a callable, called on failure (to show the state at that moment).
    """
    limite = time.monotonic() + delai
    while True:
        resultat = condition()
        if resultat:
            return resultat
        if time.monotonic() > limite:
            texte = message() if callable(message) else message
            raise AssertionError(f"{texte} (après {delai:g} s)")
        time.sleep(pas)


def enfants(pid: int) -> list[int]:
    """Direct children of a process, from /proc."""
    pids = []
    for tache in Path(f"/proc/{pid}/task").glob("*"):
        try:
            pids += [int(p) for p in (tache / "children").read_text().split()]
        except OSError:
            continue
    return pids


def vivant(pid: int) -> bool:
    try:
        etat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return etat != "Z"


def tient_la_connexion(pid: int, port_local: int) -> bool:
    """Whether process `pid` holds the TCP socket bound to 127.0.0.1:`port_local`."""
    inodes = set()
    for lien in Path(f"/proc/{pid}/fd").glob("*"):
        try:
            cible = os.readlink(lien)
        except OSError:
            continue
        if cible.startswith("socket:["):
            inodes.add(cible[8:-1])
    for ligne in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        champs = ligne.split()
        if int(champs[1].split(":")[1], 16) == port_local and champs[9] in inodes:
            return True
    return False


def manquants() -> str | None:
    """Why the fault tests cannot run here, or None."""
    if not Path(REDIS_SERVER).is_file():
        return f"{REDIS_SERVER} absent"
    for outil in ("initdb", "pg_ctl"):
        if not (PG_BIN / outil).is_file():
            return f"{PG_BIN / outil} absent"
    if os.geteuid() == 0:
        if not Path(RUNUSER).is_file():
            return "runuser absent (nécessaire pour lancer PostgreSQL en root)"
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "utilisateur système postgres absent (PostgreSQL refuse de tourner en root)"
    return None


# Redis -------------------------------------------------------------------------------------


class RedisPrive:
    def __init__(self, dossier: Path):
        self.dossier = dossier
        self.port = port_libre()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.processus: subprocess.Popen | None = None

    def demarrer(self) -> None:
        self.processus = subprocess.Popen(  # noqa: S603 (fixed binary, our own arguments)
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.dossier)]
            + ["--logfile", str(self.dossier / "redis.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        attendre(self.repond, 10, "Redis privé ne démarre pas")

    def repond(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def tuer(self) -> None:
        """SIGKILL: no shutdown, no save; whatever the queue held is gone."""
        if self.processus and self.processus.poll() is None:
            self.processus.kill()
            self.processus.wait()

    def arreter(self) -> None:
        self.tuer()


# PostgreSQL --------------------------------------------------------------------------------


class PostgresPrive:
    """A throwaway cluster: trust authentication, 127.0.0.1 and a socket in its own folder."""

    def __init__(self, dossier: Path):
        self.dossier = dossier
        self.donnees = dossier / "donnees"
        self.socket = dossier / "socket"
        self.journal = dossier / "postgresql.log"
        self.port = port_libre()
        self.base = "portail"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/{self.base}"

    def _executer(self, *commande: str) -> None:
        prefixe = [RUNUSER, "-u", "postgres", "--"] if os.geteuid() == 0 else []
        # Fixed binaries of the PostgreSQL package and arguments built here.
        subprocess.run(  # noqa: S603
            prefixe + list(commande), check=True, capture_output=True, timeout=120
        )

    def initialiser(self) -> None:
        self.socket.mkdir(parents=True)
        if os.geteuid() == 0:
            compte = pwd.getpwnam("postgres")
            for chemin in (self.dossier, self.socket):
                os.chown(chemin, compte.pw_uid, compte.pw_gid)
        self._executer(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.donnees),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )

    def _options(self) -> str:
        # Durability off: a test cluster; crash recovery after `-m immediate` still runs.
        return (
            f"-p {self.port} -k {self.socket} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=50"
        )

    def pg_ctl(self, action: str, mode: str = "fast") -> None:
        """`pg_ctl start|stop|restart`, waiting until it is done (`-w`)."""
        commande = [str(PG_BIN / "pg_ctl"), "-D", str(self.donnees), "-l", str(self.journal)]
        commande += ["-o", self._options(), "-m", mode, "-w", action]
        self._executer(*commande)

    def demarrer(self) -> None:
        self.pg_ctl("start")

    def arreter(self) -> None:
        if (self.donnees / "postmaster.pid").exists():
            self.pg_ctl("stop", "immediate")

    def connexion(self, base: str | None = None) -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user="postgres",
            dbname=base or self.base,
            autocommit=True,
            connect_timeout=5,
        )

    def creer_base(self) -> None:
        with self.connexion("postgres") as c:
            c.execute(f'CREATE DATABASE "{self.base}"')

    def lignes(self, requete: str, *parametres) -> list[tuple]:
        with self.connexion() as c:
            return c.execute(requete, parametres).fetchall()


# SMTP capture ------------------------------------------------------------------------------


@dataclass
class Capture:
    """What the SMTP server saw: messages it accepted (250 after DATA) and those it did not."""

    acceptes: list = field(default_factory=list)
    abandonnes: list = field(default_factory=list)
    verrou: threading.Lock = field(default_factory=threading.Lock)
    # Set by the test: the next message stalls before the answer to its DATA terminator.
    bloquer_le_prochain: threading.Event = field(default_factory=threading.Event)
    bloque: threading.Event = field(default_factory=threading.Event)
    liberer: threading.Event = field(default_factory=threading.Event)
    client_bloque: tuple = ()  # (host, port) of the client whose message stalled

    def sujets(self) -> list[tuple[str, str]]:
        with self.verrou:
            return [(m["To"], m["Subject"]) for m in self.acceptes]


class _Session(socketserver.StreamRequestHandler):
    """Just enough of RFC 5321 for smtplib: EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    timeout = 60

    def repondre(self, ligne: str) -> None:
        self.wfile.write(ligne.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        capture: Capture = self.server.capture
        self.repondre("220 capture.test ESMTP")
        while ligne := self.rfile.readline():
            verbe = ligne[:4].upper()
            if verbe in (b"EHLO", b"HELO"):
                self.repondre("250-capture.test\r\n250 8BITMIME")
            elif verbe == b"DATA":
                self.repondre("354 end data with <CR><LF>.<CR><LF>")
                lignes = []
                while (donnee := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    lignes.append(donnee[1:] if donnee.startswith(b".") else donnee)  # unstuff
                message = email.message_from_bytes(b"".join(lignes), policy=email.policy.default)
                if capture.bloquer_le_prochain.is_set() and not capture.bloque.is_set():
                    capture.client_bloque = self.client_address
                    capture.bloque.set()
                    if self._client_parti(capture.liberer):
                        # The client died before our 250: by SMTP, the message is not accepted.
                        with capture.verrou:
                            capture.abandonnes.append(message)
                        return
                with capture.verrou:
                    capture.acceptes.append(message)
                self.repondre("250 2.0.0 message accepted")
            elif verbe == b"QUIT":
                self.repondre("221 2.0.0 bye")
                return
            else:  # MAIL, RCPT, RSET, NOOP
                self.repondre("250 2.0.0 ok")

    def _client_parti(self, liberer: threading.Event) -> bool:
        """Stall until released (False) or until the client closes its end (True)."""
        limite = time.monotonic() + 60
        while not liberer.is_set() and time.monotonic() < limite:
            lisible, _, _ = select.select([self.connection], [], [], 0.05)
            try:
                if lisible and not self.connection.recv(1, socket.MSG_PEEK):
                    return True
            except OSError:  # reset by the dying client
                return True
        return False


class _Serveur(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpCapture:
    def __init__(self):
        self.capture = Capture()
        self.serveur = _Serveur(("127.0.0.1", 0), _Session)
        self.serveur.capture = self.capture
        self.port = self.serveur.server_address[1]
        self.fil = threading.Thread(target=self.serveur.serve_forever, daemon=True)

    def demarrer(self) -> None:
        self.fil.start()

    def arreter(self) -> None:
        self.capture.liberer.set()
        self.serveur.shutdown()
        self.serveur.server_close()


# The portal ----------------------------------------------------------------------------------


class Portail:
    """gunicorn (production settings) and one Celery worker, against the private services."""

    def __init__(self, dossier: Path, base_url: str, broker_url: str, smtp_port: int):
        self.dossier = dossier
        self.journal = dossier / "serveurs.log"
        self.port = port_libre()
        self.web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        bin_ = Path(sys.executable).parent
        self.gunicorn, self.celery = str(bin_ / "gunicorn"), str(bin_ / "celery")
        environ = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "CELERY_", "DATABASE_", "REDIS_", "EMAIL_"))
        }
        environ.update(
            DJANGO_SETTINGS_MODULE="portail.settings",
            DATABASE_URL=base_url,
            CONN_MAX_AGE="60",
            DEBUG="False",
            SECRET_KEY=secrets.token_urlsafe(64),
            ALLOWED_HOSTS="127.0.0.1,testserver",
            SECURE_SSL_REDIRECT="False",
            CELERY_BROKER_URL=broker_url,
            EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
            # After a refused e-mail, the next ones go to the sweep for this long (30 s in
            # production): short here, so that the test sees the normal path come back.
            BROKER_PAUSE_APRES_PANNE="2",
            MEDIA_ROOT=str(dossier / "media"),
            STATIC_ROOT=str(dossier / "static"),
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        self.env = environ

    def manage(self, *arguments: str, env: dict | None = None, timeout: float = 300) -> str:
        """Run this interpreter in the project (manage.py or a module) with the portal's env."""
        with open(self.journal, "a") as sortie:
            resultat = subprocess.run(  # noqa: S603 (this interpreter, our own arguments)
                [sys.executable, *arguments],
                cwd=RACINE,
                env=env or self.env,
                stdout=subprocess.PIPE,
                stderr=sortie,
                text=True,
                timeout=timeout,
                check=True,
            )
        return resultat.stdout

    def _lancer(self, commande: list[str]) -> subprocess.Popen:
        with open(self.journal, "a") as sortie:  # the child keeps its own descriptor
            return subprocess.Popen(  # noqa: S603 (binaries of this virtualenv)
                commande,
                cwd=RACINE,
                env=self.env,
                stdout=sortie,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def demarrer(self) -> None:
        self.web = self._lancer(
            [self.gunicorn, "portail.wsgi", "-b", f"127.0.0.1:{self.port}", "-w", "2"]
            + ["--timeout", "60", "--graceful-timeout", "5"]
        )
        self.worker = self._lancer(
            [self.celery, "-A", "portail", "worker", "-l", "INFO", "-c", "1", "-P", "prefork"]
            + ["--without-gossip", "--without-mingle", "--without-heartbeat", "-n", "pannes@%h"]
        )

    def processus_web(self) -> tuple[int, ...]:
        """The gunicorn master and its workers."""
        return (self.web.pid, *sorted(enfants(self.web.pid)))

    def enfant_du_worker(self) -> int | None:
        fils = enfants(self.worker.pid)
        return fils[0] if len(fils) == 1 else None

    def arreter(self) -> None:
        for p in (self.web, self.worker):
            if p is not None and p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in (self.web, self.worker):
            if p is None:
                continue
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()

    def lignes_du_journal(self, texte: str) -> int:
        try:
            return self.journal.read_text(errors="replace").count(texte)
        except OSError:
            return 0

    def alertes(self, n: int = 20) -> str:
        """The last warning and error lines of the servers' log, for a failure message."""
        try:
            lignes = self.journal.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        niveaux = (" WARNING ", " ERROR ", ": WARNING/", ": ERROR/")  # Django's, Celery's
        return "\n".join([ligne for ligne in lignes if any(m in ligne for m in niveaux)][-n:])
