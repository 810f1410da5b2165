"""SIREN, SIRET and NIR against numbers published by others, not computed by the code under test.

Sources: python-stdnum's documentation and test data (numbers "found online", La Poste's
establishments), INSEE's own SIREN, the NIR example of the French Wikipedia article that
government services reuse as a placeholder (2 69 05 49 588 157 80), and the examples of the
`validators` package's tests (Corsica, overseas). Where a case needs a number no one published
(a month INSEE never gives, with a correct key), the key comes from stdnum, never from the
project, and the test first shows that stdnum alone would accept it.
"""

import pytest
from django.core.exceptions import ValidationError
from stdnum import luhn
from stdnum.fr import nir as stdnum_nir

from conventions.models import DemandeAdhesion, Partenaire
from demandes.models import Demande
from portail.identifiants import (
    nir_avec_cle,
    nir_valider,
    siren_avec_cle,
    siren_valider,
    siret_avec_cle,
    siret_valider,
)


def erreur_de(fonction, valeur) -> ValidationError:
    with pytest.raises(ValidationError) as erreur:
        fonction(valeur)
    return erreur.value


# SIRET -------------------------------------------------------------------------------------------


def test_siege_de_la_poste_accepte():
    # Its digit sum (26) is not a multiple of 5: INSEE gives the head office a Luhn key.
    assert siret_valider("356 000 000 00048") == "35600000000048"


@pytest.mark.parametrize("siret", ["356 000 000 09075", "35600000049837", "35600000000010"])
def test_autres_etablissements_de_la_poste_acceptes_sans_cle_luhn(siret):
    compact = siret.replace(" ", "")
    assert not luhn.is_valid(compact)  # only La Poste's digit-sum rule makes them valid
    assert siret_valider(siret) == compact


def test_etablissement_de_la_poste_mal_saisi_refuse():
    assert erreur_de(siret_valider, "35600000049838").code == "cle"


@pytest.mark.parametrize(
    "siret",
    [
        "73282932000074",
        "30206838200050",
        "31719324100013",
        "44126652500019",
        "775.563.232.00104",
        "542 097 324 0006 6",
        "652 059 213 00023",
    ],
)
def test_siret_publies_acceptes(siret):
    assert siret_valider(siret) == siret.replace(" ", "").replace(".", "")


@pytest.mark.parametrize(
    ("saisi", "code", "message"),
    [
        ("73282932000079", "cle", "La clé du SIRET ne correspond pas aux chiffres saisis"),
        ("7328293200007", "longueur", "Le SIRET doit comporter 14 chiffres (13 saisis)."),
        ("732829320000745", "longueur", "Le SIRET doit comporter 14 chiffres (15 saisis)."),
        ("7328293200007A", "format", "Le SIRET ne comporte que des chiffres"),
        ("", "longueur", "Le SIRET doit comporter 14 chiffres (0 saisis)."),
    ],
)
def test_siret_invalide_explique(saisi, code, message):
    erreur = erreur_de(siret_valider, saisi)
    assert erreur.code == code
    assert message in erreur.messages[0]


def test_siret_dont_le_siren_est_faux_le_dit():
    saisi = "73282932100072"
    assert luhn.is_valid(saisi) and not luhn.is_valid(saisi[:9])  # a Luhn key is not enough
    erreur = erreur_de(siret_valider, saisi)
    assert erreur.code == "cle_siren"
    assert "Les 9 premiers chiffres du SIRET (le SIREN)" in erreur.messages[0]


@pytest.mark.parametrize("modele", [Partenaire, DemandeAdhesion])
def test_les_champs_siret_des_modeles_utilisent_la_meme_regle(modele):
    champ = modele._meta.get_field("siret")
    champ.run_validators("35600000000048")
    with pytest.raises(ValidationError) as erreur:
        champ.run_validators("73282932000079")
    assert "La clé du SIRET ne correspond pas" in erreur.value.messages[0]


# SIREN -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("siren", ["120027016", "350792008", "775 699 309", "404833048"])
def test_siren_publies_acceptes(siren):
    assert siren_valider(siren) == siren.replace(" ", "")


@pytest.mark.parametrize(
    ("saisi", "code"), [("404833047", "cle"), ("12002701", "longueur"), ("12002701X", "format")]
)
def test_siren_invalide_refuse(saisi, code):
    assert erreur_de(siren_valider, saisi).code == code


# NIR ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("saisi", "attendu"),
    [
        ("2 69 05 49 588 157 80", "269054958815780"),
        ("1 84 12 76 451 089 46", "184127645108946"),
        ("2 95 10 99 126 111 93", "295109912611193"),  # born abroad (99)
        ("2 99 05 971 12 817 70", "299059711281770"),  # born in Guadeloupe (971)
        ("2 06 12 75 111 005 64", "206127511100564"),
    ],
)
def test_nir_publies_acceptes(saisi, attendu):
    assert nir_valider(saisi) == attendu


@pytest.mark.parametrize(
    "saisi", ["253072A07300443", "253072B07300470", "2 99 05 2a 202 817 58", "2990 52B2 0281 785"]
)
def test_nir_corses_acceptes(saisi):
    attendu = saisi.replace(" ", "").upper()
    assert nir_valider(saisi) == attendu


@pytest.mark.parametrize(
    ("saisi", "code", "message"),
    [
        ("1 84 12 76 451 089 47", "cle", "La clé du numéro de sécurité sociale"),
        ("295109912611199", "cle", "ne correspond pas au numéro"),
        ("253072A07300470", "cle", "ne correspond pas au numéro"),  # 2B's key on a 2A number
        ("1841276451089", "longueur", "doit comporter 15 caractères, clé comprise (13 saisis)"),
        ("184127645108946AB", "longueur", "(17 saisis)"),
        ("18412764510894A", "format", "ne comporte que des chiffres, sauf 2A ou 2B"),
        ("253072C07300443", "format", "ne comporte que des chiffres, sauf 2A ou 2B"),
        ("ABCDEFGHIJKLMNO", "format", "ne comporte que des chiffres, sauf 2A ou 2B"),
    ],
)
def test_nir_invalide_explique(saisi, code, message):
    erreur = erreur_de(nir_valider, saisi)
    assert erreur.code == code
    assert message in erreur.messages[0]


def _avec_cle_stdnum(numero13: str) -> str:
    nir = numero13 + stdnum_nir.calc_check_digits(numero13)
    assert stdnum_nir.is_valid(nir)  # stdnum alone accepts it: the project's check refuses it
    return nir


@pytest.mark.parametrize(
    ("numero13", "code", "message"),
    [
        ("1841376451089", "mois", "(4e et 5e chiffres : 13) n'existe pas"),
        ("1840076451089", "mois", "(4e et 5e chiffres : 00) n'existe pas"),
        ("1841576451089", "mois", "(4e et 5e chiffres : 15) n'existe pas"),
        ("1844576451089", "mois", "(4e et 5e chiffres : 45) n'existe pas"),
        ("1841200451089", "departement", "(6e et 7e caractères : 00) n'existe pas"),
        ("5841276451089", "sexe", "doit être 1 (homme) ou 2 (femme)"),
    ],
)
def test_nir_avec_une_bonne_cle_mais_impossible_refuse(numero13, code, message):
    erreur = erreur_de(nir_valider, _avec_cle_stdnum(numero13))
    assert erreur.code == code
    assert message in erreur.messages[0]


@pytest.mark.parametrize("mois", ["01", "12", "20", "25", "30", "42", "50", "99"])
def test_mois_fictifs_donnes_par_l_insee_acceptes(mois):
    nir = _avec_cle_stdnum(f"184{mois}99126111")
    assert nir_valider(nir) == nir


@pytest.mark.parametrize("departement", ["01", "20", "95", "97", "98", "99"])
def test_departements_acceptes(departement):
    nir = _avec_cle_stdnum(f"18412{departement}451089")
    assert nir_valider(nir) == nir


def test_le_champ_nir_de_la_demande_utilise_la_meme_regle():
    champ = Demande._meta.get_field("nir")
    champ.run_validators("269054958815780")
    with pytest.raises(ValidationError) as erreur:
        champ.run_validators("269054958815781")
    assert "La clé du numéro de sécurité sociale" in erreur.value.messages[0]


# What demo data, bench and factories build with ------------------------------------------------


def test_les_numeros_construits_retrouvent_les_cles_publiees():
    assert siren_avec_cle("12002701") == "120027016"
    assert siret_avec_cle("7328293200007") == "73282932000074"
    assert nir_avec_cle("2690549588157") == "269054958815780"
    assert nir_avec_cle("2 99 05 2A 202 817") == "299052A20281758"


def test_construire_un_numero_impossible_echoue():
    with pytest.raises(ValidationError):
        nir_avec_cle("1841376451089")  # month 13
    with pytest.raises(ValidationError):
        siret_avec_cle("7328293210007")  # the SIREN 732829321 has a wrong key
