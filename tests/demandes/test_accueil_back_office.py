"""The back-office home (/admin/): each role's own summary panels, with counts that hold on a
small data set and a query count that does not grow with the number of demandes."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from demandes.models import Absence, Demande
from portail import roles
from portail.dates import PARIS
from tests.conftest import connecter_verifie, texte
from tests.demandes.conftest import creer_demande
from tests.factories import UtilisateurFactory

pytestmark = pytest.mark.django_db

# A Tuesday, 10:00 in Paris: "today" runs until 24:00 and business hours are open.
MAINTENANT = timezone.datetime(2026, 3, 10, 10, 0, tzinfo=PARIS)
ACCUEIL = "/admin/"


@pytest.fixture(autouse=True)
def _heure_fixe():
    with time_machine.travel(MAINTENANT, tick=False):
        yield


def _poser(demande, **champs):
    Demande.objects.filter(pk=demande.pk).update(**champs)


@pytest.fixture
def jeu(agent_a, structure_a, titulaire, suppleant, regle_generale, superviseur):
    """The titulaire's day: one due today, one late, one awaiting the partner, one with a new
    partner message; one unassigned in the team; the titulaire absent today."""
    demandes = {
        nom: creer_demande(agent_a, structure_a, objet=nom)
        for nom in ("aujourdhui", "retard", "attente", "message", "plus_tard")
    }
    Demande.objects.update(nouveau_pour_cpam=False, echeance=MAINTENANT + timedelta(days=3))
    _poser(demandes["aujourdhui"], echeance=MAINTENANT + timedelta(hours=6))
    _poser(demandes["retard"], echeance=MAINTENANT - timedelta(days=1))
    _poser(demandes["attente"], statut=Demande.Statut.EN_ATTENTE)
    _poser(demandes["message"], nouveau_pour_cpam=True)
    non_attribuee = creer_demande(agent_a, structure_a, objet="sans expert")
    _poser(non_attribuee, expert=None, echeance=MAINTENANT + timedelta(days=3))
    Absence.objects.create(
        expert=titulaire,
        suppleant=suppleant,
        debut=MAINTENANT - timedelta(days=1),
        fin=MAINTENANT + timedelta(days=2),
    )
    return demandes


def _panneau(contenu: str, identifiant: str) -> str:
    debut = contenu.index(f'id="{identifiant}-content"')
    return contenu[debut : contenu.index("</section>", debut)]


def _ligne(panneau: str, libelle: str) -> str:
    debut = panneau.index(libelle)
    return " ".join(panneau[debut : panneau.index("</tr>", debut)].split())


def test_l_expert_voit_sa_journee(client, titulaire, jeu):
    connecter_verifie(client, titulaire.utilisateur)

    contenu = texte(client.get(ACCUEIL))

    panneau = _panneau(contenu, "mes-demandes")
    assert "À traiter aujourd'hui</a></th><td>1</td>" in _ligne(panneau, "À traiter aujourd")
    assert "En retard</a></th><td>1</td>" in _ligne(panneau, "En retard")
    assert "En attente du partenaire</a></th><td>1</td>" in _ligne(panneau, "En attente du")
    assert "<td>1</td>" in _ligne(panneau, "Nouveaux messages du partenaire")
    assert "/admin/demandes/?onglet=miennes&statut=en_attente" in contenu
    assert 'id="pilotage-content"' not in contenu  # no superviseur panel


def test_le_superviseur_voit_les_files_les_retards_et_les_absences(client, superviseur, jeu):
    connecter_verifie(client, superviseur)

    contenu = texte(client.get(ACCUEIL))

    panneau = _panneau(contenu, "pilotage")
    assert "<td>1</td>" in _ligne(panneau, "Non attribuées")
    assert "<td>1</td>" in _ligne(panneau, "En retard")
    # Five open demandes of the titulaire (one paused) and the unassigned one, one late.
    assert "Plateforme 37-41-28</th><td>6</td><td>1</td>" in "".join(panneau.split("\n")).replace(
        "  ", ""
    )
    assert "Claire Titulaire — suppléé par Paul Suppléant" in panneau
    assert 'id="mes-demandes-content"' not in contenu  # no expert panel


@pytest.mark.parametrize(
    "role", [roles.EDITEUR, roles.FORMATEUR, roles.EXPERT_CPAM, roles.SUPERVISEUR_CPAM]
)
def test_chaque_role_n_a_que_ses_panneaux(client, role):
    connecter_verifie(client, UtilisateurFactory(roles=[role]))

    contenu = client.get(ACCUEIL).content.decode()

    # An expert without an expert record (not yet set up) has no panel either.
    assert ('id="pilotage-content"' in contenu) == (role == roles.SUPERVISEUR_CPAM)
    assert 'id="mes-demandes-content"' not in contenu


def test_un_partenaire_n_ouvre_pas_l_accueil_du_back_office(client, agent_a):
    connecter_verifie(client, agent_a)
    response = client.get(ACCUEIL)
    assert response.status_code == 302
    assert not response["Location"].startswith("/admin/")


def _requetes(client, utilisateur) -> int:
    connecter_verifie(client, utilisateur)
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(ACCUEIL).status_code == 200
    client.logout()
    return len(requetes)


def test_requetes_constantes_avec_le_volume(
    client,
    agent_a,
    structure_a,
    titulaire,
    superviseur,
    regle_generale,
    django_assert_max_num_queries,
):
    creer_demande(agent_a, structure_a)
    avec_une = {
        "expert": _requetes(client, titulaire.utilisateur),
        "superviseur": _requetes(client, superviseur),
    }
    for numero in range(29):
        creer_demande(agent_a, structure_a, objet=f"demande {numero}")
    Absence.objects.create(expert=titulaire, debut=MAINTENANT, fin=MAINTENANT + timedelta(hours=2))
    assert Demande.objects.count() == 30

    for cle, utilisateur in (("expert", titulaire.utilisateur), ("superviseur", superviseur)):
        connecter_verifie(client, utilisateur)
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(ACCUEIL).status_code == 200
        client.logout()
        assert len(requetes) == avec_une[cle], cle
