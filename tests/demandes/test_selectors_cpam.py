"""What the CPAM inbox reads: the structure filter and the tab counts follow visibility exactly,
and the partial indexes the inbox relies on cover exactly the open statuses."""

import pytest

from demandes import selectors, services
from demandes.models import Demande
from tests.demandes.conftest import creer_demande
from tests.factories import ConventionFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db


def test_filtre_structures_suit_la_visibilite(
    agent_a, structure_a, titulaire, superviseur, regle_generale, expert_autre_equipe
):
    from tests.conftest import rattacher

    structure_b = ConventionFactory().partenaire
    agent_b = UtilisateurFactory()
    rattacher(agent_b, structure_b)
    structure_c = ConventionFactory().partenaire
    agent_c = UtilisateurFactory()
    rattacher(agent_c, structure_c)

    creer_demande(agent_a, structure_a)  # the titulaire's team
    ailleurs = creer_demande(agent_b, structure_b)
    services.demande_reattribuer(
        demande=ailleurs, auteur=superviseur, motif="Invalidité", equipe=expert_autre_equipe.equipe
    )
    # Assigned by name to the other team's expert: visible to that expert only.
    nominative = creer_demande(agent_c, structure_c)
    services.demande_reattribuer(
        demande=nominative, auteur=superviseur, motif="Dossier suivi", expert=expert_autre_equipe
    )
    Demande.objects.filter(pk=nominative.pk).update(equipe=titulaire.equipe)

    def structures(utilisateur):
        return set(selectors.structures_pour_filtre_cpam(utilisateur))

    assert structures(titulaire.utilisateur) == {structure_a, structure_c}
    assert structures(expert_autre_equipe.utilisateur) == {structure_b, structure_c}
    assert structures(superviseur) == {structure_a, structure_b, structure_c}
    assert structures(agent_a) == set()
    titulaire.actif = False
    titulaire.save()
    del titulaire.utilisateur._expert_cache
    assert structures(titulaire.utilisateur) == set()


def test_compteurs_ignorent_les_demandes_closes(agent_a, structure_a, titulaire, regle_generale):
    ouverte = creer_demande(agent_a, structure_a)
    close = creer_demande(agent_a, structure_a)
    Demande.objects.filter(pk=close.pk).update(statut=Demande.Statut.CLOTUREE)
    compteurs = selectors.compteurs_cpam(titulaire.utilisateur)
    assert compteurs["miennes"] == 1
    assert compteurs["equipe"] == 1
    assert ouverte.statut in Demande.OUVERTES


def test_index_partiels_couvrent_les_demandes_ouvertes():
    partiels = [i for i in Demande._meta.indexes if i.condition is not None]
    assert {i.name for i in partiels} == {
        "demande_ouverte_equipe_idx",
        "demande_ouverte_expert_idx",
        "demande_tri_equipe_idx",
        "demande_tri_expert_idx",
        "demande_tri_idx",
    }
    for index in partiels:
        ((champ, statuts),) = index.condition.children
        assert champ == "statut__in"
        assert sorted(statuts) == sorted(Demande.OUVERTES)
