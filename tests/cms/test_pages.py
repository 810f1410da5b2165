"""Page types of the reference content: where each may be created, what a sheet shows, the
forms library, the review report and the moderation workflow."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowPage
from wagtail.test.utils import WagtailPageTestCase

from cms import demo
from cms.blocks import BoutonDemandeBlock
from cms.models import (
    AgendaPage,
    FichePratiquePage,
    FlashInfoForm,
    FlashInfoIndexPage,
    FlashInfoPage,
    FormulairesPage,
    HomePage,
    PageSimple,
    RecherchePage,
    RencontrePage,
    ThematiquePage,
    Theme,
)
from cms.selectors import formulaires_par_theme
from demandes.models import Categorie
from portail import roles
from tests.conftest import connecter_verifie, texte
from tests.factories import UtilisateurFactory

ENFANTS_ACCUEIL = {
    ThematiquePage,
    FormulairesPage,
    FlashInfoIndexPage,
    AgendaPage,
    PageSimple,
    RecherchePage,
}


class TestReglesDeCreation(WagtailPageTestCase):
    def test_parents_autorises(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        for modele in ENFANTS_ACCUEIL:
            self.assertAllowedParentPageTypes(modele, {HomePage})
        self.assertAllowedParentPageTypes(FichePratiquePage, {ThematiquePage})
        self.assertAllowedParentPageTypes(FlashInfoPage, {FlashInfoIndexPage})
        self.assertAllowedParentPageTypes(RencontrePage, {AgendaPage})

    def test_sous_pages_autorisees(self):
        self.assertAllowedSubpageTypes(HomePage, ENFANTS_ACCUEIL)
        self.assertAllowedSubpageTypes(ThematiquePage, {FichePratiquePage})
        self.assertAllowedSubpageTypes(FlashInfoIndexPage, {FlashInfoPage})
        self.assertAllowedSubpageTypes(AgendaPage, {RencontrePage})
        for modele in (
            FichePratiquePage,
            FlashInfoPage,
            RencontrePage,
            FormulairesPage,
            PageSimple,
            RecherchePage,
        ):
            self.assertAllowedSubpageTypes(modele, set())

    def test_creation_sous_l_accueil(self):
        for modele in ENFANTS_ACCUEIL:
            self.assertCanCreateAt(HomePage, modele)
        self.assertCanCreateAt(ThematiquePage, FichePratiquePage)
        self.assertCanCreateAt(FlashInfoIndexPage, FlashInfoPage)
        self.assertCanCreateAt(AgendaPage, RencontrePage)
        self.assertCanNotCreateAt(HomePage, FichePratiquePage)
        self.assertCanNotCreateAt(HomePage, FlashInfoPage)
        self.assertCanNotCreateAt(HomePage, RencontrePage)
        self.assertCanNotCreateAt(ThematiquePage, FlashInfoPage)

    def test_pages_uniques(self):
        accueil = HomePage.objects.get()
        racine = Page.get_first_root_node()
        self.assertFalse(HomePage.can_create_at(racine))  # the site has its home page
        uniques = {
            FormulairesPage: {"slug": "formulaires"},
            FlashInfoIndexPage: {"slug": "actualites"},
            AgendaPage: {"slug": "agenda"},
            RecherchePage: {"slug": "recherche"},
        }
        for modele, champs in uniques.items():
            self.assertTrue(modele.can_create_at(accueil), modele)
            accueil.add_child(instance=modele(title=champs["slug"].title(), **champs))
            accueil.refresh_from_db()
            self.assertFalse(modele.can_create_at(accueil), modele)
        # Several thematic pages and simple pages are fine.
        theme = Theme.objects.create(nom="Carte Vitale", slug="carte-vitale")
        accueil.add_child(instance=ThematiquePage(title="Carte Vitale", slug="cv", theme=theme))
        self.assertTrue(ThematiquePage.can_create_at(accueil))
        self.assertTrue(PageSimple.can_create_at(accueil))


# Fixtures ----------------------------------------------------------------------------------------


@pytest.fixture
def accueil(db):
    return HomePage.objects.get()


@pytest.fixture
def themes(db):
    return {
        slug: Theme.objects.create(nom=nom, slug=slug, ordre=n)
        for n, (slug, nom, _, _) in enumerate(demo.THEMES)
    }


@pytest.fixture
def formulaires(themes):
    return demo._formulaires(themes)


@pytest.fixture
def fiche_complete(accueil, themes, formulaires):
    donnees = demo.FICHES[0]
    thematique = ThematiquePage(
        title="Complémentaire santé solidaire", slug="css", theme=themes[donnees["theme"]]
    )
    accueil.add_child(instance=thematique)
    fiche = FichePratiquePage(
        title=donnees["titre"],
        slug=donnees["slug"],
        resume=donnees["resume"],
        corps=demo._corps_fiche(donnees, "css", formulaires["Cerfa n° 12504*07"].document),
        revisee_le=timezone.localdate() - timedelta(days=20),
    )
    thematique.add_child(instance=fiche)
    return fiche


# Validation --------------------------------------------------------------------------------------


def test_une_rencontre_finit_apres_son_debut_et_a_un_lieu_ou_un_lien(accueil):
    agenda = AgendaPage(title="Agenda", slug="agenda")
    accueil.add_child(instance=agenda)
    debut = timezone.now() + timedelta(days=3)

    def rencontre(**champs):
        valeurs = {
            "title": "Réunion",
            "slug": "reunion",
            "debut": debut,
            "public": "Agents du 37",
            "description": "<p>Ordre du jour</p>",
            **champs,
        }
        return RencontrePage(**valeurs)

    with pytest.raises(ValidationError) as erreur:
        agenda.add_child(instance=rencontre(lieu="Tours", fin=debut - timedelta(hours=1)))
    assert erreur.value.message_dict["fin"] == ["La fin doit suivre le début."]

    with pytest.raises(ValidationError) as erreur:
        agenda.add_child(instance=rencontre())
    assert "Indiquez un lieu ou un lien de connexion." in erreur.value.messages

    agenda.add_child(instance=rencontre(lien="https://webinaire.exemple.fr/r"))
    assert RencontrePage.objects.count() == 1


def test_les_departements_vises_sont_des_numeros():
    formulaire = FlashInfoForm.__new__(FlashInfoForm)
    formulaire.cleaned_data = {"departements": " 41, 37,2a, 37 ,"}
    assert formulaire.clean_departements() == ["2A", "37", "41"]

    formulaire.cleaned_data = {"departements": "37, Tours, 1"}
    with pytest.raises(ValidationError) as erreur:
        formulaire.clean_departements()
    assert erreur.value.messages == [
        "Département inconnu : TOURS, 1. Indiquez des numéros, par exemple 37."
    ]


# Rendering ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_une_fiche_complete_montre_chaque_bloc(client, agent_a, fiche_complete):
    connecter_verifie(client, agent_a)
    response = client.get(fiche_complete.url)

    assert response.status_code == 200
    contenu = texte(response)
    assert contenu.count("<h1>") == 1
    assert 'aria-label="Fil d\'Ariane"' in contenu
    assert "Mis à jour le" in contenu and "<time datetime=" in contenu
    donnees = demo.FICHES[0]
    assert "La Complémentaire santé solidaire (CSS) prend en charge" in contenu  # texte
    assert "À retenir" in contenu and "Les bénéficiaires du RSA" in contenu  # a_retenir
    assert "Qui est concerné ?" in contenu  # public
    assert '<ol class="etapes">' in contenu
    for titre, _ in donnees["etapes"]:
        assert titre in contenu
    for piece in donnees["pieces"]:
        assert piece in contenu
    for question, _ in donnees["faq"]:
        assert f"<summary>{question}</summary>" in contenu
    assert "/documents/" in contenu and "Télécharger le formulaire de demande de CSS" in contenu
    assert 'href="/demandes/nouvelle/?categorie=css"' in contenu
    assert "Faire une demande" in contenu


@pytest.mark.django_db
def test_la_thematique_liste_ses_fiches(client, agent_a, fiche_complete):
    connecter_verifie(client, agent_a)
    contenu = texte(client.get(fiche_complete.get_parent().url))
    assert fiche_complete.title in contenu
    assert fiche_complete.resume in contenu
    assert "Mis à jour le" in contenu


@pytest.mark.django_db
def test_bibliotheque_de_formulaires(client, agent_a, accueil, formulaires):
    page = FormulairesPage(title="Bibliothèque de formulaires", slug="formulaires")
    accueil.add_child(instance=page)
    connecter_verifie(client, agent_a)

    contenu = texte(client.get(page.url))

    assert contenu.index("Affiliation et PUMa") < contenu.index("Carte Vitale")
    assert contenu.index("Carte Vitale") < contenu.index("Complémentaire santé solidaire")
    assert "Prévention" not in contenu  # a theme without forms is not listed
    for formulaire in formulaires.values():
        assert formulaire.reference in contenu
        assert formulaire.document.url in contenu
        assert formulaire.document.url.startswith("/documents/")
    assert contenu.count("Version remplacée") == 1
    ancienne = formulaires["Cerfa n° 12504*06"]
    ligne = contenu[contenu.index(ancienne.reference) - 900 : contenu.index(ancienne.reference)]
    assert "Version remplacée" in ligne
    assert formulaires["Cerfa n° 12504*07"].document.url in ligne


@pytest.mark.django_db
def test_formulaires_par_theme_en_requetes_constantes(formulaires, themes):
    with CaptureQueriesContext(connection) as requetes:
        resultat = formulaires_par_theme()
        for theme in resultat:
            for formulaire in theme.formulaires_liste:
                _ = (
                    formulaire.document.url,
                    formulaire.remplace and formulaire.remplace_par.document.url,
                )
    assert len(requetes) == 2
    assert [t.slug for t in resultat] == [
        "affiliation-puma",
        "carte-vitale",
        "complementaire-sante-solidaire",
        "ame",
        "medecin-traitant",
    ]


@pytest.mark.django_db
def test_agenda_et_rencontre(client, agent_a, accueil):
    agenda = AgendaPage(title="Agenda", slug="agenda")
    accueil.add_child(instance=agenda)
    maintenant = timezone.now()
    for slug, jours, lieu, lien in [
        ("passee", -10, "Tours", ""),
        ("webinaire", 5, "", "https://webinaire.exemple.fr/css"),
    ]:
        agenda.add_child(
            instance=RencontrePage(
                title=f"Rencontre {slug}",
                slug=slug,
                debut=maintenant + timedelta(days=jours),
                lieu=lieu,
                lien=lien,
                public="Agents du 37",
                description="<p>Ordre du jour</p>",
            )
        )
    connecter_verifie(client, agent_a)

    contenu = texte(client.get(agenda.url))
    assert contenu.index("Prochaines rencontres") < contenu.index("Rencontre webinaire")
    assert contenu.index("Rencontres passées") < contenu.index("Rencontre passee")

    contenu = texte(client.get(RencontrePage.objects.get(slug="webinaire").url))
    assert "https://webinaire.exemple.fr/css" in contenu and "Agents du 37" in contenu


# Back-office -------------------------------------------------------------------------------------


@pytest.fixture
def editeur(db):
    return UtilisateurFactory(roles=[roles.EDITEUR])


@pytest.mark.django_db
def test_rapport_fiches_a_relire(client, editeur, fiche_complete):
    thematique = fiche_complete.get_parent()
    aujourdhui = timezone.localdate()
    for slug, jours in [("tres-ancienne", 700), ("ancienne", 400), ("recente", 300)]:
        thematique.add_child(
            instance=FichePratiquePage(
                title=f"Fiche {slug}",
                slug=slug,
                resume="Résumé",
                corps=[],
                revisee_le=aujourdhui - timedelta(days=jours),
            )
        )
    brouillon = FichePratiquePage(
        title="Fiche brouillon",
        slug="brouillon",
        resume="Résumé",
        corps=[],
        live=False,
        revisee_le=aujourdhui - timedelta(days=900),
    )
    thematique.add_child(instance=brouillon)
    connecter_verifie(client, editeur)

    response = client.get("/admin/rapports/fiches-a-relire/")

    assert response.status_code == 200
    contenu = texte(response)
    assert contenu.index("Fiche tres-ancienne") < contenu.index("Fiche ancienne")
    assert "Fiche recente" not in contenu
    assert "Fiche brouillon" not in contenu
    assert fiche_complete.title not in contenu
    ancienne = FichePratiquePage.objects.get(slug="ancienne")
    assert f"/admin/pages/{ancienne.pk}/edit/" in contenu
    assert "/admin/rapports/fiches-a-relire/" in texte(client.get("/admin/"))  # Reports menu


@pytest.mark.django_db
@pytest.mark.parametrize("role", [roles.AGENT_PARTENAIRE, roles.EXPERT_CPAM])
def test_rapport_refuse_aux_agents_et_experts(client, role):
    connecter_verifie(client, UtilisateurFactory(roles=[role]))
    response = client.get("/admin/rapports/fiches-a-relire/")
    assert response.status_code in (302, 403)
    assert "Fiche" not in texte(response)
    accueil_admin = client.get("/admin/")
    assert "/admin/rapports/fiches-a-relire/" not in texte(accueil_admin)


@pytest.mark.django_db
def test_workflow_de_relecture_sur_l_accueil(fiche_complete):
    workflow = Workflow.objects.get(name="Relecture éditoriale")
    accueil = HomePage.objects.get()
    assert WorkflowPage.objects.get(page=accueil).workflow == workflow
    assert fiche_complete.get_workflow() == workflow
    tache = workflow.tasks.get().specific
    assert isinstance(tache, GroupApprovalTask)
    assert list(tache.groups.values_list("name", flat=True)) == [roles.EDITEUR]


@pytest.mark.django_db
def test_l_editeur_peut_modifier_et_publier(editeur, fiche_complete):
    permissions = fiche_complete.permissions_for_user(editeur)
    assert permissions.can_edit() and permissions.can_publish() and permissions.can_lock()
    assert fiche_complete.get_parent().permissions_for_user(editeur).can_add_subpage()
    assert editeur.has_perm("cms.change_formulaire") and editeur.has_perm("cms.add_theme")
    expert = UtilisateurFactory(roles=[roles.EXPERT_CPAM])
    assert not fiche_complete.permissions_for_user(expert).can_edit()


@pytest.mark.django_db
def test_publication_programmee(fiche_complete):
    from cms.tasks import pages_programmees_publier

    thematique = fiche_complete.get_parent()
    brouillon = FichePratiquePage(
        title="Fiche programmée", slug="programmee", resume="Résumé", corps=[], live=False
    )
    thematique.add_child(instance=brouillon)
    revision = brouillon.save_revision()
    revision.approved_go_live_at = timezone.now() - timedelta(minutes=1)
    revision.save()

    pages_programmees_publier.delay()

    brouillon.refresh_from_db()
    assert brouillon.live


@pytest.mark.django_db
def test_l_editeur_cree_une_fiche_et_la_soumet_a_la_relecture(client, editeur, fiche_complete):
    from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

    thematique = fiche_complete.get_parent()
    connecter_verifie(client, editeur)

    response = client.post(
        f"/admin/pages/add/cms/fichepratiquepage/{thematique.pk}/",
        nested_form_data(
            {
                "title": "Changer d'adresse",
                "slug": "changer-d-adresse",
                "resume": "Signaler un déménagement à la caisse.",
                "corps": streamfield([("texte", rich_text("<p>Depuis le compte en ligne.</p>"))]),
                "revisee_le": timezone.localdate().isoformat(),
                "action-submit": "Soumettre à la relecture",
            }
        ),
    )

    assert response.status_code == 302, texte(response)[:2000]
    fiche = FichePratiquePage.objects.get(slug="changer-d-adresse")
    assert not fiche.live  # draft → review: nothing is published yet
    etat = fiche.current_workflow_state
    assert etat is not None and etat.workflow.name == "Relecture éditoriale"
    assert etat.current_task_state.task.name == "Relecture"
    tache = etat.current_task_state.task.specific
    assert {nom for nom, *_ in tache.get_actions(fiche, editeur)} >= {"approve", "reject"}

    etat.current_task_state.approve(user=editeur)  # → publish

    fiche.refresh_from_db()
    assert fiche.live


@pytest.mark.django_db
def test_la_collection_formulaires_est_reservee_aux_personnes_connectees(
    client, editeur, agent_a, formulaires
):
    from wagtail.models import BaseViewRestriction, Collection, CollectionViewRestriction

    collection = Collection.objects.get(name="Formulaires")
    assert collection.get_parent() == Collection.get_first_root_node()
    restriction = CollectionViewRestriction.objects.get(collection=collection)
    assert restriction.restriction_type == BaseViewRestriction.LOGIN
    assert editeur.has_perm("cms.view_formulaire") and editeur.has_perm("cms.delete_theme")

    document = formulaires["Cerfa n° 12504*07"].document
    assert document.collection == collection
    anonyme = client.get(document.url)
    assert anonyme.status_code == 302 and anonyme["Location"].startswith("/connexion/")
    connecter_verifie(client, agent_a)
    assert client.get(document.url).status_code == 200  # the restriction lets partners in


@pytest.mark.django_db
def test_bouton_faire_une_demande_suit_les_categories_en_base(client, agent_a, fiche_complete):
    """The button's choices are the categories of the back-office; one no longer offered to
    partners opens the form without a category rather than a dead link."""
    nouvelle = Categorie.objects.create(slug="retraite", libelle="Retraite", code="RET")
    choix = dict(BoutonDemandeBlock().child_blocks["categorie"].field.choices)
    assert choix["retraite"] == "Retraite"
    nouvelle.active = False
    nouvelle.save()
    # Still listed, marked: a sheet naming it can be saved again.
    choix = dict(BoutonDemandeBlock().child_blocks["categorie"].field.choices)
    assert choix["retraite"] == "Retraite (retirée)"

    connecter_verifie(client, agent_a)
    Categorie.objects.filter(slug="css").update(libelle="CSS (renommée)")
    assert 'href="/demandes/nouvelle/?categorie=css"' in texte(client.get(fiche_complete.url))
    Categorie.objects.filter(slug="css").update(active=False)
    contenu = texte(client.get(fiche_complete.url))
    assert "?categorie=css" not in contenu
    assert 'href="/demandes/nouvelle/"' in contenu
