"""Who sees a demande on the partner pages and who downloads its files.

Partner page: the author, agents of the structure when it is shared, the structure's référents;
everyone else 404, CPAM staff included (they use the back-office). File URL: the same partners
(never a file of an internal note) and, on the CPAM side, the experts of the team, the expert
assigned and the superviseurs; everyone else 404.
"""

import pytest

from demandes import services
from demandes.models import Demande, Message
from tests.conftest import connecter_verifie
from tests.demandes.conftest import PDF, creer_demande, fichier

pytestmark = pytest.mark.django_db


@pytest.fixture
def demandes(agent_a, structure_a, regle_generale):
    """A shared and a private demande of agent A, each with a file, plus an internal note
    with its own file."""
    partagee = creer_demande(
        agent_a,
        structure_a,
        pieces=[services.piece_deposer(fichier=fichier("partagee.pdf"), utilisateur=agent_a)],
    )
    privee = creer_demande(
        agent_a,
        structure_a,
        partagee=False,
        pieces=[services.piece_deposer(fichier=fichier("privee.pdf"), utilisateur=agent_a)],
    )
    titulaire = partagee.expert
    note = services.message_cpam_envoyer(
        demande=partagee,
        auteur=titulaire.utilisateur,
        corps="Note interne",
        type=Message.Type.NOTE,
        pieces=[
            services.piece_deposer(fichier=fichier("note.pdf"), utilisateur=titulaire.utilisateur)
        ],
    )
    return {
        "partagee": partagee,
        "privee": privee,
        "piece_partagee": partagee.messages.get(cote="partenaire").pieces.get(),
        "piece_privee": privee.messages.get().pieces.get(),
        "piece_note": note.pieces.get(),
    }


def personne(request, nom):
    """The actor of a matrix cell: a fixture name, or None for an anonymous visitor."""
    if nom is None:
        return None
    utilisateur = request.getfixturevalue(nom)
    return getattr(utilisateur, "utilisateur", utilisateur)  # Expert → its account


def client_de(client, utilisateur):
    return connecter_verifie(client, utilisateur) if utilisateur else client


# The demande's page ----------------------------------------------------------------------------

PAGE = [
    # actor, shared demande, private demande
    ("agent_a", 200, 200),
    ("agent_a2", 200, 404),
    ("referent_a", 200, 200),
    ("agent_b", 404, 404),
    ("referent_b", 404, 404),
    ("titulaire", 404, 404),
    ("expert_autre_equipe", 404, 404),
    ("superviseur", 404, 404),
]


@pytest.mark.parametrize(("acteur", "partagee", "privee"), PAGE)
def test_matrice_page_de_la_demande(request, client, demandes, acteur, partagee, privee):
    client = client_de(client, personne(request, acteur))
    for cle, attendu in (("partagee", partagee), ("privee", privee)):
        reference = demandes[cle].reference
        assert client.get(f"/demandes/{reference}/").status_code == attendu, cle
        # The write URLs answer the same way: nobody learns that the demande exists.
        assert client.post(f"/demandes/{reference}/cloturer/").status_code in (
            {302} if attendu == 200 else {404}
        )


PERSONNEL_CPAM = {"titulaire", "expert_autre_equipe", "superviseur"}


@pytest.mark.parametrize("acteur", [a for a, *_ in PAGE if a not in PERSONNEL_CPAM])
def test_matrice_liste(request, client, demandes, acteur):
    utilisateur = personne(request, acteur)
    contenu = client_de(client, utilisateur).get("/demandes/").content.decode()
    for cle, colonne in (("partagee", 1), ("privee", 2)):
        visible = dict((a, r) for a, *r in PAGE)[acteur][colonne - 1] == 200
        assert (demandes[cle].reference in contenu) is visible, cle


@pytest.mark.parametrize("acteur", sorted(PERSONNEL_CPAM))
def test_personnel_cpam_renvoye_au_back_office(request, client, demandes, acteur):
    client = client_de(client, personne(request, acteur))
    for adresse in ("/demandes/", "/demandes/nouvelle/"):
        response = client.get(adresse)
        assert (response.status_code, response["Location"]) == (302, "/admin/demandes/")
    response = client.post("/demandes/nouvelle/", {"categorie": "css", "objet": "x"})
    assert response.status_code == 302
    assert Demande.objects.count() == 2


def test_anonyme_renvoye_a_la_connexion(client, demandes):
    for adresse in (
        "/demandes/",
        "/demandes/nouvelle/",
        f"/demandes/{demandes['partagee'].reference}/",
        f"/demandes/{demandes['partagee'].reference}/fichiers/{demandes['piece_partagee'].uuid}/",
    ):
        response = client.get(adresse)
        assert response.status_code == 302
        assert response["Location"].startswith("/connexion/?next=")


def test_agent_d_une_structure_sans_convention_404_sur_le_fichier(
    client, demandes, agent_a, structure_a
):
    from conventions.models import Convention

    Convention.objects.filter(partenaire=structure_a).update(statut="suspendue")
    client = connecter_verifie(client, agent_a)
    piece = demandes["piece_partagee"]
    reference = demandes["partagee"].reference
    assert client.get(f"/demandes/{reference}/").status_code == 403
    assert client.get(f"/demandes/{reference}/fichiers/{piece.uuid}/").status_code == 404


# Files -----------------------------------------------------------------------------------------

FICHIERS = [
    # actor, shared demande's file, private demande's file, internal note's file
    ("agent_a", 200, 200, 404),
    ("agent_a2", 200, 404, 404),
    ("referent_a", 200, 200, 404),
    ("agent_b", 404, 404, 404),
    ("titulaire", 200, 200, 200),
    ("suppleant", 200, 200, 200),
    ("expert_autre_equipe", 404, 404, 404),
    ("superviseur", 200, 200, 200),
]


@pytest.mark.parametrize(("acteur", "partagee", "privee", "note"), FICHIERS)
def test_matrice_fichiers(request, client, demandes, acteur, partagee, privee, note):
    client = client_de(client, personne(request, acteur))
    cellules = (
        ("partagee", "piece_partagee", partagee),
        ("privee", "piece_privee", privee),
        ("partagee", "piece_note", note),
    )
    for demande, piece, attendu in cellules:
        adresse = f"/demandes/{demandes[demande].reference}/fichiers/{demandes[piece].uuid}/"
        assert client.get(adresse).status_code == attendu, piece


def test_fichier_telecharge_en_piece_jointe(client, agent_a, demandes):
    piece = demandes["piece_partagee"]
    client = connecter_verifie(client, agent_a)
    response = client.get(f"/demandes/{demandes['partagee'].reference}/fichiers/{piece.uuid}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="partagee.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_fichier_d_une_autre_demande_404(client, agent_a, demandes):
    """The file's uuid must belong to the demande of the address."""
    client = connecter_verifie(client, agent_a)
    adresse = (
        f"/demandes/{demandes['privee'].reference}/fichiers/{demandes['piece_partagee'].uuid}/"
    )
    assert client.get(adresse).status_code == 404


def test_fichier_en_attente_jamais_servi(client, agent_a, demandes):
    """An upload not attached to a sent message has no URL, even for its author."""
    en_attente = services.piece_deposer(fichier=fichier(), utilisateur=agent_a)
    client = connecter_verifie(client, agent_a)
    adresse = f"/demandes/{demandes['partagee'].reference}/fichiers/{en_attente.uuid}/"
    assert client.get(adresse).status_code == 404


def test_nouvelle_demande_interdite_a_une_autre_structure(client, agent_b, demandes):
    """Agent B may send demandes for B; demandes of A stay out of reach."""
    client = connecter_verifie(client, agent_b)
    assert client.get("/demandes/nouvelle/").status_code == 200
    assert demandes["partagee"].reference not in client.get("/demandes/").content.decode()


def test_acces_journalises_sans_donnees_personnelles(client, agent_a, agent_b, demandes):
    """Every partner access to a demande or its files leaves a trace with the reference only."""
    from portail.models import EntreeJournal

    Action = EntreeJournal.Action
    demande, piece = demandes["partagee"], demandes["piece_partagee"]
    connecter_verifie(client, agent_a)
    client.get(f"/demandes/{demande.reference}/")
    client.get(f"/demandes/{demande.reference}/fichiers/{piece.uuid}/")
    client.logout()
    connecter_verifie(client, agent_b)
    client.get(f"/demandes/{demande.reference}/")

    traces = list(
        EntreeJournal.objects.filter(reference=demande.reference)
        .order_by("pk")
        .values_list("utilisateur", "action")
    )
    assert traces == [
        (agent_a.pk, Action.CONSULTATION),
        (agent_a.pk, Action.TELECHARGEMENT),
        (agent_b.pk, Action.REFUS),
    ]
    assert not EntreeJournal.objects.filter(detail__contains=demande.nir).exists()


def test_adresses_mal_formees_404(client, agent_a, demandes):
    client = connecter_verifie(client, agent_a)
    reference = demandes["partagee"].reference
    assert client.get("/demandes/n-importe-quoi/").status_code == 404
    assert client.get(f"/demandes/{reference}/fichiers/pas-un-uuid/").status_code == 404
