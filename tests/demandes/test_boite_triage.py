"""Issue 14, triage in the CPAM inbox: one service-level order for every tab and the search,
counts by each tab's own rule, the page's French title and breadcrumb, taking a queued demande,
and the superviseurs' bulk assignment (who may, what is checked, all or none)."""

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from demandes import selectors, services
from demandes.models import Avis, DecisionRoutage, Demande, FiltreEnregistre
from portail.dates import PARIS
from portail.models import Courriel, EntreeJournal
from tests.conftest import connecter_verifie, texte
from tests.demandes.conftest import NIR, creer_demande

pytestmark = pytest.mark.django_db

BOITE = "/admin/demandes/"
ATTRIBUER = "/admin/demandes/attribuer/"
# A Wednesday morning, office open, no public holiday around.
MAINTENANT = datetime(2026, 3, 11, 10, 0, tzinfo=PARIS)


def ordre(response) -> list[str]:
    """The references in the order the rows show them."""
    vues = re.findall(r'href="/admin/demandes/(D-\d{4}-\d{6})/"', response.content.decode())
    return list(dict.fromkeys(vues))


@pytest.fixture
def horloge_fixe():
    with time_machine.travel(MAINTENANT, tick=False):
        yield


@pytest.fixture
def situations(horloge_fixe, agent_a, structure_a, regle_generale, titulaire):
    """One demande in each place of the order, all the titulaire's, created in an order that
    the expected one is not (the old deadline order listed the paused ones first)."""

    def demande(nom, urgence="normale", **champs):
        d = creer_demande(agent_a, structure_a, objet=nom, urgence=urgence)
        Demande.objects.filter(pk=d.pk).update(**champs)
        return d.reference

    h = timedelta(hours=1)
    j = timedelta(days=1)
    refs = {}
    refs["pause_recente"] = demande(
        "Pause récente",
        statut="en_attente",
        en_attente_depuis=MAINTENANT - h,
        echeance=MAINTENANT - 20 * j,
    )
    refs["close"] = demande("Résolue", statut="resolue", echeance=MAINTENANT - 30 * j)
    refs["normale_plus_tard"] = demande("Normale demain", echeance=MAINTENANT + j)
    # Same deadline as the urgent one: the urgent one comes first.
    refs["normale_meme_echeance"] = demande("Normale même échéance", echeance=MAINTENANT + 3 * h)
    refs["repondue"] = demande(
        "Déjà répondue",
        statut="en_cours",
        repondue_le=MAINTENANT - 2 * j,
        echeance=MAINTENANT - 2 * j,
    )
    refs["urgente"] = demande("Urgente", urgence="urgente", echeance=MAINTENANT + 3 * h)
    refs["pause_ancienne"] = demande(
        "Pause ancienne",
        statut="en_attente",
        en_attente_depuis=MAINTENANT - 3 * j,
        echeance=MAINTENANT - 10 * j,
    )
    refs["retard_1j"] = demande("Un jour de retard", echeance=MAINTENANT - j)
    refs["retard_7j"] = demande("Sept jours de retard", echeance=MAINTENANT - 9 * j)
    return refs


ATTENDU = [
    "retard_7j",
    "retard_1j",
    "urgente",
    "normale_meme_echeance",
    "normale_plus_tard",
    "repondue",
    "pause_ancienne",
    "pause_recente",
    "close",
]


@pytest.mark.parametrize("onglet", ["miennes", "equipe"])
def test_ordre_du_niveau_de_service_dans_les_onglets(client, titulaire, situations, onglet):
    connecter_verifie(client, titulaire.utilisateur)
    response = client.get(f"{BOITE}?onglet={onglet}&statut=toutes")
    assert ordre(response) == [situations[n] for n in ATTENDU]
    # Open demandes only by default: the same order without the closed one.
    assert ordre(client.get(f"{BOITE}?onglet={onglet}")) == [situations[n] for n in ATTENDU[:-1]]


def test_ordre_identique_pour_le_superviseur_la_recherche_et_l_onglet_en_retard(
    client, superviseur, titulaire, situations
):
    connecter_verifie(client, superviseur)
    attendu = [situations[n] for n in ATTENDU]
    assert ordre(client.get(f"{BOITE}?onglet=equipe&statut=toutes")) == attendu
    # The search (every demande of this insured person) lists its results in the same order.
    assert ordre(client.post(BOITE, {"q": NIR})) == attendu
    assert ordre(client.get(f"{BOITE}?onglet=en_retard")) == attendu[:2]
    # The selector itself, for any other list that needs the inbox order.
    demandes = selectors.boite_cpam(titulaire.utilisateur, "miennes", {"statut": "toutes"})
    assert [d.reference for d in demandes] == attendu


def test_chaque_ligne_dit_ou_elle_en_est(client, titulaire, situations):
    connecter_verifie(client, titulaire.utilisateur)
    contenu = texte(client.get(f"{BOITE}?onglet=miennes&statut=toutes"))
    assert "En retard de" in contenu
    assert "Reste " in contenu
    assert "En attente du partenaire depuis le" in contenu
    assert "Délai en pause" in contenu
    assert "Répondue en" in contenu
    # The caption tells the order the list really follows.
    assert "d'abord les demandes en retard" in contenu
    assert "urgente avant normale à échéance égale" in contenu
    assert "en attente du partenaire (délai en pause" in contenu


def test_compteurs_suivent_la_regle_de_chaque_onglet(
    client, titulaire, superviseur, suppleant, situations
):
    # One of them given to a colleague, one to the team's queue.
    services.demande_reattribuer(
        demande=Demande.objects.get(reference=situations["urgente"]),
        auteur=superviseur,
        motif="Charge",
        expert=suppleant,
    )
    services.demande_reattribuer(
        demande=Demande.objects.get(reference=situations["retard_1j"]),
        auteur=superviseur,
        motif="File",
        equipe=titulaire.equipe,
    )
    for personne in (titulaire.utilisateur, suppleant.utilisateur, superviseur):
        compteurs = selectors.compteurs_cpam(personne)
        for onglet in selectors.ONGLETS:
            assert compteurs[onglet] == selectors.boite_cpam(personne, onglet).count(), onglet
    compteurs = selectors.compteurs_cpam(titulaire.utilisateur)
    assert compteurs == {
        "miennes": 6,
        "equipe": 8,
        "non_attribuees": 1,
        "en_retard": 2,
        "nouveautes": 6,
    }
    connecter_verifie(client, titulaire.utilisateur)
    contenu = texte(client.get(BOITE))
    for libelle, nombre in (("Mes demandes", 6), ("Mon équipe", 8), ("Non attribuées", 1)):
        assert re.search(rf">{libelle} <span[^>]*>{nombre}</span>", contenu), libelle


def test_titre_et_fil_d_ariane_en_francais(client, titulaire, demande_a):
    connecter_verifie(client, titulaire.utilisateur)
    contenu = texte(client.get(f"{BOITE}?onglet=equipe"))
    titre = re.search(r"<title>(.*?)</title>", contenu, re.S).group(1)
    assert titre.startswith("Demandes – Mon équipe")
    assert "Accueil" not in titre
    fil = re.search(r'aria-label="Fil d\'Ariane">(.*?)</nav>', contenu, re.S).group(1)
    assert re.findall(r">\s*([^<>]*?)\s*<", fil) and "Espace CPAM" in fil and "Demandes" in fil
    assert "Accueil" not in fil
    ecran = texte(client.get(reverse("demandes_admin:demande", args=[demande_a.reference])))
    fil = re.search(r'aria-label="Fil d\'Ariane">(.*?)</nav>', ecran, re.S).group(1)
    assert "Espace CPAM" in fil and "Accueil" not in fil


def test_actions_de_ligne_au_clavier(client, titulaire, superviseur, demande_a, suppleant):
    services.demande_reattribuer(
        demande=demande_a, auteur=superviseur, motif="File", equipe=titulaire.equipe
    )
    connecter_verifie(client, titulaire.utilisateur)
    contenu = texte(client.get(f"{BOITE}?onglet=non_attribuees"))
    ref = demande_a.reference
    assert f'aria-label="Ouvrir la demande {ref}"' in contenu
    assert f'aria-label="M\'attribuer la demande {ref}"' in contenu
    # Experts never get the superviseurs' checkboxes.
    assert 'name="demandes"' not in contenu


# Taking a queued demande -------------------------------------------------------------------------


def test_m_attribuer_une_demande_de_la_file(client, titulaire, superviseur, demande_a):
    services.demande_reattribuer(
        demande=demande_a, auteur=superviseur, motif="File", equipe=titulaire.equipe
    )
    connecter_verifie(client, titulaire.utilisateur)
    adresse = reverse("demandes_admin:prendre", args=[demande_a.reference])
    assert client.get(adresse).status_code == 405
    avis, courriels = Avis.objects.count(), Courriel.objects.count()
    response = client.post(f"{adresse}?onglet=non_attribuees", follow=True)
    assert response.redirect_chain[-1][0] == f"{BOITE}?onglet=non_attribuees"
    assert f"La demande {demande_a.reference} vous est attribuée." in texte(response)
    # The expert who took it is not told what they just did; the partner reads it in the
    # thread (a first holder, not a change of expert: no e-mail).
    assert (Avis.objects.count(), Courriel.objects.count()) == (avis, courriels)
    assert "suivie par Claire Titulaire" in demande_a.messages.last().corps
    demande_a.refresh_from_db()
    assert demande_a.expert == titulaire
    assert demande_a.routages.last().auteur == titulaire.utilisateur
    # Taken already: said, nothing changes.
    response = client.post(adresse, follow=True)
    assert "déjà attribuée à Claire Titulaire" in texte(response)
    assert demande_a.routages.count() == 3


def test_m_attribuer_refuse_hors_de_son_equipe(
    client, titulaire, expert_autre_equipe, superviseur, demande_a
):
    services.demande_reattribuer(
        demande=demande_a, auteur=superviseur, motif="File", equipe=titulaire.equipe
    )
    connecter_verifie(client, expert_autre_equipe.utilisateur)
    adresse = reverse("demandes_admin:prendre", args=[demande_a.reference])
    assert client.post(adresse).status_code == 404  # not visible to another team
    client.logout()
    connecter_verifie(client, superviseur)  # sees it, but is not an expert of the team
    assert "Seule une demande de la file de votre équipe" in texte(
        client.post(adresse, follow=True)
    )
    demande_a.refresh_from_db()
    assert demande_a.expert is None


# Bulk assignment ---------------------------------------------------------------------------------


@pytest.fixture
def trois(agent_a, structure_a, regle_generale):
    return [creer_demande(agent_a, structure_a, objet=f"Demande {n}") for n in range(3)]


def _attribuer(client, demandes, cible, motif="Répartition de la charge", requete="?onglet=equipe"):
    return client.post(
        ATTRIBUER + requete,
        {"demandes": [d.reference for d in demandes], "cible": cible, "motif": motif},
        follow=True,
    )


def test_superviseur_attribue_plusieurs_demandes(client, superviseur, suppleant, trois):
    connecter_verifie(client, superviseur)
    page = texte(client.get(f"{BOITE}?onglet=equipe"))
    assert page.count('name="demandes"') == 3
    assert 'id="attribution-groupee"' in page
    response = _attribuer(client, trois[:2], f"expert:{suppleant.pk}")
    assert response.redirect_chain[-1][0] == f"{BOITE}?onglet=equipe"
    assert "2 demandes réattribuées à Paul Suppléant." in texte(response)
    for demande in trois[:2]:
        demande.refresh_from_db()
        assert demande.expert == suppleant
        decision = demande.routages.last()
        # Recorded exactly as a single reassignment is.
        assert decision.auteur == superviseur
        assert decision.motif.endswith(": Répartition de la charge")
    trois[2].refresh_from_db()
    assert trois[2].expert != suppleant
    # One notice and one e-mail per demande, as one by one.
    assert Avis.objects.filter(destinataire=suppleant.utilisateur).count() == 2
    assert Courriel.objects.filter(destinataire=suppleant.utilisateur.email).count() == 2
    # The access journal names each demande written, not a "search" without reference.
    ecritures = EntreeJournal.objects.filter(vue="demandes_admin:attribuer")
    assert sorted(ecritures.values_list("action", "reference", "utilisateur")) == sorted(
        (EntreeJournal.Action.ECRITURE, d.reference, superviseur.pk) for d in trois[:2]
    )


def test_attribution_groupee_vers_la_file_d_une_equipe(client, superviseur, autre_equipe, trois):
    connecter_verifie(client, superviseur)
    response = _attribuer(client, trois[:1], f"equipe:{autre_equipe.pk}")
    assert "1 demande réattribuée à la file Pôle invalidité." in texte(response)
    trois[0].refresh_from_db()
    assert trois[0].equipe == autre_equipe and trois[0].expert is None


def test_expert_ne_peut_pas_attribuer_en_masse(client, titulaire, suppleant, trois):
    connecter_verifie(client, titulaire.utilisateur)
    response = client.post(
        ATTRIBUER,
        {"demandes": [trois[0].reference], "cible": f"expert:{suppleant.pk}", "motif": "Moi"},
    )
    assert response.status_code == 404
    trois[0].refresh_from_db()
    assert trois[0].expert == titulaire


def test_attribution_groupee_en_post_seulement(client, superviseur):
    connecter_verifie(client, superviseur)
    assert client.get(ATTRIBUER).status_code == 405


@pytest.mark.parametrize(
    ("donnees", "erreur"),
    [
        ({"motif": ""}, "Indiquez le motif de la réattribution."),
        ({"cible": ""}, "Choisissez un expert ou une file d'équipe."),
        ({"cible": "expert:999999"}, "Choisissez un expert ou une file d'équipe."),
        ({"demandes": []}, "Cochez au moins une demande."),
        ({"demandes": "D-2026-999999"}, "n'existe pas ou ne vous est pas visible"),
    ],
)
def test_attribution_groupee_refusee_sans_rien_ecrire(
    client, superviseur, suppleant, trois, donnees, erreur
):
    connecter_verifie(client, superviseur)
    valeurs = {
        "demandes": [d.reference for d in trois[:2]],
        "cible": f"expert:{suppleant.pk}",
        "motif": "Répartition",
    }
    if donnees.get("demandes") == "D-2026-999999":
        valeurs["demandes"] = [*valeurs["demandes"], "D-2026-999999"]
    else:
        valeurs.update(donnees)
    avant = DecisionRoutage.objects.count()
    response = client.post(ATTRIBUER + "?onglet=equipe", valeurs)
    assert response.status_code == 200
    assert erreur in texte(response)
    assert DecisionRoutage.objects.count() == avant
    # Nothing lost: the ticked boxes and the typed reason come back.
    if valeurs["demandes"]:
        case = f'id="choix-{trois[0].reference}" form="attribution-groupee" checked'
        assert case in texte(response)


def test_expert_inactif_refuse(client, superviseur, suppleant, trois):
    suppleant.actif = False
    suppleant.save()
    connecter_verifie(client, superviseur)
    response = _attribuer(client, trois[:2], f"expert:{suppleant.pk}")
    assert "Choisissez un expert ou une file d'équipe." in texte(response)
    assert not Demande.objects.filter(expert=suppleant).exists()


def test_attribution_groupee_tout_ou_rien(client, superviseur, suppleant, titulaire, trois):
    """The second demande is closed meanwhile: the first one is not reassigned either, and no
    notice leaves."""
    Demande.objects.filter(pk=trois[1].pk).update(statut=Demande.Statut.CLOTUREE)
    connecter_verifie(client, superviseur)
    avant = DecisionRoutage.objects.count(), Courriel.objects.count()
    response = _attribuer(client, trois[:2], f"expert:{suppleant.pk}")
    assert f"{trois[1].reference} : Une demande clôturée ne se réattribue pas." in texte(response)
    assert (DecisionRoutage.objects.count(), Courriel.objects.count()) == avant
    trois[0].refresh_from_db()
    assert trois[0].expert == titulaire
    assert not Avis.objects.filter(destinataire=suppleant.utilisateur).exists()


# Saved filters -----------------------------------------------------------------------------------

FILTRES = "/admin/demandes/filtres/"


def test_enregistrer_puis_appliquer_un_filtre(
    client, titulaire, agent_a, structure_a, regle_generale
):
    urgente = creer_demande(agent_a, structure_a, urgence="urgente", objet="Urgente")
    creer_demande(agent_a, structure_a, objet="Normale")
    connecter_verifie(client, titulaire.utilisateur)
    requete = "?onglet=equipe&urgence=urgente&statut=toutes"
    response = client.post(FILTRES + requete, {"nom": "  Urgentes   de l'équipe "}, follow=True)
    assert response.redirect_chain[-1][0] == BOITE + requete
    assert "Le filtre « Urgentes de l'équipe » est enregistré." in texte(response)
    filtre = FiltreEnregistre.objects.get(utilisateur=titulaire.utilisateur)
    assert filtre.parametres == {"onglet": "equipe", "urgence": "urgente", "statut": "toutes"}
    # One click from any tab gives the same list again.
    contenu = texte(client.get(f"{BOITE}?onglet=miennes"))
    lien = re.search(r'<a href="\?([^"]*)">Urgentes de l\'équipe</a>', contenu).group(1)
    assert ordre(client.get(f"{BOITE}?{lien}")) == [urgente.reference]


def test_un_filtre_ne_garde_jamais_une_recherche(client, titulaire, demande_a):
    connecter_verifie(client, titulaire.utilisateur)
    client.post(f"{FILTRES}?onglet=miennes&q={NIR}&inconnu=1", {"nom": "Tout"})
    filtre = FiltreEnregistre.objects.get()
    assert filtre.parametres == {"onglet": "miennes"}


@pytest.mark.parametrize(
    ("nom", "erreur"),
    [
        ("", "Donnez un nom à ce filtre."),
        ("   ", "Donnez un nom à ce filtre."),
        ("x" * 61, "Le nom tient en 60 caractères au plus."),
        ("urgentes", "Vous avez déjà un filtre nommé « urgentes » : choisissez un autre nom."),
    ],
)
def test_filtre_refuse_avec_son_nom_tel_que_saisi(client, titulaire, nom, erreur):
    FiltreEnregistre.objects.create(utilisateur=titulaire.utilisateur, nom="Urgentes")
    connecter_verifie(client, titulaire.utilisateur)
    response = client.post(FILTRES + "?onglet=equipe", {"nom": nom})
    assert response.status_code == 200
    contenu = texte(response)
    assert erreur in contenu
    assert f'value="{nom}"' in contenu or not nom.strip()
    assert FiltreEnregistre.objects.count() == 1


def test_nombre_de_filtres_borne(client, titulaire, settings):
    settings.DEMANDES_FILTRES_ENREGISTRES_MAX = 2
    connecter_verifie(client, titulaire.utilisateur)
    client.post(FILTRES, {"nom": "Un"})
    client.post(FILTRES, {"nom": "Deux"})
    response = client.post(FILTRES, {"nom": "Trois"})
    assert "Vous avez déjà 2 filtres enregistrés" in texte(response)
    assert FiltreEnregistre.objects.count() == 2


def test_filtres_de_chacun(client, titulaire, suppleant):
    autre = FiltreEnregistre.objects.create(
        utilisateur=suppleant.utilisateur, nom="Filtre de Paul", parametres={"onglet": "equipe"}
    )
    connecter_verifie(client, titulaire.utilisateur)
    assert "Filtre de Paul" not in texte(client.get(BOITE))
    supprimer = f"{FILTRES}{autre.pk}/supprimer/"
    assert client.post(supprimer).status_code == 404
    assert client.get(supprimer).status_code == 405
    assert FiltreEnregistre.objects.filter(pk=autre.pk).exists()
    client.logout()
    connecter_verifie(client, suppleant.utilisateur)
    contenu = texte(client.get(BOITE))
    assert 'aria-label="Supprimer le filtre « Filtre de Paul »"' in contenu
    response = client.post(supprimer + "?onglet=equipe", follow=True)
    assert response.redirect_chain[-1][0] == f"{BOITE}?onglet=equipe"
    assert "Le filtre « Filtre de Paul » est supprimé." in texte(response)
    assert not FiltreEnregistre.objects.exists()


def test_filtres_reserves_au_personnel_de_la_messagerie(client, agent_a, titulaire):
    filtre = FiltreEnregistre.objects.create(utilisateur=titulaire.utilisateur, nom="A")
    connecter_verifie(client, agent_a)
    response = client.post(FILTRES, {"nom": "B"})
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")
    assert client.post(f"{FILTRES}{filtre.pk}/supprimer/").status_code == 302
    assert FiltreEnregistre.objects.count() == 1


# Query counts ------------------------------------------------------------------------------------


def _varier(demandes, agent, titulaire):
    """Every place of the order, and partner messages for the marker."""
    for n, demande in enumerate(demandes):
        if n % 3 == 0:
            services.message_cpam_envoyer(
                demande=demande, auteur=titulaire.utilisateur, corps="Pièce ?", type="information"
            )
        elif n % 3 == 1:
            services.demande_ouvrir(demande=demande, utilisateur=titulaire.utilisateur)
            services.message_partenaire_envoyer(demande=demande, auteur=agent, corps="Voici.")


@pytest.mark.parametrize("qui", ["titulaire", "superviseur"])
def test_requetes_constantes_de_5_a_30_demandes(
    client, request, qui, agent_a, structure_a, titulaire, superviseur, regle_generale
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    acteur = request.getfixturevalue(qui)
    utilisateur = getattr(acteur, "utilisateur", acteur)
    FiltreEnregistre.objects.create(utilisateur=utilisateur, nom="Urgentes", parametres={})
    connecter_verifie(client, utilisateur)
    adresse = f"{BOITE}?onglet=equipe&statut=toutes"

    def requetes():
        with CaptureQueriesContext(connection) as capture:
            assert client.get(adresse).status_code == 200
        return len(capture)

    def creer(nombre):
        nouvelles = [creer_demande(agent_a, structure_a, objet=f"D{n}") for n in range(nombre)]
        _varier(nouvelles, agent_a, titulaire)

    creer(5)
    requetes()  # warm the caches
    avec_5 = requetes()
    creer(25)
    assert Demande.objects.count() == 30
    assert requetes() == avec_5
    assert len(ordre(client.get(adresse))) == 25  # one page
