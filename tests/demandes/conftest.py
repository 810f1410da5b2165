"""Actors of the messaging module: teams, experts, routing rules, demandes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from demandes import services
from demandes.models import Categorie, Equipe, Expert, RegleRoutage
from portail import roles
from portail.identifiants import nir_avec_cle
from tests import pieces_de_test
from tests.conftest import rattacher
from tests.factories import UtilisateurFactory

PDF = pieces_de_test.pdf_propre()
PNG = pieces_de_test.png()
JPEG = pieces_de_test.jpeg()


def nir_valide(numero13: str) -> str:
    """A 15-character NIR with the right key for a 13-character number (2A/2B allowed)."""
    return nir_avec_cle(numero13)


NIR = nir_valide("1850737261042")


def fichier(nom="justificatif.pdf", contenu=PDF, type_mime="application/pdf"):
    return SimpleUploadedFile(nom, contenu, content_type=type_mime)


def categorie(slug="css") -> Categorie:
    return Categorie.objects.get(slug=slug)


def creer_expert(equipe, **champs) -> Expert:
    utilisateur = UtilisateurFactory(roles=[roles.EXPERT_CPAM], **champs)
    return Expert.objects.create(utilisateur=utilisateur, equipe=equipe)


@pytest.fixture
def equipe(superviseur):
    equipe = Equipe.objects.create(nom="Plateforme 37-41-28", email="plateforme@cpam.example")
    equipe.superviseurs.add(superviseur)
    return equipe


@pytest.fixture
def autre_equipe(db):
    return Equipe.objects.create(nom="Pôle invalidité")


@pytest.fixture
def titulaire(equipe):
    return creer_expert(equipe, first_name="Claire", last_name="Titulaire")


@pytest.fixture
def suppleant(equipe):
    return creer_expert(equipe, first_name="Paul", last_name="Suppléant")


@pytest.fixture
def expert_autre_equipe(autre_equipe):
    return creer_expert(autre_equipe, first_name="Inès", last_name="Ailleurs")


@pytest.fixture
def regle_generale(titulaire, suppleant):
    """Everywhere, every category: the default rule."""
    return RegleRoutage.objects.create(titulaire=titulaire, suppleant=suppleant)


def creer_demande(auteur, partenaire, **champs):
    valeurs = {
        "categorie": categorie(champs.pop("slug", "css")),
        "urgence": "normale",
        "objet": "Renouvellement CSS bloqué",
        "description": "Dossier déposé il y a deux mois, aucune nouvelle.",
        "nir": NIR,
    }
    valeurs.update(champs)
    return services.demande_creer(auteur=auteur, partenaire=partenaire, **valeurs)


@pytest.fixture
def demande_a(agent_a, structure_a, regle_generale):
    """A demande sent by agent A of structure A, routed to the titulaire."""
    return creer_demande(agent_a, structure_a)


@pytest.fixture
def agent_a2(structure_a):
    """A second agent of structure A."""
    utilisateur = UtilisateurFactory()
    rattacher(utilisateur, structure_a)
    return utilisateur
