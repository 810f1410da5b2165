"""Signed conventions: streamed by a view that checks who asks, never by a public URL."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from ..selectors import conventions_telechargeables


@require_safe
def document_signe(request, pk):
    """The signed PDF of a convention, as an attachment, for superviseurs and the structure's
    active référents. Anyone else gets 404, not 403: the answer does not tell that the
    convention exists."""
    convention = get_object_or_404(conventions_telechargeables(request.user), pk=pk)
    if not convention.document_signe:
        raise Http404
    try:
        fichier = convention.document_signe.open("rb")
    except FileNotFoundError as absent:
        raise Http404 from absent
    response = FileResponse(
        fichier,
        as_attachment=True,
        filename=f"{convention.numero}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
