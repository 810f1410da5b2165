"""Faults, really induced against real processes (see conftest.py for the private bench).

1. Redis killed while partners send demandes: no error page, no demande lost, the e-mails wait
   in the outbox and leave once, after Redis is back.
2. The Celery pool process killed while it sends an e-mail: the task runs again and the e-mail
   is accepted once.
3. PostgreSQL restarted while people browse: a clean 503 (never a 500 nor a reset connection),
   then the same gunicorn processes serve again, sessions intact.

Every e-mail takes the production path: STARTTLS, login, certificate verified.
"""

import http.client
import json
import os
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass

import pytest

from bench import charge, comptes
from tests.pannes import prives
from tests.pannes.conftest import LIEU_DEMANDE, en_parallele

pytestmark = pytest.mark.services

ANNONCE_503 = "Le portail est momentanément indisponible"
# Django's log line when the session could not be saved (one per request, traceback apart).
SESSION_INTERROMPUE = " django.request The request's session was deleted"


def reference(lieu: str) -> str:
    trouve = LIEU_DEMANDE.match(lieu)
    assert trouve, f"redirection inattendue après l'envoi : {lieu!r}"
    return trouve.group(1)


# 1. Redis stopped during submissions -----------------------------------------------------------


def test_redis_arrete_pendant_les_envois_rien_ne_se_perd(banc):
    agents = [banc.navigateurs[comptes.email("agent", i)] for i in range(3)]
    dernier = banc.dernier_courriel()
    tue = threading.Event()
    verrou = threading.Lock()
    envois = []  # (phase, status, Location, seconds)

    def agent(nav, rang):
        for k in range(4):
            if k == 2:  # half sent with Redis up; the rest once it is dead
                tue.wait(30)
            phase = "après" if tue.is_set() else "avant"
            debut = time.monotonic()
            statut, lieu = banc.soumettre(nav, f"Panne Redis {rang}-{k}")
            with verrou:
                envois.append((phase, statut, lieu, time.monotonic() - debut))

    fils = en_parallele([lambda n=n, r=r: agent(n, r) for r, n in enumerate(agents)])
    # Killed while the first round is still in flight.
    prives.attendre(lambda: len(envois) >= 4, 30, "les premiers envois n'aboutissent pas")
    banc.redis.tuer()
    tue.set()
    for f in fils:
        f.join(60)
    assert not any(f.is_alive() for f in fils)

    assert [statut for _, statut, _, _ in envois] == [302] * 12, envois
    references = [reference(lieu) for _, _, lieu, _ in envois]
    apres = {reference(lieu) for phase, _, lieu, _ in envois if phase == "après"}
    assert len(apres) >= 6  # requests started once Redis was dead (the last two of each agent)
    enregistrees = banc.postgres.lignes(
        "SELECT reference FROM demandes_demande WHERE reference = ANY(%s)", references
    )
    assert sorted(r for (r,) in enregistrees) == sorted(references)

    # Redis down: the outbox holds the e-mails of the demandes sent since, none delivered.
    # Pages are still served: /sante/ says "degraded" for monitoring, 200 for the load balancer.
    assert banc.sante() == (
        200,
        {"statut": "dégradé", "base_de_donnees": "ok", "broker": "indisponible"},
    )
    courriels = banc.courriels_depuis(dernier)
    par_reference = {
        ref: [c for c in courriels if c[2].startswith(f"[{ref}]")] for ref in references
    }
    assert all(par_reference.values()), "une demande sans courriel à l'expert"
    for ref in apres:
        assert [c[3] for c in par_reference[ref]] == ["en_attente"] * len(par_reference[ref])
    en_attente = {(c[1], c[2]) for c in courriels if c[3] == "en_attente"}
    assert not en_attente & set(banc.capture.sujets())

    # Redis back on the same port: the web processes and the worker reconnect by themselves.
    redemarre = time.monotonic()
    banc.redis.demarrer()
    prives.attendre(banc.sain, 15, "/sante/ ne voit pas Redis revenir")
    # The web processes tried Redis again only BROKER_PAUSE_APRES_PANNE (2 s here) after their
    # last refused e-mail; until then new e-mails wait for the sweep, without a try each.
    time.sleep(2.5)
    statut, lieu = banc.soumettre(agents[0], "Après le retour de Redis")
    assert statut == 302
    apres_retour = reference(lieu)

    # The sweep (every minute in production) takes rows older than a minute: age them.
    vieillis = banc.postgres.lignes(
        "UPDATE portail_courriel SET cree_le = cree_le - interval '2 minutes' "
        "WHERE id > %s AND statut = 'en_attente' AND sujet NOT LIKE %s RETURNING id",
        dernier,
        f"[{apres_retour}]%",
    )
    # Those of the demandes sent while Redis was dead were still waiting: only the sweep sends
    # them (their task was never queued, or was lost with Redis's memory).
    sans_file = {c[0] for ref in apres for c in par_reference[ref]}
    assert sans_file <= {pk for (pk,) in vieillis}
    banc.envoyer_tache("portail.tasks.courriels_en_attente_envoyer")

    def tous_envoyes():
        lignes = banc.courriels_depuis(dernier)
        return lignes if all(c[3] == "envoye" for c in lignes) else None

    courriels = prives.attendre(tous_envoyes, 60, "des courriels restent dans la boîte d'envoi")
    delai = time.monotonic() - redemarre
    assert any(c[2].startswith(f"[{apres_retour}]") for c in courriels)
    attendus = Counter((c[1], c[2]) for c in courriels)
    assert max(attendus.values()) == 1
    assert Counter(banc.capture.sujets()) == attendus  # each one delivered exactly once
    assert {tls for tls, _ in banc.capture.sessions} <= {"TLSv1.2", "TLSv1.3"}
    assert banc.portail.worker.poll() is None

    duree_max = max(d for _, _, _, d in envois)
    print(
        f"\n[redis] 12 envois ({len(apres)} Redis arrêté) : 302 partout, max {duree_max:.2f} s ; "
        f"{len(vieillis)} courriels en attente ; {len(courriels)} délivrés une fois, "
        f"{delai:.1f} s après le retour de Redis"
    )


# 2. A Celery worker killed mid-task --------------------------------------------------------


def test_worker_tue_pendant_l_envoi_la_tache_reprend_et_le_courriel_part_une_fois(banc):
    capture = banc.capture
    worker = banc.portail.worker
    enfant = prives.attendre(banc.portail.enfant_du_worker, 10, "pas de processus de travail")
    dernier = banc.dernier_courriel()

    capture.bloquer_le_prochain.set()
    statut, lieu = banc.soumettre(banc.navigateurs[comptes.email("agent", 3)], "Worker tué")
    assert statut == 302
    ref = reference(lieu)
    prives.attendre(capture.bloque.is_set, 20, "le courriel n'arrive pas au serveur SMTP")
    # The pool process is the one waiting for our answer to DATA, its transaction still open.
    assert prives.tient_la_connexion(enfant, capture.client_bloque[1])
    [(pk, destinataire, sujet, etat, tentatives)] = banc.courriels_depuis(dernier)
    assert sujet.startswith(f"[{ref}]") and (etat, tentatives) == ("en_attente", 0)

    os.kill(enfant, signal.SIGKILL)
    tue = time.monotonic()

    def envoye():
        [ligne] = banc.courriels_depuis(dernier)
        return ligne if ligne[3] == "envoye" else None

    ligne = prives.attendre(envoye, 30, lambda: f"tâche non relivrée ;\n{banc.portail.alertes()}")
    redelivre = time.monotonic() - tue

    # The killed attempt's transaction was rolled back with its connection: one attempt counts.
    assert ligne == (pk, destinataire, sujet, "envoye", 1)
    # The first copy was never acknowledged (the client died before our 250): not delivered.
    prives.attendre(lambda: capture.abandonnes, 5, "le serveur SMTP n'a pas vu le client partir")
    assert [(m["To"], m["Subject"]) for m in capture.abandonnes] == [(destinataire, sujet)]
    assert capture.sujets() == [(destinataire, sujet)]
    assert worker.poll() is None and prives.vivant(worker.pid)
    nouvel_enfant = banc.portail.enfant_du_worker()
    assert nouvel_enfant not in (None, enfant)
    print(f"\n[worker] processus {enfant} tué ; tâche relivrée et envoyée en {redelivre:.2f} s")


# The production e-mail path -----------------------------------------------------------------


def test_courriel_par_starttls_authentifie_certificat_verifie(banc):
    """EMAIL_URL=smtp+tls://login:password@host:port, read by the production settings: the
    worker's outbox task sends over STARTTLS after AUTH, checking the server's certificate."""
    dernier = banc.dernier_courriel()
    statut, lieu = banc.soumettre(banc.navigateurs[comptes.email("agent", 4)], "Par STARTTLS")
    assert statut == 302
    ref = reference(lieu)

    def envoye():
        lignes = banc.courriels_depuis(dernier)
        return lignes if lignes and all(c[3] == "envoye" for c in lignes) else None

    [(_, destinataire, sujet, _, tentatives)] = prives.attendre(
        envoye, 30, lambda: f"courriel non envoyé ;\n{banc.portail.alertes()}"
    )
    assert sujet.startswith(f"[{ref}]") and tentatives == 1
    with banc.capture.verrou:
        [message], [(tls, compte)] = banc.capture.acceptes, banc.capture.sessions
    assert tls in ("TLSv1.2", "TLSv1.3") and compte == banc.smtp.compte
    assert (message["To"], message["Subject"]) == (destinataire, sujet)
    assert "ne-pas-repondre@" in message["From"]
    assert ref in message.get_body(("plain",)).get_content()

    # Verification is on: without the test CA (the system's CAs only), the same settings refuse
    # the server's certificate, before any login or message.
    sans_ca = {k: v for k, v in banc.portail.env.items() if k != "SSL_CERT_FILE"}
    essai = (
        "import ssl\n"
        "from django.core.mail import send_mail\n"
        "try:\n"
        "    send_mail('Essai', 'Essai', None, ['essai@example.org'])\n"
        "except ssl.SSLCertVerificationError as erreur:\n"
        "    print('refusé', erreur.verify_message)\n"
    )
    sortie = banc.portail.manage("manage.py", "shell", "-v", "0", "-c", essai, env=sans_ca)
    assert sortie.strip().splitlines()[-1].startswith("refusé"), sortie
    assert banc.capture.sujets() == [(destinataire, sujet)]


# 3. PostgreSQL restarted under load ---------------------------------------------------------


def test_session_non_enregistree_faute_de_base_503_et_non_400(rf):
    """What the restart below caught at random, made deterministic: the database goes away
    after the view, Django's session middleware then raises SessionInterrupted (a 400)."""
    from django.contrib.sessions.backends.base import UpdateError
    from django.contrib.sessions.exceptions import SessionInterrupted
    from django.db import DatabaseError, OperationalError

    from portail.erreurs import requete_incorrecte

    def interrompue(erreur_base):
        try:
            try:
                try:
                    raise erreur_base
                except DatabaseError:
                    raise UpdateError  # noqa: B904 (as SessionStore.save does)
            except UpdateError:
                raise SessionInterrupted("session deleted")  # noqa: B904 (as the middleware)
        except SessionInterrupted as exc:
            return exc

    coupure = requete_incorrecte(rf.get("/"), interrompue(OperationalError("server closed")))
    assert coupure.status_code == 503
    assert coupure["Retry-After"] == "30"
    assert ANNONCE_503 in coupure.content.decode()
    # The session row really gone (a concurrent logout): still Django's 400.
    supprimee = requete_incorrecte(rf.get("/"), interrompue(DatabaseError("no rows")))
    assert supprimee.status_code == 400


@dataclass
class Reponse:
    fil: int
    chemin: str
    statut: int
    entetes: dict
    corps: bytes
    instant: float


def obtenir(nav, chemin: str) -> tuple[int, dict, bytes]:
    """GET with the navigator's cookies, keeping the headers (Retry-After, Content-Type)."""
    entetes = {"Host": f"127.0.0.1:{nav.port}", "X-Forwarded-Proto": "https"}
    if nav.cookies:
        entetes["Cookie"] = "; ".join(f"{k}={v}" for k, v in nav.cookies.items())
    connexion = http.client.HTTPConnection("127.0.0.1", nav.port, timeout=30)
    try:
        connexion.request("GET", chemin, headers=entetes)
        reponse = connexion.getresponse()
        corps = reponse.read()
        nav._cookies(reponse)
        return reponse.status, {k.lower(): v for k, v in reponse.getheaders()}, corps
    finally:
        connexion.close()


def defaut_503(r: Reponse) -> str | None:
    """What is wrong with a 503, or None: the French page with Retry-After, or /sante/'s JSON."""
    if r.entetes.get("content-type", "").startswith("application/json"):
        etat = json.loads(r.corps)
        return None if etat["base_de_donnees"] == "indisponible" else f"JSON {etat}"
    if r.entetes.get("retry-after") != "30":
        return "sans Retry-After: 30"
    if ANNONCE_503 not in r.corps.decode():
        return "page 503 non reconnue"
    return None


def test_postgresql_redemarre_sous_charge_503_propres_puis_reprise(banc):
    portail = banc.portail
    pids = portail.processus_web()
    assert len(pids) == 3  # master and 2 workers
    connectes = [comptes.email("agent", 4), comptes.email("agent", 5), comptes.email("referent", 0)]
    fils = [(banc.navigateurs[a], ("/", "/demandes/", "/sante/")) for a in connectes]
    fils.append((charge.Navigateur("127.0.0.1", portail.port), ("/sante/",)))
    reponses: list[Reponse] = []
    pannes_reseau = []
    arret = threading.Event()
    verrou = threading.Lock()

    def boucle(rang, nav, chemins):
        while not arret.is_set():
            for chemin in chemins:
                try:
                    statut, entetes, corps = obtenir(nav, chemin)
                except (OSError, http.client.HTTPException) as exc:
                    pannes_reseau.append((rang, chemin, repr(exc)))
                    continue
                with verrou:
                    reponses.append(Reponse(rang, chemin, statut, entetes, corps, time.monotonic()))

    def tous_servis_depuis(instant):
        """Every thread got a 200 on each of its paths after `instant`."""
        with verrou:
            servis = {
                (r.fil, r.chemin) for r in reponses if r.statut == 200 and r.instant > instant
            }
        return all((rang, c) in servis for rang, (_, chemins) in enumerate(fils) for c in chemins)

    def reprise(instant) -> float:
        """Seconds from `instant` until each thread had a 200 on each of its paths."""
        premiers = {}
        for r in depuis(instant):
            if r.statut == 200:
                premiers.setdefault((r.fil, r.chemin), r.instant)
        return max(premiers.values()) - instant

    def depuis(instant):
        with verrou:
            return [r for r in reponses if r.instant > instant]

    interrompues = portail.lignes_du_journal(SESSION_INTERROMPUE)
    taches = en_parallele([lambda r=r, f=f: boucle(r, *f) for r, f in enumerate(fils)])
    try:
        prives.attendre(lambda: tous_servis_depuis(0), 20, "la charge ne démarre pas")

        # a) pg_ctl restart -m fast: backends of the persistent connections are terminated.
        debut_a = time.monotonic()
        banc.postgres.pg_ctl("restart", "fast")
        fin_a = time.monotonic()
        prives.attendre(lambda: tous_servis_depuis(fin_a), 15, "pas de reprise après restart")
        reprise_a = reprise(fin_a)

        # b) a crash (-m immediate) then recovery; down until every thread has met the outage.
        debut_b = time.monotonic()
        banc.postgres.pg_ctl("stop", "immediate")
        prives.attendre(
            lambda: {r.fil for r in depuis(debut_b) if r.statut == 503} == set(range(len(fils))),
            15,
            "aucune 503 pendant l'arrêt de PostgreSQL",
        )
        banc.postgres.pg_ctl("start")
        fin_b = time.monotonic()
        prives.attendre(lambda: tous_servis_depuis(fin_b), 15, "pas de reprise après le crash")
        reprise_b = reprise(fin_b)
    finally:
        arret.set()
        for t in taches:
            t.join(60)

    assert not pannes_reseau, pannes_reseau[:5]
    autres = [(r.chemin, r.statut, r.corps[:200]) for r in reponses if r.statut not in (200, 503)]
    assert not autres, f"{autres[:3]}\n{portail.alertes()}"
    pendant = [r for r in reponses if r.statut == 503]
    defauts = [(r.chemin, defaut_503(r)) for r in pendant if defaut_503(r)]
    assert not defauts, defauts[:5]
    # /sante/ of an anonymous client reaches its view: the JSON, not the error page.
    anonyme = len(fils) - 1
    assert all(
        r.entetes["content-type"].startswith("application/json")
        for r in pendant
        if r.fil == anonyme
    )
    # Same processes: gunicorn neither restarted nor lost a worker, the Celery worker lives.
    assert portail.processus_web() == pids
    assert portail.worker.poll() is None
    # Sessions survived: logged-in pages answer 200, never a redirect to the login page.
    for adresse in connectes:
        for chemin in ("/", "/demandes/"):
            assert obtenir(banc.navigateurs[adresse], chemin)[0] == 200
    # The worker's database connection recovered too: a new demande's e-mail leaves.
    dernier = banc.dernier_courriel()
    statut, _ = banc.soumettre(banc.navigateurs[connectes[0]], "Après le redémarrage")
    assert statut == 302
    prives.attendre(
        lambda: [c[3] for c in banc.courriels_depuis(dernier)] == ["envoye"],
        15,
        lambda: f"courriel non envoyé après le redémarrage ;\n{portail.alertes()}",
    )

    n_a = Counter(r.statut for r in reponses if debut_a <= r.instant <= fin_a + reprise_a)
    n_b = Counter(r.statut for r in depuis(debut_b))
    formes = Counter(
        (r.chemin, r.entetes["content-type"].split(";")[0], r.fil == anonyme) for r in pendant
    )
    print(
        f"\n[postgresql] {len(reponses)} requêtes, {len(pendant)} × 503 ; restart fast : "
        f"{fin_a - debut_a:.2f} s, {dict(n_a)}, reprise {reprise_a:.2f} s ; crash : "
        f"{fin_b - debut_b:.2f} s d'arrêt, {dict(n_b)}, reprise {reprise_b:.2f} s ;\n"
        f"  503 par (chemin, type, anonyme) : {dict(formes)} ; dont session non enregistrée "
        f"(SessionInterrupted) : {portail.lignes_du_journal(SESSION_INTERROMPUE) - interrompues}"
    )
