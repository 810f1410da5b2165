"""The partner portal's training pages: who sees what, registering and cancelling through the
pages, the référent's page, bad input, and a constant number of queries."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conventions.models import Convention
from formations import selectors
from formations.models import Inscription, Session
from tests.conftest import connecter_verifie, texte
from tests.factories import UtilisateurFactory
from tests.formations.factories import SessionFactory, agents_de, etats, inscrire

pytestmark = pytest.mark.django_db

Etat = Inscription.Etat


@pytest.fixture
def session(db):
    return SessionFactory(titre="Complémentaire santé solidaire — Tours")


def _message(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


# Who sees what ----------------------------------------------------------------------------------


def test_liste_des_sessions_ouvertes_a_ma_structure(client, agent_a, session):
    complete = SessionFactory(titre="Session complète", capacite=1)
    inscrire(complete, agents_de(complete and agent_a.adhesions.get().partenaire, 1)[0])
    invisibles = [
        SessionFactory(titre="Planifiée", statut=Session.Statut.PLANIFIEE),
        SessionFactory(titre="Annulée", statut=Session.Statut.ANNULEE),
        SessionFactory(titre="Pour les CCAS", publics=["ccas_cias"]),
        SessionFactory(titre="Demain", debut=session.debut - timedelta(days=9, hours=12)),
    ]
    connecter_verifie(client, agent_a)

    page = texte(client.get("/formations/"))

    assert session.titre in page
    assert "10 places restantes" in page
    assert "Session complète" in page
    assert "Complète : liste d'attente" in page
    for invisible in invisibles:
        assert invisible.titre not in page
    disponibles = texte(client.get("/formations/?disponibles=1"))
    assert session.titre in disponibles
    assert "Session complète" not in disponibles


def test_detail_d_une_session_non_visible_404(client, agent_a):
    connecter_verifie(client, agent_a)
    for session in (
        SessionFactory(statut=Session.Statut.PLANIFIEE),
        SessionFactory(publics=["ccas_cias"]),
    ):
        assert client.get(f"/formations/sessions/{session.pk}/").status_code == 404
        assert client.get(f"/formations/sessions/{session.pk}/calendrier.ics").status_code == 404
        assert client.post(f"/formations/sessions/{session.pk}/inscription/").status_code == 404
    assert not Inscription.objects.exists()


def test_une_session_annulee_reste_visible_de_ses_inscrits(client, agent_a, session):
    from formations import services

    inscrire(session, agent_a)
    services.session_annuler(session=session, auteur=None, motif="Salle indisponible")
    connecter_verifie(client, agent_a)

    page = texte(client.get(f"/formations/sessions/{session.pk}/"))

    assert "Cette session est annulée. Motif : Salle indisponible" in page


@pytest.mark.parametrize(
    "adresse",
    [
        "/formations/",
        "/formations/sessions/{pk}/",
        "/formations/sessions/{pk}/calendrier.ics",
        "/formations/mes-inscriptions/",
        "/formations/structure/",
    ],
)
def test_structure_sans_le_service_formations_page_403(client, referent_a, structure_a, adresse):
    Convention.objects.filter(partenaire=structure_a).update(ouvre_formations=False)
    session = SessionFactory()
    connecter_verifie(client, referent_a)

    response = client.get(adresse.format(pk=session.pk))

    assert response.status_code == 403
    assert "Ce service n'est pas ouvert à votre structure" in texte(response)


def test_structure_sans_le_service_ne_s_inscrit_pas_par_la_page(client, agent_a, structure_a):
    session = SessionFactory()
    Convention.objects.filter(partenaire=structure_a).update(ouvre_formations=False)
    connecter_verifie(client, agent_a)
    assert client.post(f"/formations/sessions/{session.pk}/inscription/").status_code == 403
    assert not Inscription.objects.exists()


def test_anonyme_envoye_a_la_connexion(client, session):
    for adresse in ("/formations/", f"/formations/sessions/{session.pk}/"):
        response = client.get(adresse)
        assert response.status_code == 302
        assert response["Location"].startswith("/connexion/?next=")


# Registering and cancelling through the pages ---------------------------------------------------


def test_s_inscrire_puis_annuler(client, agent_a, session, django_capture_on_commit_callbacks):
    connecter_verifie(client, agent_a)
    adresse = f"/formations/sessions/{session.pk}/"

    assert client.get(f"{adresse}inscription/").status_code == 302  # GET writes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{adresse}inscription/", follow=True)
    assert "Votre inscription à la session est confirmée" in texte(response)
    assert "Annuler mon inscription" in texte(response)
    inscription = Inscription.objects.get(agent=agent_a)
    assert inscription.etat == Etat.INSCRIT
    assert session.titre in texte(client.get("/formations/mes-inscriptions/"))

    # A first POST asks for confirmation; nothing changes yet.
    confirmation = client.post(f"/formations/inscriptions/{inscription.pk}/annuler/")
    assert confirmation.status_code == 200
    assert "Oui, annuler l'inscription" in texte(confirmation)
    inscription.refresh_from_db()
    assert inscription.etat == Etat.INSCRIT

    response = client.post(
        f"/formations/inscriptions/{inscription.pk}/annuler/", {"confirmer": "oui"}, follow=True
    )
    assert "L'inscription est annulée." in texte(response)
    inscription.refresh_from_db()
    assert inscription.etat == Etat.ANNULE


def test_erreur_en_francais_sans_rien_ecrire(client, agent_a, session):
    with time_machine.travel(session.debut - timedelta(hours=2)):
        connecter_verifie(client, agent_a)
        page = texte(client.get(f"/formations/sessions/{session.pk}/"))
        assert "M'inscrire" not in page
        response = client.post(f"/formations/sessions/{session.pk}/inscription/", follow=True)
        assert session.titre not in texte(client.get("/formations/"))
    assert response.status_code == 200
    assert "Les inscriptions à cette session sont closes" in texte(response)
    assert not Inscription.objects.exists()


def test_liste_d_attente_par_la_page(client, agent_a, structure_a, session):
    session.capacite = 1
    session.save()
    inscrire(session, agents_de(structure_a, 1)[0])
    connecter_verifie(client, agent_a)

    page = texte(client.get(f"/formations/sessions/{session.pk}/"))
    assert "Rejoindre la liste d'attente" in page
    response = client.post(f"/formations/sessions/{session.pk}/inscription/", follow=True)
    assert "vous êtes en liste d'attente" in texte(response)
    assert "rang 1" in texte(response)
    assert "Quitter la liste d'attente" in texte(response)


def test_agent_b_ne_peut_pas_annuler_l_inscription_de_a(client, agent_a, agent_b, referent_b):
    inscription = inscrire(SessionFactory(), agent_a)
    for intrus in (agent_b, referent_b):
        connecter_verifie(client, intrus)
        adresse = f"/formations/inscriptions/{inscription.pk}/annuler/"
        assert client.post(adresse, {"confirmer": "oui"}).status_code == 404
        assert client.get(adresse).status_code == 404
    inscription.refresh_from_db()
    assert inscription.etat == Etat.INSCRIT


def test_id_inexistant_404(client, agent_a):
    connecter_verifie(client, agent_a)
    assert client.get("/formations/sessions/999999/").status_code == 404
    assert client.post("/formations/inscriptions/999999/annuler/").status_code == 404


# The référent's page ----------------------------------------------------------------------------


def test_page_du_referent_agents_non_formes(client, referent_a, agent_a, structure_a):
    forme, jamais = agents_de(structure_a, 2)
    passee = SessionFactory(debut=SessionFactory().debut - timedelta(days=40))
    ancienne = SessionFactory(debut=passee.debut - timedelta(days=400))
    Inscription.objects.create(
        session=passee,
        agent=forme,
        partenaire=structure_a,
        campagne=passee.campagne,
        programme=passee.programme,
        etat=Etat.PRESENT,
    )
    Inscription.objects.create(
        session=ancienne,
        agent=agent_a,
        partenaire=structure_a,
        campagne=ancienne.campagne,
        programme=ancienne.programme,
        etat=Etat.PRESENT,
    )
    connecter_verifie(client, referent_a)

    response = client.get("/formations/structure/", follow=True)

    assert response.redirect_chain[-1][0] == f"/formations/structure/{structure_a.pk}/"
    non_formes = {a.utilisateur for a in response.context["non_formes"]}
    assert non_formes == {agent_a, jamais, referent_a}
    page = texte(response)
    assert "3 agents sur 4 n'ont suivi aucune formation ces 12 derniers mois." in page
    assert "aucune formation suivie sur le portail" in page


def test_le_referent_inscrit_un_agent(
    client, referent_a, agent_a, structure_a, session, django_capture_on_commit_callbacks
):
    connecter_verifie(client, referent_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/formations/structure/{structure_a.pk}/inscrire/",
            {"agent": agent_a.pk, "session": session.pk},
            follow=True,
        )
    assert f"Inscription de {agent_a.get_full_name()} confirmée" in texte(response)
    inscription = Inscription.objects.get(agent=agent_a)
    assert inscription.inscrit_par == referent_a
    # The référent may cancel it from the structure's page.
    response = client.post(
        f"/formations/inscriptions/{inscription.pk}/annuler/", {"confirmer": "oui"}
    )
    assert response["Location"] == f"/formations/structure/{structure_a.pk}/"
    inscription.refresh_from_db()
    assert inscription.etat == Etat.ANNULE


@pytest.mark.parametrize(
    ("donnees", "message"),
    [
        ({}, "Choisissez l'agent à inscrire."),
        ({"agent": "abc", "session": "x"}, "Choisissez un agent de la structure."),
        ({"agent": "agent_b", "session": "session"}, "Choisissez un agent de la structure."),
        (
            {"agent": "agent_a", "session": "pour_ccas"},
            "Cette session n'est pas ouverte aux inscriptions de votre structure.",
        ),
    ],
)
def test_saisie_invalide_du_referent(
    client, referent_a, agent_a, agent_b, structure_a, session, donnees, message
):
    objets = {
        "agent_a": agent_a.pk,
        "agent_b": agent_b.pk,
        "session": session.pk,
        "pour_ccas": SessionFactory(publics=["ccas_cias"]).pk,
    }
    connecter_verifie(client, referent_a)

    response = client.post(
        f"/formations/structure/{structure_a.pk}/inscrire/",
        {cle: objets.get(valeur, valeur) for cle, valeur in donnees.items()},
    )

    assert response.status_code == 200
    page = texte(response)
    assert "Le formulaire contient" in page
    assert message in page
    assert not Inscription.objects.exists()


def test_doublon_par_le_referent_message_clair(client, referent_a, agent_a, structure_a, session):
    inscrire(session, agent_a)
    connecter_verifie(client, referent_a)
    response = client.post(
        f"/formations/structure/{structure_a.pk}/inscrire/",
        {"agent": agent_a.pk, "session": session.pk},
    )
    assert response.status_code == 200
    assert f"{agent_a.get_full_name()} a déjà une inscription à cette session" in texte(response)
    assert Inscription.objects.count() == 1


def test_le_referent_de_a_ne_gere_pas_la_structure_b(client, referent_a, structure_b, agent_b):
    session = SessionFactory()
    connecter_verifie(client, referent_a)
    assert client.get(f"/formations/structure/{structure_b.pk}/").status_code == 404
    response = client.post(
        f"/formations/structure/{structure_b.pk}/inscrire/",
        {"agent": agent_b.pk, "session": session.pk},
    )
    assert response.status_code == 404
    assert not Inscription.objects.exists()


def test_un_agent_n_a_pas_de_page_de_structure(client, agent_a, structure_a):
    connecter_verifie(client, agent_a)
    assert client.get("/formations/structure/").status_code == 404
    assert client.get(f"/formations/structure/{structure_a.pk}/").status_code == 404


# Permission matrix ------------------------------------------------------------------------------

PAGES = {
    "liste": lambda o: "/formations/",
    "session": lambda o: f"/formations/sessions/{o['session'].pk}/",
    "ics": lambda o: f"/formations/sessions/{o['session'].pk}/calendrier.ics",
    "mes_inscriptions": lambda o: "/formations/mes-inscriptions/",
    "structure_a": lambda o: f"/formations/structure/{o['structure_a'].pk}/",
}
#                      anonyme agent_a referent_a agent_b hors_service superviseur
ATTENDU = {
    "liste": (302, 200, 200, 200, 403, 200),
    "session": (302, 200, 200, 200, 403, 200),
    "ics": (302, 200, 200, 200, 403, 200),
    "mes_inscriptions": (302, 200, 200, 200, 403, 200),
    "structure_a": (302, 404, 200, 404, 403, 200),
}
ROLES = ["anonyme", "agent_a", "referent_a", "agent_b", "hors_service", "superviseur"]


@pytest.mark.parametrize(
    ("page", "role", "attendu"),
    [(page, role, ATTENDU[page][i]) for page in PAGES for i, role in enumerate(ROLES)],
)
def test_matrice(client, request, structure_a, referent_a, page, role, attendu):
    objets = {"session": SessionFactory(), "structure_a": structure_a}
    if role == "hors_service":
        personne = UtilisateurFactory()
        from tests.conftest import rattacher
        from tests.factories import ConventionFactory

        rattacher(personne, ConventionFactory(ouvre_formations=False).partenaire)
        connecter_verifie(client, personne)
    elif role != "anonyme":
        connecter_verifie(client, request.getfixturevalue(role))
    assert client.get(PAGES[page](objets)).status_code == attendu


# Query counts -----------------------------------------------------------------------------------


def _sessions(nombre, agents):
    for _ in range(nombre):
        session = SessionFactory(publics=["france_services", "ccas_cias"])
        for agent in agents:
            Inscription.objects.create(
                session=session,
                agent=agent,
                partenaire=agent.adhesions.get().partenaire,
                campagne=session.campagne,
                programme=session.programme,
                etat=Etat.INSCRIT,
            )


def _requetes(client, adresse):
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(adresse).status_code == 200
    return len(requetes)


@pytest.mark.parametrize(
    "adresse",
    ["/formations/", "/formations/?disponibles=1", "/formations/mes-inscriptions/"],
)
def test_nombre_de_requetes_constant(client, agent_a, structure_a, adresse):
    agents = [agent_a, *agents_de(structure_a, 2)]
    _sessions(5, agents)
    connecter_verifie(client, agent_a)
    client.get(adresse)  # warm caches (content types, permissions)
    avec_5 = _requetes(client, adresse)
    _sessions(45, agents)
    assert _requetes(client, adresse) == avec_5


def test_page_du_referent_en_nombre_constant_de_requetes(client, referent_a, structure_a):
    agents = agents_de(structure_a, 2)
    _sessions(3, agents)
    connecter_verifie(client, referent_a)
    adresse = f"/formations/structure/{structure_a.pk}/"
    client.get(adresse)
    avant = _requetes(client, adresse)
    agents_de(structure_a, 20)
    _sessions(20, agents)
    assert _requetes(client, adresse) == avant


def test_prochaine_session_en_une_requete(structure_a, agent_a, django_assert_max_num_queries):
    from formations import services

    tot = SessionFactory()
    tard = SessionFactory(debut=tot.debut + timedelta(days=5))
    annulee = SessionFactory(debut=tot.debut - timedelta(days=2))
    for session in (tard, tot, annulee):
        inscrire(session, agent_a)
    services.session_annuler(session=annulee, auteur=None, motif="Salle indisponible")

    with django_assert_max_num_queries(2):
        prochaine = selectors.prochaine_session(agent_a)
        assert prochaine.session.titre == tot.titre
        assert prochaine.session.programme.intitule

    assert selectors.prochaine_session(UtilisateurFactory()) is None
    assert etats(tot) == {"inscrit": 1}
