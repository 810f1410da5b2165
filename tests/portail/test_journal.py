"""The access journal: account events journalled, append-only, purged after 12 months."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from portail import services, tasks
from portail.models import EntreeJournal, EvenementSecurite
from tests.conftest import connecter_avec_mot_de_passe, connecter_verifie
from tests.factories import MOT_DE_PASSE

pytestmark = pytest.mark.django_db
Action = EntreeJournal.Action


def test_connexion_et_echec_journalises_sans_ce_qui_a_ete_tape(client, agent):
    connecter_avec_mot_de_passe(client, agent)
    client.post("/connexion/", {"username": agent.email, "password": "mauvais"})
    client.post("/connexion/", {"username": "inconnu@exemple.fr", "password": MOT_DE_PASSE})

    connexion = EntreeJournal.objects.get(action=Action.CONNEXION)
    assert connexion.utilisateur == agent
    assert connexion.adresse_ip == "127.0.0.1"
    echecs = EntreeJournal.objects.filter(action=Action.CONNEXION_ECHOUEE).order_by("pk")
    assert [e.utilisateur for e in echecs] == [agent, None]
    assert echecs[1].detail == "compte inconnu"
    for entree in EntreeJournal.objects.all():
        texte = f"{entree.detail} {entree.vue} {entree.reference}"
        assert "inconnu@exemple.fr" not in texte and "mauvais" not in texte


def test_changement_de_double_authentification_journalise(agent, superviseur):
    services.double_authentification_reinitialiser(
        utilisateur=agent, auteur=superviseur, motif="Téléphone perdu"
    )
    entree = EntreeJournal.objects.get(action=Action.DOUBLE_AUTHENTIFICATION)
    assert entree.utilisateur == superviseur
    assert str(agent.pk) in entree.detail
    assert "Téléphone perdu" not in entree.detail
    assert EvenementSecurite.objects.filter(utilisateur=agent).exists()


def test_refus_de_permission_journalise(client, agent):
    connecter_verifie(client, agent)
    assert client.get("/admin/securite-comptes/").status_code in (302, 403)
    reponse = client.get("/structure/")
    assert reponse.status_code == 403
    refus = EntreeJournal.objects.filter(action=Action.REFUS, utilisateur=agent)
    assert refus.exists()
    assert refus.first().detail.endswith("403")


def test_le_journal_refuse_modification_et_suppression(agent):
    entree = EntreeJournal.objects.create(utilisateur=agent, action=Action.CONSULTATION)
    entree.detail = "falsifié"
    with pytest.raises(PermissionError):
        entree.save()
    with pytest.raises(PermissionError):
        entree.delete()
    with pytest.raises(PermissionError):
        EntreeJournal.objects.filter(pk=entree.pk).update(detail="falsifié")
    with pytest.raises(PermissionError):
        EntreeJournal.objects.all().delete()
    entree.refresh_from_db()
    assert entree.detail == ""


def test_purge_apres_douze_mois_seulement(agent):
    maintenant = timezone.now()
    with time_machine.travel(maintenant - timedelta(days=370)):
        EntreeJournal.objects.create(utilisateur=agent, action=Action.CONNEXION)
    with time_machine.travel(maintenant - timedelta(days=300)):
        recente = EntreeJournal.objects.create(utilisateur=agent, action=Action.CONNEXION)
    assert tasks.journal_purger() == 1
    assert tasks.journal_purger() == 0
    assert list(EntreeJournal.objects.all()) == [recente]


# The journal is append-only in the database too (PostgreSQL trigger) --------------------------

en_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="déclencheur PostgreSQL : vérifié par la CI sur PostgreSQL, pas sur SQLite",
)


def _sql(requete: str, parametres=()):
    with transaction.atomic(), connection.cursor() as curseur:
        curseur.execute(requete, parametres)
        return curseur.rowcount


@en_postgresql
@pytest.mark.parametrize(
    "requete",
    [
        "UPDATE portail_entreejournal SET detail = 'effacé' WHERE id = %s",
        "UPDATE portail_entreejournal SET horodatage = now() - interval '2 years' WHERE id = %s",
        "UPDATE portail_entreejournal SET utilisateur_id = NULL, detail = '' WHERE id = %s",
        "DELETE FROM portail_entreejournal WHERE id = %s",
    ],
)
def test_sql_brut_ne_modifie_ni_ne_supprime_une_entree(agent, requete):
    entree = EntreeJournal.objects.create(utilisateur=agent, action=Action.CONNEXION, detail="x")

    with pytest.raises(DatabaseError, match="ajout seul"):
        _sql(requete, [entree.pk])

    relue = EntreeJournal.objects.get(pk=entree.pk)
    assert (relue.detail, relue.utilisateur_id, relue.horodatage) == (
        "x",
        agent.pk,
        entree.horodatage,
    )


@en_postgresql
def test_drapeau_de_purge_hors_fonction_sans_effet_apres_la_transaction(agent):
    """The flag the purge function sets is local to its transaction: it does not leak."""
    with time_machine.travel(timezone.now() - timedelta(days=400)):
        ancienne = EntreeJournal.objects.create(utilisateur=agent, action=Action.CONNEXION)
    tasks.journal_purger()

    assert not EntreeJournal.objects.filter(pk=ancienne.pk).exists()
    autre = EntreeJournal.objects.create(utilisateur=agent, action=Action.CONNEXION)
    with pytest.raises(DatabaseError, match="ajout seul"):
        _sql("DELETE FROM portail_entreejournal WHERE id = %s", [autre.pk])


@en_postgresql
def test_drapeau_pose_a_la_main_ne_supprime_pas_une_entree_recente(agent):
    """Any session may set the purge's flag itself: a row younger than the floor (180 days)
    still cannot be deleted, nor by the purge function asked for everything."""
    recente = EntreeJournal.objects.create(utilisateur=agent, action=Action.CONNEXION)

    with pytest.raises(DatabaseError, match="ajout seul"):
        with transaction.atomic(), connection.cursor() as curseur:
            curseur.execute("SELECT set_config('portail.journal_purge', 'oui', true)")
            curseur.execute("DELETE FROM portail_entreejournal WHERE id = %s", [recente.pk])
    with connection.cursor() as curseur:
        curseur.execute("SELECT portail_journal_purger('infinity')")

    assert EntreeJournal.objects.filter(pk=recente.pk).exists()


@en_postgresql
def test_la_fonction_de_purge_n_est_pas_ouverte_a_tous():
    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT has_function_privilege('public', 'portail_journal_purger(timestamptz)',"
            " 'EXECUTE')"
        )
        assert curseur.fetchone()[0] is False


def test_duree_du_journal_jamais_sous_le_plancher():
    resultat = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", "import portail.settings"],
        env={**os.environ, "JOURNAL_CONSERVATION_JOURS": "90"},
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
    )
    assert resultat.returncode != 0
    assert "ne peut pas être inférieure à 180 jours" in resultat.stderr


@en_postgresql
def test_purge_par_la_fonction_ne_supprime_que_les_entrees_anciennes(agent):
    maintenant = timezone.now()
    with time_machine.travel(maintenant - timedelta(days=400)):
        EntreeJournal.objects.create(utilisateur=agent, action=Action.CONNEXION)
    recente = EntreeJournal.objects.create(utilisateur=agent, action=Action.CONNEXION)

    assert tasks.journal_purger() == 1
    assert list(EntreeJournal.objects.all()) == [recente]


@en_postgresql
def test_suppression_d_un_compte_detache_ses_entrees_sans_les_modifier(agent):
    entree = EntreeJournal.objects.create(
        utilisateur=agent, action=Action.CONNEXION, detail="conservé"
    )

    agent.delete()

    relue = EntreeJournal.objects.get(pk=entree.pk)
    assert relue.utilisateur_id is None
    assert (relue.detail, relue.horodatage) == ("conservé", entree.horodatage)
