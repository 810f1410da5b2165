"""Every promise the portal makes to people, worded from the settings that enforce it.

A delay, a size or a count shown on a page must be the one the code applies: templates and demo
texts never type "4 h ouvrées" or "10 Mo" themselves, they ask here (or the `promesses` template
tags). tests/portail/test_promesses.py scans templates and demo texts for typed promises.
"""

from django.conf import settings


def delai_reponse(urgence: str, categorie=None) -> str:
    """First-answer delay of a demande ("4 h ouvrées"), the category's own when it has one."""
    from demandes.calendrier import jours_ouvres
    from demandes.models import Demande

    if categorie is not None:
        return jours_ouvres(categorie.delai(urgence))
    if urgence == Demande.Urgence.URGENTE:
        return jours_ouvres(settings.DEMANDES_DELAI_URGENTE)
    return jours_ouvres(settings.DEMANDES_DELAI_NORMALE)


def delai_relance_partenaire() -> str:
    """How long a demande waits for the partner before they are reminded."""
    from demandes.calendrier import jours_ouvres

    return jours_ouvres(settings.DEMANDES_RELANCE_PARTENAIRE)


def jours_ouvres_texte(jours: int) -> str:
    from demandes.calendrier import MINUTES_PAR_JOUR, jours_ouvres

    return jours_ouvres(jours * MINUTES_PAR_JOUR)


def delai_adhesion() -> str:
    """The partnership service's answer to a structure asking to join."""
    return jours_ouvres_texte(settings.CONVENTIONS_DELAI_REPONSE_ADHESION_JOURS)


def delai_accuse_securite() -> str:
    """Acknowledgement of a reported security flaw (page "Sécurité")."""
    return jours_ouvres_texte(settings.SECURITE_DELAI_ACCUSE_RECEPTION_JOURS)


def en_mo(octets: int) -> str:
    """A size limit as people read it: "10 Mo"."""
    mo = octets / (1024 * 1024)
    return f"{mo:g} Mo"


def taille_max_piece() -> str:
    return en_mo(settings.DEMANDES_TAILLE_MAX_FICHIER)


def pieces_par_message() -> int:
    return settings.DEMANDES_PIECES_PAR_MESSAGE
