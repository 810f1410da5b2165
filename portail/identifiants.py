"""French identifiers typed by people: SIREN, SIRET (structures) and NIR (insured persons).

The check digits come from python-stdnum (`stdnum.fr.siren`, `stdnum.fr.siret`, `stdnum.fr.nir`),
whose maintainers follow INSEE's rules and their exceptions (La Poste's establishments, whose
SIRET has a digit sum multiple of 5 instead of a Luhn key, except the head office's). This module
only adds what stdnum does not check and French messages saying what is wrong. Demo data, bench
seeding and test factories build their numbers with the `*_avec_cle` functions below, so no other
copy of the algorithms exists in the project.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import luhn
from stdnum.exceptions import ValidationError as ErreurStdnum
from stdnum.fr import nir as stdnum_nir
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

# What people type between the digits: spaces (also non-breaking), dots, dashes.
_SEPARATEURS = re.compile(r"[\s.\-]")


def _compacter(valeur: str) -> str:
    return _SEPARATEURS.sub("", valeur or "").upper()


def _chiffres_attendus(valeur: str, *, nom: str, longueur: int) -> None:
    if valeur and not (valeur.isdigit() and valeur.isascii()):
        raise ValidationError(
            _("Le %(nom)s ne comporte que des chiffres : retirez les lettres et autres signes.")
            % {"nom": nom},
            code="format",
        )
    if len(valeur) != longueur:
        raise ValidationError(
            _("Le %(nom)s doit comporter %(attendu)d chiffres (%(saisi)d saisis).")
            % {"nom": nom, "attendu": longueur, "saisi": len(valeur)},
            code="longueur",
        )


# SIREN and SIRET ---------------------------------------------------------------------------------


def siren_valider(valeur: str) -> str:
    """Return the SIREN without separators (9 digits), or raise a French ValidationError."""
    siren = _compacter(valeur)
    _chiffres_attendus(siren, nom="SIREN", longueur=9)
    if not stdnum_siren.is_valid(siren):
        raise ValidationError(
            _(
                "La clé du SIREN ne correspond pas aux chiffres saisis : vérifiez-les sur l'avis "
                "de situation INSEE."
            ),
            code="cle",
        )
    return siren


def siret_valider(valeur: str) -> str:
    """Return the SIRET without separators (14 digits), or raise a French ValidationError.

    Also a model field validator: Django ignores the returned value there.
    """
    siret = _compacter(valeur)
    _chiffres_attendus(siret, nom="SIRET", longueur=14)
    if stdnum_siret.is_valid(siret):
        return siret
    if not stdnum_siren.is_valid(siret[:9]):
        raise ValidationError(
            _(
                "Les 9 premiers chiffres du SIRET (le SIREN) ne forment pas un numéro valide : "
                "vérifiez-les sur l'avis de situation INSEE."
            ),
            code="cle_siren",
        )
    raise ValidationError(
        _(
            "La clé du SIRET ne correspond pas aux chiffres saisis : vérifiez-les sur l'avis de "
            "situation INSEE."
        ),
        code="cle",
    )


def siren_avec_cle(debut: str) -> str:
    """The 8 first digits of a SIREN completed with their key (demo, bench, tests)."""
    return siren_valider(debut + luhn.calc_check_digit(debut))


def siret_avec_cle(debut: str) -> str:
    """The 13 first digits of a SIRET (a valid SIREN, then the NIC) completed with their key."""
    return siret_valider(debut + luhn.calc_check_digit(debut))


# NIR ---------------------------------------------------------------------------------------------

# Sex (1 or 2; 3, 4, 7, 8 for numbers given before certification), year, month, département
# (2A/2B for Corsica), then 6 digits (commune, or overseas département's 3rd digit and commune;
# country code for people born abroad), 3 of order, 2 of key.
_NIR = re.compile(
    r"^(?P<sexe>[0-9])[0-9]{2}(?P<mois>[0-9]{2})(?P<departement>[0-9]{2}|2A|2B)[0-9]{8}$"
)
SEXES_NIR = frozenset("123478")


def nir_normaliser(valeur: str) -> str:
    """The NIR as stored and searched: no spaces, dots or dashes; 2A/2B in capitals."""
    return _compacter(valeur)


def _mois_nir_possible(mois: int) -> bool:
    # 01 to 12; INSEE gives "fictitious" months when the civil status given at registration
    # (often a foreign one) does not state the month. Published descriptions disagree on which
    # (20, 20 to 30, 30 to 42, 50 and over): all of them are accepted, since refusing a real
    # person's number would block their demande, while a typo is still caught by the key.
    return 1 <= mois <= 12 or 20 <= mois <= 42 or mois >= 50


def nir_valider(valeur: str) -> str:
    """Return the NIR normalised (15 characters), or raise a French ValidationError.

    stdnum checks the key (2A counting as 19 and 2B as 18); the project also refuses a sex digit,
    a month or a département that INSEE never gives: month 00, 13 to 19 or 43 to 49, and
    département 00. Every other département code is accepted: 01 to 95 and 2A/2B, 97x and 98x
    overseas, 99 for people born abroad, and codes of former départements that stay in the NIR
    of people born there (20 for Corsica before 1976, for instance).
    """
    nir = nir_normaliser(valeur)
    if len(nir) != 15:
        raise ValidationError(
            _(
                "Le numéro de sécurité sociale doit comporter 15 caractères, clé comprise "
                "(%(saisi)d saisis)."
            )
            % {"saisi": len(nir)},
            code="longueur",
        )
    correspondance = _NIR.match(nir)
    if correspondance is None:
        raise ValidationError(
            _(
                "Le numéro de sécurité sociale ne comporte que des chiffres, sauf 2A ou 2B "
                "(6e et 7e caractères) pour une personne née en Corse."
            ),
            code="format",
        )
    if correspondance["sexe"] not in SEXES_NIR:
        raise ValidationError(
            _("Le premier chiffre du numéro de sécurité sociale doit être 1 (homme) ou 2 (femme)."),
            code="sexe",
        )
    if not _mois_nir_possible(int(correspondance["mois"])):
        raise ValidationError(
            _(
                "Le mois de naissance du numéro de sécurité sociale (4e et 5e chiffres : "
                "%(mois)s) n'existe pas : il va de 01 à 12."
            )
            % {"mois": correspondance["mois"]},
            code="mois",
        )
    if correspondance["departement"] == "00":
        raise ValidationError(
            _(
                "Le département de naissance du numéro de sécurité sociale (6e et 7e "
                "caractères : 00) n'existe pas."
            ),
            code="departement",
        )
    try:
        stdnum_nir.validate(nir)
    except ErreurStdnum as erreur:
        raise ValidationError(
            _(
                "La clé du numéro de sécurité sociale (2 derniers chiffres) ne correspond pas au "
                "numéro : vérifiez les chiffres sur la carte Vitale ou l'attestation de droits."
            ),
            code="cle",
        ) from erreur
    return nir


def nir_avec_cle(numero: str) -> str:
    """The 13 first characters of a NIR completed with their key (demo, bench, tests)."""
    numero = nir_normaliser(numero)
    return nir_valider(numero + stdnum_nir.calc_check_digits(numero))


# Telephone numbers ------------------------------------------------------------------------------

_TELEPHONE_SEPARATEURS = re.compile(r"[\s.\-]|\(0\)")
_TELEPHONE = re.compile(r"^(?:\+33|0033|0)([1-9]\d{8})$")
# Short numbers of public services (36 46 for the Assurance Maladie, 39 39...).
_NUMERO_COURT = re.compile(r"^[13]\d{3}$")


def telephone_normaliser(valeur: str, *, numero_court: bool = False) -> str:
    """A French phone number written the French way (02 47 00 00 00), or a French
    ValidationError. `numero_court` also accepts a four-digit public service number (36 46).

    Written by hand: the only rule needed is metropolitan and overseas ten-digit numbers, which
    a regular expression states; the `phonenumbers` library is not a dependency."""
    chiffres = _TELEPHONE_SEPARATEURS.sub("", valeur or "")
    if numero_court and _NUMERO_COURT.match(chiffres):
        return f"{chiffres[:2]} {chiffres[2:]}"
    correspondance = _TELEPHONE.match(chiffres)
    if correspondance is None:
        message = _(
            "Saisissez un numéro de téléphone français à 10 chiffres, par exemple "
            "02 47 00 00 00 ou +33 2 47 00 00 00."
        )
        if numero_court:
            message += " " + _("Un numéro court à 4 chiffres, comme 36 46, est aussi accepté.")
        raise ValidationError(message, code="telephone")
    numero = "0" + correspondance.group(1)
    return " ".join(numero[i : i + 2] for i in range(0, 10, 2))
