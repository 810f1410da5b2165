"""Retention of the portal's own personal data (outbox, security events, login attempts,
journal), and the register page showing the periods the purges apply (one source)."""

import html
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings as reglages
from django.utils import timezone

from portail import retention, tasks
from portail.models import Courriel, EntreeJournal, EvenementSecurite
from tests.conftest import connecter_verifie, texte

pytestmark = pytest.mark.django_db

PAGE = "/donnees-personnelles/"


def _il_y_a(jours: float):
    return timezone.now() - timedelta(days=jours)


def test_chaque_purge_a_son_entree_dans_le_beat():
    taches = {entree["task"] for entree in reglages.CELERY_BEAT_SCHEDULE.values()}
    for tache in (
        "portail.tasks.retention_appliquer",
        "portail.tasks.journal_purger",
        "portail.tasks.sessions_expirees_purger",
        "conventions.tasks.retention_appliquer",
        "formations.tasks.retention_appliquer",
        "demandes.tasks.retention_appliquer",
        "demandes.tasks.pieces_orphelines_purger",
    ):
        assert tache in taches


def test_courriels_plus_vieux_que_la_duree_supprimes_quel_que_soit_leur_etat(settings):
    settings.COURRIELS_CONSERVATION_JOURS = 30
    vieux = [
        Courriel.objects.create(destinataire="a@x.fr", sujet="s", corps="c", statut=statut)
        for statut in Courriel.Statut.values
    ]
    Courriel.objects.filter(pk__in=[c.pk for c in vieux]).update(cree_le=_il_y_a(31))
    recent = Courriel.objects.create(
        destinataire="b@x.fr", sujet="s", corps="c", statut=Courriel.Statut.ENVOYE
    )
    Courriel.objects.filter(pk=recent.pk).update(cree_le=_il_y_a(29))

    assert tasks.retention_appliquer()["courriels"] == 3
    assert list(Courriel.objects.values_list("pk", flat=True)) == [recent.pk]
    settings.COURRIELS_CONSERVATION_JOURS = 10
    assert retention.courriels_purger() == 1


def test_evenements_de_securite_purges_apres_leur_duree(agent, settings):
    settings.EVENEMENTS_SECURITE_CONSERVATION_JOURS = 365
    vieux = EvenementSecurite.objects.create(utilisateur=agent, type="enrolement")
    recent = EvenementSecurite.objects.create(utilisateur=agent, type="codes_regeneres")
    EvenementSecurite.objects.filter(pk=vieux.pk).update(date=_il_y_a(366))
    EvenementSecurite.objects.filter(pk=recent.pk).update(date=_il_y_a(364))

    assert tasks.retention_appliquer()["evenements_securite"] == 1
    assert list(EvenementSecurite.objects.values_list("pk", flat=True)) == [recent.pk]


def _tentative(modele, il_y_a_jours, **champs):
    ligne = modele.objects.create(
        user_agent=f"Firefox {il_y_a_jours}",
        ip_address="192.0.2.10",
        username="agent@structure.fr",
        http_accept="*/*",
        path_info="/connexion/",
        **champs,
    )
    modele.objects.filter(pk=ligne.pk).update(attempt_time=_il_y_a(il_y_a_jours))
    return ligne


def test_tentatives_de_connexion_purgees_apres_leur_duree(settings):
    settings.TENTATIVES_CONNEXION_CONSERVATION_JOURS = 30
    champs_tentative = {"get_data": "", "post_data": "", "failures_since_start": 3}
    _tentative(AccessAttempt, 31, **champs_tentative)
    _tentative(AccessFailureLog, 31)
    _tentative(AccessLog, 31)
    gardees = [
        _tentative(AccessAttempt, 1, **champs_tentative),
        _tentative(AccessFailureLog, 29),
        _tentative(AccessLog, 29),
    ]

    assert tasks.retention_appliquer()["tentatives_connexion"] == 3
    restantes = [
        *AccessAttempt.objects.all(),
        *AccessFailureLog.objects.all(),
        *AccessLog.objects.all(),
    ]
    assert sorted((type(x).__name__, x.pk) for x in restantes) == sorted(
        (type(x).__name__, x.pk) for x in gardees
    )


def test_journal_purge_selon_son_reglage(settings):
    settings.JOURNAL_CONSERVATION_JOURS = 200
    with time_machine.travel(_il_y_a(201), tick=False):
        EntreeJournal.objects.create(action=EntreeJournal.Action.CONSULTATION, reference="D-1")
    with time_machine.travel(_il_y_a(199), tick=False):
        EntreeJournal.objects.create(action=EntreeJournal.Action.CONSULTATION, reference="D-2")
    assert tasks.journal_purger() == 1
    assert list(EntreeJournal.objects.values_list("reference", flat=True)) == ["D-2"]


# The register page -------------------------------------------------------------------------


REGLAGES_DE_LA_PAGE = {
    "DEMANDES_CONSERVATION_MOIS": ("Demandes : données de l'assuré", "{n} mois après la clôture"),
    "DEMANDES_CLOTURE_SANS_REPONSE_JOURS": (
        "Demandes en attente d'informations",
        "sans suite {n} jours après le dernier message sans réponse",
    ),
    "DEMANDES_CLOTURE_INACTIVITE_JOURS": (
        "Demandes nouvelles ou en cours",
        "sans suite {n} jours après le dernier message",
    ),
    "DEMANDES_PREAVIS_CLOTURE_JOURS": ("Demandes nouvelles ou en cours", "préavis de {n} jours"),
    "DEMANDES_PIECES_ORPHELINES_HEURES": ("Fichiers déposés", "après {n} heures"),
    "JOURNAL_CONSERVATION_JOURS": ("Journal des accès", "{n} jours"),
    "EVENEMENTS_SECURITE_CONSERVATION_JOURS": ("Événements de sécurité", "{n} jours"),
    "TENTATIVES_CONNEXION_CONSERVATION_JOURS": ("Tentatives de connexion", "{n} jours"),
    "COURRIELS_CONSERVATION_JOURS": ("Courriels envoyés", "{n} jours"),
    "INVITATIONS_CONSERVATION_JOURS": ("Invitations", "{n} jours après leur utilisation"),
    "DEMANDES_ADHESION_CONSERVATION_MOIS": ("devenir partenaire", "effacés {n} mois après"),
    "FORMATIONS_CONSERVATION_MOIS": ("Inscriptions aux formations", "personne {n} mois après"),
}


def _ligne(contenu: str, donnees: str) -> str:
    """The text of the register's table row whose first cell contains `donnees`."""
    lignes = [
        html.unescape(ligne)
        for ligne in contenu.splitlines()
        if 'scope="row"' in ligne and donnees in html.unescape(ligne)
    ]
    assert lignes, donnees
    return lignes[0]


@pytest.mark.parametrize("reglage", sorted(REGLAGES_DE_LA_PAGE))
def test_la_page_montre_la_duree_du_reglage(client, settings, reglage):
    donnees, attendu = REGLAGES_DE_LA_PAGE[reglage]
    for valeur in (17, 43):
        setattr(settings, reglage, valeur)
        ligne = _ligne(client.get(PAGE).content.decode(), donnees)
        assert attendu.format(n=valeur) in ligne


def test_la_page_montre_les_sessions_et_aucune_duree_ecrite_en_dur(client, settings):
    settings.SESSION_COOKIE_AGE = 20 * 60
    settings.SESSION_DUREE_ABSOLUE = timedelta(hours=8)
    contenu = texte(client.get(PAGE))
    assert "fermées après 20 minutes d'inactivité et au plus tard après 8 heures" in contenu
    assert "Journal des accès : 12 mois" not in contenu
    # Every row of the table comes from the one function the page reads.
    for duree in retention.durees_conservation():
        assert duree.donnees in contenu and duree.duree in contenu


def test_le_journal_du_back_office_annonce_la_meme_duree(client, superviseur, settings):
    connecter_verifie(client, superviseur)
    settings.JOURNAL_CONSERVATION_JOURS = 200
    assert "Les entrées sont conservées 200 jours." in texte(
        client.get("/admin/journal-des-acces/")
    )
