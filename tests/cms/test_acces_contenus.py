"""Who sees what of the reference content: every page type and a private document, for every
kind of person (the access matrix of the issue "Accès aux contenus")."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.models import Collection
from wagtail.rich_text import RichText

from cms.models import (
    AgendaPage,
    FichePratiquePage,
    FlashInfoIndexPage,
    FlashInfoPage,
    Formulaire,
    FormulairesPage,
    HomePage,
    PageSimple,
    RecherchePage,
    RencontrePage,
    ThematiquePage,
    Theme,
)
from conventions.selectors import Motif
from tests.conftest import connecter_avec_mot_de_passe, connecter_verifie, rattacher, texte
from tests.factories import ConventionFactory, TOTPDeviceFactory, UtilisateurFactory

pytestmark = pytest.mark.django_db

CONTENU_PDF = b"%PDF-1.4\n%formulaire prive de test\n"
EXPLICATION = str(Motif.TITRES[Motif.CONVENTION_SUSPENDUE])


def _texte_riche(html):
    return [("texte", RichText(html))]


@pytest.fixture
def contenus():
    """One live page of every type, a private document and the form that lists it.

    Each entry: the URL, and the texts that only the content itself shows (title, body)."""
    accueil = HomePage.objects.get()
    collection = Collection.get_first_root_node().add_child(name="Formulaires CPAM")
    document = Document.objects.create(
        title="Demande de Complémentaire santé solidaire",
        file=ContentFile(CONTENU_PDF, name="demande-css.pdf"),
        collection=collection,
    )
    theme = Theme.objects.create(nom="Complémentaire santé solidaire", slug="css")
    Formulaire.objects.create(
        titre="Demande de Complémentaire santé solidaire",
        document=document,
        theme=theme,
        reference="Cerfa n° 12504*05",
        date_version=timezone.localdate(),
    )

    thematique = accueil.add_child(
        instance=ThematiquePage(
            title="Thématique CSS confidentielle",
            slug="css",
            theme=theme,
            intro="Introduction de la thématique réservée",
        )
    )
    fiche = thematique.add_child(
        instance=FichePratiquePage(
            title="Fiche renouvellement CSS",
            slug="renouvellement",
            resume="Résumé de la fiche réservée au renouvellement",
            corps=[
                *_texte_riche("<p>Corps de la fiche réservée</p>"),
                ("formulaire", {"document": document, "libelle": "Le formulaire"}),
            ],
        )
    )
    formulaires = accueil.add_child(
        instance=FormulairesPage(
            title="Bibliothèque des formulaires", slug="formulaires", intro="Tous les Cerfa"
        )
    )
    actualites = accueil.add_child(
        instance=FlashInfoIndexPage(
            title="Flash infos du réseau", slug="actualites", intro="Les nouvelles du réseau"
        )
    )
    flash_info = actualites.add_child(
        instance=FlashInfoPage(
            title="Flash info fermeture d'accueil",
            slug="fermeture",
            resume="Résumé de la flash info réservée",
            corps=_texte_riche("<p>Corps de la flash info réservée</p>"),
        )
    )
    agenda = accueil.add_child(
        instance=AgendaPage(title="Agenda des partenaires", slug="agenda", intro="Nos rencontres")
    )
    rencontre = agenda.add_child(
        instance=RencontrePage(
            title="Webinaire carte Vitale",
            slug="webinaire",
            debut=timezone.now() + timedelta(days=10),
            lien="https://visio.example/webinaire",
            public="Agents France Services du 37",
            description="<p>Description de la rencontre réservée</p>",
        )
    )
    publique = accueil.add_child(
        instance=PageSimple(
            title="Mentions de test",
            slug="mentions",
            publique=True,
            corps=_texte_riche("<p>Texte public des mentions</p>"),
        )
    )
    privee = accueil.add_child(
        instance=PageSimple(
            title="Aide aux partenaires",
            slug="aide",
            publique=False,
            corps=_texte_riche("<p>Texte réservé de l'aide</p>"),
        )
    )
    recherche = accueil.add_child(instance=RecherchePage(title="Rechercher", slug="recherche"))

    return {
        "accueil": ("/", ()),
        "thematique": (thematique.url, (thematique.title, thematique.intro)),
        "fiche": (fiche.url, (fiche.title, "Corps de la fiche réservée")),
        "formulaires": (formulaires.url, (formulaires.title, formulaires.intro)),
        "actualites": (actualites.url, (actualites.title, actualites.intro)),
        "flash_info": (flash_info.url, (flash_info.title, "Corps de la flash info réservée")),
        "agenda": (agenda.url, (agenda.title, agenda.intro)),
        "rencontre": (rencontre.url, (rencontre.title, "Description de la rencontre réservée")),
        "page_publique": (publique.url, (publique.title, "Texte public des mentions")),
        "page_privee": (privee.url, (privee.title, "Texte réservé de l'aide")),
        # Search results follow the same rule as the pages they list.
        "recherche": (f"{recherche.url}?q=renouvellement", (fiche.title, fiche.resume)),
        "document": (document.url, ()),
    }


ACTEURS = ["anonyme", "sans_convention", "non_verifie", "en_vigueur", "expert", "superviseur"]
CIBLES = [
    "accueil",
    "thematique",
    "fiche",
    "formulaires",
    "actualites",
    "flash_info",
    "agenda",
    "rencontre",
    "page_publique",
    "page_privee",
    "recherche",
    "document",
]
# What the home shows a visitor, and what it shows a person let in.
ACCUEIL_VISITEUR = "Solidaires et partenaires accompagne les structures"
ACCUEIL_CONNECTE = "Bienvenue sur le portail des partenaires de votre CPAM"


def _attendu(acteur, cible):
    """contenu: 200 with the content; connexion: to login; code: to the second factor step;
    refus: 403 page that explains why."""
    if cible == "page_publique":
        return "contenu"
    if cible == "accueil":
        return "refus" if acteur == "sans_convention" else "contenu"
    return {"anonyme": "connexion", "sans_convention": "refus", "non_verifie": "code"}.get(
        acteur, "contenu"
    )


def _client(acteur, client, request):
    if acteur == "anonyme":
        return client
    if acteur == "sans_convention":
        utilisateur = UtilisateurFactory()
        rattacher(utilisateur, ConventionFactory(statut="suspendue").partenaire)
        return connecter_verifie(client, utilisateur)
    if acteur == "non_verifie":
        utilisateur = request.getfixturevalue("agent_a")
        TOTPDeviceFactory(user=utilisateur)
        assert connecter_avec_mot_de_passe(client, utilisateur).status_code == 302
        return client
    fixture = {"en_vigueur": "agent_a", "expert": "expert", "superviseur": "superviseur"}[acteur]
    return connecter_verifie(client, request.getfixturevalue(fixture))


def _contenu_du_document(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("cible", CIBLES)
@pytest.mark.parametrize("acteur", ACTEURS)
def test_matrice_d_acces(acteur, cible, client, contenus, request):
    url, marqueurs = contenus[cible]
    if cible == "accueil":
        marqueurs = (ACCUEIL_VISITEUR, ACCUEIL_CONNECTE)
    client = _client(acteur, client, request)

    response = client.get(url)

    attendu = _attendu(acteur, cible)
    if attendu == "connexion":
        assert response.status_code == 302
        assert response["Location"] == f"/connexion/?{urlencode({'next': url})}"
    elif attendu == "code":
        assert response.status_code == 302
        assert response["Location"] == "/connexion/code/"
    elif attendu == "refus":
        assert response.status_code == 403
        contenu = texte(response)
        assert EXPLICATION in contenu
        for marqueur in marqueurs:
            assert marqueur not in contenu
    elif cible == "document":
        assert response.status_code == 200
        assert _contenu_du_document(response) == CONTENU_PDF
    else:
        assert response.status_code == 200
        contenu = texte(response)
        if cible == "accueil":
            verifie = acteur not in ("anonyme", "non_verifie")
            marqueurs = (ACCUEIL_CONNECTE,) if verifie else (ACCUEIL_VISITEUR,)
        for marqueur in marqueurs:
            assert marqueur in contenu


def test_le_document_est_servi_par_la_vue_et_jamais_par_une_url_publique(client, agent_a, contenus):
    url_document = contenus["document"][0]
    assert url_document.startswith("/documents/")
    assert not url_document.startswith(settings.MEDIA_URL)
    assert settings.WAGTAILDOCS_SERVE_METHOD == "serve_view"

    connecter_verifie(client, agent_a)
    for cible in CIBLES:
        if cible == "document":
            continue
        contenu = texte(client.get(contenus[cible][0]))
        assert f"{settings.MEDIA_URL}documents/" not in contenu, cible
    # The sheet links to the form through the serve view.
    assert url_document in texte(client.get(contenus["fiche"][0]))
    # Nothing answers under MEDIA_URL, even for a person let in.
    fichier = Document.objects.get().file.name
    assert client.get(f"{settings.MEDIA_URL}{fichier}").status_code == 404


def test_pas_de_mot_de_passe_partage_sur_les_pages():
    assert settings.WAGTAIL_PRIVACY_PASSWORD_ENABLED is False


def test_un_brouillon_n_est_servi_a_personne(client, agent_a, contenus):
    fiche = FichePratiquePage.objects.get()
    fiche.unpublish()
    connecter_verifie(client, agent_a)
    assert client.get(contenus["fiche"][0]).status_code == 404


def test_la_suspension_coupe_l_acces_a_la_requete_suivante(client, agent_a, contenus):
    from conventions.models import Convention

    connecter_verifie(client, agent_a)
    url = contenus["fiche"][0]
    assert client.get(url).status_code == 200
    Convention.objects.filter(partenaire__adhesions__utilisateur=agent_a).update(
        statut=Convention.Statut.SUSPENDUE
    )
    response = client.get(url)
    assert response.status_code == 403
    assert EXPLICATION in texte(response)
    assert client.get(contenus["document"][0]).status_code == 403
