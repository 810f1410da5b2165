"""The signed convention is streamed by a view that checks who asks: superviseurs and the
structure's active référents; anyone else gets 404, and no public URL serves the file."""

import pytest
from django.urls import reverse

from conventions.services import adhesion_desactiver, convention_changer_statut
from tests.conftest import connecter_verifie
from tests.factories import ConventionFactory

CONTENU = b"%PDF-1.4\n%convention signee\n"


@pytest.fixture(autouse=True)
def _hachage_rapide(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def adresse(convention):
    return reverse("conventions:document_signe", args=[convention.pk])


@pytest.mark.parametrize(
    ("qui", "attendu"),
    [
        ("superviseur", 200),
        ("referent_a", 200),
        ("referent_b", 404),
        ("agent_a", 404),
        ("expert", 404),
    ],
)
def test_matrice_de_telechargement(client, request, structure_a, qui, attendu):
    connecter_verifie(client, request.getfixturevalue(qui))
    response = client.get(adresse(structure_a.conventions.get()))
    assert response.status_code == attendu
    if attendu == 200:
        assert b"".join(response.streaming_content) == CONTENU


def test_anonyme_renvoye_vers_la_connexion(client, structure_a):
    response = client.get(adresse(structure_a.conventions.get()))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portail:connexion"))


def test_entetes_du_document(client, superviseur, structure_a):
    connecter_verifie(client, superviseur)
    convention = structure_a.conventions.get()
    response = client.get(adresse(convention))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{convention.numero}.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    response.close()


def test_referent_desactive_ou_convention_suspendue(client, superviseur, referent_a, structure_a):
    convention = structure_a.conventions.get()
    connecter_verifie(client, referent_a)
    convention_changer_statut(
        convention=convention, vers="suspendue", auteur=superviseur, motif="Contrôle"
    )
    assert client.get(adresse(convention)).status_code == 404  # access cut at once

    convention_changer_statut(convention=convention, vers="en_vigueur", auteur=superviseur)
    assert client.get(adresse(convention)).status_code == 200

    adhesion_desactiver(adhesion=referent_a.adhesions.get(), auteur=superviseur)
    assert client.get(adresse(convention)).status_code == 404


def test_referent_voit_les_anciennes_conventions_de_sa_structure(client, referent_a, structure_a):
    ancienne = ConventionFactory(partenaire=structure_a, statut="expiree")
    connecter_verifie(client, referent_a)
    assert client.get(adresse(ancienne)).status_code == 200


def test_sans_document_ou_convention_inconnue(client, superviseur):
    connecter_verifie(client, superviseur)
    sans_document = ConventionFactory(statut="brouillon", document_signe=None)
    assert client.get(adresse(sans_document)).status_code == 404
    assert client.get(reverse("conventions:document_signe", args=[999999])).status_code == 404


def test_fichier_absent_du_stockage(client, superviseur, structure_a):
    convention = structure_a.conventions.get()
    convention.document_signe.storage.delete(convention.document_signe.name)
    connecter_verifie(client, superviseur)
    assert client.get(adresse(convention)).status_code == 404


def test_aucune_url_publique_ne_sert_le_fichier(client, superviseur, structure_a, settings):
    convention = structure_a.conventions.get()
    assert convention.document_signe.storage.exists(convention.document_signe.name)
    connecter_verifie(client, superviseur)
    response = client.get(settings.MEDIA_URL + convention.document_signe.name)
    assert response.status_code == 404


def test_seules_les_lectures_sont_acceptees(client, superviseur, structure_a):
    connecter_verifie(client, superviseur)
    assert client.post(adresse(structure_a.conventions.get())).status_code == 405


def test_liens_depuis_l_administration(client, superviseur, structure_a):
    connecter_verifie(client, superviseur)
    convention = structure_a.conventions.get()
    for nom in ("edit", "inspect", "statut"):
        page = client.get(reverse(f"partenaires_conventions:{nom}", args=[convention.pk]))
        assert adresse(convention) in page.content.decode(), nom
    liste = client.get(reverse("partenaires_conventions:index"))
    assert adresse(convention) in liste.content.decode()
