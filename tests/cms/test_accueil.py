"""The home: public presentation for visitors, personal home for partners and CPAM staff."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.models import (
    FichePratiquePage,
    FlashInfoIndexPage,
    FlashInfoPage,
    HomePage,
    LectureFlashInfo,
    ThematiquePage,
    Theme,
)
from tests.conftest import connecter_verifie, texte

pytestmark = pytest.mark.django_db


@pytest.fixture
def accueil():
    return HomePage.objects.get()


@pytest.fixture
def actualites(accueil):
    index = FlashInfoIndexPage(title="Actualités", slug="actualites")
    accueil.add_child(instance=index)
    return index


@pytest.fixture
def thematique(accueil):
    theme = Theme.objects.create(nom="Complémentaire santé solidaire", slug="css")
    page = ThematiquePage(title="Complémentaire santé solidaire", slug="css", theme=theme)
    accueil.add_child(instance=page)
    return page


def _flash(index, n, **champs):
    page = FlashInfoPage(
        title=f"Flash info {n}",
        slug=f"flash-{n}",
        resume=f"Résumé {n}",
        corps=[],
        date=timezone.localdate() - timedelta(days=n),
        **champs,
    )
    index.add_child(instance=page)
    return page


def _fiche(thematique, n):
    page = FichePratiquePage(title=f"Fiche {n}", slug=f"fiche-{n}", resume=f"Résumé {n}", corps=[])
    thematique.add_child(instance=page)
    return page


def test_visiteur_voit_la_presentation(client, accueil):
    response = client.get("/")
    assert response.status_code == 200
    contenu = texte(response)
    assert "Solidaires et partenaires accompagne les structures" in contenu
    assert "/devenir-partenaire/" in contenu
    assert "Flash info" not in contenu


def test_partenaire_voit_ses_actualites_et_les_importantes_epinglees(
    client, agent_a, actualites, thematique
):
    importante = _flash(actualites, 1, importance="importante")
    _flash(actualites, 2)
    _flash(actualites, 3, departements=["99"])  # aimed at another département
    _fiche(thematique, 1)
    connecter_verifie(client, agent_a)

    contenu = texte(client.get("/"))

    assert "Important : à lire" in contenu
    assert "Flash info 1" in contenu and "Flash info 2" in contenu
    assert "Flash info 3" not in contenu
    assert "Fiche 1" in contenu

    LectureFlashInfo.objects.create(utilisateur=agent_a, flash_info=importante)
    contenu = texte(client.get("/"))
    assert "Important : à lire" not in contenu
    assert "Flash info 1" in contenu  # still among the latest


def test_au_plus_cinq_importantes_epinglees_puis_un_lien(client, agent_a, actualites):
    for n in range(1, 8):
        _flash(actualites, n, importance="importante")
    connecter_verifie(client, agent_a)

    contenu = texte(client.get("/"))

    epinglees = contenu.partition('id="titre-epinglees"')[2].partition("</section>")[0]
    assert [n for n in range(1, 8) if f"Flash info {n}<" in epinglees] == [1, 2, 3, 4, 5]
    assert f'<a href="{actualites.url}">2 autres flash infos importantes à lire</a>' in epinglees
    # The two others are not lost among the latest news either: the link leads to them.
    assert "Flash info 6<" not in contenu.partition('id="titre-actualites"')[2]


def test_le_personnel_cpam_voit_toutes_les_actualites(client, expert, actualites):
    _flash(actualites, 3, departements=["99"])
    connecter_verifie(client, expert)
    assert "Flash info 3" in texte(client.get("/"))


def test_nombre_de_requetes_constant(client, agent_a, actualites, thematique):
    connecter_verifie(client, agent_a)

    def compter():
        with CaptureQueriesContext(connection) as requetes:
            assert client.get("/").status_code == 200
        return len(requetes)

    for n in range(5):
        _flash(actualites, n, importance="importante" if n % 2 else "normale")
        _fiche(thematique, n)
    client.get("/")
    avec_cinq = compter()
    for n in range(5, 50):
        _flash(actualites, n, importance="importante" if n % 2 else "normale")
        _fiche(thematique, n)
    avec_cinquante = compter()

    assert avec_cinq == avec_cinquante


@pytest.mark.django_db(transaction=True)
def test_l_accueil_survit_a_un_vidage_de_la_base(client):
    """A flush (as after each live-server test) removes the page tree; post_migrate rebuilds
    the home page and the default site."""
    from django.core.management import call_command

    call_command("flush", "--no-input")
    assert HomePage.objects.count() == 1
    assert client.get("/").status_code == 200
