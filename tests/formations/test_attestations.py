"""Certificates of attendance downloaded from the portal: the person's own, their structure's
agents' for a référent; 404 for anyone else, and for a registration without attendance."""

import io
from datetime import timedelta

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from formations.models import Inscription
from tests.conftest import connecter_verifie, rattacher, texte
from tests.factories import ConventionFactory, UtilisateurFactory
from tests.formations.factories import SessionFactory, agents_de

pytestmark = pytest.mark.django_db

Etat = Inscription.Etat


def _inscription(session, agent, partenaire, etat=Etat.PRESENT):
    return Inscription.objects.create(
        session=session,
        agent=agent,
        partenaire=partenaire,
        campagne=session.campagne,
        programme=session.programme,
        etat=etat,
    )


@pytest.fixture
def passee(db):
    debut = timezone.now() - timedelta(days=3)
    return SessionFactory(titre="Session passée", debut=debut, statut="realisee")


def _url(inscription):
    return reverse("formations:attestation", args=[inscription.pk])


def test_l_agent_telecharge_sa_propre_attestation(client, agent_a, structure_a, passee):
    presente = _inscription(passee, agent_a, structure_a)
    connecter_verifie(client, agent_a)

    response = client.get(_url(presente))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    page = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert f"{agent_a.first_name} {agent_a.last_name}" in page
    # No name in the address nor in the file name: the registration's number only.
    disposition = response["Content-Disposition"]
    assert f"attestation-{presente.pk}-" in disposition
    assert agent_a.last_name.lower() not in disposition.lower()
    assert agent_a.last_name.lower() not in _url(presente).lower()
    assert response["Cache-Control"] == "private, no-store"


def test_le_lien_est_sur_mes_inscriptions_et_la_page_de_session(
    client, agent_a, structure_a, passee
):
    presente = _inscription(passee, agent_a, structure_a)
    absente = _inscription(SessionFactory(debut=passee.debut), agent_a, structure_a, Etat.ABSENT)
    connecter_verifie(client, agent_a)

    page = client.get(reverse("formations:mes_inscriptions")).content.decode()
    assert _url(presente) in page
    assert _url(absente) not in page
    session = client.get(reverse("formations:session", args=[passee.pk])).content.decode()
    assert _url(presente) in session
    assert "Télécharger mon attestation de présence (PDF)" in texte(
        client.get(reverse("formations:session", args=[passee.pk]))
    )


def test_le_referent_voit_celles_des_agents_de_sa_structure(
    client, referent_a, structure_a, passee
):
    agent = agents_de(structure_a, 1)[0]
    presente = _inscription(passee, agent, structure_a)
    connecter_verifie(client, referent_a)

    page = client.get(reverse("formations:structure", args=[structure_a.pk])).content.decode()
    assert _url(presente) in page
    assert client.get(_url(presente)).status_code == 200


@pytest.mark.parametrize("qui", ["autre_agent", "referent_autre_structure", "collegue"])
def test_les_autres_ont_404(client, agent_a, structure_a, passee, qui):
    presente = _inscription(passee, agent_a, structure_a)
    if qui == "collegue":
        # An agent of the same structure, not référent: not theirs.
        autre = agents_de(structure_a, 1)[0]
    else:
        ailleurs = ConventionFactory().partenaire
        autre = UtilisateurFactory()
        rattacher(autre, ailleurs, "referent" if qui.startswith("referent") else "agent")
    connecter_verifie(client, autre)

    assert client.get(_url(presente)).status_code == 404


def test_anonyme_va_a_la_connexion_sans_rien_recevoir(client, agent_a, structure_a, passee):
    presente = _inscription(passee, agent_a, structure_a)

    response = client.get(_url(presente))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portail:connexion"))


@pytest.mark.parametrize("etat", [Etat.INSCRIT, Etat.ABSENT, Etat.ANNULE])
def test_sans_presence_relevee_pas_d_attestation(client, agent_a, structure_a, passee, etat):
    inscription = _inscription(passee, agent_a, structure_a, etat)
    connecter_verifie(client, agent_a)

    assert client.get(_url(inscription)).status_code == 404
    assert "attestation" not in texte(client.get(reverse("formations:mes_inscriptions"))).lower()


def test_identifiant_inconnu_404(client, agent_a):
    connecter_verifie(client, agent_a)
    assert client.get("/formations/inscriptions/999999/attestation.pdf").status_code == 404
    assert client.get("/formations/inscriptions/abc/attestation.pdf").status_code == 404


def test_page_structure_nombre_de_requetes_constant(
    client, referent_a, structure_a, passee, django_assert_max_num_queries
):
    connecter_verifie(client, referent_a)
    adresse = reverse("formations:structure", args=[structure_a.pk])
    for agent in agents_de(structure_a, 2):
        _inscription(passee, agent, structure_a)
    client.get(adresse)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as avant:
        client.get(adresse)
    for agent in agents_de(structure_a, 6):
        _inscription(SessionFactory(debut=passee.debut), agent, structure_a)
    with django_assert_max_num_queries(len(avant)):
        response = client.get(adresse)
    assert texte(response).count("Attestation (PDF)") == 8
