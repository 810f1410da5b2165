"""The insured person's NIR (key checked, Corsica handled) and the content check of files."""

import pytest
from django.core.exceptions import ValidationError

from demandes.validators import fichier_valider, nir_masque, nir_valider
from tests.demandes.conftest import JPEG, PDF, PNG, fichier, nir_valide


def test_nir_valide_avec_espaces_normalise():
    nir = nir_valide("2690599350122")
    saisi = f"{nir[0]} {nir[1:3]} {nir[3:5]} {nir[5:7]} {nir[7:10]} {nir[10:13]} {nir[13:]}"
    assert nir_valider(saisi) == nir


def test_cle_connue_d_un_exemple_reel_de_format():
    # 1 85 07 37 261 042, key 97 - (1850737261042 mod 97) = 24, computed by hand.
    assert nir_valider("185073726104224") == "185073726104224"


@pytest.mark.parametrize("numero", ["18507" + "2A" + "004123", "28503" + "2B" + "110045"])
def test_corse_2a_2b(numero):
    nir = nir_valide(numero)
    assert nir_valider(nir.lower()) == nir


def test_corse_cle_calculee_avec_19_et_18_pas_20():
    # The same number with 20 would give another key: that key must be refused.
    numero = "1850520004123"
    faux = "18505" + "2A" + "004123" + f"{97 - int(numero) % 97:02d}"
    with pytest.raises(ValidationError) as erreur:
        nir_valider(faux)
    assert erreur.value.code == "cle"


def test_mauvaise_cle_refusee_en_francais():
    nir = nir_valide("1850737261042")
    mauvais = nir[:13] + f"{(int(nir[13:]) + 1) % 97:02d}"
    with pytest.raises(ValidationError) as erreur:
        nir_valider(mauvais)
    assert "clé" in erreur.value.messages[0]


@pytest.mark.parametrize("saisie", ["", "12345", "9850737261042XX", "1850737261042", "A" * 15])
def test_format_refuse(saisie):
    with pytest.raises(ValidationError) as erreur:
        nir_valider(saisie)
    assert erreur.value.code == "format"


def test_mois_impossible_refuse():
    with pytest.raises(ValidationError) as erreur:
        nir_valider(nir_valide("1851337261042"))
    assert erreur.value.code == "mois"


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
