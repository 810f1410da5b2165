"""Attached files, streamed by a view that re-checks permission on every download.

Open to both sides: `selectors.piece_visible` applies the partner rule (no file of an internal
note) or the CPAM rule (team, assignment, superviseur); anyone else gets 404.
"""

from uuid import UUID

from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from .. import selectors


@require_safe
def telecharger(request, reference: str, uuid: str):
    try:
        uuid = UUID(uuid)
    except ValueError as erreur:
        raise Http404 from erreur
    piece = selectors.piece_visible(request.user, uuid, reference)
    if piece is None:
        raise Http404
    try:
        contenu = piece.fichier.open("rb")
    except FileNotFoundError as erreur:
        raise Http404 from erreur
    reponse = FileResponse(
        contenu, as_attachment=True, filename=piece.nom, content_type=piece.type_mime
    )
    reponse["X-Content-Type-Options"] = "nosniff"
    return reponse
