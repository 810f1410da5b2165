"""A demande's life: reference, status transitions, first-answer clock and its pauses,
reminders sent once, automatic closure, and sending with the broker down."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from demandes import services, tasks
from demandes.calendrier import PARIS
from demandes.models import Demande, Message, TransitionDemande
from portail.models import Courriel
from tests.demandes.conftest import NIR, creer_demande

pytestmark = pytest.mark.django_db
Statut = Demande.Statut

# Tuesday 24 November 2026, 9:00 in Paris.
MARDI_9H = datetime(2026, 11, 24, 9, 0, tzinfo=PARIS)


@pytest.fixture
def a_9h():
    with time_machine.travel(MARDI_9H, tick=False) as voyage:
        yield voyage


@pytest.fixture
def urgente(a_9h, agent_a, structure_a, regle_generale):
    return creer_demande(agent_a, structure_a, urgence="urgente")


def recharger(demande):
    return Demande.objects.get(pk=demande.pk)


def test_reference_annuelle_sequentielle(agent_a, structure_a, regle_generale):
    with time_machine.travel(datetime(2026, 12, 31, 23, 0, tzinfo=PARIS), tick=False):
        premiere = creer_demande(agent_a, structure_a)
        seconde = creer_demande(agent_a, structure_a)
    with time_machine.travel(datetime(2027, 1, 1, 0, 30, tzinfo=PARIS), tick=False):
        nouvelle_annee = creer_demande(agent_a, structure_a)
    assert (premiere.reference, seconde.reference) == ("D-2026-000001", "D-2026-000002")
    assert nouvelle_annee.reference == "D-2027-000001"


def test_consentement_et_assure_enregistres(urgente, agent_a):
    assert urgente.consentement_par == agent_a
    assert urgente.consentement_le == MARDI_9H
    assert urgente.nir == NIR and urgente.nom == ""
    assert urgente.messages.get().cote == Message.Cote.PARTENAIRE


def test_delai_urgente_4h_et_alerte_a_75_pourcent(urgente):
    assert urgente.delai_accorde == 240
    assert urgente.echeance == datetime(2026, 11, 24, 13, 0, tzinfo=PARIS)
    assert urgente.seuil_alerte == datetime(2026, 11, 24, 12, 0, tzinfo=PARIS)


def test_delai_normal_2_jours_ouvres_et_surcharge_par_categorie(
    a_9h, agent_a, structure_a, regle_generale
):
    normale = creer_demande(agent_a, structure_a)
    assert normale.echeance == datetime(2026, 11, 26, 9, 0, tzinfo=PARIS)
    from tests.demandes.conftest import categorie

    ame = categorie("ame")
    ame.delai_normale = 540
    ame.save()
    assert creer_demande(agent_a, structure_a, slug="ame").echeance == datetime(
        2026, 11, 25, 9, 0, tzinfo=PARIS
    )


def test_ouverte_par_l_expert_attribue_passe_en_cours(urgente, titulaire, superviseur):
    services.demande_ouvrir(
        demande=urgente, utilisateur=superviseur.__class__.objects.get(pk=superviseur.pk)
    )
    assert recharger(urgente).statut == Statut.NOUVELLE  # a superviseur reading changes nothing
    services.demande_ouvrir(demande=urgente, utilisateur=titulaire.utilisateur)
    demande = recharger(urgente)
    assert demande.statut == Statut.EN_COURS
    assert demande.nouveau_pour_cpam is False
    assert TransitionDemande.objects.filter(demande=demande, vers=Statut.EN_COURS).exists()


def test_premiere_reponse_mesuree_en_temps_ouvre(urgente, titulaire, a_9h):
    a_9h.move_to(datetime(2026, 11, 24, 10, 30, tzinfo=PARIS))
    services.message_cpam_envoyer(demande=urgente, auteur=titulaire.utilisateur, corps="Vu.")
    demande = recharger(urgente)
    assert demande.statut == Statut.EN_COURS
    assert demande.repondue_le == datetime(2026, 11, 24, 10, 30, tzinfo=PARIS)
    assert demande.delai_reponse == 90
    assert demande.nouveau_pour_partenaire is True


def test_le_delai_est_suspendu_pendant_l_attente_du_partenaire(urgente, titulaire, agent_a, a_9h):
    # 10:00: the expert asks for information, 1 h of the 4 h used.
    a_9h.move_to(datetime(2026, 11, 24, 10, 0, tzinfo=PARIS))
    services.message_cpam_envoyer(
        demande=urgente,
        auteur=titulaire.utilisateur,
        corps="Attestation ?",
        type=Message.Type.INFORMATION,
    )
    assert recharger(urgente).statut == Statut.EN_ATTENTE
    # The partner answers the next day at 14:00: 3 h remain from then.
    a_9h.move_to(datetime(2026, 11, 25, 14, 0, tzinfo=PARIS))
    services.message_partenaire_envoyer(demande=urgente, auteur=agent_a, corps="Jointe.")
    demande = recharger(urgente)
    assert demande.statut == Statut.EN_COURS
    assert demande.echeance == datetime(2026, 11, 25, 17, 0, tzinfo=PARIS)
    assert demande.seuil_alerte == datetime(2026, 11, 25, 16, 0, tzinfo=PARIS)
    # Nothing was overdue while waiting: the sweep during the pause sends no escalation.
    a_9h.move_to(datetime(2026, 11, 25, 16, 59, tzinfo=PARIS))
    assert services.escalades_envoyer() == 0
    # Answered at 16:30: 3 h 30 of business time used, pause excluded.
    a_9h.move_to(datetime(2026, 11, 25, 16, 30, tzinfo=PARIS))
    services.message_cpam_envoyer(demande=demande, auteur=titulaire.utilisateur, corps="Fait.")
    assert recharger(urgente).delai_reponse == 210


def test_pas_d_escalade_pendant_l_attente(urgente, titulaire, a_9h):
    services.message_cpam_envoyer(
        demande=urgente, auteur=titulaire.utilisateur, corps="?", type=Message.Type.INFORMATION
    )
    a_9h.move_to(datetime(2026, 11, 24, 17, 0, tzinfo=PARIS))
    assert services.alertes_delai_envoyer() == 0
    assert services.escalades_envoyer() == 0


def test_note_interne_ne_change_rien_pour_le_partenaire(
    urgente, titulaire, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.message_cpam_envoyer(
            demande=urgente,
            auteur=titulaire.utilisateur,
            corps="Appeler le service AME.",
            type=Message.Type.NOTE,
        )
    demande = recharger(urgente)
    assert demande.statut == Statut.NOUVELLE
    assert demande.repondue_le is None
    assert demande.nouveau_pour_partenaire is False
    assert not Courriel.objects.filter(sujet__contains="réponse").exists()


def test_resolution_exige_une_issue_et_ne_se_fait_qu_une_fois(urgente, titulaire):
    with pytest.raises(ValidationError):
        services.demande_resoudre(
            demande=urgente, auteur=titulaire.utilisateur, issue="", corps="Fini"
        )
    assert recharger(urgente).statut == Statut.NOUVELLE
    services.demande_resoudre(
        demande=urgente, auteur=titulaire.utilisateur, issue="droits_ouverts", corps="Fini"
    )
    demande = recharger(urgente)
    assert (demande.statut, demande.issue) == (Statut.RESOLUE, "droits_ouverts")
    assert demande.repondue_le is not None
    with pytest.raises(services.TransitionInterdite) as erreur:
        services.demande_resoudre(
            demande=demande, auteur=titulaire.utilisateur, issue="sans_suite", corps="Encore"
        )
    assert "Résolue" in erreur.value.messages[0]


@pytest.mark.parametrize(
    "de, vers",
    [
        (Statut.CLOTUREE, Statut.EN_COURS),
        (Statut.CLOTUREE, Statut.RESOLUE),
        (Statut.EN_COURS, Statut.CLOTUREE),
        (Statut.NOUVELLE, Statut.CLOTUREE),
        (Statut.EN_ATTENTE, Statut.CLOTUREE),
        (Statut.RESOLUE, Statut.EN_ATTENTE),
    ],
)
def test_transitions_interdites(de, vers):
    assert vers not in services.TRANSITIONS[de]


def test_partenaire_ne_peut_plus_ecrire_sur_une_demande_close(urgente, titulaire, agent_a):
    services.demande_resoudre(
        demande=urgente, auteur=titulaire.utilisateur, issue="reorientee", corps="Vu."
    )
    with pytest.raises(services.TransitionInterdite):
        services.message_partenaire_envoyer(demande=urgente, auteur=agent_a, corps="Merci")
    assert urgente.messages.count() == 2


def test_reouverture_dans_les_15_jours_puis_refusee(urgente, titulaire, agent_a, a_9h):
    services.demande_resoudre(
        demande=urgente, auteur=titulaire.utilisateur, issue="carte_commandee", corps="Commandée"
    )
    a_9h.move_to(MARDI_9H + timedelta(days=14))
    services.demande_rouvrir(demande=urgente, auteur=agent_a, corps="Toujours pas reçue")
    demande = recharger(urgente)
    assert (demande.statut, demande.issue, demande.reouvertures) == (Statut.EN_COURS, "", 1)

    services.demande_resoudre(
        demande=demande, auteur=titulaire.utilisateur, issue="carte_commandee", corps="Renvoyée"
    )
    a_9h.move_to(MARDI_9H + timedelta(days=14 + 16))
    with pytest.raises(services.TransitionInterdite) as erreur:
        services.demande_rouvrir(demande=demande, auteur=agent_a, corps="Encore")
    assert demande.reference in erreur.value.messages[0]


def test_cloture_confirmee_par_le_partenaire(urgente, titulaire, agent_a):
    services.demande_resoudre(
        demande=urgente, auteur=titulaire.utilisateur, issue="droits_ouverts", corps="OK"
    )
    services.demande_cloturer(demande=urgente, auteur=agent_a)
    assert recharger(urgente).statut == Statut.CLOTUREE
    with pytest.raises(services.TransitionInterdite):
        services.demande_rouvrir(demande=urgente, auteur=agent_a, corps="?")


def test_cloture_automatique_15_jours_apres_resolution(urgente, titulaire, a_9h):
    services.demande_resoudre(
        demande=urgente, auteur=titulaire.utilisateur, issue="droits_ouverts", corps="OK"
    )
    a_9h.move_to(MARDI_9H + timedelta(days=14, hours=23))
    assert tasks.delais_surveiller()["cloturees"] == 0
    a_9h.move_to(MARDI_9H + timedelta(days=15, minutes=1))
    assert tasks.delais_surveiller()["cloturees"] == 1
    assert tasks.delais_surveiller()["cloturees"] == 0
    assert recharger(urgente).statut == Statut.CLOTUREE


def test_reattribution_exige_un_motif_et_trace(urgente, titulaire, suppleant):
    with pytest.raises(ValidationError):
        services.demande_reattribuer(
            demande=urgente, auteur=titulaire.utilisateur, expert=suppleant, motif="  "
        )
    services.demande_reattribuer(
        demande=urgente, auteur=titulaire.utilisateur, expert=suppleant, motif="Congés demain"
    )
    demande = recharger(urgente)
    assert demande.expert == suppleant
    derniere = demande.routages.last()
    assert derniere.auteur == titulaire.utilisateur
    assert "Congés demain" in derniere.motif


# Reminders -------------------------------------------------------------------------------------


def sujets():
    return [m.subject for m in mail.outbox]


def test_alerte_75_pourcent_puis_escalade_chacune_une_fois(
    urgente, titulaire, superviseur, a_9h, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    a_9h.move_to(datetime(2026, 11, 24, 11, 59, tzinfo=PARIS))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.delais_surveiller()["alertes"] == 0
    a_9h.move_to(datetime(2026, 11, 24, 12, 0, tzinfo=PARIS))
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.delais_surveiller()
    assert sujets() == [f"[{urgente.reference}] 75 % du délai de réponse est écoulé"]
    assert mail.outbox[0].to == [titulaire.utilisateur.email]

    a_9h.move_to(datetime(2026, 11, 24, 13, 0, tzinfo=PARIS))
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.delais_surveiller()
    # Once, to the team's superviseurs and to whoever holds the demande now.
    escalades = [m for m in mail.outbox if "dépassé" in m.subject]
    assert sorted(m.to[0] for m in escalades) == sorted(
        [superviseur.email, titulaire.utilisateur.email]
    )


def test_relance_du_partenaire_apres_5_jours_ouvres_une_fois(
    urgente, titulaire, agent_a, a_9h, django_capture_on_commit_callbacks
):
    services.message_cpam_envoyer(
        demande=urgente, auteur=titulaire.utilisateur, corps="?", type=Message.Type.INFORMATION
    )
    mail.outbox.clear()
    # Tuesday 9:00 + 5 business days = next Tuesday 9:00.
    a_9h.move_to(datetime(2026, 12, 1, 8, 59, tzinfo=PARIS))
    assert services.relances_partenaires_envoyer() == 0
    a_9h.move_to(datetime(2026, 12, 1, 9, 0, tzinfo=PARIS))
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.delais_surveiller()
    relances = [m for m in mail.outbox if "attend votre réponse" in m.subject]
    assert len(relances) == 1
    assert relances[0].to == [agent_a.email]


def test_une_relance_deja_reclamee_n_est_pas_renvoyee_par_un_second_balayage(urgente, a_9h):
    """Two workers sweeping together: the stamp is claimed by one UPDATE only."""
    a_9h.move_to(datetime(2026, 11, 24, 12, 30, tzinfo=PARIS))
    instant = datetime(2026, 11, 24, 12, 30, tzinfo=PARIS)
    assert services._reclamer(urgente.pk, "alerte_envoyee_le", instant) is True
    assert services._reclamer(urgente.pk, "alerte_envoyee_le", instant) is False
    assert services.alertes_delai_envoyer() == 0


# Notifications ---------------------------------------------------------------------------------


def test_courriels_sans_donnees_personnelles(
    agent_a, structure_a, regle_generale, titulaire, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        demande = creer_demande(
            agent_a,
            structure_a,
            nir="",
            nom="Martinez",
            prenom="Lucienne",
            date_naissance=date(1950, 3, 2),
            description="Texte confidentiel",
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.message_cpam_envoyer(
            demande=demande, auteur=titulaire.utilisateur, corps="Réponse confidentielle"
        )
    assert len(mail.outbox) == 2
    for courriel in mail.outbox:
        contenu = courriel.subject + courriel.body
        assert demande.reference in contenu
        for secret in ("Martinez", "Lucienne", "1950", "confidentiel", NIR):
            assert secret not in contenu
    assert mail.outbox[0].to == [titulaire.utilisateur.email]
    assert f"/admin/demandes/{demande.reference}/" in mail.outbox[0].body
    assert mail.outbox[1].to == [agent_a.email]
    assert f"/demandes/{demande.reference}/" in mail.outbox[1].body


def test_avis_dans_le_portail_pour_chaque_cote(urgente, titulaire, agent_a):
    assert titulaire.utilisateur.avis_demandes.filter(lu_le=None).count() == 1
    services.demande_ouvrir(demande=urgente, utilisateur=titulaire.utilisateur)
    assert titulaire.utilisateur.avis_demandes.filter(lu_le=None).count() == 0
    services.message_cpam_envoyer(demande=urgente, auteur=titulaire.utilisateur, corps="Vu")
    assert agent_a.avis_demandes.filter(lu_le=None).count() == 1
    services.demande_lue_par_partenaire(demande=urgente, utilisateur=agent_a)
    assert agent_a.avis_demandes.filter(lu_le=None).count() == 0
    assert recharger(urgente).nouveau_pour_partenaire is False


def test_broker_en_panne_la_demande_part_et_les_courriels_attendent(
    agent_a,
    structure_a,
    regle_generale,
    titulaire,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    from kombu.exceptions import OperationalError

    from portail import tasks as taches_portail

    def panne(*args, **kwargs):
        raise OperationalError("broker injoignable")

    monkeypatch.setattr(taches_portail.courriel_envoyer, "delay", panne)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        demande = creer_demande(agent_a, structure_a)
    assert Demande.objects.filter(pk=demande.pk).exists()
    assert mail.outbox == []
    assert Courriel.objects.filter(statut=Courriel.Statut.EN_ATTENTE).count() == 1
    monkeypatch.undo()
    with time_machine.travel(demande.cree_le + timedelta(minutes=2)):
        assert taches_portail.courriels_en_attente_envoyer() == 1
    assert [m.to for m in mail.outbox] == [[titulaire.utilisateur.email]]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_broker_reellement_injoignable_puis_revenu(
    agent_a, structure_a, regle_generale, titulaire, settings
):
    """No mock: the broker URL points to a port where nothing listens (Redis "stopped"); the
    demande is sent at once, its e-mail waits in the outbox, and goes out once a broker is
    back (the real Redis and a real worker when CI provides them)."""
    import os
    import time

    from portail.celery import app
    from portail.tasks import courriels_en_attente_envoyer

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    broker_reel = os.environ.get("CELERY_BROKER_URL")
    precedents = app.conf.broker_url, app.conf.task_always_eager
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app.conf.broker_transport_options = {"max_retries": 1, "interval_start": 0}
    app._pool = None
    try:
        mail.outbox.clear()
        demande = creer_demande(agent_a, structure_a)  # autocommit: on_commit runs at once
        assert Demande.objects.filter(pk=demande.pk).exists()
        assert mail.outbox == []
        courriel = Courriel.objects.get()
        assert courriel.statut == Courriel.Statut.EN_ATTENTE

        balayage = demande.cree_le + timedelta(minutes=2)
        if broker_reel:
            from celery.contrib.testing.worker import start_worker

            app.conf.broker_url = broker_reel
            app._pool = None
            with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
                with time_machine.travel(balayage):
                    courriels_en_attente_envoyer.delay()
                    # Waiting on the worker thread, not simulating time: poll, bounded.
                    for _ in range(100):
                        courriel.refresh_from_db()
                        if courriel.statut == Courriel.Statut.ENVOYE:
                            break
                        time.sleep(0.1)
        else:
            app.conf.task_always_eager = True
            with time_machine.travel(balayage):
                courriels_en_attente_envoyer()
        courriel.refresh_from_db()
        assert courriel.statut == Courriel.Statut.ENVOYE
        assert [m.to for m in mail.outbox] == [[titulaire.utilisateur.email]]
    finally:
        app.conf.broker_url, app.conf.task_always_eager = precedents
        app.conf.broker_transport_options = {}
        app._pool = None


# The calendar of the demande's team --------------------------------------------------------------

# Thursday 2 April 2026, 16:30 in Paris: Good Friday next day (a holiday in Alsace-Moselle
# only), then the weekend and Easter Monday (everywhere).
JEUDI_SAINT = datetime(2026, 4, 2, 16, 30, tzinfo=PARIS)


@pytest.mark.parametrize(
    "territoire, echeance, alerte",
    [
        # 2 business days: Friday 3, Tuesday 7.
        ("metropole", (2026, 4, 7, 16, 30), (2026, 4, 7, 12, 0)),
        # Friday 3 off: Tuesday 7, Wednesday 8.
        ("alsace_moselle", (2026, 4, 8, 16, 30), (2026, 4, 8, 12, 0)),
    ],
)
def test_echeance_comptee_sur_le_calendrier_de_l_equipe(
    territoire, echeance, alerte, equipe, agent_a, structure_a, regle_generale
):
    from demandes.models import Equipe

    Equipe.objects.filter(pk=equipe.pk).update(territoire=territoire)
    with time_machine.travel(JEUDI_SAINT, tick=False):
        demande = creer_demande(agent_a, structure_a)
    assert demande.delai_accorde == 1080
    assert demande.echeance == datetime(*echeance, tzinfo=PARIS)
    assert demande.seuil_alerte == datetime(*alerte, tzinfo=PARIS)


def test_changer_d_equipe_recompte_le_delai_restant_sur_le_nouveau_calendrier(
    equipe, autre_equipe, titulaire, superviseur, agent_a, structure_a, regle_generale
):
    """Sent on Maundy Thursday to a team of metropolitan France (deadline Tuesday 7, 16:30),
    moved at once to an Alsace-Moselle team: the 2 business days left skip Good Friday there,
    as if sent to that team (Wednesday 8, 16:30). An answer already given changes nothing."""
    from demandes.models import Equipe

    Equipe.objects.filter(pk=autre_equipe.pk).update(territoire="alsace_moselle")
    autre_equipe.refresh_from_db()
    with time_machine.travel(JEUDI_SAINT, tick=False):
        demande = creer_demande(agent_a, structure_a)
        assert demande.echeance == datetime(2026, 4, 7, 16, 30, tzinfo=PARIS)
        services.demande_reattribuer(
            demande=demande, auteur=superviseur, motif="Territoire", equipe=autre_equipe
        )
    demande.refresh_from_db()
    assert demande.echeance == datetime(2026, 4, 8, 16, 30, tzinfo=PARIS)
    assert demande.seuil_alerte == datetime(2026, 4, 8, 12, 0, tzinfo=PARIS)
    # Back to the first team: the same business time, metropolitan calendar again.
    with time_machine.travel(JEUDI_SAINT, tick=False):
        services.demande_reattribuer(
            demande=demande, auteur=superviseur, motif="Retour", equipe=equipe
        )
    demande.refresh_from_db()
    assert demande.echeance == datetime(2026, 4, 7, 16, 30, tzinfo=PARIS)


def test_pause_et_reprise_sur_le_calendrier_alsace_moselle(
    equipe, titulaire, agent_a, structure_a, regle_generale
):
    from demandes.back_office.affichage import horloge
    from demandes.models import Equipe

    Equipe.objects.filter(pk=equipe.pk).update(territoire="alsace_moselle")
    with time_machine.travel(datetime(2026, 4, 2, 9, 30, tzinfo=PARIS), tick=False) as voyage:
        demande = creer_demande(agent_a, structure_a, urgence="urgente")  # 4 h: 13:30
        voyage.move_to(datetime(2026, 4, 2, 10, 30, tzinfo=PARIS))  # 1 h used, 3 h left
        services.message_cpam_envoyer(
            demande=demande,
            auteur=titulaire.utilisateur,
            corps="Attestation ?",
            type=Message.Type.INFORMATION,
        )
        demande = Demande.objects.select_related("equipe").get(pk=demande.pk)
        # The reminder to the partner skips Good Friday and Easter Monday too (5 days).
        assert demande.relance_partenaire_a == datetime(2026, 4, 13, 10, 30, tzinfo=PARIS)
        # Good Friday: the pause does not matter, the clock shows the 3 h left.
        voyage.move_to(datetime(2026, 4, 3, 11, 0, tzinfo=PARIS))
        assert "il restera 3 h ouvrées à la reprise" in horloge(demande).detail
        services.message_partenaire_envoyer(demande=demande, auteur=agent_a, corps="Jointe.")
    demande = Demande.objects.select_related("equipe").get(pk=demande.pk)
    # Resumed on Good Friday, a holiday there: the 3 h are counted from Tuesday 8:30.
    assert demande.echeance == datetime(2026, 4, 7, 11, 30, tzinfo=PARIS)
    with time_machine.travel(datetime(2026, 4, 6, 12, 0, tzinfo=PARIS), tick=False):
        assert horloge(demande).texte == "Reste 3 h ouvrées"
