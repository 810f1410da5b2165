"""The embedded default (a SQLite file) under two writers at once (issue 13, defect 7).

Publishing a flash info on the demo crashed with "database is locked": the editor's autosave and
the "Publier" click saved the same page at the same moment. Each transaction had read the page
before writing it; with SQLite's default (deferred) transactions the second one cannot take the
write lock while the first holds it and fails at once, without waiting. The settings make every
transaction take the write lock at BEGIN and wait for it (busy timeout), on a WAL journal.
"""

import threading

import pytest
from django.db import connection, transaction

from cms.models import FlashInfoIndexPage, FlashInfoPage, HomePage
from portail import roles
from tests.conftest import en_parallele
from tests.factories import UtilisateurFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_la_base_de_demonstration_est_en_journal_wal(base_sqlite_fichier):
    with connection.cursor() as curseur:
        curseur.execute("PRAGMA journal_mode")
        assert curseur.fetchone()[0] == "wal"
        curseur.execute("PRAGMA busy_timeout")
        assert curseur.fetchone()[0] >= 10_000


def test_deux_publications_simultanees_de_la_meme_flash_info(base_sqlite_fichier):
    accueil = HomePage.objects.get()
    index = accueil.add_child(instance=FlashInfoIndexPage(title="Actualités", slug="actualites"))
    page = index.add_child(
        instance=FlashInfoPage(title="Fermeture", slug="fermeture", resume="Brouillon", corps=[])
    )
    editeur = UtilisateurFactory(roles=[roles.EDITEUR])
    # Both writers have read the page before either writes: the race of the autosave and the
    # "Publier" click. A writer that cannot read first (it waits at BEGIN) lets the barrier
    # time out and goes on alone.
    tous_ont_lu = threading.Barrier(2, timeout=1)

    def publier(resume):
        with transaction.atomic():
            flash = FlashInfoPage.objects.get(pk=page.pk)
            try:
                tous_ont_lu.wait()
            except threading.BrokenBarrierError:
                pass
            flash.resume = resume
            flash.save_revision(user=editeur).publish(user=editeur)

    erreurs = en_parallele(publier, ["Sauvegarde automatique", "Publiée"])

    assert erreurs == []
    page.refresh_from_db()
    assert page.live
    assert page.revisions.count() == 2
    assert page.resume in {"Sauvegarde automatique", "Publiée"}
    assert page.live_revision == page.revisions.order_by("created_at", "pk").last()
