"""The live server of the browser journeys shares the in-memory SQLite test database with the
test through ONE connection (`tests/conftest.py`, `RequetesDuServeurDeTest`). Requests sent at
once, as a browser sends a page and its background fetches, must neither fail nor leave that
connection in a broken transaction for the tests that follow."""

import threading
import urllib.error
import urllib.request

from django.conf import settings
from django.db import connection
from django.test import Client

from tests.conftest import connecter_verifie

CLIENTS = 6
REQUETES_PAR_CLIENT = 12


def _statut(url, cookie=None, donnees=None):
    requete = urllib.request.Request(url, data=donnees)  # noqa: S310 - the test's own server
    if cookie:
        requete.add_header("Cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}")
    try:
        with urllib.request.urlopen(requete, timeout=30) as reponse:  # noqa: S310
            reponse.read()
            return reponse.status
    except urllib.error.HTTPError as erreur:
        return erreur.code


def test_des_requetes_simultanees_ne_cassent_pas_la_base_partagee(live_server, agent_a):
    cookie = connecter_verifie(Client(), agent_a).cookies[settings.SESSION_COOKIE_NAME].value
    adresses = ["/", "/demandes/", "/formations/", "/compte/", "/connexion/"]
    statuts, depart = [], threading.Barrier(CLIENTS)

    def client(numero):
        depart.wait(timeout=10)
        for i in range(REQUETES_PAR_CLIENT):
            adresse = adresses[(numero + i) % len(adresses)]
            # Logged-in pages read and save the session; anonymous wrong logins write the
            # failure (django-axes) and the security journal.
            if adresse == "/connexion/":
                donnees = b"username=inconnu%40exemple.fr&password=faux"
                statuts.append(_statut(live_server.url + adresse, donnees=donnees))
            else:
                statuts.append(_statut(live_server.url + adresse, cookie))

    fils = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=120)

    assert len(statuts) == CLIENTS * REQUETES_PAR_CLIENT
    assert [s for s in statuts if s >= 500] == []
    assert not connection.needs_rollback
    assert not connection.in_atomic_block
