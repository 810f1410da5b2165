"""Template helpers: accessible forms, the link to the back-office."""

from django import template

from portail import roles
from portail.verrouillage import regles_connexion as _regles_connexion

register = template.Library()


@register.simple_tag
def champ_accessible(champ):
    """Render a bound field's widget linked to its help text and errors (RGAA 11.10)."""
    decrit_par = []
    if champ.help_text:
        decrit_par.append(f"{champ.id_for_label}-aide")
    decrit_par += [f"{champ.id_for_label}-erreur-{i}" for i in range(1, len(champ.errors) + 1)]
    attrs = {}
    if decrit_par:
        attrs["aria-describedby"] = " ".join(decrit_par)
    if champ.errors:
        attrs["aria-invalid"] = "true"
    return champ.as_widget(attrs=attrs)


@register.simple_tag
def regles_connexion():
    """The lockout and session numbers, from the settings that enforce them."""
    return _regles_connexion()


@register.simple_tag(takes_context=True)
def espace_cpam(context):
    """The back-office workspace of the person viewing the page, "" when they are not CPAM
    staff: partners never get a link to the back-office."""
    utilisateur = context.get("user")
    return (utilisateur is not None and roles.espace_cpam(utilisateur)) or ""


@register.simple_tag(takes_context=True)
def menu_principal(context):
    """The main menu of the person viewing the page (cms.selectors.menu_principal), {} when
    there is no request or nobody verified: error pages render it without the database."""
    request = context.get("request")
    if request is None or not getattr(request, "user", None):
        return {}
    from cms.selectors import menu_principal as _menu_principal

    return _menu_principal(request)


@register.simple_tag
def nom_caisse():
    """The caisse that runs the portal (setting CAISSE_NOM)."""
    from django.conf import settings

    return settings.CAISSE_NOM


VOYELLES = set("aàâäeéèêëiîïoôöuùûüyÿhAÀÂÄEÉÈÊËIÎÏOÔÖUÙÛÜYŸH")


@register.filter
def de(nom) -> str:
    """ "de Paul", "d'Aurélie", "d'Hugo": the French preposition before a name, elided before a
    vowel or an h."""
    nom = str(nom or "").strip()
    if not nom:
        return ""
    return f"d'{nom}" if nom[0] in VOYELLES else f"de {nom}"
