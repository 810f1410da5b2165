"""How the back-office says a demande's service level and shows its data."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portail.dates import date_heure_courte

from ..calendrier import MINUTES_PAR_JOUR, jours_ouvres, minutes_ouvrees_entre
from ..forms.complements import complements_lisibles as complements_partenaire
from ..models import Demande

Statut = Demande.Statut


def duree_ouvree(minutes: int) -> str:
    """Business minutes as people say them: "1 jour ouvré et 2 h ouvrées", "45 min ouvrées"."""
    minutes = abs(int(minutes))
    if minutes == 0:
        return _("moins d'une minute ouvrée")
    if minutes < 60:
        return ngettext("%(m)s min ouvrée", "%(m)s min ouvrées", minutes) % {"m": minutes}
    if minutes < MINUTES_PAR_JOUR:
        return jours_ouvres(minutes)
    jours, reste = divmod(minutes, MINUTES_PAR_JOUR)
    texte = jours_ouvres(jours * MINUTES_PAR_JOUR)
    if reste:
        texte = _("%(jours)s et %(reste)s") % {"jours": texte, "reste": duree_ouvree(reste)}
    return texte


@dataclass(frozen=True)
class Horloge:
    """The first-answer clock of a demande: `etat` for the markup, `texte` for people."""

    etat: str  # "reste", "retard", "pause", "repondue", "sans_objet"
    texte: str
    detail: str = ""

    @property
    def en_retard(self) -> bool:
        return self.etat == "retard"


def horloge(demande: Demande, maintenant=None) -> Horloge:
    """The clock on the calendar of the demande's team (load `equipe` with the demande)."""
    maintenant = maintenant or timezone.now()
    if demande.repondue_le is not None:
        return Horloge(
            "repondue",
            _("Répondue en %(duree)s") % {"duree": duree_ouvree(demande.delai_reponse or 0)},
            _("Première réponse le %(le)s") % {"le": date_heure_courte(demande.repondue_le)},
        )
    territoire = demande.equipe.territoire
    if demande.statut == Statut.EN_ATTENTE:
        reste = minutes_ouvrees_entre(
            demande.en_attente_depuis or maintenant, demande.echeance, territoire=territoire
        )
        return Horloge(
            "pause",
            _("Délai en pause"),
            _("En attente du partenaire depuis le %(le)s ; %(reste)s à la reprise.")
            % {
                "le": date_heure_courte(demande.en_attente_depuis or maintenant),
                "reste": _("il restera %(d)s") % {"d": duree_ouvree(max(reste, 0))}
                if reste > 0
                else _("délai déjà dépassé"),
            },
        )
    if demande.statut not in (Statut.NOUVELLE, Statut.EN_COURS):
        return Horloge("sans_objet", "—")
    echeance = _("Échéance le %(le)s") % {"le": date_heure_courte(demande.echeance)}
    if demande.echeance <= maintenant:
        retard = minutes_ouvrees_entre(demande.echeance, maintenant, territoire=territoire)
        texte = (
            _("En retard de %(duree)s") % {"duree": duree_ouvree(retard)}
            if retard > 0
            else _("En retard (échéance dépassée)")
        )
        return Horloge("retard", texte, echeance)
    reste = minutes_ouvrees_entre(maintenant, demande.echeance, territoire=territoire)
    return Horloge("reste", _("Reste %(duree)s") % {"duree": duree_ouvree(reste)}, echeance)


def nir_lisible(nir: str) -> str:
    """The NIR grouped as printed on the carte Vitale: 1 85 07 37 261 042 12."""
    if len(nir) != 15:
        return nir
    return " ".join((nir[0], nir[1:3], nir[3:5], nir[5:7], nir[7:10], nir[10:13], nir[13:]))


def url_piece(reference: str, piece_uuid) -> str:
    """The permission-checked download of a file (partner-side view, also serving the CPAM)."""
    for nom in ("demandes:piece", "demandes:fichier"):
        try:
            return reverse(nom, args=[reference, piece_uuid])
        except NoReverseMatch:
            continue
    return f"/demandes/{reference}/fichiers/{piece_uuid}/"


def complements_lisibles(demande: Demande) -> list[tuple[str, str]]:
    """The category's extra answers as (question, answer) pairs, worded as the partner's page
    words them (choices by their French label)."""
    return complements_partenaire(demande.complements)
