"""Sessions in the trainers' hands: cancellation (everyone told, other sessions offered),
changes, attendance, reminders sent once, past sessions closed."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from formations import services, tasks
from formations.models import EvenementInscription, Inscription, Session
from tests.factories import UtilisateurFactory
from tests.formations.factories import (
    SessionFactory,
    agents_de,
    apres_validation,
    etats,
    inscrire,
)

pytestmark = pytest.mark.django_db

Etat = Inscription.Etat
Statut = Session.Statut


@pytest.fixture
def formateur(db):
    from portail import roles

    return UtilisateurFactory(roles=[roles.FORMATEUR])


def _courriels_pour(utilisateur):
    return [courriel for courriel in mail.outbox if courriel.to == [utilisateur.email]]


# Cancellation by the trainer --------------------------------------------------------------------


def test_annulation_par_le_formateur_previent_tout_le_monde_et_propose_les_autres_sessions(
    structure_a, formateur
):
    session = SessionFactory(capacite=2, titre="Complémentaire santé solidaire — Tours")
    meme_campagne = SessionFactory(
        campagne=session.campagne, titre="Complémentaire santé solidaire — Blois"
    )
    complete = SessionFactory(campagne=session.campagne, capacite=1, titre="Carte Vitale — Chinon")
    pour_ccas = SessionFactory(
        campagne=session.campagne, titre="Réservée aux CCAS", publics=["ccas_cias"]
    )
    planifiee = SessionFactory(
        campagne=session.campagne, titre="Pas encore publiée", statut=Statut.PLANIFIEE
    )
    autre_campagne = SessionFactory(titre="Campagne suivante")
    inscrits = agents_de(structure_a, 3)
    for agent in inscrits:
        inscrire(session, agent)
    inscrire(complete, agents_de(structure_a, 1)[0])
    assert etats(session) == {"inscrit": 2, "liste_attente": 1}
    mail.outbox.clear()

    with apres_validation():
        services.session_annuler(
            session=session, auteur=formateur, motif="Formatrice absente pour raison de santé"
        )

    session.refresh_from_db()
    assert session.statut == Statut.ANNULEE
    assert session.annulee_par == formateur
    assert etats(session) == {"annule": 3}
    for agent in inscrits:
        (courriel,) = _courriels_pour(agent)
        assert courriel.subject == "Session annulée : Complémentaire santé solidaire — Tours"
        assert "Motif : Formatrice absente pour raison de santé" in courriel.body
        assert meme_campagne.titre in courriel.body
        assert "Carte Vitale — Chinon" in courriel.body
        assert "complète, liste d'attente possible" in courriel.body
        for absente in (pour_ccas, planifiee, autre_campagne):
            assert absente.titre not in courriel.body
        # Nobody else's name.
        for autre in inscrits:
            if autre != agent:
                assert autre.last_name not in courriel.body
    assert len(mail.outbox) == 3
    traces = EvenementInscription.objects.filter(inscription__session=session, vers=Etat.ANNULE)
    assert traces.count() == 3
    assert all(trace.auteur == formateur for trace in traces)


def test_annulation_sans_autre_session_le_dit(structure_a, agent_a, formateur):
    session = SessionFactory()
    inscrire(session, agent_a)
    mail.outbox.clear()
    with apres_validation():
        services.session_annuler(session=session, auteur=formateur, motif="Salle indisponible")
    assert "Aucune autre session de la campagne" in mail.outbox[0].body


@pytest.mark.parametrize("motif", ["", "   "])
def test_annulation_sans_motif_refusee(structure_a, agent_a, formateur, motif):
    session = SessionFactory()
    inscrire(session, agent_a)
    with pytest.raises(ValidationError, match="motif"):
        services.session_annuler(session=session, auteur=formateur, motif=motif)
    session.refresh_from_db()
    assert session.statut == Statut.OUVERTE
    assert etats(session) == {"inscrit": 1}


def test_pas_d_annulation_d_une_session_commencee_ou_deja_annulee(formateur):
    session = SessionFactory()
    with time_machine.travel(session.debut + timedelta(minutes=1)):
        with pytest.raises(ValidationError, match="a commencé"):
            services.session_annuler(session=session, auteur=formateur, motif="Trop tard")
    services.session_annuler(session=session, auteur=formateur, motif="Salle inondée")
    with pytest.raises(ValidationError, match="déjà annulée"):
        services.session_annuler(session=session, auteur=formateur, motif="Deux fois")


# Changes ----------------------------------------------------------------------------------------


def _enregistrer(session, publics=("france_services",), formateurs=()):
    with apres_validation():
        return services.session_enregistrer(
            session=session, publics=list(publics), formateurs=list(formateurs), auteur=None
        )


def test_plus_de_places_promeut_la_liste_d_attente(structure_a):
    session = SessionFactory(capacite=1)
    titulaire, premier, second = agents_de(structure_a, 3)
    for agent in (titulaire, premier, second):
        inscrire(session, agent)
    mail.outbox.clear()

    session.capacite = 2
    _enregistrer(session)

    assert etats(session) == {"inscrit": 2, "liste_attente": 1}
    assert [c.subject for c in _courriels_pour(premier)] == [
        f"Une place s'est libérée : {session.titre}"
    ]
    session.refresh_from_db()
    assert session.statut == Statut.COMPLETE


def test_pas_moins_de_places_que_d_inscrits(structure_a):
    session = SessionFactory(capacite=3)
    for agent in agents_de(structure_a, 2):
        inscrire(session, agent)
    session.capacite = 1
    with pytest.raises(ValidationError) as erreur:
        _enregistrer(session)
    assert "2 personnes ont déjà une place" in erreur.value.message_dict["capacite"][0]
    session.refresh_from_db()
    assert session.capacite == 3


def test_programme_et_campagne_figes_une_fois_des_inscrits(structure_a, agent_a):
    session = SessionFactory()
    inscrire(session, agent_a)
    autre = SessionFactory()
    session.programme = autre.programme
    session.campagne = autre.campagne
    session.statut = Statut.PLANIFIEE
    with pytest.raises(ValidationError) as erreur:
        _enregistrer(session)
    assert set(erreur.value.message_dict) == {"programme", "campagne", "statut"}


def test_changement_d_horaire_previent_les_inscrits_et_reprogramme_les_rappels(
    structure_a, agent_a
):
    session = SessionFactory()
    inscription = inscrire(session, agent_a)
    Inscription.objects.filter(pk=inscription.pk).update(rappel_j7_le=session.debut)
    mail.outbox.clear()

    session.debut += timedelta(days=1)
    session.fin += timedelta(days=1)
    _enregistrer(session)

    (courriel,) = _courriels_pour(agent_a)
    assert courriel.subject.startswith("Changement d'horaire ou de lieu")
    inscription.refresh_from_db()
    assert inscription.rappel_j7_le is None


def test_session_validee(structure_a):
    session = SessionFactory.build(
        campagne=SessionFactory().campagne,
        programme=SessionFactory().programme,
        mode=Session.Mode.DISTANCIEL,
        lien_visio="",
    )
    session.fin = session.debut - timedelta(hours=1)
    with pytest.raises(ValidationError) as erreur:
        _enregistrer(session)
    assert set(erreur.value.message_dict) == {"fin", "lien_visio"}
    with pytest.raises(ValidationError, match="au moins un type"):
        _enregistrer(SessionFactory.build(), publics=[])
    assert Session.objects.count() == 2


def test_session_annulee_ne_se_modifie_plus(formateur):
    session = SessionFactory()
    services.session_annuler(session=session, auteur=formateur, motif="Grève")
    session.refresh_from_db()
    session.titre = "Autre titre"
    session.statut = Statut.OUVERTE
    with pytest.raises(ValidationError, match="annulée ne se modifie plus"):
        _enregistrer(session)


# Attendance -------------------------------------------------------------------------------------


def test_presences_une_fois_la_session_commencee(structure_a, formateur):
    session = SessionFactory(capacite=2)
    present, absent, en_attente = agents_de(structure_a, 3)
    inscriptions = [inscrire(session, agent) for agent in (present, absent, en_attente)]
    presences = {inscriptions[0].pk: "present", inscriptions[1].pk: "absent"}

    with pytest.raises(ValidationError, match="une fois la session commencée"):
        services.presences_enregistrer(session=session, presences=presences, auteur=formateur)

    with time_machine.travel(session.debut + timedelta(hours=1)):
        with pytest.raises(ValidationError, match="Seules les personnes inscrites"):
            services.presences_enregistrer(
                session=session, presences={inscriptions[2].pk: "present"}, auteur=formateur
            )
        with pytest.raises(ValidationError, match="Présent"):
            services.presences_enregistrer(
                session=session, presences={inscriptions[0].pk: "annule"}, auteur=formateur
            )
        assert (
            services.presences_enregistrer(session=session, presences=presences, auteur=formateur)
            == 2
        )

    assert etats(session) == {"present": 1, "absent": 1, "liste_attente": 1}
    session.refresh_from_db()
    assert session.statut == Statut.REALISEE


def test_sessions_terminees_realisees_par_la_tache(structure_a):
    passee = SessionFactory()
    future = SessionFactory(debut=passee.debut + timedelta(days=5))
    with time_machine.travel(passee.fin + timedelta(minutes=1)):
        assert tasks.sessions_terminees_realiser() == 1
        assert tasks.sessions_terminees_realiser() == 0
    passee.refresh_from_db()
    future.refresh_from_db()
    assert (passee.statut, future.statut) == (Statut.REALISEE, Statut.OUVERTE)


# Reminders --------------------------------------------------------------------------------------


def _rappels():
    with apres_validation():
        return tasks.rappels_envoyer()


def test_rappels_a_7_jours_et_la_veille_envoyes_une_seule_fois(structure_a):
    session = SessionFactory(debut=SessionFactory().debut + timedelta(days=20))
    inscrit, en_attente, annule = agents_de(structure_a, 3)
    session.capacite = 2
    session.save()
    inscrire(session, inscrit)
    a_annuler = inscrire(session, annule)
    from tests.formations.factories import annuler

    annuler(a_annuler, annule)
    inscrire(session, agents_de(structure_a, 1)[0])
    inscrire(session, en_attente)
    assert Inscription.objects.get(agent=en_attente).etat == Etat.LISTE_ATTENTE
    mail.outbox.clear()

    with time_machine.travel(session.debut - timedelta(days=8)):
        assert _rappels() == 0
    with time_machine.travel(session.debut - timedelta(days=7) + timedelta(minutes=5)):
        assert _rappels() == 2
        assert _rappels() == 0  # the second sweep finds nothing left
    with time_machine.travel(session.debut - timedelta(days=3)):
        assert _rappels() == 0
    with time_machine.travel(session.debut - timedelta(hours=23)):
        assert _rappels() == 2
        assert _rappels() == 0
    with time_machine.travel(session.debut + timedelta(hours=1)):
        assert _rappels() == 0

    sujets = [c.subject for c in _courriels_pour(inscrit)]
    assert sujets == [
        f"Rappel : formation « {session.titre} » dans 7 jours",
        f"Rappel : formation « {session.titre} » demain",
    ]
    assert _courriels_pour(en_attente) == []
    assert _courriels_pour(annule) == []


def test_inscription_tardive_un_seul_rappel_la_veille(structure_a, agent_a):
    session = SessionFactory(debut=SessionFactory().debut + timedelta(days=20))
    with time_machine.travel(session.debut - timedelta(days=3)):
        inscrire(session, agent_a)  # the confirmation stands for the 7-day reminder
        assert _rappels() == 0
    with time_machine.travel(session.debut - timedelta(hours=20)):
        assert _rappels() == 1
        assert _rappels() == 0


def test_pas_de_rappel_pour_une_session_annulee(structure_a, agent_a, formateur):
    session = SessionFactory()
    inscrire(session, agent_a)
    services.session_annuler(session=session, auteur=formateur, motif="Grève des transports")
    with time_machine.travel(session.debut - timedelta(hours=20)):
        assert _rappels() == 0
