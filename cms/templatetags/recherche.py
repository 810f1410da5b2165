"""The search box as one tag, for any template (the header, the home page)."""

from django import template

from cms.recherche import LONGUEUR_MAX_REQUETE

register = template.Library()


@register.inclusion_tag("cms/includes/recherche_formulaire.html", takes_context=True)
def formulaire_recherche(context, id_champ="recherche-entete", compacte=True, url=None):
    """The search box, only for a verified person (the search page itself turns others away).

    `compacte` hides the label visually (still read by screen readers) and the help line, for
    the header; the search page address is read once per request, unless given as `url`.
    """
    request = context.get("request")
    utilisateur = getattr(request, "user", None)
    if not (utilisateur and utilisateur.is_authenticated and utilisateur.is_verified()):
        return {"url_recherche": None}
    if url is not None:
        request._url_recherche = url
    if not hasattr(request, "_url_recherche"):
        from cms.models import RecherchePage

        page = RecherchePage.objects.live().only("url_path").first()
        request._url_recherche = page.get_url(request) if page else None
    return {
        "url_recherche": request._url_recherche,
        "id_champ": id_champ,
        "compacte": compacte,
        "q": "",
        "longueur_max": LONGUEUR_MAX_REQUETE,
    }
