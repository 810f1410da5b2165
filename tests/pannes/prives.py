"""Private services for the fault tests: a Redis, a PostgreSQL cluster, an SMTP server (aiosmtpd,
STARTTLS and authentication required, as a production relay), and the portal itself (gunicorn +
a Celery worker) started against them.

Every service here is ours alone, on a free port of 127.0.0.1: killing or restarting it never
disturbs the machine's shared PostgreSQL and Redis.
"""

import asyncio
import email
import email.policy
import ipaddress
import os
import pwd
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

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


def certificats(dossier: Path) -> tuple[Path, Path, Path]:
    """A test certificate authority and a server certificate it signed for 127.0.0.1 and
    localhost: (CA file, certificate, key). The portal trusts the CA through SSL_CERT_FILE,
    which OpenSSL's default verification (the one Django's SMTP backend uses) reads."""
    maintenant = datetime.now(UTC)

    def signer(sujet, cle_publique, emetteur, cle_emetteur, *, autorite: bool, noms=()):
        constructeur = (
            x509.CertificateBuilder()
            .subject_name(sujet)
            .issuer_name(emetteur)
            .public_key(cle_publique)
            .serial_number(x509.random_serial_number())
            .not_valid_before(maintenant - timedelta(minutes=5))
            .not_valid_after(maintenant + timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=autorite, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(cle_publique), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(cle_emetteur.public_key()),
                critical=False,
            )
        )
        if autorite:
            usages = {"key_cert_sign": True, "crl_sign": True}
        else:
            usages = {"digital_signature": True, "key_encipherment": True}
            constructeur = constructeur.add_extension(
                x509.SubjectAlternativeName(list(noms)), critical=False
            ).add_extension(
                x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
            )
        options = dict.fromkeys(
            ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment")
            + ("key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only"),
            False,
        )
        constructeur = constructeur.add_extension(
            x509.KeyUsage(**(options | usages)), critical=True
        )
        return constructeur.sign(cle_emetteur, hashes.SHA256())

    def nom(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, cn)])

    cle_ca = ec.generate_private_key(ec.SECP256R1())
    ca = signer(
        nom("CA des tests de pannes"), cle_ca.public_key(), nom("CA des tests de pannes"), cle_ca,
        autorite=True,
    )  # fmt: skip
    cle = ec.generate_private_key(ec.SECP256R1())
    certificat = signer(
        nom("capture.test"), cle.public_key(), ca.subject, cle_ca, autorite=False,
        noms=[x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")],
    )  # fmt: skip
    chemins = (dossier / "ca.pem", dossier / "smtp.pem", dossier / "smtp.key")
    chemins[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    chemins[1].write_bytes(certificat.public_bytes(serialization.Encoding.PEM))
    chemins[2].write_bytes(
        cle.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return chemins


@dataclass
class Capture:
    """What the SMTP server saw: messages it accepted (250 after DATA) and those it did not."""

    acceptes: list = field(default_factory=list)
    abandonnes: list = field(default_factory=list)
    # For each accepted message, in the same order: (TLS version, authenticated login).
    sessions: list = field(default_factory=list)
    verrou: threading.Lock = field(default_factory=threading.Lock)
    # Set by the test: the next message stalls before the answer to its DATA terminator.
    bloquer_le_prochain: threading.Event = field(default_factory=threading.Event)
    bloque: threading.Event = field(default_factory=threading.Event)
    liberer: threading.Event = field(default_factory=threading.Event)
    client_bloque: tuple = ()  # (host, port) of the client whose message stalled

    def sujets(self) -> list[tuple[str, str]]:
        with self.verrou:
            return [(m["To"], m["Subject"]) for m in self.acceptes]

    def vider(self) -> None:
        with self.verrou:
            self.acceptes.clear()
            self.abandonnes.clear()
            self.sessions.clear()
        for evenement in (self.bloquer_le_prochain, self.bloque, self.liberer):
            evenement.clear()


class _Recepteur:
    """aiosmtpd handler: keeps the messages, and can stall one before its 250."""

    def __init__(self, capture: Capture):
        self.capture = capture

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's)
        capture = self.capture
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        if capture.bloquer_le_prochain.is_set() and not capture.bloque.is_set():
            capture.client_bloque = session.peer
            capture.bloque.set()
            limite = time.monotonic() + 60
            try:
                while not capture.liberer.is_set() and time.monotonic() < limite:
                    await asyncio.sleep(0.05)
            except asyncio.CancelledError:
                # aiosmtpd cancels us when the client closes its end: it died before our 250,
                # so by SMTP the message is not accepted.
                with capture.verrou:
                    capture.abandonnes.append(message)
                raise
        tls = session.ssl["ssl_object"].version() if session.ssl else None
        compte = session.auth_data.login.decode() if session.authenticated else None
        with capture.verrou:
            capture.acceptes.append(message)
            capture.sessions.append((tls, compte))
        return "250 2.0.0 message accepted"


class SmtpCapture:
    """aiosmtpd on 127.0.0.1 as a production relay is configured: STARTTLS required, then
    AUTH (PLAIN or LOGIN) with a login and password; the portal reaches it by
    `EMAIL_URL=smtp+tls://…` and checks its certificate against the test CA."""

    compte = "portail"

    def __init__(self, dossier: Path):
        self.capture = Capture()
        self.mot_de_passe = secrets.token_hex(16)
        self.ca, certificat, cle = certificats(dossier)
        contexte = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        contexte.load_cert_chain(certificat, cle)
        self.port = port_libre()
        self.controleur = Controller(
            _Recepteur(self.capture),
            hostname="127.0.0.1",
            port=self.port,
            server_hostname="capture.test",
            tls_context=contexte,
            require_starttls=True,
            authenticator=self._authentifier,
            auth_require_tls=True,
        )

    @property
    def email_url(self) -> str:
        return f"smtp+tls://{self.compte}:{self.mot_de_passe}@127.0.0.1:{self.port}"

    def _authentifier(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        attendu = LoginPassword(self.compte.encode(), self.mot_de_passe.encode())
        return AuthResult(success=auth_data == attendu, handled=False, auth_data=auth_data)

    def demarrer(self) -> None:
        self.controleur.start()

    def arreter(self) -> None:
        self.capture.liberer.set()
        self.controleur.stop()


# The portal ----------------------------------------------------------------------------------


class Portail:
    """gunicorn (production settings) and one Celery worker, against the private services."""

    def __init__(self, dossier: Path, base_url: str, broker_url: str, smtp: SmtpCapture):
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
            if not k.startswith(("DJANGO_", "CELERY_", "DATABASE_", "REDIS_", "EMAIL_", "SSL_"))
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
            # The production path: STARTTLS, login, certificate verified by OpenSSL's default
            # verification (Django's SMTP backend), which reads SSL_CERT_FILE: the test CA
            # instead of the system's, and no switch in the portal to turn verification off.
            EMAIL_URL=smtp.email_url,
            SSL_CERT_FILE=str(smtp.ca),
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
