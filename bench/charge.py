"""A bounded load driver on the standard library: virtual users, latencies, the result table.

No Django here except the TOTP computation: the driver talks HTTP to gunicorn like a browser
behind the TLS proxy would (see `Navigateur`).
"""

import http.client
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode

from bench import comptes

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def centile(valeurs: list[float], p: float) -> float:
    """The p-th percentile by linear interpolation between closest ranks (numpy's default)."""
    if not valeurs:
        return float("nan")
    tries = sorted(valeurs)
    rang = (len(tries) - 1) * p / 100
    bas = int(rang)
    haut = min(bas + 1, len(tries) - 1)
    return tries[bas] + (tries[haut] - tries[bas]) * (rang - bas)


class ErreurHttp(Exception):
    pass


class Navigateur:
    """One person's browser: its own cookies, one request at a time.

    Production settings mark cookies Secure and name them `__Host-…`; behind the TLS proxy the
    application knows the request was HTTPS from `X-Forwarded-Proto` (SECURE_PROXY_SSL_HEADER).
    The bench sends that header, as the proxy would, and keeps cookies itself (a Secure cookie is
    only a rule for browsers): the application runs exactly its production code path.
    """

    def __init__(self, hote: str, port: int):
        self.hote, self.port = hote, port
        self.origine = f"https://{hote}:{port}"
        self.cookies: dict[str, str] = {}

    def _cookies(self, reponse) -> None:
        for entete, valeur in reponse.getheaders():
            if entete.lower() == "set-cookie":
                nom, _, reste = valeur.partition("=")
                contenu = reste.split(";", 1)[0]
                if "max-age=0" in valeur.lower() or not contenu.strip('"'):
                    self.cookies.pop(nom.strip(), None)
                else:
                    self.cookies[nom.strip()] = contenu

    def csrf(self) -> str:
        return next((v for k, v in self.cookies.items() if k.endswith("csrftoken")), "")

    def requete(self, methode: str, chemin: str, corps: bytes | None = None, type_=None):
        entetes = {
            "Host": f"{self.hote}:{self.port}",
            "X-Forwarded-Proto": "https",
            "User-Agent": "bench-solidaires",
            "Accept": "text/html",
        }
        if self.cookies:
            entetes["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if methode == "POST":
            entetes["Origin"] = self.origine
            entetes["Referer"] = self.origine + chemin
            entetes["Content-Type"] = type_ or "application/x-www-form-urlencoded"
        connexion = http.client.HTTPConnection(self.hote, self.port, timeout=60)
        try:
            connexion.request(methode, chemin, body=corps, headers=entetes)
            reponse = connexion.getresponse()
            contenu = reponse.read()
            self._cookies(reponse)
            return reponse.status, reponse.getheader("Location", ""), contenu
        finally:
            connexion.close()

    def post(self, chemin: str, donnees: dict):
        donnees = {"csrfmiddlewaretoken": self.csrf(), **donnees}
        return self.requete("POST", chemin, urlencode(donnees).encode())

    def post_multipart(self, chemin: str, donnees: dict, fichiers: dict):
        limite = uuid.uuid4().hex
        morceaux = []
        for nom, valeur in {"csrfmiddlewaretoken": self.csrf(), **donnees}.items():
            morceaux.append(
                f'--{limite}\r\nContent-Disposition: form-data; name="{nom}"\r\n\r\n'.encode()
                + f"{valeur}\r\n".encode()
            )
        for nom, (nom_fichier, contenu, type_mime) in fichiers.items():
            morceaux.append(
                f'--{limite}\r\nContent-Disposition: form-data; name="{nom}"; '
                f'filename="{nom_fichier}"\r\nContent-Type: {type_mime}\r\n\r\n'.encode()
                + contenu
                + b"\r\n"
            )
        morceaux.append(f"--{limite}--\r\n".encode())
        return self.requete(
            "POST", chemin, b"".join(morceaux), f"multipart/form-data; boundary={limite}"
        )

    def connecter(self, adresse: str) -> None:
        """The real two-step login: password, then the TOTP code of this person's device."""
        statut, _, _ = self.requete("GET", "/connexion/")
        statut, lieu, _ = self.post(
            "/connexion/", {"username": adresse, "password": comptes.MOT_DE_PASSE}
        )
        if statut != 302 or "/connexion/code/" not in lieu:
            raise ErreurHttp(f"connexion {adresse}: {statut} {lieu}")
        self.requete("GET", "/connexion/code/")
        statut, lieu, _ = self.post("/connexion/code/", {"code": comptes.code_totp(adresse)})
        if statut != 302:
            raise ErreurHttp(f"code {adresse}: {statut}")


@dataclass(frozen=True)
class Point:
    """One endpoint of the table: a name, how to call it, and which status means success."""

    nom: str
    methode: str
    chemin: str
    donnees: dict = field(default_factory=dict)
    fichiers: dict = field(default_factory=dict)
    attendu: int = 200

    def appeler(self, nav: Navigateur) -> bool:
        if self.methode == "GET":
            statut, _, _ = nav.requete("GET", self.chemin)
        elif self.fichiers:
            statut, _, _ = nav.post_multipart(self.chemin, self.donnees, self.fichiers)
        else:
            statut, _, _ = nav.post(self.chemin, self.donnees)
        return statut == self.attendu


@dataclass
class Mesures:
    latences: dict[str, list[float]] = field(default_factory=dict)
    erreurs: dict[str, int] = field(default_factory=dict)
    verrou: threading.Lock = field(default_factory=threading.Lock)

    def noter(self, nom: str, duree: float, ok: bool) -> None:
        with self.verrou:
            self.latences.setdefault(nom, []).append(duree)
            if not ok:
                self.erreurs[nom] = self.erreurs.get(nom, 0) + 1


def _boucle(
    nav: Navigateur, parcours: list[Point], fin: float, mesures: Mesures, pause: float
) -> None:
    i = 0
    while time.monotonic() < fin:
        point = parcours[i % len(parcours)]
        i += 1
        debut = time.perf_counter()
        try:
            ok = point.appeler(nav)
        except (OSError, http.client.HTTPException):
            ok = False
        mesures.noter(point.nom, time.perf_counter() - debut, ok)
        if pause:
            time.sleep(pause)


def piloter(
    utilisateurs: list[tuple[Navigateur, list[Point]]], duree: float, pause: float = 0.0
) -> Mesures:
    """Every virtual user runs its journey in a loop for `duree` seconds, `pause` seconds
    between two requests (a person reading; 0: as fast as the server answers)."""
    mesures = Mesures()
    fin = time.monotonic() + duree
    fils = [
        threading.Thread(target=_boucle, args=(nav, parcours, fin, mesures, pause), daemon=True)
        for nav, parcours in utilisateurs
    ]
    for f in fils:
        f.start()
    for f in fils:
        f.join()
    return mesures


@dataclass(frozen=True)
class Ligne:
    nom: str
    rps_melange: float
    p50: float
    p95: float
    p99: float
    erreurs: int
    requetes_sql: int | None
    rps_seul: float | None
    ratio: float | None


def lignes(
    melange: Mesures,
    duree: float,
    seuls: dict[str, float],
    plancher: str,
    requetes_sql: dict[str, int],
    ordre: list[str],
) -> list[Ligne]:
    resultat = []
    for nom in ordre:
        latences = melange.latences.get(nom, [])
        seul = seuls.get(nom)
        resultat.append(
            Ligne(
                nom=nom,
                rps_melange=len(latences) / duree,
                p50=centile(latences, 50) * 1000,
                p95=centile(latences, 95) * 1000,
                p99=centile(latences, 99) * 1000,
                erreurs=melange.erreurs.get(nom, 0) + (0 if latences else 1),
                requetes_sql=requetes_sql.get(nom),
                rps_seul=seul,
                ratio=(seul / seuls[plancher]) if seul and seuls.get(plancher) else None,
            )
        )
    return resultat


def tableau(lignes_: list[Ligne]) -> str:
    """A Markdown table, readable in a terminal as well."""
    entete = (
        "| endpoint | req/s (mix) | p50 ms | p95 ms | p99 ms | errors | SQL/req "
        "| req/s (alone) | vs floor |"
    )
    sep = "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    rangs = [entete, sep]
    for ligne in lignes_:
        rangs.append(
            f"| {ligne.nom} | {ligne.rps_melange:.1f} | {ligne.p50:.0f} | {ligne.p95:.0f} "
            f"| {ligne.p99:.0f} | {ligne.erreurs} "
            f"| {'' if ligne.requetes_sql is None else ligne.requetes_sql} "
            f"| {'' if ligne.rps_seul is None else f'{ligne.rps_seul:.1f}'} "
            f"| {'' if ligne.ratio is None else f'{ligne.ratio:.0%}'} |"
        )
    return "\n".join(rangs)
