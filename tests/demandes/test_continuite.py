"""Continuity of the named expert: an absence hands the open demandes over, notices follow the
present holder, the return gives back the unanswered ones, the partner is told in the thread
and sees who holds the demande since when; the team least-loaded mode of routing rules."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from demandes import continuite, notifications, services, tasks
from demandes.models import Absence, Avis, DecisionRoutage, Demande, Message, RegleRoutage
from portail import roles
from portail.dates import date_en_lettres
from portail.models import Courriel, EntreeJournal
from tests.conftest import connecter_verifie, texte
from tests.demandes.conftest import categorie, creer_demande, creer_expert
from tests.factories import UtilisateurFactory

pytestmark = pytest.mark.django_db
Statut = Demande.Statut


def recharger(demande):
    return Demande.objects.select_related("expert").get(pk=demande.pk)


def absence_declaree(titulaire, *, suppleant=None, debut=None, jours=3, auteur=None):
    maintenant = timezone.now()
    debut = debut or maintenant - timedelta(minutes=1)
    return continuite.absence_declarer(
        auteur=auteur or titulaire.utilisateur,
        expert=titulaire,
        debut=debut,
        fin=max(debut, maintenant) + timedelta(days=jours),
        suppleant=suppleant,
        motif="Congés",
    )


def annonces(demande) -> list[str]:
    return list(
        demande.messages.filter(type=Message.Type.EVENEMENT).values_list("corps", flat=True)
    )


@pytest.fixture
def troisieme(equipe):
    return creer_expert(equipe, first_name="Rémi", last_name="Troisième")


@pytest.fixture
def trois_demandes(agent_a, structure_a, regle_generale):
    return [creer_demande(agent_a, structure_a) for _ in range(3)]


# Hand-over ---------------------------------------------------------------------------------------


def test_absence_declaree_remet_les_demandes_ouvertes_au_suppleant(
    trois_demandes, titulaire, suppleant
):
    resolue = trois_demandes[2]
    services.demande_resoudre(
        demande=resolue, auteur=titulaire.utilisateur, issue="droits_ouverts", corps="Fait."
    )
    absence = absence_declaree(titulaire, suppleant=suppleant)
    for demande in trois_demandes[:2]:
        demande = recharger(demande)
        assert demande.expert == suppleant
        assert demande.remise_pour == absence
        assert timezone.now() - demande.attribuee_le < timedelta(seconds=30)
        assert (
            "Pendant l'absence de Claire Titulaire, votre demande est suivie par Paul Suppléant."
            in annonces(demande)
        )
        decision = demande.routages.last()
        assert decision.expert == suppleant
        assert "absence de Claire Titulaire" in decision.motif
        assert "suppléant désigné" in decision.motif
    # A closed demande stays where it is.
    assert recharger(resolue).expert == titulaire


def test_absence_sans_suppleant_repartit_au_moins_charge(
    agent_a, structure_a, regle_generale, titulaire, suppleant, troisieme
):
    demandes = [creer_demande(agent_a, structure_a) for _ in range(4)]
    # The substitute already holds two open demandes, the third expert none.
    for demande in demandes[:2]:
        services.demande_reattribuer(
            demande=demande, auteur=titulaire.utilisateur, motif="Charge", expert=suppleant
        )
    absence_declaree(titulaire)
    # Two left with the titulaire: both to the third expert (0 then 1 < 2).
    assert [recharger(d).expert for d in demandes[2:]] == [troisieme, troisieme]
    autre = creer_demande(agent_a, structure_a)  # routed to the rule's substitute
    assert autre.expert == suppleant
    for demande in demandes[2:]:
        assert "expert le moins chargé de l'équipe" in demande.routages.last().motif


def test_repartition_egale_reste_stable(agent_a, structure_a, regle_generale, titulaire, suppleant):
    troisieme = creer_expert(titulaire.equipe, first_name="Zoé", last_name="Zed")
    demandes = [creer_demande(agent_a, structure_a) for _ in range(4)]
    absence_declaree(titulaire)
    # Equal load: alternate, the lower id first.
    titulaires = [recharger(d).expert for d in sorted(demandes, key=lambda d: (d.echeance, d.pk))]
    assert titulaires == [suppleant, troisieme, suppleant, troisieme]


def test_personne_de_present_file_non_attribuee(agent_a, structure_a, titulaire):
    RegleRoutage.objects.create(titulaire=titulaire)
    demande = creer_demande(agent_a, structure_a)
    absence = absence_declaree(titulaire)
    demande = recharger(demande)
    assert demande.expert is None and demande.remise_pour == absence
    assert any("suivie par l'équipe" in a for a in annonces(demande))


def test_remise_idempotente(trois_demandes, titulaire, suppleant):
    absence = absence_declaree(titulaire, suppleant=suppleant)
    decisions, messages = DecisionRoutage.objects.count(), Message.objects.count()
    assert continuite.absence_remettre(absence=absence) == 0
    assert continuite.absences_appliquer() == {"remises": 0, "reprises": 0}
    assert tasks.absences_appliquer() == {"remises": 0, "reprises": 0}
    assert (DecisionRoutage.objects.count(), Message.objects.count()) == (decisions, messages)


def test_absence_future_remise_a_son_debut_par_la_tache(
    trois_demandes, titulaire, suppleant, time_machine
):
    debut = timezone.now() + timedelta(days=1)
    absence = absence_declaree(titulaire, suppleant=suppleant, debut=debut)
    assert all(recharger(d).expert == titulaire for d in trois_demandes)
    time_machine.move_to(debut + timedelta(minutes=5))
    assert tasks.absences_appliquer() == {"remises": 3, "reprises": 0}
    assert all(recharger(d).remise_pour == absence for d in trois_demandes)
    assert tasks.absences_appliquer() == {"remises": 0, "reprises": 0}
    # At its end, the unanswered ones come back by themselves.
    time_machine.move_to(absence.fin + timedelta(minutes=5))
    assert tasks.absences_appliquer() == {"remises": 0, "reprises": 3}
    assert all(recharger(d).expert == titulaire for d in trois_demandes)


def test_tache_dans_le_calendrier():
    from portail import settings as reglages

    taches = {e["task"] for e in reglages.CELERY_BEAT_SCHEDULE.values()}
    assert "demandes.tasks.absences_appliquer" in taches


# Notices go to the present holder ----------------------------------------------------------------


def _avis_et_courriels(utilisateur):
    return (
        set(Avis.objects.filter(destinataire=utilisateur).values_list("texte", flat=True)),
        set(
            Courriel.objects.filter(destinataire=utilisateur.email).values_list("sujet", flat=True)
        ),
    )


@pytest.mark.parametrize(
    ("evenement", "attendu"),
    [
        ("message", "Nouveau message du partenaire"),
        ("alerte", "75 % du délai"),
        ("escalade", "délai de réponse dépassé"),
        ("rouverte", "Demande rouverte"),
    ],
)
def test_avis_et_courriels_au_detenteur(
    evenement, attendu, demande_a, titulaire, suppleant, agent_a, superviseur
):
    absence_declaree(titulaire, suppleant=suppleant)
    demande = recharger(demande_a)
    Avis.objects.all().delete()
    Courriel.objects.all().delete()
    if evenement == "message":
        services.message_partenaire_envoyer(demande=demande, auteur=agent_a, corps="Du nouveau ?")
    elif evenement == "alerte":
        notifications.alerte_delai(demande)
    elif evenement == "escalade":
        notifications.escalade(demande)
    else:
        services.demande_resoudre(
            demande=demande, auteur=suppleant.utilisateur, issue="droits_ouverts", corps="Fait."
        )
        services.demande_rouvrir(demande=demande, auteur=agent_a, corps="Pas réglé.")
    avis, courriels = _avis_et_courriels(suppleant.utilisateur)
    assert any(attendu.lower() in t.lower() for t in avis)
    assert any(attendu.lower() in s.lower() for s in courriels)
    assert _avis_et_courriels(titulaire.utilisateur) == (set(), set())
    if evenement == "escalade":
        assert any(attendu in t for t in _avis_et_courriels(superviseur)[0])


def test_balayage_75_pourcent_au_detenteur(demande_a, titulaire, suppleant, time_machine):
    absence_declaree(titulaire, suppleant=suppleant)
    Avis.objects.all().delete()
    time_machine.move_to(recharger(demande_a).seuil_alerte + timedelta(minutes=1))
    assert services.alertes_delai_envoyer() == 1
    assert Avis.objects.get().destinataire == suppleant.utilisateur


def test_absence_pas_encore_remise_avis_aux_superviseurs(demande_a, titulaire, superviseur):
    # Away, and the sweep has not run yet: the superviseurs are told, not the absent expert.
    Absence.objects.create(
        expert=titulaire,
        debut=timezone.now() - timedelta(hours=1),
        fin=timezone.now() + timedelta(days=1),
    )
    Avis.objects.all().delete()
    notifications.alerte_delai(recharger(demande_a))
    assert list(Avis.objects.values_list("destinataire", flat=True)) == [superviseur.pk]


def test_nouvelle_demande_pendant_l_absence_au_suppleant_de_l_absence(
    agent_a, structure_a, regle_generale, titulaire, troisieme
):
    absence_declaree(titulaire, suppleant=troisieme)
    demande = creer_demande(agent_a, structure_a)
    assert demande.expert == troisieme
    assert Avis.objects.filter(demande=demande).get().destinataire == troisieme.utilisateur


# Return ------------------------------------------------------------------------------------------


def test_retour_rend_les_demandes_non_repondues(trois_demandes, titulaire, suppleant, agent_a):
    absence = absence_declaree(titulaire, suppleant=suppleant)
    repondue, en_information, muette = trois_demandes
    services.message_cpam_envoyer(
        demande=repondue, auteur=suppleant.utilisateur, corps="Je m'en occupe."
    )
    services.message_cpam_envoyer(
        demande=en_information,
        auteur=suppleant.utilisateur,
        corps="Note pour moi.",
        type=Message.Type.NOTE,
    )
    services.message_partenaire_envoyer(demande=muette, auteur=agent_a, corps="Alors ?")
    revenues = continuite.absence_reprendre(absence=absence, auteur=titulaire.utilisateur)
    assert revenues == 2  # an internal note is not an answer to the partner
    assert recharger(repondue).expert == suppleant
    for demande in (en_information, muette):
        demande = recharger(demande)
        assert demande.expert == titulaire and demande.remise_pour is None
        assert "Claire Titulaire reprend le suivi de votre demande." in annonces(demande)
        assert "retour de Claire Titulaire" in demande.routages.last().motif
    assert recharger(repondue).remise_pour is None
    absence.refresh_from_db()
    assert absence.reprise_le is not None and absence.fin <= timezone.now()
    # Once only.
    assert continuite.absence_reprendre(absence=absence, auteur=titulaire.utilisateur) == 0


def test_remise_apres_la_reprise_ne_deplace_rien(trois_demandes, titulaire, suppleant):
    # The sweep read the running absence, then the expert took back before it got there.
    absence = absence_declaree(titulaire, suppleant=suppleant)
    continuite.absence_reprendre(absence=absence, auteur=titulaire.utilisateur)
    absence.fin = timezone.now() + timedelta(days=2)  # as read before the return
    assert continuite.absence_remettre(absence=absence) == 0
    assert {recharger(d).expert for d in trois_demandes} == {titulaire}


def test_absences_enchainees_le_premier_expert_retrouve_ses_demandes(
    trois_demandes, titulaire, suppleant, troisieme
):
    # Claire is away (Paul covers); then Paul goes away too (Rémi covers Paul).
    absence_claire = absence_declaree(titulaire, suppleant=suppleant)
    absence_paul = absence_declaree(suppleant, suppleant=troisieme)
    for demande in trois_demandes:
        demande = recharger(demande)
        assert demande.expert == troisieme and demande.remise_pour == absence_claire
    # Paul comes back first: Claire's demandes are not his to take.
    assert continuite.absence_reprendre(absence=absence_paul, auteur=suppleant.utilisateur) == 0
    assert {recharger(d).expert for d in trois_demandes} == {troisieme}
    # Claire comes back: the unanswered ones are hers again.
    services.message_cpam_envoyer(
        demande=trois_demandes[0], auteur=troisieme.utilisateur, corps="Je m'en occupe."
    )
    assert continuite.absence_reprendre(absence=absence_claire, auteur=titulaire.utilisateur) == 2
    assert [recharger(d).expert for d in trois_demandes] == [troisieme, titulaire, titulaire]


def test_avis_aux_superviseurs_quand_le_compte_de_l_expert_est_desactive(
    demande_a, titulaire, superviseur
):
    titulaire.utilisateur.is_active = False
    titulaire.utilisateur.save()
    Avis.objects.all().delete()
    notifications.alerte_delai(recharger(demande_a))
    assert list(Avis.objects.values_list("destinataire", flat=True)) == [superviseur.pk]


def test_absence_qui_chevauche_une_autre_refusee(titulaire, suppleant):
    absence_declaree(titulaire, suppleant=suppleant, jours=5)
    with pytest.raises(ValidationError) as erreur:
        absence_declaree(titulaire, debut=timezone.now() + timedelta(days=2), jours=3)
    assert "couvre déjà une partie de cette période" in str(erreur.value)
    assert Absence.objects.count() == 1


def test_expert_parti_pendant_son_absence_le_balayage_ne_reessaie_pas(
    trois_demandes, titulaire, suppleant, time_machine
):
    absence = absence_declaree(titulaire, suppleant=suppleant, jours=1)
    titulaire.actif = False
    titulaire.save()
    time_machine.move_to(timezone.now() + timedelta(days=2))
    assert tasks.absences_appliquer() == {"remises": 0, "reprises": 0}
    absence.refresh_from_db()
    assert absence.reprise_le is not None
    assert not Demande.objects.filter(remise_pour__isnull=False).exists()
    assert {recharger(d).expert for d in trois_demandes} == {suppleant}


def test_reprise_d_une_absence_a_venir_refusee(trois_demandes, titulaire, suppleant):
    absence = absence_declaree(
        titulaire, suppleant=suppleant, debut=timezone.now() + timedelta(days=2)
    )
    with pytest.raises(ValidationError):
        continuite.absence_reprendre(absence=absence, auteur=titulaire.utilisateur)


# Any reassignment tells the partner ------------------------------------------------------------


def test_reattribution_manuelle_annoncee_au_partenaire(demande_a, titulaire, suppleant):
    services.demande_reattribuer(
        demande=demande_a, auteur=titulaire.utilisateur, motif="Spécialiste", expert=suppleant
    )
    demande = recharger(demande_a)
    assert "Votre demande est désormais suivie par Paul Suppléant." in annonces(demande)
    assert demande.nouveau_pour_partenaire


def test_changement_de_titulaire_avise_le_partenaire_sans_nommer_par_courriel(
    demande_a, agent_a, titulaire, suppleant
):
    Courriel.objects.all().delete()
    services.demande_reattribuer(
        demande=demande_a, auteur=titulaire.utilisateur, motif="Spécialiste", expert=suppleant
    )
    avis = Avis.objects.get(destinataire=agent_a, demande=demande_a)
    assert avis.texte == (
        f"{demande_a.reference} : Votre demande est désormais suivie par Paul Suppléant."
    )
    (courriel,) = Courriel.objects.filter(destinataire=agent_a.email)
    assert "change d'interlocuteur" in courriel.sujet
    assert f"/demandes/{demande_a.reference}/" in courriel.corps
    # The e-mail names no one: the partner reads who in the portal.
    assert "Suppléant" not in courriel.corps and "Titulaire" not in courriel.corps


def test_file_d_equipe_puis_premier_expert_sans_courriel_au_partenaire(
    demande_a, agent_a, titulaire, suppleant, superviseur
):
    """Back to the team's queue, then taken by an expert: said in the thread, no e-mail (only
    a change from one named expert to another is worth one)."""
    services.demande_reattribuer(
        demande=demande_a, auteur=superviseur, motif="File", equipe=titulaire.equipe
    )
    Courriel.objects.all().delete()
    services.demande_prendre(demande=recharger(demande_a), utilisateur=suppleant.utilisateur)
    assert not Courriel.objects.filter(destinataire=agent_a.email).exists()
    assert "Votre demande est désormais suivie par Paul Suppléant." in annonces(demande_a)


def test_remise_pour_absence_avise_le_partenaire(trois_demandes, agent_a, titulaire, suppleant):
    absence_declaree(titulaire, suppleant=suppleant)
    textes = set(Avis.objects.filter(destinataire=agent_a).values_list("texte", flat=True))
    for demande in trois_demandes:
        assert (
            f"{demande.reference} : Pendant l'absence de Claire Titulaire, votre demande est "
            "suivie par Paul Suppléant."
        ) in textes


# Partner page ------------------------------------------------------------------------------------


def test_page_partenaire_suivie_par_depuis_et_fil(client, demande_a, agent_a, titulaire, suppleant):
    absence_declaree(titulaire, suppleant=suppleant)
    connecter_verifie(client, agent_a)
    page = texte(client.get(f"/demandes/{demande_a.reference}/"))
    # The date of the hand-over, in Paris time.
    depuis = date_en_lettres(recharger(demande_a).attribuee_le)
    assert f"Paul Suppléant depuis le {depuis}" in page
    assert "Pendant l'absence de Claire Titulaire, votre demande est suivie par" in page


def test_page_partenaire_en_requetes_constantes(
    client, agent_a, structure_a, regle_generale, titulaire, suppleant, troisieme
):
    demande = creer_demande(agent_a, structure_a)
    connecter_verifie(client, agent_a)
    url = f"/demandes/{demande.reference}/"

    def compter():
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(url).status_code == 200
        return len(requetes)

    client.get(url)
    avant = compter()
    for expert in (suppleant, troisieme, titulaire, suppleant):
        services.demande_reattribuer(
            demande=demande, auteur=titulaire.utilisateur, motif="Tour", expert=expert
        )
    absence_declaree(suppleant)
    assert len(annonces(demande)) == 5
    assert compter() == avant


# Routing rule mode -----------------------------------------------------------------------------


def test_regle_equipe_le_moins_charge(agent_a, structure_a, titulaire, suppleant, troisieme):
    RegleRoutage.objects.create(
        titulaire=titulaire, suppleant=suppleant, mode=RegleRoutage.Mode.EQUIPE_MOINS_CHARGE
    )
    experts = [creer_demande(agent_a, structure_a).expert for _ in range(4)]
    assert experts == [titulaire, suppleant, troisieme, titulaire]
    absence_declaree(titulaire, jours=1)
    suivante = creer_demande(agent_a, structure_a)
    assert suivante.expert in (suppleant, troisieme)
    assert "équipe → expert le moins chargé" in suivante.routages.get().motif


def test_regle_expert_nomme_par_defaut(demande_a, titulaire, regle_generale):
    assert regle_generale.mode == RegleRoutage.Mode.EXPERT_NOMME
    assert demande_a.expert == titulaire


def test_formulaire_regle_mode(client, superviseur, titulaire, suppleant):
    connecter_verifie(client, superviseur)
    response = client.post(
        reverse("messagerie_regles:add"),
        {
            "categorie": categorie("css").pk,
            "departement": "41",
            "titulaire": titulaire.pk,
            "mode": "equipe_moins_charge",
            "active": "on",
        },
    )
    assert response.status_code == 302, texte(response)[-2000:]
    assert RegleRoutage.objects.get(departement="41").mode == "equipe_moins_charge"
    response = client.post(
        reverse("messagerie_regles:add"),
        {
            "categorie": categorie("ame").pk,
            "departement": "28",
            "titulaire": titulaire.pk,
            "mode": "n_importe_quoi",
            "active": "on",
        },  # fmt: skip
    )
    assert response.status_code == 200
    assert not RegleRoutage.objects.filter(departement="28").exists()


# Permissions and bad input -----------------------------------------------------------------------


def test_service_refuse_un_autre_expert(titulaire, suppleant, expert_autre_equipe, superviseur):
    for auteur in (suppleant.utilisateur, expert_autre_equipe.utilisateur):
        with pytest.raises(PermissionDenied):
            absence_declaree(titulaire, auteur=auteur)
    # The superviseur of the team may.
    assert absence_declaree(titulaire, auteur=superviseur).expert == titulaire


@pytest.mark.parametrize(
    ("cas", "message"),
    [
        ("fin_avant_debut", "La fin de l&#x27;absence doit être postérieure à son début."),
        ("lui_meme", "Le suppléant doit être un autre expert que l&#x27;expert absent."),
        ("autre_equipe", "Sélectionnez un choix valide."),
        ("inactif", "Sélectionnez un choix valide."),
        ("an_1", "Indiquez une date entre 2000 et 2100."),
        ("trop_longue", "Une absence dure au plus 366 jours"),
    ],
)
def test_declaration_refusee_en_francais_rien_ecrit(
    client, cas, message, demande_a, titulaire, suppleant, expert_autre_equipe
):
    connecter_verifie(client, titulaire.utilisateur)
    debut = timezone.localtime().replace(second=0, microsecond=0)
    donnees = {
        "expert": titulaire.pk,
        "debut": debut.strftime("%Y-%m-%dT%H:%M"),
        "fin": (debut + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "suppleant": suppleant.pk,
    }
    if cas == "fin_avant_debut":
        donnees["fin"] = (debut - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    elif cas == "lui_meme":
        donnees["suppleant"] = titulaire.pk
    elif cas == "autre_equipe":
        donnees["suppleant"] = expert_autre_equipe.pk
    elif cas == "an_1":
        donnees["debut"] = "0001-01-01T00:00"
    elif cas == "trop_longue":
        donnees["fin"] = (debut + timedelta(days=400)).strftime("%Y-%m-%dT%H:%M")
    else:
        suppleant.actif = False
        suppleant.save()
    response = client.post(reverse("demandes_admin:absence_declarer"), donnees)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Absence.objects.exists()
    assert recharger(demande_a).expert == titulaire


def test_service_refuse_suppleant_d_une_autre_equipe_ou_inactif(
    titulaire, suppleant, expert_autre_equipe
):
    with pytest.raises(ValidationError) as erreur:
        absence_declaree(titulaire, suppleant=expert_autre_equipe)
    assert "équipe" in str(erreur.value)
    suppleant.actif = False
    suppleant.save()
    with pytest.raises(ValidationError):
        absence_declaree(titulaire, suppleant=suppleant)
    assert not Absence.objects.exists()


def test_ecran_absences_par_role(client, titulaire, agent_a, expert_autre_equipe):
    url = reverse("demandes_admin:absences")
    assert client.get(url).status_code == 302  # to the login
    connecter_verifie(client, agent_a)
    assert client.get(url).status_code in (302, 403)
    editeur = UtilisateurFactory(roles=[roles.EDITEUR])
    autre = Client()
    connecter_verifie(autre, editeur)
    response = autre.get(url)
    assert response.status_code in (302, 403) and "Absences" not in texte(response)
    connecter_verifie(autre, titulaire.utilisateur)
    assert autre.get(url).status_code == 200


def test_reprise_par_un_autre_404(client, trois_demandes, titulaire, suppleant, superviseur):
    absence = absence_declaree(titulaire, suppleant=suppleant)
    url = reverse("demandes_admin:absence_reprendre", args=[absence.pk])
    connecter_verifie(client, suppleant.utilisateur)
    assert client.post(url).status_code == 404
    assert all(recharger(d).expert == suppleant for d in trois_demandes)
    autre = Client()
    connecter_verifie(autre, superviseur)
    assert autre.post(url).status_code == 302
    assert all(recharger(d).expert == titulaire for d in trois_demandes)


def test_declarer_et_reprendre_depuis_l_ecran(client, trois_demandes, titulaire, suppleant):
    connecter_verifie(client, titulaire.utilisateur)
    debut = timezone.localtime() - timedelta(minutes=5)
    response = client.post(
        reverse("demandes_admin:absence_declarer"),
        {
            "expert": titulaire.pk,
            "debut": debut.strftime("%Y-%m-%dT%H:%M"),
            "fin": (debut + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "suppleant": suppleant.pk,
        },
        follow=True,
    )
    page = texte(response)
    assert "3 demandes ouvertes sont confiées à leur remplaçant." in page
    assert "Reprendre mes demandes" in page
    absence = Absence.objects.get()
    response = client.post(
        reverse("demandes_admin:absence_reprendre", args=[absence.pk]), follow=True
    )
    assert "3 demandes sont revenues à Claire Titulaire." in texte(response)
    # Each demande moved is in the access journal, at the hand-over and at the return.
    references = sorted(d.reference for d in trois_demandes)
    for vue in ("demandes_admin:absence_declarer", "demandes_admin:absence_reprendre"):
        ecritures = EntreeJournal.objects.filter(vue=vue, action=EntreeJournal.Action.ECRITURE)
        assert sorted(ecritures.values_list("reference", flat=True)) == references


def test_superviseur_d_une_autre_equipe_ne_declare_pas(client, titulaire, demande_a):
    autre_superviseur = UtilisateurFactory(roles=[roles.SUPERVISEUR_CPAM])
    connecter_verifie(client, autre_superviseur)
    debut = timezone.localtime()
    response = client.post(
        reverse("demandes_admin:absence_declarer"),
        {
            "expert": titulaire.pk,
            "debut": debut.strftime("%Y-%m-%dT%H:%M"),
            "fin": (debut + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 200
    assert not Absence.objects.exists()


def test_ecran_wagtail_des_absences_passe_par_le_service(
    client, superviseur, trois_demandes, titulaire, suppleant, expert_autre_equipe
):
    connecter_verifie(client, superviseur)
    debut = timezone.localtime() - timedelta(minutes=5)
    donnees = {
        "expert": titulaire.pk,
        "debut": debut.strftime("%Y-%m-%d %H:%M"),
        "fin": (debut + timedelta(days=2)).strftime("%Y-%m-%d %H:%M"),
        "suppleant": expert_autre_equipe.pk,
    }
    response = client.post(reverse("messagerie_absences:add"), donnees)
    assert response.status_code == 200
    assert "Le suppléant doit faire partie de l'équipe de l'expert." in texte(response)
    assert not Absence.objects.exists()
    donnees["suppleant"] = suppleant.pk
    response = client.post(reverse("messagerie_absences:add"), donnees)
    assert response.status_code == 302, texte(response)[-3000:]
    assert all(recharger(d).expert == suppleant for d in trois_demandes)


def test_ecran_absences_en_requetes_constantes(
    client, agent_a, structure_a, regle_generale, titulaire, suppleant, troisieme, superviseur
):
    connecter_verifie(client, superviseur)
    url = reverse("demandes_admin:absences")

    def compter():
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(url).status_code == 200
        return len(requetes)

    creer_demande(agent_a, structure_a)
    absence_declaree(titulaire, suppleant=suppleant, auteur=superviseur)
    client.get(url)
    avec_une = compter()
    for expert in (suppleant, troisieme):
        creer_demande(agent_a, structure_a)
        absence_declaree(expert, auteur=superviseur)
    assert Absence.objects.count() == 3
    assert compter() == avec_une
