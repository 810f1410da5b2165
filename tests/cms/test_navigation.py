"""The main menu: built from the page tree and the person's convention, every kind of content
within two clicks of the home page, breadcrumbs on the content pages."""

import io
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import PageViewRestriction

from cms.models import (
    AgendaPage,
    FichePratiquePage,
    FlashInfoIndexPage,
    FlashInfoPage,
    FormulairesPage,
    HomePage,
    RecherchePage,
    RencontrePage,
    ThematiquePage,
    Theme,
)
from portail import roles
from portail.models import Utilisateur
from tests.conftest import connecter_verifie
from tests.factories import UtilisateurFactory

pytestmark = pytest.mark.django_db

MENU = "Menu principal"


class Liens(HTMLParser):
    """The internal links of a page (href paths), and those inside the main menu."""

    def __init__(self):
        super().__init__()
        self.tous, self.menu, self.fil_ariane = [], [], []
        self._pile = []  # open <nav> elements: their aria-label

    def handle_starttag(self, balise, attributs):
        attributs = dict(attributs)
        if balise == "nav":
            self._pile.append(attributs.get("aria-label", ""))
        if balise == "a" and (href := attributs.get("href", "")).startswith("/"):
            chemin = urlsplit(href).path
            self.tous.append(chemin)
            if MENU in self._pile:
                self.menu.append(chemin)
            if "Fil d'Ariane" in self._pile:
                self.fil_ariane.append(chemin)

    def handle_endtag(self, balise):
        if balise == "nav" and self._pile:
            self._pile.pop()


def liens(client, chemin) -> Liens:
    reponse = client.get(chemin)
    assert reponse.status_code == 200, f"{chemin} : {reponse.status_code}"
    analyse = Liens()
    analyse.feed(reponse.content.decode())
    return analyse


#: Every type of content page a partner reads.
TYPES_DE_CONTENU = (
    ThematiquePage,
    FichePratiquePage,
    FormulairesPage,
    FlashInfoIndexPage,
    FlashInfoPage,
    AgendaPage,
    RencontrePage,
)


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def client_agent_demo(client, demo):
    return connecter_verifie(client, Utilisateur.objects.get(email="agent@demo.solidaires.fr"))


def test_chaque_type_de_contenu_a_deux_clics_de_l_accueil_par_le_menu(client_agent_demo):
    """Click 1: a link of the home page's main menu; click 2: any link of that page. Every
    content type is among the pages reached, through the menu alone (not the home blocks)."""
    client = client_agent_demo
    premier_clic = set(liens(client, "/").menu)
    atteintes = set(premier_clic)
    for chemin in premier_clic:
        atteintes |= set(liens(client, chemin).tous)
    for modele in TYPES_DE_CONTENU:
        urls = {page.url for page in modele.objects.live()}
        assert urls & atteintes, f"{modele.__name__} à plus de deux clics de l'accueil"
    for nom in ("demandes:liste", "formations:sessions", "portail:securite", "cms:preferences"):
        assert reverse(nom) in premier_clic, nom


def test_le_menu_suit_l_arbre_des_pages(client_agent_demo):
    """Entries come from the page tree: a renamed, moved or unpublished page follows."""
    client = client_agent_demo
    thematique = ThematiquePage.objects.live().first()
    avant = thematique.url
    assert avant in liens(client, "/").menu
    thematique.title = "Un titre tout neuf"
    thematique.slug = "titre-tout-neuf"
    thematique.save_revision().publish()
    thematique.refresh_from_db()
    page = client.get("/").content.decode()
    assert "Un titre tout neuf" in page
    menu = liens(client, "/").menu
    assert thematique.url in menu and avant not in menu
    agenda = AgendaPage.objects.get()
    agenda.unpublish()
    assert agenda.url not in liens(client, "/").menu


def test_le_menu_ne_montre_pas_une_page_a_acces_restreint(client_agent_demo):
    """A Wagtail view restriction the person does not pass hides the entry (the same rule as
    the search: `cms.selectors.hors_restrictions`)."""
    thematique = ThematiquePage.objects.live().first()
    assert thematique.url in liens(client_agent_demo, "/").menu
    restriction = PageViewRestriction.objects.create(
        page=thematique, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Relecteurs de test"))
    assert thematique.url not in liens(client_agent_demo, "/").menu


def test_le_menu_selon_la_convention(client, agent_a, structure_a):
    """A partner sees the services their convention opens, nothing else."""
    accueil = HomePage.objects.get()
    accueil.add_child(
        instance=ThematiquePage(
            title="Carte Vitale", slug="carte-vitale", theme=Theme.objects.create(nom="CV")
        )
    )
    connecter_verifie(client, agent_a)
    menu = liens(client, "/").menu
    assert {"/carte-vitale/", reverse("demandes:liste"), reverse("formations:sessions")} <= set(
        menu
    )
    convention = structure_a.conventions.get()
    convention.ouvre_contenus = convention.ouvre_formations = False
    convention.save()
    menu = liens(client, reverse("demandes:liste")).menu
    assert reverse("demandes:liste") in menu
    assert "/carte-vitale/" not in menu and reverse("formations:sessions") not in menu
    assert "S'informer" not in client.get(reverse("demandes:liste")).content.decode()


def test_personne_ne_voit_le_menu_sans_double_authentification(client, agent_a):
    page = client.get("/").content.decode()
    assert MENU not in page and "Se connecter" in page
    client.force_login(agent_a)  # password only, second factor not verified
    page = client.get(reverse("portail:enrolement")).content.decode()
    assert reverse("demandes:liste") not in page and "Se déconnecter" in page


def test_le_personnel_cpam_a_son_espace_et_pas_mes_demandes(client):
    expert = UtilisateurFactory(roles=[roles.EXPERT_CPAM])
    connecter_verifie(client, expert)
    menu = liens(client, reverse("portail:securite")).menu
    assert roles.espace_cpam(expert) in menu
    assert reverse("demandes:liste") not in menu


def test_page_courante_marquee(client, agent_a):
    connecter_verifie(client, agent_a)
    page = client.get(reverse("formations:sessions")).content.decode()
    assert f'href="{reverse("formations:sessions")}" aria-current="page"' in page


def test_s_informer_marque_dans_une_thematique(client, agent_a):
    accueil = HomePage.objects.get()
    theme = Theme.objects.create(nom="CV")
    accueil.add_child(instance=ThematiquePage(title="Carte Vitale", slug="cv", theme=theme))
    connecter_verifie(client, agent_a)
    page = client.get("/cv/").content.decode()
    assert 'class="menu__lien menu__lien--actif">S\'informer</summary>' in page
    assert 'href="/cv/" aria-current="page">Carte Vitale</a>' in page
    page = client.get(reverse("formations:sessions")).content.decode()
    assert "menu__lien--actif\">S'informer" not in page


def test_menu_en_requetes_constantes(client, agent_a):
    """Ten thématiques cost the menu no more queries than one."""
    accueil = HomePage.objects.get()
    connecter_verifie(client, agent_a)
    url = reverse("portail:securite")

    def compter():
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(url).status_code == 200
        return len(requetes)

    theme = Theme.objects.create(nom="Thème")
    accueil.add_child(instance=ThematiquePage(title="T0", slug="t0", theme=theme))
    client.get(url)
    avec_une = compter()
    for n in range(1, 10):
        accueil.add_child(instance=ThematiquePage(title=f"T{n}", slug=f"t{n}", theme=theme))
    assert compter() == avec_une
    assert all(f"/t{n}/" in liens(client, url).menu for n in range(10))


def test_fil_d_ariane_sur_les_pages_de_contenu(client_agent_demo):
    for modele in TYPES_DE_CONTENU:
        page = modele.objects.live().first()
        fil = liens(client_agent_demo, page.url).fil_ariane
        ancetres = [a.url for a in page.get_ancestors().specific()[1:]]
        assert fil == ancetres, f"{modele.__name__} : {fil} != {ancetres}"


def test_la_boite_de_recherche_dans_l_en_tete(client_agent_demo):
    """Every page of a verified partner carries the compact search box in its header, leading
    to the search page (found by the menu's own query)."""
    page = client_agent_demo.get(FichePratiquePage.objects.live().first().url).content.decode()
    entete = page[page.index('class="entete"') : page.index("</header>")]
    assert 'class="entete__recherche"' in entete
    assert 'role="search"' in entete and f'action="{RecherchePage.objects.get().url}"' in entete
    # The home page holds the full-width box: not twice.
    accueil = client_agent_demo.get("/").content.decode()
    assert 'class="entete__recherche"' not in accueil
    assert accueil.count('role="search"') == 1
