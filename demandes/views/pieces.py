"""Attachments of the message being written: checked one by one, kept across a refused form.

Files that pass are stored at once as pending uploads of their author; the form carries their
ids (ticked boxes), so a form refused for another reason does not ask for them again. Only the
person's own pending uploads can be taken back or re-used.
"""

import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import services
from ..models import PieceJointe

CHAMP_FICHIERS = "pieces"
CHAMP_GARDEES = "pieces_jointes"
CHAMP_CONNUES = "pieces_connues"


@dataclass
class Pieces:
    toutes: list[PieceJointe] = field(default_factory=list)
    nouvelles: list[PieceJointe] = field(default_factory=list)


def _uuids(valeurs) -> list[uuid.UUID]:
    resultat = []
    for valeur in valeurs:
        try:
            resultat.append(uuid.UUID(str(valeur)))
        except ValueError:
            continue
    return resultat


def pieces_gardees(request) -> list[PieceJointe]:
    """The person's pending uploads still ticked in the posted form (nothing new stored)."""
    return services.pieces_en_attente(
        utilisateur=request.user, uuids=_uuids(request.POST.getlist(CHAMP_GARDEES))
    )


def pieces_du_formulaire(request, form) -> Pieces:
    """The files of the message: those kept from a previous attempt, then the new ones.

    Call after `form.is_valid()`: refusals are added to the form's `pieces` field. Above the
    per-message limit, none of the new files is stored.
    """
    utilisateur = request.user
    gardees = _uuids(request.POST.getlist(CHAMP_GARDEES))
    retirees = set(_uuids(request.POST.getlist(CHAMP_CONNUES))) - set(gardees)
    if retirees:
        services.pieces_retirer(utilisateur=utilisateur, uuids=list(retirees))
    pieces = Pieces(toutes=services.pieces_en_attente(utilisateur=utilisateur, uuids=gardees))
    nouveaux = [fichier for fichier in request.FILES.getlist(CHAMP_FICHIERS) if fichier]
    maximum = settings.DEMANDES_PIECES_PAR_MESSAGE
    if len(pieces.toutes) + len(nouveaux) > maximum:
        form.add_error(CHAMP_FICHIERS, _message_trop_de_fichiers(len(pieces.toutes), nouveaux))
        return pieces
    for fichier in nouveaux:
        try:
            piece = services.piece_deposer(fichier=fichier, utilisateur=utilisateur)
        except ValidationError as erreur:
            form.add_error(CHAMP_FICHIERS, erreur.messages)
        else:
            pieces.nouvelles.append(piece)
            pieces.toutes.append(piece)
    return pieces


def _message_trop_de_fichiers(deja: int, nouveaux) -> str:
    maximum = settings.DEMANDES_PIECES_PAR_MESSAGE
    possibles = max(maximum - deja, 0)
    debut = ngettext(
        "Vous avez choisi %(n)s fichier",
        "Vous avez choisi %(n)s fichiers",
        len(nouveaux),
    ) % {"n": len(nouveaux)}
    if deja:
        debut += ngettext(
            " en plus du fichier déjà joint",
            " en plus des %(d)s fichiers déjà joints",
            deja,
        ) % {"d": deja}
    if possibles == 0:
        fin = _("décochez un fichier déjà joint avant d'en ajouter un autre.")
    else:
        fin = ngettext("choisissez-en un seul.", "choisissez-en au plus %(p)s.", possibles) % {
            "p": possibles
        }
    return _(
        "%(debut)s : %(max)s fichiers au plus par message. Aucun de ces fichiers n'a été "
        "enregistré ; %(fin)s"
    ) % {"debut": debut, "max": maximum, "fin": fin}
