"""Profile one page in-process against the bench database, with production settings.

    python -m bench.profil /admin/demandes/?onglet=equipe --role expert [-n 20] [--tri tottime]

Prints the time per request, the SQL share, and the functions that cost most (cProfile), so that
a slow row of the load table can be explained before it is fixed.
"""

import argparse
import cProfile
import os
import pstats
import tempfile
import time
from pathlib import Path

from bench import comptes
from bench.run import environnement


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Profil d'une page (base du benchmark).")
    parser.add_argument("chemin")
    parser.add_argument("--role", default="agent", choices=["agent", "expert", "superviseur"])
    parser.add_argument("-n", type=int, default=20, help="requêtes profilées (après 2 d'amorce)")
    parser.add_argument("--tri", default="cumulative", help="clé de tri de pstats")
    parser.add_argument("--lignes", type=int, default=40)
    args = parser.parse_args(argv)

    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/solidaires_bench")
    static = Path(tempfile.gettempdir()) / "bench-solidaires-static"
    os.environ.update(environnement(base_url, tempfile.mkdtemp(), str(static)))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY

    from portail.models import Utilisateur

    utilisateur = Utilisateur.objects.get(email=comptes.email(args.role, 0))
    client = Client(HTTP_X_FORWARDED_PROTO="https")
    client.force_login(utilisateur)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = utilisateur.totpdevice_set.get().persistent_id
    session.save()

    for _ in range(2):
        statut = client.get(args.chemin).status_code
    if statut != 200:
        raise SystemExit(f"{args.chemin} : statut {statut}")
    with CaptureQueriesContext(connection) as requetes:
        debut, debut_cpu = time.perf_counter(), time.process_time()
        for _ in range(args.n):
            client.get(args.chemin)
        total, cpu = time.perf_counter() - debut, time.process_time() - debut_cpu
    sql = sum(float(q["time"]) for q in requetes.captured_queries)
    # CPU time of this process: what the page costs in Python, little disturbed by other load.
    print(
        f"{args.chemin} : {total / args.n * 1000:.1f} ms par requête (CPU Python "
        f"{cpu / args.n * 1000:.1f} ms), dont SQL {sql / args.n * 1000:.1f} ms "
        f"({len(requetes) // args.n} requêtes)"
    )
    profil = cProfile.Profile()
    profil.enable()
    for _ in range(args.n):
        client.get(args.chemin)
    profil.disable()
    pstats.Stats(profil).sort_stats(args.tri).print_stats(args.lignes)


if __name__ == "__main__":
    main()
