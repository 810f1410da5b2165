"""The trainers' back-office in the Wagtail admin: who may see and do what, sessions saved
through the services, attendance, attendance sheets and certificates, the coverage table."""

import csv
import io
from datetime import timedelta

import pypdf
import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.menu import admin_menu

from conventions.models import Convention
from formations.models import Inscription, Session
from portail import roles
from tests.conftest import connecter_verifie, rattacher, texte
from tests.factories import AdhesionFactory, ConventionFactory, UtilisateurFactory
from tests.formations.factories import (
    CampagneFactory,
    ProgrammeFactory,
    SessionFactory,
    agents_de,
    etats,
    inscrire,
)

pytestmark = pytest.mark.django_db

Etat = Inscription.Etat
ACCUEIL_ADMIN = "/admin/"


@pytest.fixture
def formateur(db):
    return UtilisateurFactory(roles=[roles.FORMATEUR], first_name="Claire", last_name="Roux")


@pytest.fixture
def client_formateur(client, formateur):
    return connecter_verifie(client, formateur)


def url(nom, *args):
    return reverse(nom, args=args)


def _presente(session, agent, partenaire, etat=Etat.PRESENT):
    return Inscription.objects.create(
        session=session,
        agent=agent,
        partenaire=partenaire,
        campagne=session.campagne,
        programme=session.programme,
        etat=etat,
    )


# Permission matrix ------------------------------------------------------------------------------

VUES = {
    "sessions": lambda o: url("formations_sessions:index"),
    "session_ajout": lambda o: url("formations_sessions:add"),
    "session_modif": lambda o: url("formations_sessions:edit", o["session"].pk),
    "session_suppr": lambda o: url("formations_sessions:delete", o["session"].pk),
    "inscriptions": lambda o: url("formations_sessions:inscriptions", o["session"].pk),
    "annuler": lambda o: url("formations_sessions:annuler", o["session"].pk),
    "emargement": lambda o: url("formations_sessions:feuille", o["session"].pk),
    "attestation": lambda o: url("formations_sessions:attestation", o["presente"].pk),
    "campagnes": lambda o: url("formations_campagnes:index"),
    "campagne_ajout": lambda o: url("formations_campagnes:add"),
    "programmes": lambda o: url("formations_programmes:index"),
    "couverture": lambda o: url("formations_couverture:index"),
}
# 200: the page; "connexion": no back-office at all; "refus": staff without the permission.
C, R = "connexion", "refus"
ATTENDU = {
    #                anonyme agent référent expert formateur superviseur
    "sessions": (C, C, C, R, 200, 200),
    "session_ajout": (C, C, C, R, 200, R),
    "session_modif": (C, C, C, R, 200, R),
    "session_suppr": (C, C, C, R, R, R),
    "inscriptions": (C, C, C, R, 200, 200),
    "annuler": (C, C, C, R, 200, R),
    "emargement": (C, C, C, R, 200, 200),
    "attestation": (C, C, C, R, 200, 200),
    "campagnes": (C, C, C, R, 200, 200),
    "campagne_ajout": (C, C, C, R, 200, R),
    "programmes": (C, C, C, R, 200, 200),
    "couverture": (C, C, C, R, 200, 200),
}
ROLES = ["anonyme", "agent", "referent", "expert", "formateur", "superviseur"]


def verifier_statut(response, attendu):
    if attendu == 200:
        assert response.status_code == 200
    elif attendu == C:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("portail:connexion"))
    else:
        assert response.status_code == 302
        assert response["Location"] == ACCUEIL_ADMIN


@pytest.mark.parametrize(
    ("vue", "role", "attendu"),
    [(vue, role, ATTENDU[vue][i]) for vue in VUES for i, role in enumerate(ROLES)],
)
def test_matrice_des_permissions(
    client, request, structure_a, agent_a, referent_a, vue, role, attendu
):
    session = SessionFactory()
    objets = {"session": session, "presente": _presente(session, agent_a, structure_a)}
    if role != "anonyme":
        utilisateur = {"agent": agent_a, "referent": referent_a}.get(
            role
        ) or request.getfixturevalue(role)
        connecter_verifie(client, utilisateur)
    verifier_statut(client.get(VUES[vue](objets)), attendu)


def _menu(utilisateur):
    requete = RequestFactory().get("/admin/")
    requete.user = utilisateur
    groupe = [i for i in admin_menu.menu_items_for_request(requete) if i.name == "formations"]
    if not groupe:
        return []
    return [str(i.label) for i in groupe[0].menu.menu_items_for_request(requete)]


def test_menu_formations_pour_formateur_et_superviseur(formateur, superviseur, agent_a):
    attendu = ["Sessions", "Campagnes", "Programmes", "Couverture des formations"]
    assert _menu(formateur) == attendu
    assert _menu(superviseur) == attendu
    assert _menu(UtilisateurFactory(roles=[roles.EXPERT_CPAM])) == []
    assert _menu(agent_a) == []


# Sessions ---------------------------------------------------------------------------------------


def _donnees_session(**modifications):
    debut = timezone.localtime() + timedelta(days=20)
    donnees = {
        "campagne": CampagneFactory().pk,
        "programme": ProgrammeFactory().pk,
        "titre": "Carte Vitale — Chinon",
        "debut": debut.strftime("%Y-%m-%d 09:00"),
        "fin": debut.strftime("%Y-%m-%d 12:00"),
        "mode": "presentiel",
        "lieu": "Maison France Services, 3 quai Jeanne d'Arc, 37500 Chinon",
        "lien_visio": "",
        "capacite": "12",
        "statut": "ouverte",
        "publics": ["france_services", "ccas_cias"],
    }
    donnees.update(modifications)
    return donnees


def test_creer_une_session(client_formateur, formateur):
    response = client_formateur.post(
        url("formations_sessions:add"), _donnees_session(formateurs=[formateur.pk])
    )

    assert response.status_code == 302
    session = Session.objects.get()
    assert session.titre == "Carte Vitale — Chinon"
    assert session.statut == Session.Statut.OUVERTE
    assert sorted(session.publics.values_list("type", flat=True)) == [
        "ccas_cias",
        "france_services",
    ]
    assert list(session.formateurs.all()) == [formateur]


@pytest.mark.parametrize(
    ("modifications", "message"),
    [
        ({"publics": []}, "Choisissez au moins un type de structure"),
        ({"lieu": ""}, "Indiquez l'adresse de la salle"),
        ({"mode": "distanciel", "lieu": ""}, "Indiquez le lien de la visioconférence"),
        ({"fin": "2020-01-01 08:00"}, "La fin de la session doit suivre son début"),
        ({"capacite": "0"}, "supérieure ou égale à 1"),
        ({"capacite": "400"}, "inférieure ou égale à 40"),
        ({"statut": "complete"}, "Sélectionnez un choix valide"),
        ({"lien_visio": "pas une adresse", "mode": "distanciel"}, "adresse web complète"),
    ],
)
def test_saisie_invalide_d_une_session(client_formateur, modifications, message):
    response = client_formateur.post(
        url("formations_sessions:add"), _donnees_session(**modifications)
    )
    assert response.status_code == 200
    assert message in texte(response)
    assert not Session.objects.exists()


def test_moins_de_places_que_d_inscrits_refuse_dans_le_formulaire(client_formateur, structure_a):
    session = SessionFactory(capacite=3)
    for agent in agents_de(structure_a, 2):
        inscrire(session, agent)
    donnees = _donnees_session(
        campagne=session.campagne_id,
        programme=session.programme_id,
        capacite="1",
        publics=["france_services"],
    )
    response = client_formateur.post(url("formations_sessions:edit", session.pk), donnees)
    assert response.status_code == 200
    assert "2 personnes ont déjà une place" in texte(response)
    session.refresh_from_db()
    assert session.capacite == 3


def test_liste_des_sessions_en_nombre_constant_de_requetes(client_formateur, structure_a):
    agents = agents_de(structure_a, 3)

    def sessions(nombre):
        for _ in range(nombre):
            session = SessionFactory(capacite=2)
            for agent in agents:
                _presente(session, agent, structure_a, Etat.INSCRIT)

    def requetes():
        with CaptureQueriesContext(connection) as capture:
            assert client_formateur.get(url("formations_sessions:index")).status_code == 200
        return len(capture)

    sessions(5)
    client_formateur.get(url("formations_sessions:index"))
    avant = requetes()
    sessions(45)
    assert requetes() == avant


# Registrations, attendance, documents -----------------------------------------------------------


def test_liste_des_inscrits_et_liste_d_attente(client_formateur, structure_a):
    session = SessionFactory(capacite=1)
    titulaire, premier, second = agents_de(structure_a, 3)
    for agent in (titulaire, premier, second):
        inscrire(session, agent)

    response = client_formateur.get(url("formations_sessions:inscriptions", session.pk))

    page = texte(response)
    assert titulaire.get_full_name() in page
    assert [i.agent for i in response.context["attente"]] == [premier, second]
    assert page.index(premier.get_full_name()) < page.index(second.get_full_name())
    assert "Enregistrer les présences" not in page  # not started yet


def test_relever_les_presences(client_formateur, formateur, superviseur, client, structure_a):
    session = SessionFactory()
    present, absent = agents_de(structure_a, 2)
    inscription_p, inscription_a = inscrire(session, present), inscrire(session, absent)
    adresse = url("formations_sessions:inscriptions", session.pk)
    donnees = {f"presence-{inscription_p.pk}": "present", f"presence-{inscription_a.pk}": "absent"}

    with time_machine.travel(session.debut + timedelta(hours=1)):
        connecter_verifie(client_formateur, formateur)  # the 10-hour session ended meanwhile
        assert "Enregistrer les présences" in texte(client_formateur.get(adresse))
        response = client_formateur.post(adresse, donnees, follow=True)
        assert "Présences enregistrées" in texte(response)
        # A superviseur sees but does not mark.
        connecter_verifie(client, superviseur)
        assert client.post(adresse, {f"presence-{inscription_p.pk}": "absent"}).status_code == 404

    assert etats(session) == {"present": 1, "absent": 1}
    session.refresh_from_db()
    assert session.statut == Session.Statut.REALISEE


def test_presences_saisie_invalide(client_formateur, formateur, structure_a):
    session = SessionFactory()
    inscription = inscrire(session, agents_de(structure_a, 1)[0])
    adresse = url("formations_sessions:inscriptions", session.pk)
    with time_machine.travel(session.debut + timedelta(hours=1)):
        connecter_verifie(client_formateur, formateur)
        for donnees in (
            {},
            {f"presence-{inscription.pk}": "peut-etre"},
            {"presence-999": "absent"},
        ):
            response = client_formateur.post(adresse, donnees, follow=True)
            assert response.status_code == 200
            assert "Présences enregistrées" not in texte(response)
    inscription.refresh_from_db()
    assert inscription.etat == Etat.INSCRIT


def test_feuille_d_emargement_pdf_et_csv(client_formateur, structure_a):
    session = SessionFactory(capacite=2)
    agents = agents_de(structure_a, 3)
    agents[0].last_name = "=HYPERLINK(1)"
    agents[0].save()
    for agent in agents:
        inscrire(session, agent)
    adresse = url("formations_sessions:feuille", session.pk)

    pdf = client_formateur.get(adresse)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    page = pypdf.PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Feuille d'émargement" in page
    # The two people holding a place, not the waiting list.
    assert "=HYPERLINK(1)" in page and agents[1].last_name.upper() in page
    assert agents[2].last_name.upper() not in page

    response = client_formateur.get(f"{adresse}?format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lignes = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0] == ["Nom", "Prénom", "Structure", "Département", "État", "Signature"]
    assert len(lignes) == 3  # the two people holding a place, not the waiting list
    noms = {ligne[0] for ligne in lignes[1:]}
    assert "'=HYPERLINK(1)" in noms
    assert agents[2].last_name not in noms


def test_attestation_pour_une_personne_presente_seulement(client_formateur, structure_a, agent_a):
    session = SessionFactory()
    presente = _presente(session, agent_a, structure_a)
    absent = _presente(SessionFactory(), agents_de(structure_a, 1)[0], structure_a, Etat.ABSENT)

    response = client_formateur.get(url("formations_sessions:attestation", presente.pk))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    page = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert f"{agent_a.first_name} {agent_a.last_name}" in page
    # No one's name in the file name: the same as the person's own download.
    assert f'filename="attestation-{presente.pk}-' in response["Content-Disposition"]
    assert agent_a.last_name.lower() not in response["Content-Disposition"].lower()
    assert (
        client_formateur.get(url("formations_sessions:attestation", absent.pk)).status_code == 404
    )
    assert client_formateur.get(url("formations_sessions:attestation", 999999)).status_code == 404


def test_annuler_une_session_depuis_le_back_office(
    client_formateur, formateur, structure_a, agent_a, django_capture_on_commit_callbacks
):
    session = SessionFactory()
    inscrire(session, agent_a)
    mail.outbox.clear()
    adresse = url("formations_sessions:annuler", session.pk)

    response = client_formateur.post(adresse, {"motif": "  "})
    assert response.status_code == 200
    assert "Indiquez le motif" in texte(response)
    session.refresh_from_db()
    assert session.statut == Session.Statut.OUVERTE

    with django_capture_on_commit_callbacks(execute=True):
        response = client_formateur.post(adresse, {"motif": "Formatrice malade"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.statut == Session.Statut.ANNULEE
    assert session.annulee_par == formateur
    assert [c.to for c in mail.outbox] == [[agent_a.email]]


def test_annuler_l_inscription_d_une_personne(
    client_formateur, structure_a, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacite=1)
    titulaire, attente = agents_de(structure_a, 2)
    place, rang = inscrire(session, titulaire), inscrire(session, attente)
    adresse = url("formations_sessions:inscriptions", session.pk)
    page = texte(client_formateur.get(adresse))
    assert f"Confirmer l'annulation de l'inscription de {titulaire.get_full_name()}" in page
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_formateur.post(adresse, {"annuler": place.pk}, follow=True)

    assert f"L'inscription de {titulaire.get_full_name()} est annulée" in texte(response)
    place.refresh_from_db()
    rang.refresh_from_db()
    assert place.etat == Etat.ANNULE
    assert rang.etat == Etat.INSCRIT  # the waiting person got the place
    assert sorted(c.to[0] for c in mail.outbox) == sorted([titulaire.email, attente.email])
    assert place.evenements.last().motif == "Annulation par la CPAM"


def test_annulation_d_une_inscription_refusee(
    client_formateur, formateur, superviseur, client, structure_a
):
    session, autre = SessionFactory(), SessionFactory()
    inscription = inscrire(session, agents_de(structure_a, 1)[0])
    d_ailleurs = inscrire(autre, agents_de(structure_a, 1)[0])
    adresse = url("formations_sessions:inscriptions", session.pk)

    # Another session's registration, or no registration at all: 404, nothing changed.
    for valeur in (d_ailleurs.pk, "abc", ""):
        assert client_formateur.post(adresse, {"annuler": valeur}).status_code == 404
    # A superviseur sees the list but changes nothing.
    connecter_verifie(client, superviseur)
    assert "Confirmer l'annulation" not in texte(client.get(adresse))
    assert client.post(adresse, {"annuler": inscription.pk}).status_code == 404
    # Once the session has started: refused with a message, the button is gone.
    with time_machine.travel(session.debut + timedelta(minutes=5)):
        connecter_verifie(client_formateur, formateur)
        assert "Confirmer l'annulation" not in texte(client_formateur.get(adresse))
        response = client_formateur.post(adresse, {"annuler": inscription.pk}, follow=True)
        assert "La session a commencé" in texte(response)
    inscription.refresh_from_db()
    d_ailleurs.refresh_from_db()
    assert inscription.etat == d_ailleurs.etat == Etat.INSCRIT


# Coverage ---------------------------------------------------------------------------------------


def _structure_fs(departement, actif=True, convention="en_vigueur"):
    return ConventionFactory(
        statut=convention,
        partenaire__departement=departement,
        partenaire__code_postal=f"{departement}000",
        partenaire__actif=actif,
    ).partenaire


def test_table_de_couverture(client_formateur):
    maintenant = timezone.now()
    recente = SessionFactory(debut=maintenant - timedelta(days=30))
    ancienne = SessionFactory(debut=maintenant - timedelta(days=400))
    # 37: two structures, one with a trained agent (the other agent not trained).
    tours, loches = _structure_fs("37"), _structure_fs("37")
    forme, pas_forme = agents_de(tours, 2)
    _presente(recente, forme, tours)
    _presente(recente, pas_forme, tours, Etat.ABSENT)
    (ancien,) = agents_de(loches, 1)
    _presente(ancienne, ancien, loches)  # more than 12 months ago: not trained
    # 41: one structure with no agent at all.
    blois = _structure_fs("41")
    # Not counted: a CCAS, an inactive structure, a suspended convention, a former member.
    ccas = ConventionFactory(partenaire__type="ccas_cias", partenaire__departement="41").partenaire
    agents_de(ccas, 1)
    agents_de(_structure_fs("41", actif=False), 1)
    agents_de(_structure_fs("28", convention="suspendue"), 1)
    AdhesionFactory(partenaire=blois, active=False)

    response = client_formateur.get(url("formations_couverture:index"))

    assert response.status_code == 200
    assert response.context["lignes"] == [
        {
            "departement": "37",
            "structures": 2,
            "structures_sans_forme": 1,
            "agents": 3,
            "agents_non_formes": 2,
        },
        {
            "departement": "41",
            "structures": 1,
            "structures_sans_forme": 1,
            "agents": 0,
            "agents_non_formes": 0,
        },
    ]
    assert response.context["total"]["agents_non_formes"] == 2
    assert [s.nom for s in response.context["structures"]] == [loches.nom, blois.nom]
    assert tours.nom not in [s.nom for s in response.context["structures"]]
    assert response.context["structures"][0].derniere_formation == ancienne.debut


def test_couverture_en_nombre_constant_de_requetes(client_formateur):
    session = SessionFactory(debut=timezone.now() - timedelta(days=10))

    def structures(nombre):
        for rang in range(nombre):
            partenaire = _structure_fs(["37", "41", "28"][rang % 3])
            for agent in agents_de(partenaire, 2):
                if rang % 2:
                    _presente(session, agent, partenaire)

    def requetes():
        with CaptureQueriesContext(connection) as capture:
            client_formateur.get(url("formations_couverture:index"))
        return len(capture)

    structures(3)
    client_formateur.get(url("formations_couverture:index"))
    avant = requetes()
    structures(30)
    assert requetes() == avant


def test_couverture_ignore_la_convention_qui_n_est_plus_en_vigueur(client_formateur):
    partenaire = _structure_fs("37")
    agents_de(partenaire, 1)
    Convention.objects.filter(partenaire=partenaire).update(statut="expiree")
    rattacher(UtilisateurFactory(), _structure_fs("37"))
    response = client_formateur.get(url("formations_couverture:index"))
    assert response.context["lignes"][0]["structures"] == 1
