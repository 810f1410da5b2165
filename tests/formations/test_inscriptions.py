"""Registration rules: capacity and waiting list, promotion, closing 24 hours before, one
session of a programme per campaign, audience, the "formations" service of the convention."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from conventions.models import Convention
from formations.models import EvenementInscription, Inscription, Session
from tests.conftest import rattacher
from tests.factories import ConventionFactory, UtilisateurFactory
from tests.formations.factories import (
    CampagneFactory,
    SessionFactory,
    agents_de,
    annuler,
    etats,
    inscrire,
)

pytestmark = pytest.mark.django_db

Etat = Inscription.Etat


def _courriels_pour(utilisateur):
    return [courriel for courriel in mail.outbox if courriel.to == [utilisateur.email]]


def _rien_d_ecrit(session):
    return not Inscription.objects.filter(session=session).exists()


# Capacity and waiting list ----------------------------------------------------------------------


def test_la_place_apres_la_derniere_va_en_liste_d_attente(structure_a):
    session = SessionFactory(capacite=2)
    premier, second, troisieme = agents_de(structure_a, 3)

    assert inscrire(session, premier).etat == Etat.INSCRIT
    session.refresh_from_db()
    assert session.statut == Session.Statut.OUVERTE
    assert inscrire(session, second).etat == Etat.INSCRIT
    session.refresh_from_db()
    assert session.statut == Session.Statut.COMPLETE
    attente = inscrire(session, troisieme)

    assert attente.etat == Etat.LISTE_ATTENTE
    assert attente.inscrit_le is None
    assert etats(session) == {"inscrit": 2, "liste_attente": 1}
    (courriel,) = _courriels_pour(troisieme)
    assert "Liste d'attente" in courriel.subject
    assert "rang dans la liste d'attente : 1" in courriel.body


def test_confirmation_par_e_mail_sans_autre_donnee_que_le_nom(structure_a, agent_a):
    agent_a.last_name = "Nomdefamille-Confidentiel"
    agent_a.save()
    session = SessionFactory()
    inscrire(session, agent_a)

    (courriel,) = _courriels_pour(agent_a)
    assert courriel.subject == f"Inscription confirmée : {session.titre}"
    assert f"Bonjour {agent_a.first_name}," in courriel.body
    assert session.lieu in courriel.body
    assert agent_a.last_name not in courriel.body
    assert agent_a.email not in courriel.body
    assert "/formations/sessions/" in courriel.body


def test_une_annulation_donne_la_place_au_premier_en_attente_et_le_previent(structure_a):
    session = SessionFactory(capacite=1)
    titulaire, premier, second = agents_de(structure_a, 3)
    inscription = inscrire(session, titulaire)
    attente_1 = inscrire(session, premier)
    attente_2 = inscrire(session, second)
    mail.outbox.clear()

    annuler(inscription, titulaire)

    attente_1.refresh_from_db()
    attente_2.refresh_from_db()
    assert attente_1.etat == Etat.INSCRIT
    assert attente_1.inscrit_le is not None
    assert attente_2.etat == Etat.LISTE_ATTENTE
    (courriel,) = _courriels_pour(premier)
    assert courriel.subject == f"Une place s'est libérée : {session.titre}"
    assert "votre inscription est maintenant confirmée" in courriel.body
    assert _courriels_pour(second) == []
    assert [c.subject for c in _courriels_pour(titulaire)] == [
        f"Inscription annulée : {session.titre}"
    ]
    session.refresh_from_db()
    assert session.statut == Session.Statut.COMPLETE
    # Traced: the promotion is automatic (no author).
    promotion = EvenementInscription.objects.filter(inscription=attente_1).last()
    assert (promotion.de, promotion.vers, promotion.auteur) == (
        Etat.LISTE_ATTENTE,
        Etat.INSCRIT,
        None,
    )


def test_quitter_la_liste_d_attente_ne_promeut_personne(structure_a):
    session = SessionFactory(capacite=1)
    titulaire, premier, second = agents_de(structure_a, 3)
    inscrire(session, titulaire)
    attente_1 = inscrire(session, premier)
    inscrire(session, second)

    annuler(attente_1, premier)

    assert etats(session) == {"inscrit": 1, "annule": 1, "liste_attente": 1}


def test_une_place_liberee_rouvre_la_session(structure_a):
    session = SessionFactory(capacite=1)
    (agent,) = agents_de(structure_a, 1)
    inscription = inscrire(session, agent)
    session.refresh_from_db()
    assert session.statut == Session.Statut.COMPLETE

    annuler(inscription, agent)

    session.refresh_from_db()
    assert session.statut == Session.Statut.OUVERTE


def test_apres_la_cloture_une_annulation_ne_promeut_plus(structure_a):
    session = SessionFactory(capacite=1)
    titulaire, premier = agents_de(structure_a, 2)
    inscription = inscrire(session, titulaire)
    attente = inscrire(session, premier)

    with time_machine.travel(session.debut - timedelta(hours=10)):
        annuler(inscription, titulaire)

    attente.refresh_from_db()
    assert attente.etat == Etat.LISTE_ATTENTE


def test_reinscription_apres_annulation(structure_a, agent_a):
    session = SessionFactory()
    inscription = inscrire(session, agent_a)
    annuler(inscription, agent_a)

    de_nouveau = inscrire(session, agent_a)

    assert de_nouveau.pk == inscription.pk
    assert de_nouveau.etat == Etat.INSCRIT
    assert de_nouveau.annulee_le is None


# Closing, window, status ------------------------------------------------------------------------


def test_les_inscriptions_ferment_24_heures_avant_le_debut(structure_a, agent_a):
    session = SessionFactory()

    with time_machine.travel(session.debut - timedelta(hours=23, minutes=59)):
        with pytest.raises(ValidationError) as erreur:
            inscrire(session, agent_a)
    assert "closes" in erreur.value.messages[0]
    assert "24 heures avant" in erreur.value.messages[0]
    assert _rien_d_ecrit(session)

    with time_machine.travel(session.debut - timedelta(hours=24, minutes=1)):
        assert inscrire(session, agent_a).etat == Etat.INSCRIT


def test_fenetre_d_inscription_de_la_campagne(structure_a, agent_a):
    aujourdhui = timezone.localdate()
    pas_encore = SessionFactory(
        campagne=CampagneFactory(
            ouverture_inscriptions=aujourdhui + timedelta(days=2),
            cloture_inscriptions=aujourdhui + timedelta(days=60),
        )
    )
    close = SessionFactory(
        campagne=CampagneFactory(
            ouverture_inscriptions=aujourdhui - timedelta(days=60),
            cloture_inscriptions=aujourdhui - timedelta(days=1),
        )
    )

    with pytest.raises(ValidationError, match="ouvrent le"):
        inscrire(pas_encore, agent_a)
    with pytest.raises(ValidationError, match="sont closes depuis le"):
        inscrire(close, agent_a)
    assert not Inscription.objects.exists()


@pytest.mark.parametrize(
    ("statut", "message"),
    [
        (Session.Statut.PLANIFIEE, "n'est pas ouverte aux inscriptions"),
        (Session.Statut.ANNULEE, "est annulée"),
        (Session.Statut.REALISEE, "n'est pas ouverte aux inscriptions"),
    ],
)
def test_pas_d_inscription_hors_session_ouverte(structure_a, agent_a, statut, message):
    session = SessionFactory(statut=statut)
    with pytest.raises(ValidationError, match=message):
        inscrire(session, agent_a)
    assert _rien_d_ecrit(session)


# One session of a programme per campaign --------------------------------------------------------


def test_doublon_meme_programme_meme_campagne_refuse(structure_a, agent_a):
    premiere = SessionFactory()
    seconde = SessionFactory(campagne=premiere.campagne, programme=premiere.programme)
    inscrire(premiere, agent_a)
    mail.outbox.clear()

    with pytest.raises(ValidationError) as erreur:
        inscrire(seconde, agent_a)

    assert "déjà une inscription" in erreur.value.messages[0]
    assert _rien_d_ecrit(seconde)
    assert mail.outbox == []


def test_doublon_aussi_depuis_la_liste_d_attente(structure_a, agent_a, agent_b):
    premiere = SessionFactory(capacite=1)
    seconde = SessionFactory(campagne=premiere.campagne, programme=premiere.programme)
    (autre,) = agents_de(structure_a, 1)
    inscrire(premiere, autre)
    assert inscrire(premiere, agent_a).etat == Etat.LISTE_ATTENTE

    with pytest.raises(ValidationError, match="déjà une inscription"):
        inscrire(seconde, agent_a)


def test_meme_session_deux_fois_refuse(structure_a, agent_a):
    session = SessionFactory()
    inscrire(session, agent_a)
    with pytest.raises(ValidationError, match="déjà une inscription à cette session"):
        inscrire(session, agent_a)
    assert Inscription.objects.filter(session=session).count() == 1


def test_meme_programme_permis_dans_une_autre_campagne_ou_apres_annulation(structure_a, agent_a):
    premiere = SessionFactory()
    autre_campagne = SessionFactory(programme=premiere.programme)
    meme_campagne = SessionFactory(campagne=premiere.campagne, programme=premiere.programme)
    inscription = inscrire(premiere, agent_a)

    assert inscrire(autre_campagne, agent_a).etat == Etat.INSCRIT
    annuler(inscription, agent_a)
    assert inscrire(meme_campagne, agent_a).etat == Etat.INSCRIT


def test_la_base_refuse_le_doublon_meme_sans_le_service(structure_a, agent_a):
    from django.db import IntegrityError, transaction

    premiere = SessionFactory()
    seconde = SessionFactory(campagne=premiere.campagne, programme=premiere.programme)
    inscrire(premiere, agent_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Inscription.objects.create(
            session=seconde,
            agent=agent_a,
            partenaire=structure_a,
            campagne=seconde.campagne,
            programme=seconde.programme,
            etat=Etat.LISTE_ATTENTE,
        )


# Who may register -------------------------------------------------------------------------------


def test_structure_sans_le_service_formations_refusee(agent_a, structure_a):
    Convention.objects.filter(partenaire=structure_a).update(ouvre_formations=False)
    session = SessionFactory()

    with pytest.raises(ValidationError) as erreur:
        inscrire(session, agent_a)

    assert "n'est pas ouvert à votre structure" in erreur.value.messages[0]
    assert _rien_d_ecrit(session)


def test_convention_suspendue_refusee(agent_a, structure_a):
    Convention.objects.filter(partenaire=structure_a).update(statut="suspendue")
    with pytest.raises(ValidationError, match="suspendue"):
        inscrire(SessionFactory(), agent_a)


def test_public_de_la_session(agent_a):
    session = SessionFactory(publics=["ccas_cias", "association"])
    with pytest.raises(ValidationError) as erreur:
        inscrire(session, agent_a)
    assert erreur.value.messages == [
        "Cette session est réservée aux structures suivantes : Association, CCAS / CIAS."
    ]


def test_le_referent_inscrit_un_agent_de_sa_structure(referent_a, agent_a, structure_a):
    referent_a.last_name = "Nomdefamille-Referente"
    referent_a.save()
    session = SessionFactory()

    inscription = inscrire(session, agent_a, auteur=referent_a, partenaire=structure_a)

    assert inscription.inscrit_par == referent_a
    assert inscription.par_referent
    (courriel,) = _courriels_pour(agent_a)
    assert "Le référent de votre structure a enregistré votre inscription" in courriel.body
    assert referent_a.last_name not in courriel.body


def test_le_referent_n_inscrit_pas_les_agents_d_une_autre_structure(
    referent_a, structure_a, agent_b, structure_b
):
    session = SessionFactory()
    for partenaire in (structure_a, structure_b, None):
        with pytest.raises(ValidationError):
            inscrire(session, agent_b, auteur=referent_a, partenaire=partenaire)
    assert _rien_d_ecrit(session)


def test_un_agent_n_inscrit_pas_un_collegue(agent_a, structure_a):
    (collegue,) = agents_de(structure_a, 1)
    session = SessionFactory()
    with pytest.raises(ValidationError, match="référent"):
        inscrire(session, collegue, auteur=agent_a, partenaire=structure_a)


def test_agent_de_deux_structures_s_inscrit_par_celle_du_public(agent_a):
    ccas = ConventionFactory(partenaire__type="ccas_cias", partenaire__nom="CCAS de Tours")
    rattacher(agent_a, ccas.partenaire)
    session = SessionFactory(publics=["ccas_cias"])

    assert inscrire(session, agent_a).partenaire == ccas.partenaire


def test_personnel_cpam_ne_s_inscrit_pas(superviseur):
    with pytest.raises(ValidationError, match="réservées aux agents"):
        inscrire(SessionFactory(), superviseur)


# Cancelling -------------------------------------------------------------------------------------


def test_annulation_refusee_une_fois_la_session_commencee(structure_a, agent_a):
    session = SessionFactory()
    inscription = inscrire(session, agent_a)
    with time_machine.travel(session.debut + timedelta(minutes=5)):
        with pytest.raises(ValidationError, match="a commencé"):
            annuler(inscription, agent_a)
    inscription.refresh_from_db()
    assert inscription.etat == Etat.INSCRIT


def test_annuler_deux_fois(structure_a, agent_a):
    inscription = inscrire(SessionFactory(), agent_a)
    annuler(inscription, agent_a)
    with pytest.raises(ValidationError, match="ne peut plus être annulée"):
        annuler(inscription, agent_a)


def test_personne_d_autre_n_annule(structure_a, agent_a, agent_b, referent_b):
    inscription = inscrire(SessionFactory(), agent_a)
    for intrus in (agent_b, referent_b, UtilisateurFactory()):
        with pytest.raises(ValidationError):
            annuler(inscription, intrus)
    inscription.refresh_from_db()
    assert inscription.etat == Etat.INSCRIT


def test_le_referent_annule_pour_un_agent(structure_a, agent_a, referent_a):
    inscription = inscrire(SessionFactory(), agent_a)
    mail.outbox.clear()
    annuler(inscription, referent_a)
    (courriel,) = _courriels_pour(agent_a)
    assert "Le référent de votre structure a annulé votre inscription" in courriel.body
