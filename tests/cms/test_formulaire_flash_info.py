"""The flash info form of the Wagtail editor (a bug the editor's browser journey revealed:
an empty target list was shown as "[]" and then refused)."""

import re

import pytest

from cms.models import FlashInfoIndexPage, FlashInfoPage, HomePage
from portail import roles
from tests.conftest import connecter_verifie
from tests.factories import UtilisateurFactory

pytestmark = pytest.mark.django_db


def _champ_departements(client, url: str) -> str:
    contenu = client.get(url).content.decode()
    return re.search(r'<input[^>]*id="id_departements"[^>]*>', contenu).group(0)


def test_formulaire_flash_info_departements_vides(client):
    """A flash info aimed at every department shows an empty "Départements visés" field, when
    it is created and when it is edited."""
    index = FlashInfoIndexPage(title="Actualité en continu", slug="actualites")
    HomePage.objects.get().add_child(instance=index)
    flash = FlashInfoPage(title="Pour tous", slug="pour-tous", resume="Résumé", corps=[])
    index.add_child(instance=flash)
    connecter_verifie(client, UtilisateurFactory(roles=[roles.EDITEUR]))

    creation = _champ_departements(client, f"/admin/pages/add/cms/flashinfopage/{index.pk}/")
    modification = _champ_departements(client, f"/admin/pages/{flash.pk}/edit/")

    assert 'value="[]"' not in creation
    assert 'value="[]"' not in modification
