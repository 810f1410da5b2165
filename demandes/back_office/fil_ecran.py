"""The thread of the expert's demande screen, written in one pass in Python.

A demande's whole exchange is shown (50 messages in the bench): per message the template
translated a label and an author line, formatted two dates and each file's size. Here the
labels are translated once per page and each message is one format string; the markup is the
one the template wrote, every value from the database escaped (the messages themselves are
written as `{% blocktranslate %}` wrote them: their values escaped, the text as translated).
"""

from django.template.defaultfilters import date as filtre_date
from django.template.defaultfilters import filesizeformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _

from portail.dates import date_heure_courte
from portail.formulaires import echapper_html as _e

from ..models import Message


def _nom(utilisateur) -> str:
    return utilisateur.get_full_name() or utilisateur.email


def fil_html(demande, fil) -> SafeString:
    """`fil`: the messages, each with `liens`, its (file, address) pairs."""
    etiquettes = {
        Message.Type.NOTE: _("Note interne — non visible du partenaire"),
        "information": _("Demande d'information au partenaire"),
        "resolution": _("Résolution"),
        "evenement": _("Événement"),
    }
    etiquettes = {
        cle: f'<span class="demandes-message__etiquette">{_e(texte)}</span> ·\n'
        for cle, texte in etiquettes.items()
    }
    automatique = _e(_("CPAM (message automatique)"))
    cpam = _("%(nom)s, CPAM")
    structure = _e(demande.partenaire.nom)
    agent_inconnu = _("un agent, %(structure)s") % {"structure": structure}
    agent = _("%(nom)s, %(structure)s")
    pieces = _e(_("Pièces jointes"))
    morceaux = []
    for message in fil:
        note = " demandes-message--note" if message.type == Message.Type.NOTE else ""
        if message.cote == "cpam":
            auteur = cpam % {"nom": _e(_nom(message.auteur))} if message.auteur else automatique
        elif message.auteur:
            auteur = agent % {"nom": _e(_nom(message.auteur)), "structure": structure}
        else:
            auteur = agent_inconnu
        instant = template_localtime(message.cree_le)
        morceaux.append(
            f'<li class="demandes-message demandes-message--{_e(message.cote)}{note}">\n'
            f'<p class="demandes-message__entete">\n{etiquettes.get(message.type, "")}'
            f"{auteur}\n"
            f'— <time datetime="{_e(filtre_date(instant, "c"))}">'
            f"{_e(date_heure_courte(message.cree_le))}</time>\n</p>\n"
            f'<div class="demandes-message__corps">{_e(message.corps)}</div>\n'
        )
        if message.liens:
            liens = "".join(
                f'<li><a href="{_e(url)}">{_e(piece.nom)}</a> ({_e(filesizeformat(piece.taille))})'
                "</li>"
                for piece, url in message.liens
            )
            morceaux.append(
                f'<ul class="demandes-message__pieces" aria-label="{pieces}">\n{liens}\n</ul>\n'
            )
        morceaux.append("</li>\n")
    # Every value above is escaped; the labels are this module's own messages.
    return mark_safe("".join(morceaux))  # noqa: S308
