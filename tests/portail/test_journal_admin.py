"""Superviseurs search the access journal (person, demande, action, period) and export it."""

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portail import roles
from portail.models import EntreeJournal
from tests.conftest import connecter_verifie, texte
from tests.factories import UtilisateurFactory

pytestmark = pytest.mark.django_db
Action = EntreeJournal.Action

URL = "/admin/journal-des-acces/"
URL_EXPORT = "/admin/journal-des-acces/export.csv"


def _entree(utilisateur, *, action=Action.CONSULTATION, reference="", quand=None, **extra):
    return EntreeJournal.objects.create(
        utilisateur=utilisateur,
        action=action,
        reference=reference,
        horodatage=quand or datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        vue="demandes:detail" if reference else "",
        adresse_ip="192.0.2.10",
        **extra,
    )


def _trouvees(response) -> list[int]:
    assert response.status_code == 200
    return [entree.pk for entree in response.context["page"].object_list]


@pytest.fixture
def client_superviseur(client, superviseur):
    return connecter_verifie(client, superviseur)


@pytest.fixture
def editeur(db):
    return UtilisateurFactory(roles=[roles.EDITEUR])


def test_recherche_par_personne(client_superviseur, agent, expert):
    premiere = _entree(agent, quand=datetime(2026, 3, 1, 8, 0, tzinfo=UTC))
    seconde = _entree(agent, action=Action.CONNEXION, quand=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    _entree(expert)
    _entree(None, action=Action.CONNEXION_ECHOUEE)

    # Whatever the case typed, newest first.
    response = client_superviseur.post(URL, {"personne": agent.email.upper()})
    assert _trouvees(response) == [seconde.pk, premiere.pk]
    contenu = texte(response)
    assert agent.get_full_name() in contenu and "Connexion" in contenu
    # Paris time (UTC+1 in March), as the search criteria are Paris days.
    assert "02/03/2026 09:00:00" in contenu
    assert "02/03/2026 08:00:00" not in contenu
    assert "Date et heure (Paris)" in contenu


def test_recherche_par_reference_et_par_action(client_superviseur, agent, expert):
    lue = _entree(agent, reference="D-2026-000001")
    ecrite = _entree(
        expert, action=Action.ECRITURE, reference="D-2026-000001", quand=datetime.now(UTC)
    )
    _entree(agent, reference="D-2026-000002")

    response = client_superviseur.post(URL, {"reference": " d-2026-000001 "})
    assert _trouvees(response) == [ecrite.pk, lue.pk]
    response = client_superviseur.post(
        URL, {"reference": "D-2026-000001", "action": Action.ECRITURE}
    )
    assert _trouvees(response) == [ecrite.pk]


def test_recherche_par_periode_en_jours_de_paris(client_superviseur, agent):
    # Winter: Paris is UTC+1. The period 11–12 January (Paris) is [10 Jan 23:00, 12 Jan 23:00[ UTC.
    _entree(agent, quand=datetime(2026, 1, 10, 22, 59, tzinfo=UTC))  # 10 Jan 23:59 in Paris
    debut = _entree(agent, quand=datetime(2026, 1, 10, 23, 0, tzinfo=UTC))  # 11 Jan 00:00
    fin = _entree(agent, quand=datetime(2026, 1, 12, 22, 59, tzinfo=UTC))  # 12 Jan 23:59
    _entree(agent, quand=datetime(2026, 1, 12, 23, 0, tzinfo=UTC))  # 13 Jan 00:00

    response = client_superviseur.post(URL, {"du": "2026-01-11", "au": "12/01/2026"})
    assert _trouvees(response) == [fin.pk, debut.pk]
    response = client_superviseur.post(URL, {"du": "2026-01-11", "au": "2026-01-11"})
    assert _trouvees(response) == [debut.pk]


def test_pagination_par_post_cinquante_par_page(client_superviseur, agent):
    entrees = [
        _entree(agent, quand=datetime(2026, 2, 1, 8, minute, tzinfo=UTC)) for minute in range(55)
    ]
    premiere_page = client_superviseur.post(URL, {"personne": agent.email})
    assert _trouvees(premiere_page) == [e.pk for e in reversed(entrees)][:50]
    seconde_page = client_superviseur.post(URL, {"personne": agent.email, "p": "2"})
    assert _trouvees(seconde_page) == [e.pk for e in reversed(entrees)][50:]
    assert 'name="p" value="2"' in texte(premiere_page)


@pytest.mark.parametrize(
    ("donnees", "message"),
    [
        ({"du": "31/02/2026"}, "Saisissez une date valide"),
        ({"du": "demain"}, "Saisissez une date valide"),
        ({"au": "0001-01-01"}, "Choisissez une date entre le 01/01/2000 et le 31/12/2100."),
        ({"du": "9999-12-31"}, "Choisissez une date entre le 01/01/2000 et le 31/12/2100."),
        (
            {"du": "2026-03-10", "au": "2026-03-01"},
            "La date de fin doit être postérieure ou égale à la date de début.",
        ),
        ({"action": "bidon"}, "Choisissez une action dans la liste."),
    ],
)
@pytest.mark.parametrize("url", [URL, URL_EXPORT])
def test_saisie_invalide_erreurs_en_francais(client_superviseur, url, donnees, message):
    response = client_superviseur.post(url, donnees)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    contenu = texte(response)
    assert message in contenu and "erreurs-resume" in contenu
    assert not EntreeJournal.objects.filter(action=Action.EXPORT).exists()


def test_l_adresse_recherchee_n_apparait_dans_aucune_url(client_superviseur, agent):
    _entree(agent)
    reponses = [
        client_superviseur.get(URL),
        client_superviseur.post(URL, {"personne": agent.email}),
        client_superviseur.post(URL, {"personne": agent.email, "du": "mauvaise"}),
    ]
    for response in reponses:
        assert agent.email not in response.request["PATH_INFO"]
        assert agent.email not in response.request.get("QUERY_STRING", "")
        adresses = re.findall(r'[\s<](?:href|action|formaction|src)="([^"]*)"', texte(response))
        assert adresses
        encodee = agent.email.replace("@", "%40")
        assert not [a for a in adresses if agent.email in a or encodee in a or "@" in a]
    # The search form and its export both post to plain URLs.
    contenu = texte(reponses[1])
    assert 'method="post"' in contenu and f'formaction="{URL_EXPORT}"' in contenu


def test_export_csv_de_la_recherche_et_export_journalise(client_superviseur, superviseur, agent):
    formule = UtilisateurFactory(first_name="=HYPERLINK(1)", last_name="Nom")
    _entree(agent, reference="D-2026-000007", detail="GET 200")
    _entree(agent, action=Action.REFUS, quand=datetime(2026, 3, 3, 10, 5, 30, tzinfo=UTC))
    _entree(formule)
    _entree(UtilisateurFactory(), reference="D-2026-000007")

    response = client_superviseur.post(URL_EXPORT, {"personne": agent.email, "p": "3"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="journal-des-acces-')
    contenu = b"".join(response.streaming_content)
    assert contenu.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read it as UTF-8
    lignes = list(csv.reader(io.StringIO(contenu.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0] == [
        "Date et heure (Paris)",
        "Date et heure (UTC)",
        "Adresse e-mail",
        "Nom",
        "Action",
        "Écran ou opération",
        "Demande",
        "Adresse IP",
        "Précision",
    ]
    # Every row of the search (not only the page), newest first, times in Paris and in UTC.
    assert lignes[1:] == [
        [
            "03/03/2026 11:05:30",
            "2026-03-03 10:05:30",
            agent.email,
            agent.get_full_name(),
            "Accès refusé",
            "",
            "",
            "192.0.2.10",
            "",
        ],
        [
            "02/03/2026 10:00:00",
            "2026-03-02 09:00:00",
            agent.email,
            agent.get_full_name(),
            "Consultation",
            "demandes:detail",
            "D-2026-000007",
            "192.0.2.10",
            "GET 200",
        ],
    ]

    export = EntreeJournal.objects.get(action=Action.EXPORT)
    assert export.utilisateur == superviseur
    assert export.detail == "journal"
    assert export.adresse_ip == "127.0.0.1"
    assert agent.email not in f"{export.detail} {export.vue}"

    # A name typed as a formula stays text in a spreadsheet.
    tout = client_superviseur.post(URL_EXPORT, {"du": "2026-03-01", "au": "2026-03-31"})
    tout = b"".join(tout.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1) Nom" in tout


def test_l_export_n_existe_qu_en_post(client_superviseur):
    assert client_superviseur.get(URL_EXPORT).status_code == 405


@pytest.mark.parametrize("role", ["agent", "expert", "editeur"])
@pytest.mark.parametrize("url", [URL, URL_EXPORT])
def test_seul_le_superviseur_consulte_le_journal(client, request, role, url, agent):
    _entree(agent)
    connecter_verifie(client, request.getfixturevalue(role))
    for response in (client.get(url), client.post(url, {"personne": agent.email})):
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert not response["Location"].startswith("/admin/journal")
    assert not EntreeJournal.objects.filter(action=Action.EXPORT).exists()


@pytest.mark.parametrize(("role", "visible"), [("superviseur", True), ("expert", False)])
def test_entree_de_menu_reservee_au_superviseur(client, request, role, visible):
    connecter_verifie(client, request.getfixturevalue(role))
    assert (URL in texte(client.get("/admin/"))) is visible


def test_nombre_de_requetes_constant(client_superviseur):
    def requetes(nombre: int) -> int:
        for _ in range(nombre):
            _entree(UtilisateurFactory(), reference="D-2026-000001")
        with CaptureQueriesContext(connection) as contexte:
            response = client_superviseur.post(URL, {"reference": "D-2026-000001"})
        assert response.status_code == 200
        return len(contexte)

    client_superviseur.post(URL, {})  # warm the caches (site, content types)
    avec_5 = requetes(5)
    avec_60 = requetes(55)
    assert EntreeJournal.objects.filter(reference="D-2026-000001").count() == 60
    assert avec_5 == avec_60
