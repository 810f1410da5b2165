"""How a NIR is shown in lists, and the content check of files (the NIR itself: tests/portail/
test_identifiants.py)."""

import pytest
from django.core.exceptions import ValidationError

from demandes.validators import fichier_valider, nir_masque
from tests.demandes.conftest import JPEG, PDF, PNG, fichier


def test_nir_masque_ne_montre_que_sexe_et_annee():
    assert nir_masque("185073726104224") == "1 85 •• •• ••• ••• ••"


@pytest.mark.parametrize(
    "contenu, attendu",
    [(PDF, ("application/pdf", "pdf")), (PNG, ("image/png", "png")), (JPEG, ("image/jpeg", "jpg"))],
)
def test_type_reconnu_par_le_contenu(contenu, attendu):
    assert fichier_valider(fichier("scan.bin", contenu, "application/octet-stream")) == attendu


def test_une_image_renommee_pdf_et_un_texte_refuses():
    with pytest.raises(ValidationError) as erreur:
        fichier_valider(fichier("faux.pdf", PNG))
    assert erreur.value.code == "type_declare"
    with pytest.raises(ValidationError) as erreur:
        fichier_valider(fichier("faux.pdf", b"MZ\x90\x00 executable"))
    assert "faux.pdf" in erreur.value.messages[0]
    assert erreur.value.code == "type"


def test_trop_gros_refuse(settings):
    settings.DEMANDES_TAILLE_MAX_FICHIER = 1024 * 1024
    with pytest.raises(ValidationError) as erreur:
        fichier_valider(fichier("gros.pdf", PDF + b"0" * 1024 * 1024))
    assert erreur.value.code == "taille"
    assert "1 Mo" in erreur.value.messages[0]


def test_fichier_vide_refuse():
    with pytest.raises(ValidationError) as erreur:
        fichier_valider(fichier("vide.pdf", b""))
    assert erreur.value.code == "vide"
