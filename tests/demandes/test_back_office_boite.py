"""The CPAM inbox in the back-office: tabs and their counts, filters, search by reference or
NIR sent by POST (never in a URL), deadline order, pagination, constant query count."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.menu import admin_menu

from demandes import services
from demandes.models import Demande
from portail import roles
from tests.conftest import connecter_verifie, texte
from tests.demandes.conftest import NIR, creer_demande, nir_valide
from tests.factories import PartenaireFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db

BOITE = "/admin/demandes/"


def references(response) -> set[str]:
    return set(re.findall(r'href="/admin/demandes/(D-\d{4}-\d{6})/"', response.content.decode()))


@pytest.fixture
def client_titulaire(client, titulaire):
    return connecter_verifie(client, titulaire.utilisateur)


@pytest.fixture
def demandes(agent_a, structure_a, titulaire, suppleant, regle_generale, autre_equipe, superviseur):
    """One demande for each situation: mine, a colleague's, unassigned, another team's."""
    mienne = creer_demande(agent_a, structure_a, objet="Pour le titulaire")
    collegue = creer_demande(agent_a, structure_a, objet="Pour le suppléant")
    services.demande_reattribuer(
        demande=collegue, auteur=superviseur, motif="Charge", expert=suppleant
    )
    non_attribuee = creer_demande(agent_a, structure_a, objet="Sans expert")
    services.demande_reattribuer(
        demande=non_attribuee, auteur=superviseur, motif="File", equipe=titulaire.equipe
    )
    ailleurs = creer_demande(agent_a, structure_a, objet="Autre équipe")
    services.demande_reattribuer(
        demande=ailleurs, auteur=superviseur, motif="Invalidité", equipe=autre_equipe
    )
    return {
        "mienne": mienne,
        "collegue": collegue,
        "non_attribuee": non_attribuee,
        "ailleurs": ailleurs,
    }


def test_onglets_de_l_expert(client_titulaire, demandes):
    refs = {nom: d.reference for nom, d in demandes.items()}
    assert references(client_titulaire.get(BOITE)) == {refs["mienne"]}  # "Mes demandes" first
    assert references(client_titulaire.get(f"{BOITE}?onglet=miennes")) == {refs["mienne"]}
    assert references(client_titulaire.get(f"{BOITE}?onglet=equipe")) == {
        refs["mienne"],
        refs["collegue"],
        refs["non_attribuee"],
    }
    assert references(client_titulaire.get(f"{BOITE}?onglet=non_attribuees")) == {
        refs["non_attribuee"]
    }
    assert references(client_titulaire.get(f"{BOITE}?onglet=en_retard")) == set()


def test_onglet_en_retard_quand_l_echeance_est_passee(client, demandes, titulaire):
    plus_tard = max(d.echeance for d in demandes.values()) + timedelta(days=1)
    with time_machine.travel(plus_tard):
        connecter_verifie(client, titulaire.utilisateur)
        response = client.get(f"{BOITE}?onglet=en_retard")
    # The other team's demande stays out of this expert's sight, even overdue.
    attendues = {demandes[n].reference for n in ("mienne", "collegue", "non_attribuee")}
    assert references(response) == attendues
    assert "En retard de" in texte(response)


def test_compteurs_des_onglets(client_titulaire, demandes):
    contenu = texte(client_titulaire.get(BOITE))
    for libelle, nombre in (
        ("Mes demandes", 1),
        ("Mon équipe", 3),
        ("Non attribuées", 1),
        ("En retard", 0),
    ):
        assert re.search(rf">{libelle} <span[^>]*>{nombre}</span>", contenu), libelle


def test_superviseur_voit_toutes_les_equipes(client, superviseur, demandes):
    connecter_verifie(client, superviseur)
    # Not an expert: the inbox opens on the teams he supervises.
    assert len(references(client.get(BOITE))) == 3
    assert references(client.get(f"{BOITE}?onglet=non_attribuees")) == {
        demandes["non_attribuee"].reference,
        demandes["ailleurs"].reference,
    }


def test_marque_nouveau_message_du_partenaire(client_titulaire, demandes, agent_a):
    mienne = demandes["mienne"]
    contenu = texte(client_titulaire.get(BOITE))
    # Never opened: said as such, not as a partner's message.
    assert "Pas encore ouverte" in contenu
    assert "Nouveau message du partenaire" not in contenu
    assert "Normale" in contenu and "Nouvelle" in contenu
    client_titulaire.get(reverse("demandes_admin:demande", args=[mienne.reference]))
    contenu = texte(client_titulaire.get(BOITE))
    assert "Pas encore ouverte" not in contenu
    assert "Nouveau message du partenaire" not in contenu
    assert "En cours" in contenu
    # The partner writes after the expert read it: the row says so, in words.
    services.message_partenaire_envoyer(demande=mienne, auteur=agent_a, corps="Voici la pièce.")
    contenu = texte(client_titulaire.get(BOITE))
    assert "Nouveau message du partenaire" in contenu
    client_titulaire.get(reverse("demandes_admin:demande", args=[mienne.reference]))
    assert "Nouveau message du partenaire" not in texte(client_titulaire.get(BOITE))


def test_filtres(client_titulaire, agent_a, structure_a, regle_generale):
    urgente = creer_demande(agent_a, structure_a, urgence="urgente", objet="Urgente")
    normale = creer_demande(agent_a, structure_a, slug="ame", objet="AME")
    assert references(client_titulaire.get(f"{BOITE}?onglet=miennes&urgence=urgente")) == {
        urgente.reference
    }
    assert references(client_titulaire.get(f"{BOITE}?onglet=miennes&categorie=ame")) == {
        normale.reference
    }
    assert references(
        client_titulaire.get(f"{BOITE}?onglet=miennes&structure={structure_a.pk}")
    ) == {urgente.reference, normale.reference}
    assert references(
        client_titulaire.get(f"{BOITE}?onglet=miennes&departement={structure_a.departement}")
    ) == {urgente.reference, normale.reference}
    assert references(client_titulaire.get(f"{BOITE}?onglet=miennes&en_retard=on")) == set()
    # A stale or tampered value is ignored, not an error page.
    response = client_titulaire.get(f"{BOITE}?onglet=miennes&structure=abc&statut=zzz")
    assert response.status_code == 200
    assert len(references(response)) == 2


def test_filtre_statut(client_titulaire, demande_a, titulaire):
    services.demande_resoudre(
        demande=demande_a, auteur=titulaire.utilisateur, issue="sans_suite", corps="Fin."
    )
    assert references(client_titulaire.get(BOITE)) == set()  # open demandes by default
    assert references(client_titulaire.get(f"{BOITE}?statut=resolue")) == {demande_a.reference}
    assert references(client_titulaire.get(f"{BOITE}?statut=toutes")) == {demande_a.reference}


def test_tri_par_echeance(client_titulaire, agent_a, structure_a, regle_generale):
    normale = creer_demande(agent_a, structure_a, objet="Normale")
    urgente = creer_demande(agent_a, structure_a, urgence="urgente", objet="Urgente")
    contenu = client_titulaire.get(BOITE).content.decode()
    assert contenu.index(urgente.reference) < contenu.index(normale.reference)


# Search ------------------------------------------------------------------------------------------


def test_recherche_par_reference_en_post(client_titulaire, demandes):
    ref = demandes["collegue"].reference
    response = client_titulaire.post(f"{BOITE}?onglet=miennes", {"q": ref.lower()})
    assert references(response) == {ref}
    assert "1 demande trouvée" in texte(response)


def test_recherche_par_nir_jamais_dans_une_url(
    client_titulaire, agent_a, structure_a, regle_generale
):
    autre_nir = nir_valide("2920375123456")
    cherchee = creer_demande(agent_a, structure_a, nir=autre_nir)
    creer_demande(agent_a, structure_a, nir=NIR)
    saisie = f"{autre_nir[:1]} {autre_nir[1:3]}.{autre_nir[3:5]}-{autre_nir[5:]}"  # as typed
    response = client_titulaire.post(f"{BOITE}?onglet=equipe&urgence=normale", {"q": saisie})
    assert references(response) == {cherchee.reference}
    contenu = response.content.decode()
    # The form that carries it is posted; no link, action or address on the page holds it.
    adresses = re.findall(r'(?:href|action|src|formaction)="([^"]*)"', contenu)
    assert adresses
    for adresse in adresses:
        assert autre_nir not in adresse.replace(" ", "").replace("+", "")
        assert autre_nir[:7] not in adresse
    assert 'method="post" class="demandes-recherche"' in contenu


def test_recherche_en_get_ignoree(client_titulaire, demandes):
    """A NIR in the query string is not a search: nobody should be tempted to bookmark one."""
    response = client_titulaire.get(f"{BOITE}?onglet=miennes&q={NIR}")
    assert references(response) == {demandes["mienne"].reference}


def test_recherche_ne_trouve_pas_les_demandes_invisibles(client_titulaire, demandes):
    response = client_titulaire.post(BOITE, {"q": demandes["ailleurs"].reference})
    assert references(response) == set()
    assert "Aucune demande que vous pouvez consulter" in texte(response)


# Access and menu ---------------------------------------------------------------------------------


def test_acces_boite(client, agent_a, expert):
    response = client.get(BOITE)
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")
    connecter_verifie(client, agent_a)
    response = client.get(BOITE)
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")
    client.logout()
    connecter_verifie(client, UtilisateurFactory(roles=[roles.EDITEUR]))
    # Staff without the role: Wagtail's refusal (back to the admin home, "no permission").
    response = client.get(BOITE)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    client.logout()
    # An Expert CPAM account not yet in a team: an empty inbox that says why.
    connecter_verifie(client, expert)
    response = client.get(BOITE)
    assert response.status_code == 200
    assert "rattaché à aucune équipe" in texte(response)


def _menu(utilisateur):
    requete = RequestFactory().get("/admin/")
    requete.user = utilisateur
    return {
        item.name: item.render_component(requete).label
        for item in admin_menu.menu_items_for_request(requete)
    }


def test_menu_demandes_avec_nouveautes(titulaire, superviseur, demande_a):
    assert _menu(titulaire.utilisateur)["demandes"] == "Demandes (1 nouvelle)"
    assert _menu(superviseur)["demandes"] == "Demandes"
    assert "demandes" not in _menu(UtilisateurFactory(roles=[roles.EDITEUR]))
    assert "demandes" not in _menu(UtilisateurFactory(roles=[roles.FORMATEUR]))


# The sidebar kept per person (portail.menu_admin) ------------------------------------------------


def _menu_affiche(client) -> dict:
    """The sidebar's main menu as the page gives it to Wagtail's script: {name: label}."""
    import json

    contenu = client.get(BOITE).content.decode()
    donnees = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', contenu, re.S
    ).group(1)
    libelles = {}

    def parcourir(noeud):
        if isinstance(noeud, dict):
            args = noeud.get("_args")
            if noeud.get("_type", "").endswith("MenuItem") and args:
                nom, libelle = args[0]["name"], args[0]["label"]
                # telepath writes a repeated string once, then refers to it
                nom = nom.get("_val", "") if isinstance(nom, dict) else nom
                libelles[nom] = libelle.get("_val", "") if isinstance(libelle, dict) else libelle
            for valeur in noeud.values():
                parcourir(valeur)
        elif isinstance(noeud, list):
            for valeur in noeud:
                parcourir(valeur)

    parcourir(json.loads(donnees))
    return libelles


def test_menu_garde_recalcule_apres_un_changement_de_droits(client, titulaire):
    """Kept per person, the menu follows a role change at the next page, in every process
    (the version is read from the database), and keeps its live count of new demandes."""
    from django.contrib.auth.models import Group
    from django.core.cache import cache

    from portail.models import VersionMenuAdmin

    utilisateur = titulaire.utilisateur
    connecter_verifie(client, utilisateur)
    assert "Sécurité des comptes" not in str(_menu_affiche(client))
    cache.clear()
    premiere = _requetes(client, BOITE)
    gardee = _requetes(client, BOITE)
    assert gardee < premiere  # the second page reads the kept menu
    # A group given a permission that adds a menu item: seen at the next page.
    groupe = Group.objects.get(name=roles.EXPERT_CPAM)
    version = VersionMenuAdmin.objects.get(pk=1).valeur if VersionMenuAdmin.objects.exists() else 0
    from django.contrib.auth.models import Permission

    groupe.permissions.add(Permission.objects.get(codename="reinitialiser_double_authentification"))
    assert VersionMenuAdmin.objects.get(pk=1).valeur > version
    assert "Sécurité des comptes" in str(_menu_affiche(client))
    groupe.permissions.remove(
        Permission.objects.get(codename="reinitialiser_double_authentification")
    )
    assert "Sécurité des comptes" not in str(_menu_affiche(client))


def test_menu_garde_compte_des_nouveautes_en_direct(
    client, titulaire, agent_a, structure_a, regle_generale
):
    connecter_verifie(client, titulaire.utilisateur)
    assert _menu_affiche(client)["demandes"] == "Demandes"
    creer_demande(agent_a, structure_a)  # routed to the titulaire: new for them
    assert _menu_affiche(client)["demandes"] == "Demandes (1 nouvelle)"


def _sidebar(client, adresse) -> str:
    contenu = client.get(adresse).content.decode()
    return re.search(r'<script id="wagtail-sidebar-props".*?</script>', contenu, re.S).group(0)


def test_menu_garde_identique_a_celui_de_wagtail(
    client, titulaire, agent_a, structure_a, regle_generale
):
    """The kept menu, live count included, is byte for byte the one Wagtail builds on a screen
    that does not keep it (the back-office home)."""
    creer_demande(agent_a, structure_a)
    connecter_verifie(client, titulaire.utilisateur)
    construit = _sidebar(client, "/admin/")
    assert "Demandes (1 nouvelle)" in construit
    assert _sidebar(client, BOITE) == construit  # built, then kept
    assert _sidebar(client, BOITE) == construit  # read from the cache


def test_menu_garde_par_personne(client, titulaire, superviseur):
    connecter_verifie(client, superviseur)
    menu_superviseur = _menu_affiche(client)
    client.logout()
    connecter_verifie(client, titulaire.utilisateur)
    menu_expert = _menu_affiche(client)
    assert "tableau-de-bord" in menu_superviseur and "tableau-de-bord" not in menu_expert


# Query counts ------------------------------------------------------------------------------------


def _requetes(client, adresse, methode="get", **donnees):
    with CaptureQueriesContext(connection) as requetes:
        response = getattr(client, methode)(adresse, donnees)
        assert response.status_code == 200
    return len(requetes)


def _remplir(nombre, agent, equipe, titulaire, superviseur):
    """`nombre` demandes from different structures and départements, some unassigned."""
    from conventions.services import adhesion_creer
    from tests.factories import ConventionFactory

    for n in range(nombre):
        partenaire = ConventionFactory(
            partenaire=PartenaireFactory(departement=("37", "41", "28")[n % 3])
        ).partenaire
        adhesion_creer(utilisateur=agent, partenaire=partenaire, role="agent")
        demande = creer_demande(
            agent, partenaire, urgence=("normale", "urgente")[n % 2], objet=f"Demande {n}"
        )
        if n % 4 == 0:
            services.demande_reattribuer(
                demande=demande, auteur=superviseur, motif="File", equipe=equipe
            )


@pytest.mark.parametrize("qui", ["titulaire", "superviseur"])
@pytest.mark.parametrize("onglet", ["miennes", "equipe", "non_attribuees", "en_retard"])
def test_nombre_de_requetes_constant(
    client, request, qui, onglet, agent_a, equipe, titulaire, superviseur, regle_generale
):
    acteur = request.getfixturevalue(qui)
    connecter_verifie(client, getattr(acteur, "utilisateur", acteur))
    adresse = f"{BOITE}?onglet={onglet}&statut=toutes"
    # Sent a month ago: every one of them is overdue now.
    il_y_a_un_mois = timezone.now() - timedelta(days=30)
    with time_machine.travel(il_y_a_un_mois):
        _remplir(5, agent_a, equipe, titulaire, superviseur)
    _requetes(client, adresse)  # warm the caches (content types, site)
    avec_5 = _requetes(client, adresse)
    recherche_5 = _requetes(client, adresse, "post", q=Demande.objects.first().reference)
    with time_machine.travel(il_y_a_un_mois):
        _remplir(45, agent_a, equipe, titulaire, superviseur)
    assert Demande.objects.count() == 50
    # The new agents joined groups: every kept sidebar is rebuilt once (portail.menu_admin).
    _requetes(client, adresse)
    avec_50 = _requetes(client, adresse)
    recherche_50 = _requetes(client, adresse, "post", q=Demande.objects.first().reference)
    assert avec_5 == avec_50
    assert recherche_5 == recherche_50
    lignes = {"equipe": 25, "en_retard": 25, "non_attribuees": 2 + 12, "miennes": 25}[onglet]
    if qui == "superviseur" and onglet == "miennes":
        lignes = 0  # a superviseur who is not an expert has no demande of his own
    assert len(references(client.get(adresse))) == lignes


def test_menu_garde_suit_les_droits_par_objet(titulaire):
    """An object permission (django-guardian) granted or withdrawn rebuilds every kept menu."""
    from guardian.shortcuts import assign_perm, remove_perm

    from portail.models import VersionMenuAdmin

    def version():
        ligne = VersionMenuAdmin.objects.filter(pk=1).first()
        return ligne.valeur if ligne else 0

    avant = version()
    assign_perm("demandes.view_equipe", titulaire.utilisateur, titulaire.equipe)
    assert version() > avant
    avant = version()
    remove_perm("demandes.view_equipe", titulaire.utilisateur, titulaire.equipe)
    assert version() > avant
