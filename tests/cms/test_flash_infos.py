"""The "Actualité en continu": newest first, aimed at the person, filtered by theme, paginated,
important ones pinned until read; and the notification preferences page."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.models import (
    FlashInfoIndexPage,
    FlashInfoPage,
    HomePage,
    LectureFlashInfo,
    PreferencesNotification,
    Theme,
)
from tests.conftest import connecter_verifie, texte
from tests.factories import UtilisateurFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def index():
    page = FlashInfoIndexPage(title="Actualité en continu", slug="actualites")
    HomePage.objects.get().add_child(instance=page)
    return page


@pytest.fixture
def css():
    return Theme.objects.create(nom="Complémentaire santé solidaire", slug="css")


@pytest.fixture
def vitale():
    return Theme.objects.create(nom="Carte Vitale", slug="carte-vitale")


def _flash(index, n, themes=(), **champs):
    page = FlashInfoPage(
        title=f"Flash info {n:03d}",
        slug=f"flash-{n:03d}",
        resume=f"Résumé {n:03d}",
        corps=[],
        date=timezone.localdate() - timedelta(days=n),
        **champs,
    )
    index.add_child(instance=page)
    if themes:
        page.themes.set(themes)
        page.save()
    return page


def _titres(contenu: str) -> list[str]:
    return re.findall(r"Flash info \d{3}", contenu)


def test_plus_recentes_d_abord_et_pagination(client, agent_a, index):
    for n in range(25):
        _flash(index, n)
    connecter_verifie(client, agent_a)

    response = client.get(index.url)
    assert response.status_code == 200
    contenu = texte(response)
    assert _titres(contenu) == [f"Flash info {n:03d}" for n in range(10)]
    assert 'aria-label="Pagination"' in contenu
    assert re.search(r'aria-current="page"><span class="sr-only">Page </span>1<', contenu)

    contenu = texte(client.get(index.url, {"page": 3}))
    assert _titres(contenu) == [f"Flash info {n:03d}" for n in range(20, 25)]
    # Out of range or invalid: the nearest valid page, never an error.
    assert client.get(index.url, {"page": 99}).status_code == 200
    assert client.get(index.url, {"page": "x"}).status_code == 200


def test_filtre_par_theme(client, agent_a, index, css, vitale):
    _flash(index, 1, themes=[css])
    _flash(index, 2, themes=[vitale])
    _flash(index, 3, themes=[css, vitale])
    connecter_verifie(client, agent_a)

    contenu = texte(client.get(index.url, {"theme": "css"}))
    assert _titres(contenu) == ["Flash info 001", "Flash info 003"]
    assert re.search(r'\?theme=css" aria-current="page">Complémentaire santé solidaire', contenu)
    assert "Flash infos : Complémentaire santé solidaire" in contenu

    contenu = texte(client.get(index.url))
    assert _titres(contenu) == ["Flash info 001", "Flash info 002", "Flash info 003"]
    assert re.search(r'aria-current="page">Tous les thèmes', contenu)

    # An unknown theme shows everything rather than an empty page.
    assert len(_titres(texte(client.get(index.url, {"theme": "inconnu"})))) == 3


def test_importante_epinglee_jusqu_a_lecture(client, agent_a, index):
    for n in range(1, 13):
        _flash(index, n)
    importante = _flash(index, 20, importance="importante")
    connecter_verifie(client, agent_a)

    contenu = texte(client.get(index.url))
    titres = _titres(contenu)
    assert titres[0] == "Flash info 020"
    assert titres.count("Flash info 020") == 1  # not repeated below
    assert "Important : à lire" in contenu
    assert '<strong class="badge-important">Important</strong>' in contenu
    # Pinned on page 1 only.
    assert "Flash info 020" not in texte(client.get(index.url, {"page": 2}))

    response = client.get(importante.url)
    assert response.status_code == 200
    assert LectureFlashInfo.objects.filter(utilisateur=agent_a, flash_info=importante).exists()

    contenu = texte(client.get(index.url))
    assert "Important : à lire" not in contenu
    assert "Flash info 020" not in contenu  # oldest: now in its place, on page 2
    assert "Flash info 020" in texte(client.get(index.url, {"page": 2}))


def test_epinglees_limitees_aux_plus_recentes(client, agent_a, index):
    for n in range(1, 13):
        _flash(index, n, importance="importante")
    connecter_verifie(client, agent_a)

    contenu = texte(client.get(index.url))
    epinglees, _, liste = contenu.partition('class="bloc flash-infos"')
    assert _titres(epinglees) == [f"Flash info {n:03d}" for n in range(1, 11)]
    # The older unread ones stay in the list, still marked as important in text.
    assert _titres(liste) == ["Flash info 011", "Flash info 012"]
    assert liste.count('<strong class="badge-important">Important</strong>') == 2


def test_pagination_abregee(client, expert, index):
    for n in range(1, 81):
        _flash(index, n)
    connecter_verifie(client, expert)

    contenu = texte(client.get(index.url, {"page": 5}))
    numeros = re.findall(r'<span class="sr-only">Page </span>(\d+)<', contenu)
    assert numeros == ["1", "2", "3", "4", "5", "6", "7", "8"]
    contenu = texte(client.get(index.url))
    numeros = re.findall(r'<span class="sr-only">Page </span>(\d+)<', contenu)
    assert numeros[0] == "1" and numeros[-1] == "8" and len(numeros) < 8
    assert "…" in contenu


def test_lecture_propre_a_chaque_personne(client, agent_a, referent_a, index):
    importante = _flash(index, 1, importance="importante")
    LectureFlashInfo.objects.create(utilisateur=referent_a, flash_info=importante)
    connecter_verifie(client, agent_a)
    assert "Important : à lire" in texte(client.get(index.url))


def test_ciblage_masque_aux_partenaires_pas_au_personnel(client, agent_a, expert, index):
    _flash(index, 1)
    autre_departement = _flash(index, 2, departements=["99"])
    _flash(index, 3, types_partenaires=["association"])
    _flash(index, 4, types_partenaires=["france_services"], departements=["37"])

    connecter_verifie(client, agent_a)
    assert _titres(texte(client.get(index.url))) == ["Flash info 001", "Flash info 004"]
    assert client.get(autre_departement.url).status_code == 404

    client.logout()
    connecter_verifie(client, expert)
    assert len(_titres(texte(client.get(index.url)))) == 4
    assert client.get(autre_departement.url).status_code == 200


def test_page_flash_info(client, agent_a, index, css):
    flash = _flash(index, 1, themes=[css], importance="importante")
    connecter_verifie(client, agent_a)
    contenu = texte(client.get(flash.url))
    assert "<h1>Flash info 001</h1>" in contenu
    assert f'<time datetime="{flash.date:%Y-%m-%d}">' in contenu
    assert "Complémentaire santé solidaire" in contenu


def test_visiteur_renvoye_a_la_connexion(client, index):
    _flash(index, 1)
    response = client.get(index.url)
    assert response.status_code == 302
    assert "/connexion/" in response["Location"]


def test_nombre_de_requetes_constant(client, agent_a, index, css, vitale):
    connecter_verifie(client, agent_a)

    def compter():
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(index.url).status_code == 200
        return len(requetes)

    def creer(debut, fin):
        for n in range(debut, fin):
            _flash(
                index,
                n,
                themes=[css, vitale][: n % 3],
                importance="importante" if n % 4 == 0 else "normale",
                departements=["99"] if n % 7 == 0 else [],
            )

    creer(1, 6)
    client.get(index.url)  # warm-up (site root paths, content types)
    avec_cinq = compter()
    creer(6, 51)
    avec_cinquante = compter()
    assert avec_cinq == avec_cinquante


# Notification preferences ----------------------------------------------------------------------


def test_preferences_par_defaut_toutes(client, agent_a):
    connecter_verifie(client, agent_a)
    response = client.get("/compte/notifications/")
    assert response.status_code == 200
    contenu = texte(response)
    assert "<legend>Recevoir les flash infos par e-mail</legend>" in contenu
    assert re.search(r'value="toutes" id="[\w-]+" checked', contenu)
    assert 'href="/compte/notifications/"' in contenu  # account menu link


def test_preferences_enregistrees(client, agent_a):
    connecter_verifie(client, agent_a)
    response = client.post("/compte/notifications/", {"flash_infos": "importantes"}, follow=True)
    assert "Vos préférences de notification sont enregistrées." in texte(response)
    assert PreferencesNotification.objects.get(utilisateur=agent_a).flash_infos == "importantes"

    client.post("/compte/notifications/", {"flash_infos": "aucune"})
    assert PreferencesNotification.objects.get(utilisateur=agent_a).flash_infos == "aucune"
    assert PreferencesNotification.objects.count() == 1


def test_preferences_choix_invalide_refuse(client, agent_a):
    connecter_verifie(client, agent_a)
    response = client.post("/compte/notifications/", {"flash_infos": "toutes-les-heures"})
    assert response.status_code == 200
    assert "Choisissez l'une des options proposées." in texte(response)
    assert not PreferencesNotification.objects.exists()

    response = client.post("/compte/notifications/", {})
    assert response.status_code == 200
    assert "Choisissez comment recevoir les flash infos." in texte(response)


def test_preferences_exigent_la_double_authentification(client):
    personne = UtilisateurFactory()
    client.force_login(personne)
    response = client.get("/compte/notifications/")
    assert response.status_code == 302
    assert "/compte/notifications/" not in response["Location"]
