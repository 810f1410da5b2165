"""No demande stays open forever: silent past its period, it is closed "sans suite" after
notice, then anonymised like any closed demande. Three simulated years of nightly jobs leave no
insured person's identity in the database."""

import importlib
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.conf import settings as reglages
from django.utils import timezone

from demandes import retention, services
from demandes.models import Avis, Demande, Message, TransitionDemande
from portail.models import Courriel
from tests.demandes.conftest import NIR, creer_demande

pytestmark = pytest.mark.django_db

PARIS = timezone.get_default_timezone()
# 1:00 in Paris: whole days later it is before 2:30, the retention job, summer or winter.
DEBUT = datetime(2027, 1, 4, 1, 0, tzinfo=PARIS)


def _nuit(jour: int) -> datetime:
    """2:30 in Paris, `jour` days after DEBUT: when the beat runs the retention job."""
    return datetime.combine(DEBUT.date() + timedelta(days=jour), time(2, 30), tzinfo=PARIS)


def _taches_du_beat():
    """Every periodic task of the beat schedule, as the beat would call them."""
    taches = []
    for entree in reglages.CELERY_BEAT_SCHEDULE.values():
        module, nom = entree["task"].rsplit(".", 1)
        taches.append(getattr(importlib.import_module(module), nom))
    return taches


@pytest.fixture
def ouvertes(agent_a, structure_a, regle_generale, titulaire):
    """One open demande in each status, one identified by name and birth date, sent DEBUT."""
    expert = titulaire.utilisateur
    with time_machine.travel(DEBUT, tick=False):
        nouvelle = creer_demande(agent_a, structure_a)
        par_nom = creer_demande(
            agent_a,
            structure_a,
            nir="",
            nom="Lemaire",
            prenom="Odile",
            date_naissance=date(1951, 4, 3),
        )
        en_cours = creer_demande(agent_a, structure_a)
        services.message_cpam_envoyer(demande=en_cours, auteur=expert, corps="Je regarde.")
        en_attente = creer_demande(agent_a, structure_a)
        services.message_cpam_envoyer(
            demande=en_attente, auteur=expert, corps="Avis d'imposition ?", type="information"
        )
        resolue = creer_demande(agent_a, structure_a)
        services.demande_resoudre(
            demande=resolue, auteur=expert, issue="droits_ouverts", corps="Droits ouverts."
        )
    return {
        "nouvelle": nouvelle,
        "par_nom": par_nom,
        "en_cours": en_cours,
        "en_attente": en_attente,
        "resolue": resolue,
    }


def test_trois_ans_de_nuits_aucune_demande_ne_garde_l_identite(ouvertes):
    """Every task of the beat, one night a week (each run catches up what fell due since the
    last one; a week is no longer than each notice, so no step can skip one)."""
    taches = _taches_du_beat()
    with time_machine.travel(_nuit(1), tick=False) as voyage:
        for jour in range(1, 3 * 365 + 1, 7):
            voyage.move_to(_nuit(jour))
            for tache in taches:
                tache()
    restantes = Demande.objects.exclude(nir="", nom="", prenom="", date_naissance=None)
    assert list(restantes.values_list("reference", "statut")) == []
    assert Demande.objects.filter(anonymisee_le__isnull=True).count() == 0
    assert Demande.objects.count() == len(ouvertes)
    # Every closure left its trace, automatic ones with their reason.
    for demande in ouvertes.values():
        assert TransitionDemande.objects.filter(demande=demande, vers="cloturee").count() == 1
    automatiques = TransitionDemande.objects.filter(vers="cloturee", auteur=None).exclude(motif="")
    assert automatiques.count() == 4  # all but the résolue one
    assert not Message.objects.exclude(corps=retention.TEXTE_EFFACE).exists()


def _passe_nuit(jour: int):
    with time_machine.travel(_nuit(jour), tick=False):
        return retention.retention_appliquer()


def test_en_attente_preavis_puis_cloture_avec_trace_et_message(
    ouvertes, agent_a, titulaire, settings
):
    settings.DEMANDES_CLOTURE_SANS_REPONSE_JOURS = 30
    settings.DEMANDES_PREAVIS_CLOTURE_JOURS = 7
    demande = ouvertes["en_attente"]

    assert _passe_nuit(22).preavis_cloture == 0
    Courriel.objects.all().delete()
    bilan = _passe_nuit(23)
    assert (bilan.preavis_cloture, bilan.cloturees) == (1, 0)
    # Notice: the partner only (the CPAM is the one waiting), by e-mail and in the portal.
    courriel = Courriel.objects.get()
    assert courriel.destinataire == agent_a.email
    assert demande.reference in courriel.sujet and "clôturée le 03/02/2027" in courriel.corps
    for donnee in (NIR, "Lemaire", "Odile", "1951"):
        assert donnee not in courriel.sujet + courriel.corps
    assert Avis.objects.filter(destinataire=agent_a, demande=demande, texte__contains="clôturée")
    assert _passe_nuit(24).preavis_cloture == 0  # told once

    assert _passe_nuit(29).cloturees == 0
    Courriel.objects.all().delete()
    assert _passe_nuit(30).cloturees == 1
    demande.refresh_from_db()
    assert (demande.statut, demande.issue) == ("cloturee", "sans_suite")
    assert demande.cloturee_le == _nuit(30)
    trace = TransitionDemande.objects.get(demande=demande, vers="cloturee")
    assert (trace.de, trace.auteur, trace.date) == ("en_attente", None, _nuit(30))
    assert "30 jours" in trace.motif
    message = demande.messages.get(type=Message.Type.EVENEMENT)
    assert "n'ont pas été reçues dans les 30 jours" in message.corps
    assert demande.reference in message.corps and message.visible_partenaire
    assert sorted(Courriel.objects.values_list("destinataire", flat=True)) == sorted(
        [agent_a.email, titulaire.utilisateur.email]
    )
    # Then the normal retention: anonymised DEMANDES_CONSERVATION_MOIS after closure.
    settings.DEMANDES_CONSERVATION_MOIS = 12
    assert Demande.objects.get(pk=demande.pk).nir == NIR
    _passe_nuit(30 + 366)
    assert Demande.objects.get(pk=demande.pk).anonymisee_le is not None


def test_une_reponse_apres_le_preavis_l_annule(ouvertes, agent_a):
    demande = ouvertes["en_attente"]
    _passe_nuit(23)
    with time_machine.travel(_nuit(25) + timedelta(hours=8), tick=False):
        services.message_partenaire_envoyer(demande=demande, auteur=agent_a, corps="Le voici.")
    _passe_nuit(31)
    _passe_nuit(60)
    assert Demande.objects.get(pk=demande.pk).statut == "en_cours"


def test_jamais_cloturee_sans_preavis_le_delai_de_preavis_court_toujours(ouvertes, settings):
    demande = ouvertes["en_attente"]
    # The period was shortened after the demande went silent: notice tonight, closure 7 days on.
    settings.DEMANDES_CLOTURE_SANS_REPONSE_JOURS = 10
    bilan = _passe_nuit(40)
    assert (bilan.preavis_cloture, bilan.cloturees) == (1, 0)
    assert "clôturée le 20/02/2027" in Courriel.objects.latest("pk").corps
    assert _passe_nuit(46).cloturees == 0
    assert _passe_nuit(47).cloturees == 1
    assert Demande.objects.get(pk=demande.pk).statut == "cloturee"


def test_nouvelle_ou_en_cours_sans_activite_les_deux_cotes_sont_prevenus(
    ouvertes, agent_a, titulaire, settings
):
    settings.DEMANDES_CLOTURE_INACTIVITE_JOURS = 180
    settings.DEMANDES_CLOTURE_SANS_REPONSE_JOURS = 1000
    assert _passe_nuit(172).preavis_cloture == 0
    Courriel.objects.all().delete()
    assert _passe_nuit(173).preavis_cloture == 3  # nouvelle, par_nom, en_cours
    pour_en_cours = Courriel.objects.filter(sujet__contains=ouvertes["en_cours"].reference)
    assert sorted(pour_en_cours.values_list("destinataire", flat=True)) == sorted(
        [agent_a.email, titulaire.utilisateur.email]
    )
    assert _passe_nuit(180).cloturees == 3
    for cle in ("nouvelle", "par_nom", "en_cours"):
        demande = Demande.objects.get(pk=ouvertes[cle].pk)
        assert (demande.statut, demande.issue) == ("cloturee", "sans_suite")
        assert "depuis 180 jours" in demande.messages.get(type="evenement").corps


def test_la_periode_vient_du_reglage(ouvertes, settings):
    settings.DEMANDES_CLOTURE_INACTIVITE_JOURS = 60
    settings.DEMANDES_CLOTURE_SANS_REPONSE_JOURS = 1000
    assert _passe_nuit(53).preavis_cloture == 3
    assert _passe_nuit(60).cloturees == 3


def test_personne_ne_cloture_a_la_main_une_demande_ouverte(ouvertes, agent_a, titulaire):
    for cle in ("nouvelle", "en_cours", "en_attente"):
        for auteur in (agent_a, titulaire.utilisateur, None):
            with pytest.raises(services.TransitionInterdite):
                services.demande_cloturer(demande=ouvertes[cle], auteur=auteur)
        assert Demande.objects.get(pk=ouvertes[cle].pk).statut != "cloturee"


def test_pas_due_la_cloture_sans_suite_ne_fait_rien(ouvertes):
    demande = ouvertes["en_attente"]
    with time_machine.travel(_nuit(2), tick=False):
        assert services.demande_cloturer_sans_suite(demande=demande) is False
    assert Demande.objects.get(pk=demande.pk).statut == "en_attente"
    assert not TransitionDemande.objects.filter(demande=demande, vers="cloturee").exists()


def test_trois_ans_apres_la_demo_plus_aucune_identite(settings):
    """The finding as it was made: the demo's open demandes, three years of nightly jobs."""
    from io import StringIO

    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    ouvertes = Demande.objects.filter(statut__in=Demande.OUVERTES)
    assert ouvertes.exclude(nir="", nom="").count() >= 15
    taches = _taches_du_beat()
    depart = timezone.localtime().replace(hour=2, minute=30) + timedelta(days=1)
    with time_machine.travel(depart, tick=False) as voyage:
        for semaine in range(3 * 53):
            voyage.move_to(depart + timedelta(weeks=semaine))
            for tache in taches:
                tache()
    restantes = Demande.objects.exclude(nir="", nom="", prenom="", date_naissance=None)
    assert list(restantes.values_list("reference", "statut")) == []


def test_le_partenaire_voit_la_date_de_cloture_sur_la_demande_en_attente(
    ouvertes, client, agent_a, settings
):
    from tests.conftest import connecter_verifie, texte

    settings.DEMANDES_CLOTURE_SANS_REPONSE_JOURS = 30
    with time_machine.travel(_nuit(5) + timedelta(hours=8), tick=False):
        connecter_verifie(client, agent_a)
        page = texte(client.get(f"/demandes/{ouvertes['en_attente'].reference}/"))
        assert (
            "Sans réponse de votre part, la demande sera clôturée sans suite le 03/02/2027." in page
        )
        settings.DEMANDES_CLOTURE_SANS_REPONSE_JOURS = 60
        page = texte(client.get(f"/demandes/{ouvertes['en_attente'].reference}/"))
        assert "clôturée sans suite le 05/03/2027." in page
        autre = texte(client.get(f"/demandes/{ouvertes['en_cours'].reference}/"))
        assert "clôturée sans suite" not in autre


def test_le_message_de_cloture_se_lit_des_deux_cotes(ouvertes, client, agent_a, titulaire):
    from tests.conftest import connecter_verifie, texte

    demande = ouvertes["en_attente"]
    _passe_nuit(23)
    _passe_nuit(30)
    attendu = "les informations complémentaires demandées par la CPAM n'ont pas été reçues"
    connecter_verifie(client, agent_a)
    page = texte(client.get(f"/demandes/{demande.reference}/"))
    assert attendu in page and "Cette demande est close" in page
    client.logout()
    connecter_verifie(client, titulaire.utilisateur)
    reponse = client.get(f"/admin/demandes/{demande.reference}/")
    assert reponse.status_code == 200 and attendu in texte(reponse)


def test_un_message_sans_auteur_ne_casse_pas_la_page_du_back_office(ouvertes, client, titulaire):
    """Automatic messages, or an author whose account was deleted (SET_NULL), on both sides."""
    from tests.conftest import connecter_verifie

    demande = ouvertes["en_cours"]
    demande.messages.update(auteur=None)
    connecter_verifie(client, titulaire.utilisateur)
    reponse = client.get(f"/admin/demandes/{demande.reference}/")
    assert reponse.status_code == 200
    assert "un agent, " in reponse.content.decode()
    assert "CPAM (message automatique)" in reponse.content.decode()
