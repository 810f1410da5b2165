"""Routing a new demande to a named expert: the most specific rule, absences, load, queue."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from demandes import routage
from demandes.models import Absence, DecisionRoutage, Demande, RegleRoutage
from tests.demandes.conftest import categorie, creer_demande, creer_expert
from tests.factories import PartenaireFactory

pytestmark = pytest.mark.django_db


def absent(expert, suppleant=None):
    maintenant = timezone.now()
    return Absence.objects.create(
        expert=expert,
        debut=maintenant - timedelta(days=1),
        fin=maintenant + timedelta(days=3),
        suppleant=suppleant,
    )


@pytest.fixture
def experts(equipe):
    return {nom: creer_expert(equipe, last_name=nom) for nom in ("A", "B", "C", "D", "E", "F")}


@pytest.fixture
def regles(experts, structure_a):
    css = categorie("css")
    return {
        "partout": RegleRoutage.objects.create(titulaire=experts["A"], suppleant=experts["B"]),
        "d37": RegleRoutage.objects.create(
            categorie=css, departement="37", titulaire=experts["C"], suppleant=experts["D"]
        ),
        "structure": RegleRoutage.objects.create(
            categorie=css, partenaire=structure_a, titulaire=experts["E"], suppleant=experts["F"]
        ),
    }


def decider(partenaire, slug="css"):
    return routage.decider(categorie=categorie(slug), partenaire=partenaire)


def test_la_regle_de_la_structure_l_emporte(regles, experts, structure_a):
    decision = decider(structure_a)
    assert decision.expert == experts["E"]
    assert decision.regle == regles["structure"]
    assert decision.motif == f"règle {regles['structure'].code} → titulaire"


def test_regle_du_departement_pour_une_autre_structure_du_37(regles, experts):
    decision = decider(PartenaireFactory(departement="37"))
    assert decision.expert == experts["C"]
    assert decision.regle.code == "D37-CSS"
    assert decision.motif == "règle D37-CSS → titulaire"


def test_regle_par_defaut_ailleurs_et_pour_les_autres_categories(regles, experts, structure_a):
    assert decider(PartenaireFactory(departement="41")).expert == experts["A"]
    # Structure A has rules for CSS only: carte Vitale falls back to the default rule.
    assert decider(structure_a, "carte_vitale").regle == regles["partout"]


def test_a_territoire_egal_la_regle_de_la_categorie_l_emporte(experts, equipe):
    css = categorie("css")
    RegleRoutage.objects.create(departement="41", titulaire=experts["A"])
    specifique = RegleRoutage.objects.create(
        departement="41", categorie=css, titulaire=experts["B"]
    )
    assert decider(PartenaireFactory(departement="41")).regle == specifique


def test_titulaire_absent_le_suppleant_recoit(regles, experts):
    absent(experts["C"])
    decision = decider(PartenaireFactory(departement="37"))
    assert decision.expert == experts["D"]
    assert decision.motif == "règle D37-CSS, titulaire absent → suppléant"


def test_suppleant_designe_pour_l_absence_passe_avant_celui_de_la_regle(regles, experts):
    absent(experts["C"], suppleant=experts["A"])
    decision = decider(PartenaireFactory(departement="37"))
    assert decision.expert == experts["A"]
    assert "suppléant désigné pour l'absence" in decision.motif


def test_les_deux_absents_l_expert_le_moins_charge_de_l_equipe(
    regles, experts, structure_b, agent_b
):
    absent(experts["C"])
    absent(experts["D"])
    # Give load to everyone but F, and B a little less than the others.
    for nom, nombre in (("A", 3), ("B", 2), ("E", 3)):
        RegleRoutage.objects.filter(pk=regles["partout"].pk).update(titulaire=experts[nom])
        for _ in range(nombre):
            creer_demande(agent_b, structure_b, slug="carte_vitale")
    RegleRoutage.objects.filter(pk=regles["partout"].pk).update(titulaire=experts["A"])
    Demande.objects.filter(expert=experts["E"]).update(statut=Demande.Statut.CLOTUREE)
    # E and F have no open demande; F has none at all: lowest pk among equals wins (E).
    decision = decider(PartenaireFactory(departement="37"))
    assert decision.expert == experts["E"]
    assert decision.motif == (
        "règle D37-CSS, titulaire absent, suppléant absent → expert le moins chargé de l'équipe"
    )


def test_un_expert_inactif_est_traite_comme_absent(regles, experts):
    experts["C"].actif = False
    experts["C"].save()
    decision = decider(PartenaireFactory(departement="37"))
    assert decision.expert == experts["D"]
    assert "titulaire inactif" in decision.motif


def test_personne_de_present_file_non_attribuee_et_superviseurs_prevenus(
    equipe, superviseur, agent_a, structure_a, django_capture_on_commit_callbacks, mailoutbox
):
    seul = creer_expert(equipe)
    RegleRoutage.objects.create(titulaire=seul)
    absent(seul)
    with django_capture_on_commit_callbacks(execute=True):
        demande = creer_demande(agent_a, structure_a)
    assert demande.expert is None
    assert demande.equipe == equipe
    assert "aucun expert présent → file non attribuée" in demande.routages.get().motif
    destinataires = {m.to[0] for m in mailoutbox}
    assert {superviseur.email, "plateforme@cpam.example"} <= destinataires


def test_la_decision_est_enregistree_avec_son_motif(regles, experts, agent_a, structure_a):
    demande = creer_demande(agent_a, structure_a)
    decision = DecisionRoutage.objects.get(demande=demande)
    assert decision.regle == regles["structure"]
    assert decision.expert == experts["E"]
    assert decision.auteur is None
    assert decision.motif == f"règle {regles['structure'].code} → titulaire"


def test_aucune_regle_leve_une_erreur_explicite(structure_a):
    with pytest.raises(routage.AucuneRegle):
        decider(structure_a)


def test_une_decision_coute_quelques_requetes_quel_que_soit_le_nombre_de_regles(
    regles, experts, equipe
):
    partenaire = PartenaireFactory(departement="37")

    def requetes():
        with CaptureQueriesContext(connection) as contexte:
            decider(partenaire)
        return len(contexte)

    avant = requetes()
    # 300 more rules for other structures and départements.
    autres = [PartenaireFactory(departement="41") for _ in range(100)]
    RegleRoutage.objects.bulk_create(
        RegleRoutage(
            code=f"S{p.pk}-{slug}",
            partenaire=p,
            categorie=categorie(slug),
            titulaire=experts["A"],
        )
        for p in autres
        for slug in ("css", "ame", "affiliation")
    )
    assert requetes() == avant <= 3


def test_code_calcule_suffixe_si_une_ancienne_regle_le_porte(titulaire):
    ancienne = RegleRoutage.objects.create(departement="37", titulaire=titulaire, active=False)
    nouvelle = RegleRoutage.objects.create(departement="37", titulaire=titulaire)
    assert (ancienne.code, nouvelle.code) == ("D37-TOUT", "D37-TOUT-2")
