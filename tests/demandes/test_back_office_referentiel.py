"""Reference data of the messaging service in the back-office (menu "Messagerie"): who sees and
edits what, the forms' French errors instead of database errors, constant query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.menu import admin_menu

from demandes.models import Absence, Categorie, Equipe, Expert, RegleRoutage, ReponseType
from portail import roles
from tests.conftest import connecter_verifie, texte
from tests.demandes.conftest import categorie, creer_expert
from tests.factories import PartenaireFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db

VIEWSETS = {
    "categories": "messagerie_categories",
    "equipes": "messagerie_equipes",
    "experts": "messagerie_experts",
    "absences": "messagerie_absences",
    "regles": "messagerie_regles",
    "reponses_types": "messagerie_reponses_types",
}


@pytest.fixture
def client_superviseur(client, superviseur):
    return connecter_verifie(client, superviseur)


def _menu(utilisateur):
    reverse("wagtailadmin_home")  # loads the admin URLs, which register the viewsets' menus
    requete = RequestFactory().get("/admin/")
    requete.user = utilisateur
    groupe = [i for i in admin_menu.menu_items_for_request(requete) if i.name == "messagerie"]
    if not groupe:
        return []
    return [str(i.label) for i in groupe[0].menu.menu_items_for_request(requete)]


def test_menu_messagerie_selon_le_role(superviseur, titulaire):
    assert _menu(superviseur) == [
        "Catégories",
        "Équipes",
        "Experts",
        "Absences",
        "Règles de routage",
        "Réponses types",
    ]
    assert _menu(titulaire.utilisateur) == ["Catégories", "Équipes", "Réponses types"]
    assert _menu(UtilisateurFactory(roles=[roles.EDITEUR])) == []


# Permission matrix -------------------------------------------------------------------------------


@pytest.fixture
def objets(equipe, titulaire, suppleant, regle_generale):
    return {
        "categories": categorie("css"),
        "equipes": equipe,
        "experts": titulaire,
        "absences": Absence.objects.create(
            expert=titulaire,
            debut=timezone.now(),
            fin=timezone.now() + timedelta(days=2),
            suppleant=suppleant,
        ),
        "regles": regle_generale,
        "reponses_types": ReponseType.objects.create(equipe=equipe, titre="T", corps="C"),
    }


def _statut(response):
    if response.status_code == 200:
        return 200
    assert response.status_code == 302
    return "refus" if response["Location"] == "/admin/" else response["Location"]


# (expert, superviseur) for each page; "refus": Wagtail's "no permission" back to the admin home.
ATTENDU = {
    "index": {
        "categories": (200, 200),
        "equipes": (200, 200),
        "experts": ("refus", 200),
        "absences": ("refus", 200),
        "regles": ("refus", 200),
        "reponses_types": (200, 200),
    },
    "inspect": {
        "categories": (200, 200),
        "equipes": (200, 200),
        "experts": ("refus", 200),
        "absences": ("refus", 200),
        "regles": ("refus", 200),
        "reponses_types": (200, 200),
    },
    "add": {nom: ("refus", 200) for nom in VIEWSETS},
    # An absence is ended by its return (demandes.continuite), never edited or deleted.
    "edit": {nom: ("refus", "refus" if nom == "absences" else 200) for nom in VIEWSETS},
    "delete": {
        "categories": ("refus", "refus"),  # demandes keep their category
        "equipes": ("refus", "refus"),
        "experts": ("refus", "refus"),
        "absences": ("refus", "refus"),
        "regles": ("refus", "refus"),  # routing decisions point to their rule
        "reponses_types": ("refus", 200),
    },
}
MATRICE = [
    (page, nom, role, ATTENDU[page][nom][i])
    for page in ATTENDU
    for nom in VIEWSETS
    for i, role in enumerate(("expert", "superviseur"))
]


@pytest.mark.parametrize(("page", "nom", "role", "attendu"), MATRICE)
def test_matrice_referentiel(client, objets, titulaire, superviseur, page, nom, role, attendu):
    connecter_verifie(client, titulaire.utilisateur if role == "expert" else superviseur)
    args = [] if page in ("index", "add") else [objets[nom].pk]
    response = client.get(reverse(f"{VIEWSETS[nom]}:{page}", args=args))
    assert _statut(response) == attendu


def test_partenaire_sans_acces_au_referentiel(client, agent_a):
    connecter_verifie(client, agent_a)
    response = client.get(reverse("messagerie_regles:index"))
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")


# Categories --------------------------------------------------------------------------------------


def test_categorie_delais_en_heures_ouvrees(client_superviseur):
    response = client_superviseur.post(
        reverse("messagerie_categories:add"),
        {
            "libelle": "Pension d'invalidité",
            "slug": "invalidite",
            "code": "inv",
            "description": "",
            "champs": "",
            "active": "on",
            "ordre": "20",
            "delai_urgente_heures": "2.5",
            "delai_normale_heures": "9",
        },
    )
    assert response.status_code == 302, texte(response)
    nouvelle = Categorie.objects.get(slug="invalidite")
    assert (nouvelle.code, nouvelle.delai_urgente, nouvelle.delai_normale) == ("INV", 150, 540)
    contenu = texte(client_superviseur.get(reverse("messagerie_categories:index")))
    assert "2 h 30 ouvrées" in contenu and "1 jour ouvré" in contenu
    assert "4 h ouvrées (par défaut)" in contenu and "2 jours ouvrés (par défaut)" in contenu
    edition = texte(
        client_superviseur.get(reverse("messagerie_categories:edit", args=[nouvelle.pk]))
    )
    assert 'name="slug"' not in edition  # the sheets' buttons rely on it
    assert 'value="2.50"' in edition and 'value="9"' in edition
    detail = texte(
        client_superviseur.get(reverse("messagerie_categories:inspect", args=[nouvelle.pk]))
    )
    assert "2 h 30 ouvrées" in detail and "Oui" in detail


# Teams and experts -------------------------------------------------------------------------------


def test_detail_equipe_lisible(client_superviseur, equipe, superviseur):
    contenu = texte(client_superviseur.get(reverse("messagerie_equipes:inspect", args=[equipe.pk])))
    assert superviseur.get_full_name() in contenu
    assert "plateforme@cpam.example" in contenu


def test_equipe_superviseurs_limites_au_role(client_superviseur, superviseur, titulaire):
    url = reverse("messagerie_equipes:add")
    contenu = texte(client_superviseur.get(url))
    assert superviseur.get_full_name() in contenu
    assert titulaire.utilisateur.get_full_name() not in contenu
    response = client_superviseur.post(
        url, {"nom": "Pôle CSS", "email": "", "superviseurs": [titulaire.utilisateur.pk]}
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in texte(response)
    response = client_superviseur.post(
        url,
        {
            "nom": "Pôle CSS",
            "email": "css@cpam.example",
            "territoire": "metropole",
            "superviseurs": [superviseur.pk],
        },
    )
    assert response.status_code == 302
    assert list(Equipe.objects.get(nom="Pôle CSS").superviseurs.all()) == [superviseur]


def test_territoire_de_l_equipe_choisi_par_le_superviseur(client_superviseur, equipe, titulaire):
    assert equipe.territoire == "metropole"  # the default
    url = reverse("messagerie_equipes:edit", args=[equipe.pk])
    assert 'value="alsace_moselle"' in client_superviseur.get(url).content.decode()
    donnees = {"nom": equipe.nom, "email": equipe.email, "territoire": "bretagne"}
    response = client_superviseur.post(url, donnees)
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in texte(response)
    equipe.refresh_from_db()
    assert equipe.territoire == "metropole"
    donnees["territoire"] = "alsace_moselle"
    assert client_superviseur.post(url, donnees).status_code == 302
    equipe.refresh_from_db()
    assert equipe.territoire == "alsace_moselle"
    liste = texte(client_superviseur.get(reverse("messagerie_equipes:index")))
    assert "Alsace-Moselle" in liste
    # An expert sees the teams but may not change them.
    client_superviseur.logout()
    connecter_verifie(client_superviseur, titulaire.utilisateur)
    donnees["territoire"] = "guyane"
    assert client_superviseur.post(url, donnees).status_code == 302  # sent away
    equipe.refresh_from_db()
    assert equipe.territoire == "alsace_moselle"


def test_expert_comptes_proposes(client_superviseur, equipe, titulaire, expert, editeur):
    contenu = texte(client_superviseur.get(reverse("messagerie_experts:add")))
    assert expert.get_full_name() in contenu  # Expert CPAM role, no expert record yet
    assert titulaire.utilisateur.get_full_name() not in contenu  # already an expert
    assert editeur.get_full_name() not in contenu  # not an expert
    response = client_superviseur.post(
        reverse("messagerie_experts:add"),
        {"utilisateur": expert.pk, "equipe": equipe.pk, "actif": "on"},
    )
    assert response.status_code == 302
    assert Expert.objects.get(utilisateur=expert).equipe == equipe


@pytest.fixture
def editeur(db):
    return UtilisateurFactory(roles=[roles.EDITEUR], first_name="Éloïse", last_name="Éditrice")


# Absences ----------------------------------------------------------------------------------------


def _absence(client, **champs):
    donnees = {"motif": "Congés"} | champs
    return client.post(reverse("messagerie_absences:add"), donnees)


def test_absence_fin_avant_debut(client_superviseur, titulaire):
    response = _absence(
        client_superviseur,
        expert=titulaire.pk,
        debut="2026-12-10 09:00",
        fin="2026-12-09 09:00",
    )
    assert response.status_code == 200
    assert "La fin de l'absence doit être postérieure à son début." in texte(response)
    assert not Absence.objects.exists()


def test_absence_suppleant_different(client_superviseur, titulaire, suppleant):
    response = _absence(
        client_superviseur,
        expert=titulaire.pk,
        debut="2026-12-10 09:00",
        fin="2026-12-12 18:00",
        suppleant=titulaire.pk,
    )
    assert response.status_code == 200
    assert "Le suppléant doit être un autre expert que l'expert absent." in texte(response)
    response = _absence(
        client_superviseur,
        expert=titulaire.pk,
        debut="2026-12-10 09:00",
        fin="2026-12-12 18:00",
        suppleant=suppleant.pk,
    )
    assert response.status_code == 302
    assert Absence.objects.get().suppleant == suppleant


# Routing rules -----------------------------------------------------------------------------------


def _regle(client, **champs):
    donnees = {"code": "", "departement": "", "active": "on"} | champs
    return client.post(reverse("messagerie_regles:add"), donnees)


def test_regle_code_calcule(client_superviseur, titulaire, suppleant):
    response = _regle(
        client_superviseur,
        categorie=categorie("css").pk,
        departement="37",
        titulaire=titulaire.pk,
        suppleant=suppleant.pk,
    )
    assert response.status_code == 302, texte(response)
    assert RegleRoutage.objects.get(departement="37").code == "D37-CSS"


def test_regle_code_calcule_deja_pris_par_une_regle_inactive(client_superviseur, titulaire):
    RegleRoutage.objects.create(
        categorie=categorie("css"), departement="37", titulaire=titulaire, active=False
    )
    response = _regle(
        client_superviseur, categorie=categorie("css").pk, departement="37", titulaire=titulaire.pk
    )
    assert response.status_code == 302, texte(response)
    assert RegleRoutage.objects.get(active=True, departement="37").code == "D37-CSS-2"


def test_regle_deux_territoires_refusee(client_superviseur, titulaire, structure_a):
    response = _regle(
        client_superviseur, partenaire=structure_a.pk, departement="37", titulaire=titulaire.pk
    )
    assert response.status_code == 200
    assert "Choisissez une structure ou un département, pas les deux" in texte(response)
    assert not RegleRoutage.objects.exists()


def test_regle_titulaire_et_suppleant_differents(client_superviseur, titulaire):
    response = _regle(
        client_superviseur, departement="41", titulaire=titulaire.pk, suppleant=titulaire.pk
    )
    assert response.status_code == 200
    assert "Le suppléant doit être un autre expert que le titulaire." in texte(response)


def test_regle_active_en_double_pour_un_departement(client_superviseur, titulaire, suppleant):
    RegleRoutage.objects.create(categorie=categorie("css"), departement="37", titulaire=titulaire)
    response = _regle(
        client_superviseur, categorie=categorie("css").pk, departement="37", titulaire=suppleant.pk
    )
    assert response.status_code == 200
    assert "La règle active D37-CSS couvre déjà cette catégorie sur ce territoire" in texte(
        response
    )
    # Inactive, it does not conflict.
    response = _regle(
        client_superviseur,
        categorie=categorie("css").pk,
        departement="37",
        titulaire=suppleant.pk,
        active="",
    )
    assert response.status_code == 302


def test_regle_active_en_double_toutes_categories_partout(
    client_superviseur, regle_generale, suppleant
):
    """NULL category and NULL structure: the database constraint cannot see this duplicate."""
    response = _regle(client_superviseur, titulaire=suppleant.pk)
    assert response.status_code == 200
    assert f"La règle active {regle_generale.code} couvre déjà" in texte(response)
    assert RegleRoutage.objects.count() == 1


def test_regle_active_en_double_pour_une_structure(client_superviseur, titulaire, structure_a):
    RegleRoutage.objects.create(partenaire=structure_a, titulaire=titulaire)
    response = _regle(client_superviseur, partenaire=structure_a.pk, titulaire=titulaire.pk)
    assert response.status_code == 200
    assert "couvre déjà cette catégorie sur ce territoire" in texte(response)


def test_regle_modifiee_sans_se_voir_en_conflit(client_superviseur, regle_generale, suppleant):
    response = client_superviseur.post(
        reverse("messagerie_regles:edit", args=[regle_generale.pk]),
        {
            "code": regle_generale.code,
            "departement": "",
            "titulaire": suppleant.pk,
            "active": "on",
        },
    )
    assert response.status_code == 302, texte(response)
    regle_generale.refresh_from_db()
    assert regle_generale.titulaire == suppleant


def test_regle_erreur_base_de_donnees_devient_erreur_de_formulaire(
    client_superviseur, titulaire, monkeypatch
):
    """A concurrent save slipping past the form check: a French error, not a 500."""
    from demandes import selectors

    RegleRoutage.objects.create(categorie=categorie("css"), departement="28", titulaire=titulaire)
    monkeypatch.setattr(selectors, "regle_active_en_conflit", lambda **kwargs: None)
    response = _regle(
        client_superviseur,
        categorie=categorie("css").pk,
        departement="28",
        titulaire=titulaire.pk,
        code="AUTRE-CODE",
    )
    assert response.status_code == 200
    assert "Une règle active existe déjà pour cette catégorie et ce territoire" in texte(response)


# Query counts ------------------------------------------------------------------------------------


def _remplir(nombre, equipe, rang):
    for n in range(rang, rang + nombre):
        autre = Equipe.objects.create(nom=f"Équipe {n}", email=f"e{n}@cpam.example")
        autre.superviseurs.add(UtilisateurFactory(roles=[roles.SUPERVISEUR_CPAM]))
        expert = creer_expert(equipe)
        Absence.objects.create(
            expert=expert,
            debut=timezone.now(),
            fin=timezone.now() + timedelta(days=1),
            suppleant=creer_expert(autre),
        )
        RegleRoutage.objects.create(
            partenaire=PartenaireFactory(), titulaire=expert, suppleant=expert
        )
        ReponseType.objects.create(
            equipe=autre, titre=f"Réponse {n}", corps="…", categorie=categorie("css")
        )
        Categorie.objects.create(slug=f"cat-{n}", code=f"C{n}", libelle=f"Catégorie {n}")


def _requetes(client, adresse):
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(adresse).status_code == 200
    return len(requetes)


def test_listes_nombre_de_requetes_constant(client_superviseur, equipe):
    adresses = [reverse(f"{nom}:index") for nom in VIEWSETS.values()]
    _remplir(5, equipe, 0)
    for adresse in adresses:
        _requetes(client_superviseur, adresse)  # warm the caches
    avant = {adresse: _requetes(client_superviseur, adresse) for adresse in adresses}
    _remplir(45, equipe, 5)
    apres = {adresse: _requetes(client_superviseur, adresse) for adresse in adresses}
    assert apres == avant


def test_regle_departement_invalide(client_superviseur, titulaire):
    response = _regle(client_superviseur, departement="9Z", titulaire=titulaire.pk)
    assert response.status_code == 200
    assert not RegleRoutage.objects.exists()
