"""The demo builds the whole content tree, idempotently, with original French content."""

import html
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page

from cms import demo
from cms.models import (
    EnvoiFlashInfo,
    FichePratiquePage,
    FlashInfoPage,
    Formulaire,
    ThematiquePage,
    Theme,
)
from portail.models import Utilisateur
from tests.conftest import connecter_verifie

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_construite(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def test_seed_demo_deux_fois_garde_les_memes_pages(demo_construite, settings):
    pages, fiches, formulaires = (
        Page.objects.count(),
        FichePratiquePage.objects.count(),
        Formulaire.objects.count(),
    )
    call_command("seed_demo", stdout=io.StringIO())
    assert Page.objects.count() == pages
    assert FichePratiquePage.objects.count() == fiches
    assert Formulaire.objects.count() == formulaires


def test_chaque_theme_a_une_fiche_complete(demo_construite):
    assert Theme.objects.count() == len(demo.THEMES)
    for theme in Theme.objects.all():
        thematique = ThematiquePage.objects.get(theme=theme)
        fiches = FichePratiquePage.objects.child_of(thematique).live()
        assert fiches.exists(), theme.slug
        types = {bloc.block_type for bloc in fiches.first().corps}
        assert types == {
            "texte",
            "a_retenir",
            "etapes",
            "pieces",
            "public",
            "faq",
            "formulaire",
            "bouton_demande",
        }
        assert fiches.first().responsable.email == "editeur@demo.solidaires.fr"


def test_flash_infos_et_fiches_a_relire(demo_construite):
    flashs = FlashInfoPage.objects.live()
    assert flashs.count() == 12
    assert flashs.filter(importance="importante").count() == 2
    assert flashs.exclude(departements=[]).exists()
    assert flashs.exclude(types_partenaires=[]).exists()
    assert FlashInfoPage.themes.through.objects.exists()
    limite = timezone.localdate() - timedelta(days=365)
    anciennes = FichePratiquePage.objects.live().filter(revisee_le__lt=limite)
    assert 1 <= anciennes.count() <= 2
    assert all(fiche.mise_a_jour < limite for fiche in anciennes)  # "mis à jour le" agrees
    # The flash infos were created without the publication signal: nothing was sent.
    assert EnvoiFlashInfo.objects.count() == 0
    assert len(mail.outbox) == 0


def test_formulaires_pdf_et_version_remplacee(demo_construite):
    assert Formulaire.objects.count() == 6
    remplace = Formulaire.objects.get(remplace_par__isnull=False)
    assert remplace.document.collection.name == "Formulaires"
    with remplace.document.file.open("rb") as fichier:
        contenu = fichier.read()
    assert contenu.startswith(b"%PDF-1.4") and contenu.rstrip().endswith(b"%%EOF")


def test_l_agent_de_demo_ouvre_une_fiche(demo_construite, client):
    agent = Utilisateur.objects.get(email="agent@demo.solidaires.fr")
    connecter_verifie(client, agent)
    fiche = FichePratiquePage.objects.get(slug="demander-la-complementaire-sante-solidaire")
    response = client.get(fiche.url)
    assert response.status_code == 200
    contenu = response.content.decode()
    assert "/demandes/nouvelle/?categorie=css" in contenu
    # The sheet has an owner, but the page names no one.
    assert "Fiche suivie par l'équipe éditoriale" in html.unescape(contenu)
    assert fiche.responsable.last_name not in contenu
    for slug in ("formulaires", "agenda", "aide", "complementaire-sante-solidaire"):
        assert client.get(Page.objects.get(slug=slug).url).status_code == 200, slug


def test_la_flash_info_des_delais_suit_les_reglages(demo_construite, settings):
    """The pinned flash info on the experts' delays says what the settings enforce, also when
    the demo is loaded again after a change."""
    flash = FlashInfoPage.objects.get(slug="messagerie-experts-horaires")
    assert "demandes urgentes sous 4 h ouvrées" in flash.resume
    assert "autres demandes sous 2 jours ouvrés" in flash.resume
    assert "48" not in flash.resume

    settings.DEMANDES_DELAI_URGENTE = 6 * 60
    call_command("seed_demo", stdout=io.StringIO())
    flash.refresh_from_db()
    assert "demandes urgentes sous 6 h ouvrées" in flash.resume


def test_la_demo_a_une_rencontre_avec_des_inscrits_et_une_reservee_au_41(demo_construite, client):
    from cms.models import InscriptionRencontre, RencontrePage

    webinaire = RencontrePage.objects.get(slug="webinaire-css-renouvellement")
    inscrits = InscriptionRencontre.objects.filter(rencontre=webinaire)
    assert inscrits.count() == 3
    call_command("seed_demo", stdout=io.StringIO())
    assert inscrits.count() == 3
    agent = Utilisateur.objects.get(email="agent@demo.solidaires.fr")
    assert not inscrits.filter(agent=agent).exists()
    connecter_verifie(client, agent)
    page = html.unescape(client.get(webinaire.url).content.decode())
    assert "97 places restantes" in page and "M'inscrire" in page
    # The Loir-et-Cher meeting is not for the demo agent's structure (37).
    assert (
        client.get(RencontrePage.objects.get(slug="rencontre-partenaires-41").url).status_code
        == 404
    )
