"""A person downloads the data the portal holds about them, and nothing about anyone else."""

import json
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portail import services
from portail.models import EntreeJournal, EvenementSecurite
from tests.conftest import connecter_verifie, rattacher, texte
from tests.factories import ConventionFactory
from tests.formations.factories import SessionFactory, inscrire

pytestmark = pytest.mark.django_db
Action = EntreeJournal.Action

URL = "/compte/mes-donnees/"


def _telecharger(client) -> tuple[dict, str]:
    response = client.post(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="mes-donnees.json"'
    assert response["Cache-Control"] == "private, no-store"
    brut = response.content.decode()
    return json.loads(brut), brut


@pytest.fixture
def journal(agent_a, agent_b):
    """Rows of agent A's own actions, and of agent B on another demande from another address."""
    moment = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    return {
        "a": EntreeJournal.objects.create(
            utilisateur=agent_a,
            action=Action.CONSULTATION,
            reference="D-2026-000011",
            vue="demandes:detail",
            adresse_ip="192.0.2.11",
            detail="GET 200",
            horodatage=moment,
        ),
        "b": EntreeJournal.objects.create(
            utilisateur=agent_b,
            action=Action.ECRITURE,
            reference="D-2026-000099",
            vue="demandes:detail",
            adresse_ip="198.51.100.99",
            horodatage=moment,
        ),
    }


def test_le_fichier_contient_mes_donnees(client, agent_a, structure_a, superviseur, journal):
    services.double_authentification_reinitialiser(
        utilisateur=agent_a, auteur=superviseur, motif="Téléphone perdu"
    )
    session = SessionFactory(titre="Les droits de la CSS")
    inscrire(session, agent_a)
    connecter_verifie(client, agent_a)

    donnees, _brut = _telecharger(client)
    compte = donnees["compte"]
    assert compte["email"] == agent_a.email
    assert (compte["prenom"], compte["nom"]) == (agent_a.first_name, agent_a.last_name)
    assert compte["inscrit_le"].endswith("+00:00") and compte["derniere_connexion"]
    assert donnees["rattachements"] == [
        {
            "structure": structure_a.nom,
            "role": "Agent",
            "debut": agent_a.adhesions.get().date_debut.isoformat(),
            "fin": None,
            "active": True,
        }
    ]
    assert [e["type"] for e in donnees["evenements_securite"]] == [
        EvenementSecurite.Type.REINITIALISATION
    ]
    inscription = donnees["inscriptions_formation"][0]
    assert inscription["session"] == "Les droits de la CSS" and inscription["etat"] == "Inscrit"
    assert {
        "horodatage": "2026-03-02T09:30:00+00:00",
        "action": "consultation",
        "libelle": "Consultation",
        "vue": "demandes:detail",
        "reference": "D-2026-000011",
        "adresse_ip": "192.0.2.11",
    } in donnees["journal_de_mes_actions"]
    # The login of this very test is one of the person's own actions.
    assert Action.CONNEXION in {e["action"] for e in donnees["journal_de_mes_actions"]}


def test_le_fichier_exclut_les_donnees_des_autres(
    client, agent_a, agent_b, structure_b, superviseur, journal
):
    services.double_authentification_reinitialiser(
        utilisateur=agent_a, auteur=superviseur, motif="Téléphone perdu"
    )
    inscrire(SessionFactory(), agent_b)
    # Someone typing agent A's address from elsewhere: the attempt is listed, not their address.
    EntreeJournal.objects.create(
        utilisateur=agent_a, action=Action.CONNEXION_ECHOUEE, adresse_ip="203.0.113.66"
    )
    connecter_verifie(client, agent_a)

    donnees, brut = _telecharger(client)
    references = {e["reference"] for e in donnees["journal_de_mes_actions"]}
    assert "D-2026-000011" in references and "D-2026-000099" not in references
    assert Action.CONNEXION_ECHOUEE in {e["action"] for e in donnees["journal_de_mes_actions"]}
    assert len(donnees["rattachements"]) == 1 and donnees["inscriptions_formation"] == []
    for autre in (
        agent_b.email,
        agent_b.get_full_name(),  # a last name alone may be shared: names are random
        structure_b.nom,
        "198.51.100.99",
        superviseur.email,
        superviseur.get_full_name(),
        "Téléphone perdu",
        "203.0.113.66",
    ):
        assert autre not in brut, autre


def test_le_telechargement_est_journalise(client, agent_a):
    connecter_verifie(client, agent_a)
    _telecharger(client)
    export = EntreeJournal.objects.get(action=Action.EXPORT)
    assert export.utilisateur == agent_a
    assert export.detail == "données personnelles"
    assert export.adresse_ip == "127.0.0.1"


def test_page_d_explication_et_lien_depuis_la_securite(client, agent_a):
    connecter_verifie(client, agent_a)
    contenu = texte(client.get(URL))
    assert "Télécharger mes données (JSON)" in contenu and 'method="post"' in contenu
    assert f'href="{URL}"' in texte(client.get("/compte/securite/"))
    assert not EntreeJournal.objects.filter(action=Action.EXPORT).exists()


@pytest.mark.parametrize("methode", ["get", "post"])
def test_anonyme_renvoye_vers_la_connexion(client, methode):
    response = getattr(client, methode)(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")


def test_nombre_de_requetes_constant(client, agent_a):
    connecter_verifie(client, agent_a)

    def requetes() -> int:
        with CaptureQueriesContext(connection) as contexte:
            _telecharger(client)
        return len(contexte)

    requetes()  # warm the caches
    peu = requetes()
    for _ in range(3):
        rattacher(agent_a, ConventionFactory().partenaire)
        inscrire(SessionFactory(), agent_a)
        EvenementSecurite.objects.create(
            utilisateur=agent_a, type=EvenementSecurite.Type.CODES_REGENERES
        )
    for _ in range(20):
        EntreeJournal.objects.create(utilisateur=agent_a, action=Action.CONSULTATION)
    beaucoup = requetes()
    assert peu == beaucoup
