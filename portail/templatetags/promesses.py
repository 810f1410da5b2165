"""Template tags for the portal's promises (portail/promesses.py): never type them by hand."""

from django import template

from portail import promesses

register = template.Library()


@register.simple_tag
def delai_reponse(urgence, categorie=None):
    return promesses.delai_reponse(urgence, categorie)


@register.simple_tag
def delai_adhesion():
    return promesses.delai_adhesion()


@register.simple_tag
def delai_accuse_securite():
    return promesses.delai_accuse_securite()


@register.simple_tag
def taille_max_piece():
    return promesses.taille_max_piece()
