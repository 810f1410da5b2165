"""Extra questions some categories ask (Categorie.champs), stored in Demande.complements."""

import datetime

from django.utils.translation import gettext_lazy as _

from portail.dates import date_courte

from ..models import Categorie

SITUATIONS_CARTE = [
    ("perdue", _("Perdue")),
    ("volee", _("Volée")),
    ("jamais_recue", _("Jamais reçue")),
    ("defectueuse", _("Défectueuse")),
]
TYPES_REVENU = [
    ("ij_maladie", _("Indemnités journalières maladie")),
    ("ij_maternite", _("Indemnités journalières maternité, paternité ou adoption")),
    ("ij_atmp", _("Indemnités journalières accident du travail ou maladie professionnelle")),
    ("invalidite", _("Pension d'invalidité")),
    ("rente_atmp", _("Rente accident du travail ou maladie professionnelle")),
]
# A pension or an annuity has no sick-leave start date; daily allowances do.
REVENUS_AVEC_ARRET = {"ij_maladie", "ij_maternite", "ij_atmp"}

CHAMPS_SPECIFIQUES: dict[str, tuple[str, ...]] = {
    Categorie.Champs.CARTE_VITALE: ("situation_carte",),
    Categorie.Champs.INDEMNITES: ("type_revenu", "date_arret"),
}
LIBELLES_COMPLEMENTS = {
    "situation_carte": (_("Situation de la carte Vitale"), dict(SITUATIONS_CARTE)),
    "type_revenu": (_("Type de revenu"), dict(TYPES_REVENU)),
    "date_arret": (_("Début de l'arrêt de travail ou du congé"), None),
}


def complements_lisibles(complements: dict) -> list[tuple[str, str]]:
    """The extra answers of a demande as (question, answer) for screens (both sides): each
    choice through its French label ("Perdue", never the stored "perdue"), empty answers left
    out. A key no form asks any more keeps a readable question and its answer as stored."""
    lignes = []
    for cle, valeur in (complements or {}).items():
        if valeur in (None, "", [], {}):
            continue
        libelle, choix = LIBELLES_COMPLEMENTS.get(cle, (None, None))
        if libelle is None:
            libelle = str(cle).replace("_", " ").capitalize()
        if isinstance(valeur, list | tuple):
            valeur = ", ".join(str(choix.get(v, v)) if choix else str(v) for v in valeur)
        elif choix is not None:
            valeur = choix.get(valeur, valeur)
        elif str(cle).startswith("date_"):
            try:
                valeur = date_courte(datetime.date.fromisoformat(valeur))
            except (TypeError, ValueError):
                pass
        lignes.append((str(libelle), str(valeur)))
    return lignes
