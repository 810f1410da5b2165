from wagtail import hooks

from .acces import refus_contenu


@hooks.register("before_serve_page")
def controler_acces_page(page, request, serve_args, serve_kwargs):
    """Pages are for partners under a convention in force and CPAM staff, except the ones
    marked public (home for visitors, legal pages)."""
    if getattr(page, "page_publique", False):
        return None
    return refus_contenu(request)


@hooks.register("before_serve_document")
def controler_acces_document(document, request):
    """No document is public: forms and attachments follow the same rule as pages."""
    return refus_contenu(request)
