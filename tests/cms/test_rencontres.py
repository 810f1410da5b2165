"""Rencontres like trainings: registration within the capacity, unregistration, reminder,
.ics file, audience by type of structure and département, participants for the organiser."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cms import services
from cms.models import InscriptionRencontre
from portail import roles
from portail.models import Courriel
from tests.cms.rencontres import agenda, creer_rencontre
from tests.conftest import connecter_verifie, en_parallele, rattacher, texte
from tests.factories import ConventionFactory, PartenaireFactory, UtilisateurFactory
from tests.formations.factories import agents_de, apres_validation

pytestmark = pytest.mark.django_db

Etat = InscriptionRencontre.Etat


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def _agent_de(type_: str, departement: str):
    partenaire = ConventionFactory(
        partenaire=PartenaireFactory(
            type=type_, departement=departement, numero_label_france_services=""
        )
    ).partenaire
    agent = UtilisateurFactory()
    rattacher(agent, partenaire)
    return agent


def _inscrire(rencontre, agent):
    with apres_validation():
        return services.rencontre_inscrire(rencontre=rencontre, agent=agent)


# Workflow ---------------------------------------------------------------------------------------


def test_parcours_inscription_complet_refus_desinscription_place_liberee(client, structure_a):
    rencontre = creer_rencontre(capacite=2)
    premier, deuxieme, troisieme = agents_de(structure_a, 3)
    inscrire = reverse("cms:rencontre_inscription", args=[rencontre.pk])

    connecter_verifie(client, premier)
    page = texte(client.get(rencontre.url))
    assert "2 places restantes" in page
    response = client.post(inscrire, follow=True)
    assert "Votre inscription à la rencontre est enregistrée." in _messages(response)
    assert "1 place restante" in texte(response)
    assert "Votre inscription à cette rencontre est enregistrée." in texte(response)

    connecter_verifie(client, deuxieme)
    client.post(inscrire)
    assert "Complet" in texte(client.get(rencontre.url))

    connecter_verifie(client, troisieme)
    page = texte(client.get(rencontre.url))
    assert "Complet" in page and "M'inscrire" not in page
    response = client.post(inscrire, follow=True)
    assert "La rencontre est complète : il ne reste plus de place." in _messages(response)
    assert not InscriptionRencontre.objects.filter(agent=troisieme).exists()

    connecter_verifie(client, premier)
    response = client.post(
        reverse("cms:rencontre_desinscription", args=[rencontre.pk]), follow=True
    )
    assert "la place est libérée" in _messages(response)
    assert InscriptionRencontre.objects.get(agent=premier).etat == Etat.ANNULE

    connecter_verifie(client, troisieme)
    assert "1 place restante" in texte(client.get(rencontre.url))
    response = client.post(inscrire, follow=True)
    assert "Votre inscription à la rencontre est enregistrée." in _messages(response)
    # The first person may come back while there is a place: the same row, registered again.
    assert InscriptionRencontre.objects.filter(rencontre=rencontre, etat=Etat.INSCRIT).count() == 2


def test_confirmation_et_annulation_par_courriel_sans_autre_nom(structure_a):
    rencontre = creer_rencontre(lieu="", lien="https://webinaire.exemple.fr/r")
    agent, collegue = agents_de(structure_a, 2)
    _inscrire(rencontre, collegue)
    mail.outbox.clear()

    inscription = _inscrire(rencontre, agent)

    (courriel,) = mail.outbox
    assert courriel.to == [agent.email]
    assert rencontre.title in courriel.subject
    assert "https://webinaire.exemple.fr/r" in courriel.body
    assert collegue.last_name not in courriel.body
    assert rencontre.url in courriel.body
    with apres_validation():
        services.rencontre_desinscrire(inscription=inscription, auteur=agent)
    assert "Inscription annulée" in mail.outbox[-1].subject
    assert "https://webinaire.exemple.fr/r" not in mail.outbox[-1].body


def test_deja_inscrit_refuse(structure_a, agent_a):
    rencontre = creer_rencontre()
    _inscrire(rencontre, agent_a)
    with pytest.raises(ValidationError) as erreur:
        _inscrire(rencontre, agent_a)
    assert erreur.value.messages == ["Votre inscription à cette rencontre est déjà enregistrée."]


def test_rencontre_commencee_ni_inscription_ni_desinscription(structure_a, agent_a):
    rencontre = creer_rencontre()
    inscription = _inscrire(rencontre, agent_a)
    (autre,) = agents_de(structure_a, 1)
    with time_machine.travel(rencontre.debut + timedelta(minutes=5)):
        with pytest.raises(ValidationError) as erreur:
            _inscrire(rencontre, autre)
        assert "les inscriptions sont closes" in erreur.value.messages[0]
        with pytest.raises(ValidationError) as erreur:
            services.rencontre_desinscrire(inscription=inscription, auteur=agent_a)
        assert "ne peut plus être annulée" in erreur.value.messages[0]


def test_sans_nombre_de_places_pas_d_inscription(client, agent_a):
    rencontre = creer_rencontre(capacite=None, lieu="", lien="https://webinaire.exemple.fr/x")
    connecter_verifie(client, agent_a)
    page = texte(client.get(rencontre.url))
    assert "M'inscrire" not in page and "place" not in page
    # Display-only as before: the link is on the page.
    assert "https://webinaire.exemple.fr/x" in client.get(rencontre.url).content.decode()
    response = client.post(reverse("cms:rencontre_inscription", args=[rencontre.pk]), follow=True)
    assert "ne prend pas d'inscription" in _messages(response)


def test_le_lien_du_webinaire_reserve_aux_inscrits(client, agent_a):
    rencontre = creer_rencontre(lieu="", lien="https://webinaire.exemple.fr/secret")
    connecter_verifie(client, agent_a)
    assert "webinaire.exemple.fr/secret" not in client.get(rencontre.url).content.decode()
    client.post(reverse("cms:rencontre_inscription", args=[rencontre.pk]))
    assert "webinaire.exemple.fr/secret" in client.get(rencontre.url).content.decode()


# Targeting --------------------------------------------------------------------------------------


def test_ciblage_type_et_departement(client):
    ccas_59 = _agent_de("ccas_cias", "59")
    france_services_62 = _agent_de("france_services", "62")
    ccas_62 = _agent_de("ccas_cias", "62")
    rencontre = creer_rencontre(
        title="Rencontre des CCAS du Nord",
        types_partenaires=["ccas_cias"],
        departements=["59"],
        public="CCAS du Nord",
    )
    pour_tous = creer_rencontre(title="Rencontre de tous les partenaires")

    connecter_verifie(client, ccas_59)
    assert "Rencontre des CCAS du Nord" in texte(client.get(agenda().url))
    assert client.get(rencontre.url).status_code == 200

    for autre in (france_services_62, ccas_62):
        connecter_verifie(client, autre)
        page = texte(client.get(agenda().url))
        assert "Rencontre des CCAS du Nord" not in page
        assert "Rencontre de tous les partenaires" in page
        assert client.get(rencontre.url).status_code == 404
        assert (
            client.post(reverse("cms:rencontre_inscription", args=[rencontre.pk])).status_code
            == 404
        )
        assert (
            client.get(reverse("cms:rencontre_calendrier", args=[rencontre.pk])).status_code == 404
        )
        assert client.get(pour_tous.url).status_code == 200
    assert not InscriptionRencontre.objects.filter(rencontre=rencontre).exists()

    # The service says why in French, whatever the way in.
    with pytest.raises(ValidationError) as erreur:
        _inscrire(rencontre, france_services_62)
    assert erreur.value.messages == [
        "Cette rencontre est réservée à d'autres structures que la vôtre (CCAS du Nord)."
    ]
    assert _inscrire(rencontre, ccas_59).partenaire.departement == "59"


def test_le_personnel_cpam_voit_tout_mais_ne_s_inscrit_pas(client):
    rencontre = creer_rencontre(types_partenaires=["ccas_cias"], departements=["59"])
    editeur = UtilisateurFactory(roles=[roles.EDITEUR])
    connecter_verifie(client, editeur)
    page = texte(client.get(rencontre.url))
    assert "réservées aux agents des structures partenaires" in page
    assert "M'inscrire" not in page
    response = client.post(reverse("cms:rencontre_inscription", args=[rencontre.pk]), follow=True)
    assert "réservées aux agents des structures partenaires" in _messages(response)
    assert not InscriptionRencontre.objects.exists()


def test_formulaire_de_ciblage_refuse_un_departement_inconnu(accueil_editeur):
    client, rencontre = accueil_editeur
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[rencontre.pk]),
        {
            "title": rencontre.title,
            "slug": rencontre.slug,
            "debut": "2030-01-10 10:00",
            "lieu": "Tours",
            "public": "Agents",
            "description": '{"blocks":[{"key":"a","text":"Ordre","type":"unstyled",'
            '"depth":0,"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}',
            "capacite": "0",
            "departements": "59, Nord",
        },
    )
    assert response.status_code == 200
    contenu = texte(response)
    assert "Département inconnu : NORD" in contenu
    rencontre.refresh_from_db()
    assert rencontre.departements == [] and rencontre.capacite == 3


@pytest.fixture
def accueil_editeur(client):
    rencontre = creer_rencontre()
    editeur = UtilisateurFactory(roles=[roles.EDITEUR])
    connecter_verifie(client, editeur)
    return client, rencontre


# Bad input --------------------------------------------------------------------------------------


def test_mauvaises_entrees(client, agent_a):
    rencontre = creer_rencontre()
    connecter_verifie(client, agent_a)
    # GET on a write: back to the page, nothing written.
    response = client.get(reverse("cms:rencontre_inscription", args=[rencontre.pk]))
    assert response.status_code == 302
    assert not InscriptionRencontre.objects.exists()
    assert client.post("/rencontres/999999/inscription/").status_code == 404
    assert client.post("/rencontres/abc/inscription/").status_code == 404
    # Unregistering without a registration: a French message, no 500.
    response = client.post(
        reverse("cms:rencontre_desinscription", args=[rencontre.pk]), follow=True
    )
    assert "Aucune inscription à votre nom pour cette rencontre." in _messages(response)
    # A draft (unpublished) rencontre is not there.
    rencontre.unpublish()
    assert client.post(reverse("cms:rencontre_inscription", args=[rencontre.pk])).status_code == 404


# Reminder ---------------------------------------------------------------------------------------


def test_rappel_la_veille_une_seule_fois(structure_a):
    rencontre = creer_rencontre(debut=timezone.now() + timedelta(days=3))
    agent, parti = agents_de(structure_a, 2)
    _inscrire(rencontre, agent)
    with apres_validation():
        services.rencontre_desinscrire(inscription=_inscrire(rencontre, parti), auteur=parti)
    mail.outbox.clear()

    with apres_validation():
        assert services.rencontres_rappels_envoyer() == 0
    with time_machine.travel(rencontre.debut - timedelta(hours=20)):
        with apres_validation():
            assert services.rencontres_rappels_envoyer() == 1
            assert services.rencontres_rappels_envoyer() == 0
    (courriel,) = mail.outbox
    assert courriel.to == [agent.email]
    assert "demain" in courriel.subject
    assert Courriel.objects.filter(destinataire=agent.email, sujet=courriel.subject).count() == 1


def test_inscription_la_veille_pas_de_rappel_en_plus(structure_a, agent_a):
    rencontre = creer_rencontre(debut=timezone.now() + timedelta(hours=10))
    _inscrire(rencontre, agent_a)
    with apres_validation():
        assert services.rencontres_rappels_envoyer() == 0


def test_rappel_au_programme_beat():
    from django.conf import settings

    taches = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "cms.tasks.rencontres_rappels_envoyer" in taches


def test_retention_efface_les_inscriptions_des_rencontres_anciennes(structure_a, settings):
    settings.FORMATIONS_CONSERVATION_MOIS = 24
    ancienne = creer_rencontre()
    recente = creer_rencontre()
    for rencontre in (ancienne, recente):
        _inscrire(rencontre, agents_de(structure_a, 1)[0])
    from cms.models import RencontrePage

    RencontrePage.objects.filter(pk=ancienne.pk).update(
        debut=timezone.now() - timedelta(days=2 * 365 + 30)
    )
    RencontrePage.objects.filter(pk=recente.pk).update(
        debut=timezone.now() - timedelta(days=2 * 365 - 30)
    )

    from cms import tasks

    assert tasks.retention_appliquer() == 1
    assert list(InscriptionRencontre.objects.values_list("rencontre_id", flat=True)) == [recente.pk]
    assert "cms.tasks.retention_appliquer" in {
        e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()
    }


# .ics -------------------------------------------------------------------------------------------


def test_fichier_ics(client, agent_a):
    rencontre = creer_rencontre(
        title="Webinaire CSS", lieu="", lien="https://webinaire.exemple.fr/ics"
    )
    connecter_verifie(client, agent_a)
    adresse = reverse("cms:rencontre_calendrier", args=[rencontre.pk])

    response = client.get(adresse)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert f"rencontre-{rencontre.pk}.ics" in response["Content-Disposition"]
    contenu = response.content.decode()
    assert "SUMMARY:Webinaire CSS" in contenu
    assert f"UID:rencontre-{rencontre.pk}@" in contenu
    assert "webinaire.exemple.fr/ics" not in contenu.replace("\r\n ", "")
    client.post(reverse("cms:rencontre_inscription", args=[rencontre.pk]))
    assert "CONFERENCE;VALUE=URI:https://webinaire.exemple.fr/ics" in client.get(
        adresse
    ).content.decode().replace("\r\n ", "")


# Participants in the back-office ----------------------------------------------------------------


def test_participants_pour_l_organisateur(client, structure_a):
    rencontre = creer_rencontre()
    agents = agents_de(structure_a, 2)
    for agent in agents:
        _inscrire(rencontre, agent)
    editeur = UtilisateurFactory(roles=[roles.EDITEUR])
    adresse = reverse("rencontre_participants", args=[rencontre.pk])

    connecter_verifie(client, editeur)
    page = texte(client.get(adresse))
    for agent in agents:
        assert agent.last_name in page
    assert "2 personnes inscrites sur 3 places" in page
    assert "1 place restante" in page
    csv = client.get(adresse + "?format=csv")
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    assert agents[0].email in csv.content.decode()
    # The button on the page's edit screen.
    edition = client.get(reverse("wagtailadmin_pages:edit", args=[rencontre.pk]))
    assert adresse in edition.content.decode()


@pytest.mark.parametrize(
    "role", [roles.EXPERT_CPAM, roles.SUPERVISEUR_CPAM, roles.FORMATEUR, "agent", "referent"]
)
def test_participants_refuses_aux_autres(client, structure_a, role):
    rencontre = creer_rencontre()
    (agent,) = agents_de(structure_a, 1)
    _inscrire(rencontre, agent)
    if role in ("agent", "referent"):
        qui = UtilisateurFactory()
        rattacher(qui, structure_a, role)
    else:
        qui = UtilisateurFactory(roles=[role])
    connecter_verifie(client, qui)

    response = client.get(reverse("rencontre_participants", args=[rencontre.pk]))

    assert response.status_code == 302
    assert agent.last_name not in texte(response)


def test_participants_rencontre_inconnue(client):
    connecter_verifie(client, UtilisateurFactory(roles=[roles.EDITEUR]))
    assert client.get("/admin/rencontres/999999/participants/").status_code == 404


# Queries ----------------------------------------------------------------------------------------


def _requetes(client, adresse) -> int:
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(adresse).status_code == 200
    return len(requetes)


def test_nombre_de_requetes_constant(client, structure_a, agent_a):
    premiere = creer_rencontre()
    connecter_verifie(client, agent_a)
    _inscrire(premiere, agent_a)
    client.get(agenda().url)
    avant_agenda = _requetes(client, agenda().url)
    avant_page = _requetes(client, premiere.url)
    for _ in range(5):
        rencontre = creer_rencontre()
        for agent in agents_de(structure_a, 2):
            _inscrire(rencontre, agent)
    creer_rencontre(debut=timezone.now() - timedelta(days=3), capacite=None)
    for agent in agents_de(structure_a, 2):
        _inscrire(premiere, agent)
    assert _requetes(client, agenda().url) <= avant_agenda
    assert _requetes(client, premiere.url) <= avant_page
    editeur = UtilisateurFactory(roles=[roles.EDITEUR])
    connecter_verifie(client, editeur)
    adresse = reverse("rencontre_participants", args=[premiere.pk])
    avant = _requetes(client, adresse)
    rencontre = creer_rencontre(capacite=50)
    adresse = reverse("rencontre_participants", args=[rencontre.pk])
    for agent in agents_de(structure_a, 8):
        _inscrire(rencontre, agent)
    assert _requetes(client, adresse) <= avant


# Concurrency ------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_inscriptions_paralleles_jamais_au_dela_de_la_capacite(structure_a):
    if connection.vendor != "postgresql":
        pytest.skip(
            "Inscriptions concurrentes : nécessite PostgreSQL (verrou de ligne "
            "select_for_update) ; lancer avec DATABASE_URL=postgres://…"
        )
    rencontre = creer_rencontre(capacite=3)
    agents = agents_de(structure_a, 12)

    erreurs = en_parallele(
        lambda agent: services.rencontre_inscrire(rencontre=rencontre, agent=agent), agents
    )

    assert InscriptionRencontre.objects.filter(rencontre=rencontre, etat=Etat.INSCRIT).count() == 3
    assert len(erreurs) == 9
    assert all(isinstance(e, ValidationError) and e.code == "complete" for e in erreurs), erreurs


def test_se_desinscrire_apres_un_changement_de_public(client, structure_a, agent_a):
    """The editors aim the rencontre elsewhere after a registration: the page becomes 404 for
    that person, who can still free their place (and lands on the agenda)."""
    rencontre = creer_rencontre(capacite=5)
    _inscrire(rencontre, agent_a)
    rencontre.departements = ["41"]
    rencontre.save_revision().publish()
    connecter_verifie(client, agent_a)
    assert client.get(rencontre.url).status_code == 404

    response = client.post(reverse("cms:rencontre_desinscription", args=[rencontre.pk]))

    assert response.status_code == 302
    assert response["Location"] == rencontre.get_parent().url
    assert not InscriptionRencontre.objects.filter(
        rencontre=rencontre, agent=agent_a, etat=InscriptionRencontre.Etat.INSCRIT
    ).exists()
    # Someone never registered still gets the 404 of a rencontre aimed elsewhere.
    autre = agents_de(structure_a, 1)[0]
    connecter_verifie(client, autre)
    reponse = client.post(reverse("cms:rencontre_desinscription", args=[rencontre.pk]))
    assert reponse.status_code == 404
