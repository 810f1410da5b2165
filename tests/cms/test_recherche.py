"""The one search box: sheets, flash infos and forms; French accents and plurals; pagination;
nothing that is not live or not allowed ever shows, not even a title.

Pages are indexed by Wagtail's signal handlers as they are saved (tasks run immediately in
tests), so no `update_index` is needed here.
"""

import datetime
import re

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

from cms.models import (
    AgendaPage,
    FichePratiquePage,
    FlashInfoIndexPage,
    FlashInfoPage,
    Formulaire,
    FormulairesPage,
    HomePage,
    RecherchePage,
    RencontrePage,
    ThematiquePage,
    Theme,
)
from cms.recherche import LONGUEUR_MAX_REQUETE
from conventions.selectors import Motif
from tests.conftest import connecter_verifie, rattacher, texte
from tests.factories import ConventionFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db

POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason=(
        "Pluriels : seule la configuration PostgreSQL « francais » racinise les mots ; "
        "le moteur FTS5 de SQLite retire les accents mais ne racinise pas."
    ),
)


@pytest.fixture
def accueil():
    return HomePage.objects.get()


@pytest.fixture
def theme():
    return Theme.objects.create(nom="Complémentaire santé solidaire", slug="css")


@pytest.fixture
def thematique(accueil, theme):
    return accueil.add_child(
        instance=ThematiquePage(title="Accès aux droits", slug="droits", theme=theme)
    )


@pytest.fixture
def actualites(accueil):
    return accueil.add_child(instance=FlashInfoIndexPage(title="Actualités", slug="actualites"))


@pytest.fixture
def page_recherche(accueil):
    return accueil.add_child(instance=RecherchePage(title="Rechercher", slug="recherche"))


def fiche(parent, titre, resume="Une fiche du portail.", texte_corps="", **champs):
    corps = [("texte", RichText(f"<p>{texte_corps}</p>"))] if texte_corps else []
    slug = re.sub(r"\W+", "-", titre.lower()).strip("-")[:50]
    return parent.add_child(
        instance=FichePratiquePage(title=titre, slug=slug, resume=resume, corps=corps, **champs)
    )


def formulaire(theme, titre, reference, nom_fichier="formulaire.pdf"):
    document = Document.objects.create(
        title=titre, file=ContentFile(b"%PDF-1.4\n", name=nom_fichier)
    )
    return Formulaire.objects.create(
        titre=titre,
        document=document,
        theme=theme,
        reference=reference,
        version="05",
        date_version=timezone.localdate(),
    )


@pytest.fixture
def contenus(thematique, actualites, theme, page_recherche):
    return {
        "fiche": fiche(
            thematique,
            "Complémentaire santé solidaire : première demande",
            resume="Qui peut en bénéficier et comment la demander.",
        ),
        "flash_info": actualites.add_child(
            instance=FlashInfoPage(
                title="Plafonds de la Complémentaire santé solidaire revalorisés",
                slug="plafonds-css",
                resume="Les plafonds changent au 1er avril.",
                corps=[],
            )
        ),
        "formulaire": formulaire(
            theme, "Demande de Complémentaire santé solidaire", "Cerfa n° 12504*05", "css.pdf"
        ),
        "autre": fiche(thematique, "Carte Vitale perdue ou volée", resume="Commander une carte."),
    }


def chercher(client, page_recherche, q, **parametres):
    return client.get(page_recherche.url, {"q": q, **parametres})


@pytest.mark.parametrize("q", ["complementaire", "Complémentaire", "COMPLEMENTAIRE SANTE"])
def test_les_accents_et_la_casse_ne_comptent_pas(client, agent_a, contenus, page_recherche, q):
    connecter_verifie(client, agent_a)
    response = chercher(client, page_recherche, q)
    assert response.status_code == 200
    contenu = texte(response)
    assert contenus["fiche"].title in contenu
    assert contenus["flash_info"].title in contenu
    assert contenus["formulaire"].titre in contenu
    assert contenus["autre"].title not in contenu
    assert "3 résultats pour" in contenu


@POSTGRESQL
@pytest.mark.parametrize(
    ("q", "texte_fiche"),
    [
        ("attestations", "Obtenir une attestation de droits"),
        ("attestation", "Les attestations de droits"),
        ("remboursements", "Suivre un remboursement"),
    ],
)
def test_pluriels_et_singuliers(client, agent_a, thematique, page_recherche, q, texte_fiche):
    cible = fiche(thematique, texte_fiche)
    fiche(thematique, "Carte Vitale perdue ou volée")
    connecter_verifie(client, agent_a)
    contenu = texte(chercher(client, page_recherche, q))
    assert cible.title in contenu
    assert "1 résultat pour" in contenu


def test_recherche_dans_le_resume_et_le_corps(client, agent_a, thematique, page_recherche):
    cible = fiche(
        thematique,
        "Changer de caisse",
        resume="Mutation inter-régimes.",
        texte_corps="Le formulaire de déménagement est transmis à la nouvelle caisse.",
    )
    connecter_verifie(client, agent_a)
    assert cible.title in texte(chercher(client, page_recherche, "déménagement"))
    assert cible.title in texte(chercher(client, page_recherche, "mutation"))


@pytest.mark.parametrize("q", ["12504", "12504*05", "Cerfa 12504*05", "cerfa n° 12504*05"])
def test_formulaire_trouve_par_sa_reference(client, agent_a, contenus, page_recherche, q):
    connecter_verifie(client, agent_a)
    contenu = texte(chercher(client, page_recherche, q))
    document = contenus["formulaire"].document
    assert contenus["formulaire"].titre in contenu
    assert f'href="{document.url}"' in contenu
    assert document.url.startswith("/documents/")
    assert "Formulaire" in contenu


def test_version_remplacee_masquee_par_defaut(client, agent_a, theme, page_recherche):
    nouveau = formulaire(theme, "Demande d'aide médicale de l'État", "Cerfa n° 11573*07")
    ancien = formulaire(theme, "Demande d'aide médicale de l'État", "Cerfa n° 11573*06")
    ancien.remplace_par = nouveau
    ancien.save()
    connecter_verifie(client, agent_a)
    contenu = texte(chercher(client, page_recherche, "11573"))
    assert "1 résultat pour" in contenu
    assert "Cerfa n° 11573*07" in contenu
    assert "Cerfa n° 11573*06" not in contenu
    assert "1 version remplacée d'un formulaire correspond aussi à votre recherche." in contenu
    assert "?q=11573&remplacees=1" in contenu


def test_versions_remplacees_en_dernier_et_marquees(
    client, agent_a, thematique, theme, page_recherche
):
    """The demo's complaint: "version remplacée, Cerfa 12504*06" came first, above version 07
    and above the sheet. Current content now always comes first, on both databases."""
    nouveau = formulaire(theme, "Demande de Complémentaire santé solidaire", "Cerfa n° 12504*07")
    ancien = formulaire(theme, "Demande de Complémentaire santé solidaire", "Cerfa n° 12504*06")
    # The old version matches the query better (its title repeats the words): still last.
    ancien.titre = "Complémentaire santé solidaire : Cerfa 12504, Cerfa 12504"
    ancien.remplace_par = nouveau
    ancien.save()
    la_fiche = fiche(
        thematique,
        "Complémentaire santé solidaire : première demande",
        texte_corps="Le formulaire Cerfa 12504 se remplit avec l'assuré.",
    )
    connecter_verifie(client, agent_a)

    contenu = texte(chercher(client, page_recherche, "cerfa 12504", remplacees="1"))

    assert "3 résultats pour" in contenu
    positions = [
        contenu.index(la_fiche.title),
        contenu.index("Cerfa n° 12504*07"),
        contenu.index("Cerfa n° 12504*06"),
    ]
    assert positions == sorted(positions)
    assert contenu.count("Version remplacée</strong>") == 1
    assert contenu.index("Version remplacée</strong>") > contenu.index("Cerfa n° 12504*07")
    assert 'name="remplacees" value="1" id="recherche-q-remplacees" checked' in contenu

    sans = texte(chercher(client, page_recherche, "cerfa 12504"))
    assert "2 résultats pour" in sans
    assert "Cerfa n° 12504*06" not in sans and "Version remplacée</strong>" not in sans


def test_pagination_par_dix_dans_un_type(client, agent_a, thematique, page_recherche):
    for n in range(25):
        fiche(thematique, f"Remboursement des soins numéro {n:02d}")
    connecter_verifie(client, agent_a)

    apercu = texte(chercher(client, page_recherche, "remboursement"))
    assert "25 résultats pour « remboursement »" in apercu
    assert len(re.findall(r"Remboursement des soins numéro \d\d", apercu)) == 5
    assert "?q=remboursement&type=fiches" in apercu
    assert "Voir les 25 fiches pratiques" in apercu

    titres_vus = []
    for numero, attendus in [(1, 10), (2, 10), (3, 5)]:
        contenu = texte(
            chercher(client, page_recherche, "remboursement", type="fiches", page=numero)
        )
        assert "25 résultats pour « remboursement »" in contenu
        assert f"Page {numero} sur 3" in contenu
        titres = re.findall(r"Remboursement des soins numéro \d\d", contenu)
        assert len(titres) == attendus
        titres_vus += titres
    assert sorted(titres_vus) == [f"Remboursement des soins numéro {n:02d}" for n in range(25)]

    page_un = texte(chercher(client, page_recherche, "remboursement", type="fiches"))
    assert "?q=remboursement&type=fiches&page=2" in page_un
    assert "Résultats précédents" not in page_un
    # An impossible page number shows the last page rather than an error.
    contenu = texte(chercher(client, page_recherche, "remboursement", type="fiches", page=99))
    assert "Page 3 sur 3" in contenu
    # An unknown type shows the overview.
    assert "Voir les 25 fiches pratiques" in texte(
        chercher(client, page_recherche, "remboursement", type="inconnu")
    )


def test_resultats_groupes_par_type_avec_leur_thematique(
    client, agent_a, accueil, thematique, actualites, theme, page_recherche
):
    la_fiche = fiche(thematique, "Transport sanitaire : prise en charge")
    le_formulaire = formulaire(theme, "Prescription de transport sanitaire", "Cerfa n° 11574*04")
    flash = actualites.add_child(
        instance=FlashInfoPage(
            title="Transport sanitaire : nouvelles règles",
            slug="transport",
            resume="Transport.",
            corps=[],
        )
    )
    flash.themes.add(theme)
    flash.save_revision().publish()
    agenda = accueil.add_child(instance=AgendaPage(title="Agenda", slug="agenda"))
    rencontre = agenda.add_child(
        instance=RencontrePage(
            title="Webinaire transport sanitaire",
            slug="webinaire-transport",
            debut=timezone.now() + datetime.timedelta(days=10),
            lieu="Tours",
            public="Agents France Services",
            description="<p>Les bons de transport.</p>",
        )
    )
    connecter_verifie(client, agent_a)

    contenu = texte(chercher(client, page_recherche, "transport sanitaire"))

    assert "4 résultats pour" in contenu
    groupes = ["Fiches pratiques", "Formulaires", "Flash infos", "Agenda et rencontres"]
    positions = [contenu.index(f'tabindex="-1">{groupe} ') for groupe in groupes]
    assert positions == sorted(positions)
    for groupe in groupes:
        assert f"{groupe} (1)</a>" in contenu  # the summary at the top
    ordre = [la_fiche.title, le_formulaire.titre, flash.title, rencontre.title]
    assert [contenu.index(t) for t in ordre] == sorted(contenu.index(t) for t in ordre)
    # Each sheet, form and flash info names its theme, linked to the thématique.
    lien_theme = f'Thématique : <a href="{thematique.url}">{theme.nom}</a>'
    assert contenu.count(lien_theme) == 3


def test_les_plus_pertinents_d_abord(client, agent_a, thematique, page_recherche):
    for n in range(3):
        fiche(thematique, f"Accueil des assurés {n}", texte_corps="Penser à la carte vitale.")
    titre = fiche(thematique, "Carte Vitale : commande et perte", resume="Carte Vitale perdue.")
    connecter_verifie(client, agent_a)
    contenu = texte(chercher(client, page_recherche, "vitale"))
    assert "4 résultats pour" in contenu
    assert contenu.index(titre.title) < contenu.index("Accueil des assurés")


def test_nombre_de_requetes_constant(client, agent_a, thematique, page_recherche, theme):
    connecter_verifie(client, agent_a)
    fiche(thematique, "Indemnités journalières 00")
    formulaire(theme, "Indemnités journalières : avis d'arrêt", "Cerfa n° 10170*05")

    def compter():
        with CaptureQueriesContext(connection) as requetes:
            assert chercher(client, page_recherche, "indemnités").status_code == 200
        return len(requetes)

    chercher(client, page_recherche, "indemnités")
    avec_deux = compter()
    for n in range(1, 50):
        fiche(thematique, f"Indemnités journalières {n:02d}")
        formulaire(theme, f"Indemnités journalières {n:02d}", f"Cerfa n° 1{n:04d}*01")
    assert compter() == avec_deux


def test_un_brouillon_n_apparait_jamais(client, agent_a, thematique, page_recherche):
    brouillon = FichePratiquePage(
        title="Brouillon secret de la complémentaire",
        slug="brouillon",
        resume="Pas encore relu.",
        corps=[],
        live=False,
    )
    thematique.add_child(instance=brouillon)
    publiee = fiche(thematique, "Complémentaire santé solidaire : renouvellement")
    # A draft revision of a live page: its new title is not public yet.
    publiee.title = "Titre en cours de relecture complémentaire"
    publiee.save_revision()
    retiree = fiche(thematique, "Ancienne fiche complémentaire retirée")
    retiree.unpublish()

    connecter_verifie(client, agent_a)
    contenu = texte(chercher(client, page_recherche, "complementaire"))

    assert "Complémentaire santé solidaire : renouvellement" in contenu
    assert "1 résultat pour" in contenu
    for absent in (brouillon.title, publiee.title, retiree.title, "relecture", "Pas encore relu"):
        assert absent not in contenu
    aucun = texte(chercher(client, page_recherche, "relecture"))
    assert "Aucun résultat pour « relecture »" in aucun


def test_une_section_restreinte_par_groupe_n_apparait_pas(
    client, agent_a, superviseur, accueil, theme, page_recherche
):
    reservee = accueil.add_child(
        instance=ThematiquePage(title="Section des éditeurs", slug="editeurs", theme=theme)
    )
    restriction = PageViewRestriction.objects.create(
        page=reservee, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Relecteurs de test"))
    cachee = fiche(reservee, "Note interne sur la complémentaire")

    for personne in (agent_a, superviseur):
        connecter_verifie(client, personne)
        contenu = texte(chercher(client, page_recherche, "complementaire"))
        assert cachee.title not in contenu
        assert "Aucun résultat pour" in contenu

    superutilisateur = UtilisateurFactory(is_superuser=True)
    connecter_verifie(client, superutilisateur)
    assert cachee.title in texte(chercher(client, page_recherche, "complementaire"))


def test_une_flash_info_visant_d_autres_structures_n_apparait_pas(
    client, agent_a, expert, actualites, page_recherche
):
    def flash(titre, slug, **cible):
        return actualites.add_child(
            instance=FlashInfoPage(
                title=titre, slug=slug, resume="Tiers payant.", corps=[], **cible
            )
        )

    pour_tous = flash("Tiers payant : rappel général", "tous")
    ailleurs = flash("Tiers payant dans le Loir-et-Cher", "loir-et-cher", departements=["41"])
    autre_type = flash("Tiers payant pour les CCAS", "ccas", types_partenaires=["ccas_cias"])

    connecter_verifie(client, agent_a)  # France Services, département 37
    contenu = texte(chercher(client, page_recherche, "tiers payant"))
    assert pour_tous.title in contenu
    assert ailleurs.title not in contenu and autre_type.title not in contenu
    assert "1 résultat pour" in contenu

    connecter_verifie(client, expert)
    assert "3 résultats pour" in texte(chercher(client, page_recherche, "tiers payant"))


def test_partenaire_sans_convention_recoit_l_explication(client, contenus, page_recherche):
    utilisateur = UtilisateurFactory()
    rattacher(utilisateur, ConventionFactory(statut="suspendue").partenaire)
    connecter_verifie(client, utilisateur)

    response = chercher(client, page_recherche, "complementaire")

    assert response.status_code == 403
    contenu = texte(response)
    assert str(Motif.TITRES[Motif.CONVENTION_SUSPENDUE]) in contenu
    assert "résultat" not in contenu
    for titre in (contenus["fiche"].title, contenus["flash_info"].title):
        assert titre not in contenu
    assert contenus["formulaire"].titre not in contenu


@pytest.mark.parametrize(
    "parametres",
    [{}, {"type": "formulaires"}, {"type": "fiches", "page": "2"}, {"remplacees": "1"}],
)
def test_visiteur_renvoye_a_la_connexion(client, contenus, page_recherche, parametres):
    response = chercher(client, page_recherche, "complementaire", **parametres)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")
    contenu = texte(response)
    for titre in (contenus["fiche"].title, contenus["formulaire"].titre, "résultat"):
        assert titre not in contenu


@pytest.mark.parametrize("personne", ["agent_a", "expert", "superviseur"])
def test_partenaire_en_vigueur_et_personnel_cpam_obtiennent_des_resultats(
    client, contenus, page_recherche, personne, request
):
    connecter_verifie(client, request.getfixturevalue(personne))
    contenu = texte(chercher(client, page_recherche, "solidaire"))
    assert "3 résultats pour « solidaire »" in contenu
    assert contenus["fiche"].url in contenu
    assert contenus["flash_info"].url in contenu


def test_sans_requete_seulement_le_formulaire(client, agent_a, contenus, page_recherche):
    connecter_verifie(client, agent_a)
    contenu = texte(client.get(page_recherche.url))
    assert 'role="search"' in contenu
    assert '<label for="recherche-q">' in contenu
    assert "résultat" not in contenu
    assert contenus["fiche"].title not in contenu


def test_aucun_resultat(client, agent_a, contenus, page_recherche):
    connecter_verifie(client, agent_a)
    contenu = texte(chercher(client, page_recherche, "hélicoptère"))
    assert "Aucun résultat pour « hélicoptère »" in contenu


@pytest.mark.parametrize("q", ['"', "*", "(", "AND OR NOT", "c'est", ":", "-", "\\"])
def test_la_ponctuation_ne_casse_pas_la_recherche(client, agent_a, contenus, page_recherche, q):
    connecter_verifie(client, agent_a)
    assert chercher(client, page_recherche, q).status_code == 200


def test_requete_limitee_a_cent_caracteres(client, agent_a, contenus, page_recherche):
    connecter_verifie(client, agent_a)
    contenu = texte(chercher(client, page_recherche, "complementaire " * 40))
    valeur = re.search(r'name="q" value="([^"]*)"', contenu).group(1)
    assert len(valeur) <= LONGUEUR_MAX_REQUETE
    assert f'maxlength="{LONGUEUR_MAX_REQUETE}"' in contenu


def test_flash_info_visee_ailleurs_absente_pour_un_partenaire(
    client, agent_a, superviseur, actualites, page_recherche
):
    """Search agrees with the news page: a partner never sees the title of a flash info aimed
    at other structures (another département or type); CPAM staff see them all."""
    for slug, champs in [
        ("pour-tous", {}),
        ("autre-departement", {"departements": ["99"]}),
        ("autre-type", {"types_partenaires": ["association"]}),
    ]:
        actualites.add_child(
            instance=FlashInfoPage(
                title=f"Flash ciblage {slug}", slug=slug, resume="Ciblage.", corps=[], **champs
            )
        )

    connecter_verifie(client, agent_a)
    contenu = texte(chercher(client, page_recherche, "ciblage"))
    assert "1 résultat pour" in contenu
    assert "Flash ciblage pour-tous" in contenu
    assert "autre-departement" not in contenu
    assert "autre-type" not in contenu

    connecter_verifie(client, superviseur)
    contenu = texte(chercher(client, page_recherche, "ciblage"))
    assert "3 résultats pour" in contenu


def test_nombre_de_requetes_constant_par_type(
    client, agent_a, thematique, actualites, theme, page_recherche
):
    """Overview and one type's page: the same number of queries with 1 or 30 results of each
    type (themes of sheets, forms and flash infos included)."""
    connecter_verifie(client, agent_a)

    def ajouter(n):
        fiche(thematique, f"Indemnités journalières {n:02d}")
        formulaire(theme, f"Indemnités journalières {n:02d}", f"Cerfa n° 1{n:04d}*01")
        flash = actualites.add_child(
            instance=FlashInfoPage(
                title=f"Indemnités journalières {n:02d}",
                slug=f"ij-{n}",
                resume="IJ.",
                corps=[],
            )
        )
        flash.themes.add(theme)

    def compter(**parametres):
        with CaptureQueriesContext(connection) as requetes:
            reponse = chercher(client, page_recherche, "indemnités", **parametres)
            assert reponse.status_code == 200
        return len(requetes)

    ajouter(0)
    chercher(client, page_recherche, "indemnités")
    avant = [compter(), compter(type="flash-infos"), compter(remplacees="1")]
    for n in range(1, 30):
        ajouter(n)
    assert "90 résultats pour" in texte(chercher(client, page_recherche, "indemnités"))
    assert [compter(), compter(type="flash-infos"), compter(remplacees="1")] == avant


@pytest.mark.parametrize(
    "q",
    [
        "a" * 1000,
        "complémentaire " * 70,
        "<script>alert(1)</script>",
        "'; DROP TABLE cms_formulaire; --",
        "\x00complémentaire",
        "🩺 carte vitale",
        "%",
        "ü" * 200,
    ],
)
def test_saisies_etranges_sans_erreur(client, agent_a, contenus, page_recherche, q):
    connecter_verifie(client, agent_a)
    response = chercher(client, page_recherche, q)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()  # escaped
    contenu = texte(response)
    valeur = re.search(r'name="q" value="([^"]*)"', contenu).group(1)
    assert len(valeur) <= LONGUEUR_MAX_REQUETE


@pytest.mark.parametrize("q", ["***", "« » ? !", "-"])
def test_aucun_mot_message_en_francais(client, agent_a, contenus, page_recherche, q):
    connecter_verifie(client, agent_a)
    response = chercher(client, page_recherche, q)
    assert response.status_code == 200
    assert "Votre recherche ne contient aucun mot" in texte(response)


def test_aucun_resultat_propose_les_thematiques_et_les_formulaires(
    client, agent_a, accueil, contenus, thematique, page_recherche
):
    bibliotheque = accueil.add_child(
        instance=FormulairesPage(title="Formulaires", slug="formulaires")
    )
    connecter_verifie(client, agent_a)
    contenu = texte(chercher(client, page_recherche, "hélicoptère"))
    assert "Aucun résultat pour « hélicoptère »" in contenu
    assert "Parcourir les thématiques" in contenu
    assert f'<a href="{thematique.url}">{thematique.title}</a>' in contenu
    assert f'href="{bibliotheque.url}"' in contenu
    assert "bibliothèque de formulaires" in contenu


def test_aucun_resultat_ne_propose_pas_une_thematique_restreinte(
    client, agent_a, accueil, theme, contenus, page_recherche
):
    reservee = accueil.add_child(
        instance=ThematiquePage(title="Section des éditeurs", slug="editeurs", theme=theme)
    )
    restriction = PageViewRestriction.objects.create(
        page=reservee, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Relecteurs de test"))
    connecter_verifie(client, agent_a)
    contenu = texte(chercher(client, page_recherche, "hélicoptère"))
    assert "Accès aux droits" in contenu
    assert "Section des éditeurs" not in contenu


def test_la_boite_de_recherche_n_est_pas_montree_aux_visiteurs(client, contenus, page_recherche):
    from django.template import Context, Template
    from django.test import RequestFactory

    contenu = texte(client.get("/"))
    assert 'role="search"' not in contenu

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    rendu = Template("{% load recherche %}{% formulaire_recherche %}").render(
        Context({"request": request})
    )
    assert "<form" not in rendu


def test_boite_de_recherche_pleine_largeur_a_l_accueil_et_dans_l_entete(
    client, rf, agent_a, contenus, page_recherche
):
    from django.template import Context, Template

    connecter_verifie(client, agent_a)
    contenu = texte(client.get("/"))
    assert f'action="{page_recherche.url}" role="search" class="recherche"' in contenu
    assert 'id="recherche-accueil"' in contenu
    assert f'maxlength="{LONGUEUR_MAX_REQUETE}"' in contenu

    request = rf.get("/")
    request.user = agent_a
    request.user.is_verified = lambda: True
    rendu = Template("{% load recherche %}{% formulaire_recherche %}").render(
        Context({"request": request})
    )
    assert 'class="recherche recherche--compacte"' in rendu
    assert 'id="recherche-entete"' in rendu
    assert f'action="{page_recherche.url}"' in rendu


def test_une_rencontre_visant_d_autres_structures_n_apparait_pas(
    client, agent_a, expert, accueil, page_recherche
):
    """The same audience rule as the agenda and the rencontre page (which answer 404): its
    title, place and audience never show in another structure's results."""
    agenda = accueil.add_child(instance=AgendaPage(title="Agenda", slug="agenda"))

    def rencontre(titre, slug, **cible):
        return agenda.add_child(
            instance=RencontrePage(
                title=titre,
                slug=slug,
                debut=timezone.now() + datetime.timedelta(days=10),
                lieu="Tours",
                public="Partenaires",
                description="<p>Échanges sur le tiers payant.</p>",
                **cible,
            )
        )

    pour_tous = rencontre("Tiers payant : réunion générale", "tous")
    ailleurs = rencontre("Tiers payant : réunion du Loir-et-Cher", "r41", departements=["41"])

    connecter_verifie(client, agent_a)  # France Services, département 37
    contenu = texte(chercher(client, page_recherche, "tiers payant"))
    assert pour_tous.title in contenu
    assert ailleurs.title not in contenu

    connecter_verifie(client, expert)
    assert ailleurs.title in texte(chercher(client, page_recherche, "tiers payant"))


@pytest.mark.parametrize("q", ["1 85 07 37 261 042", "185073726104222", "dossier 1850737261042"])
def test_un_numero_de_securite_sociale_n_est_ni_cherche_ni_reaffiche(
    client, agent_a, contenus, page_recherche, q
):
    connecter_verifie(client, agent_a)
    response = chercher(client, page_recherche, q)
    assert response.status_code == 200
    contenu = texte(response)
    assert "ressemble à un numéro de sécurité sociale" in contenu
    assert q not in contenu and "1850737261042" not in contenu.replace(" ", "")
    # A Cerfa reference is still searched.
    assert "ressemble" not in texte(chercher(client, page_recherche, "Cerfa 12504*07"))
