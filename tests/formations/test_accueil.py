"""The partner home shows the person's next training session."""

import pytest

from tests.conftest import connecter_verifie, texte
from tests.formations.factories import SessionFactory, inscrire

pytestmark = pytest.mark.django_db


def test_prochaine_session_sur_l_accueil(client, agent_a):
    session = SessionFactory(titre="Accès aux droits : la CSS en pratique")
    inscrire(session, agent_a)
    connecter_verifie(client, agent_a)

    page = texte(client.get("/"))

    assert "Votre prochaine formation" in page
    assert "Accès aux droits : la CSS en pratique" in page
    assert f'href="/formations/sessions/{session.pk}/"' in page


def test_sans_inscription_l_accueil_propose_les_sessions(client, agent_a):
    connecter_verifie(client, agent_a)
    page = texte(client.get("/"))
    assert "Vous n'êtes inscrit à aucune session à venir." in page
    assert 'href="/formations/"' in page


def test_pas_de_bloc_formation_sans_le_service(client, agent_a, structure_a):
    convention = structure_a.conventions.get()
    convention.ouvre_formations = False
    convention.save()
    connecter_verifie(client, agent_a)
    assert "Votre prochaine formation" not in texte(client.get("/"))
