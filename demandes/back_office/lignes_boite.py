"""The inbox rows, written in one pass in Python.

The 25 rows of a tab were the largest part of the page's template: about 300 `{% translate %}`,
two `{% url %}`, lazy status labels and a CSRF tag per row. Here every label is translated once
per page, the addresses are built from one `reverse`, and each row is one format string. The
markup is the one the template wrote (the tests of the inbox and its accessibility checks read
it); every value from the database goes through `escape`.
"""

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from portail.formulaires import echapper_html as _e

from ..models import Demande

_REF = "__reference__"


class LignesBoite:
    """Everything a row needs that does not depend on the row, computed once per page."""

    def __init__(self, request, *, attribution_groupee: dict | None, expert_equipe_id):
        self.cases = attribution_groupee is not None
        self.cochees = attribution_groupee["cochees"] if attribution_groupee else set()
        self.expert_equipe_id = expert_equipe_id
        requete = request.GET.urlencode()
        self.suite = f"?{requete}" if request.GET else ""
        self.url_demande = reverse("demandes_admin:demande", args=[_REF])
        self.url_prendre = reverse("demandes_admin:prendre", args=[_REF])
        self.csrf = _e(get_token(request)) if expert_equipe_id else ""
        self.statuts = {valeur: _e(libelle) for valeur, libelle in Demande.Statut.choices}
        self.urgences = {valeur: _e(libelle) for valeur, libelle in Demande.Urgence.choices}
        self.l = {
            cle: _e(texte)
            for cle, texte in {
                "reference": _("Référence"),
                "objet": _("Objet"),
                "categorie": _("Catégorie"),
                "urgence": _("Urgence"),
                "structure": _("Structure"),
                "statut": _("Statut"),
                "expert": _("Expert"),
                "echeance": _("Échéance"),
                "message": _("Nouveau message du partenaire"),
                "pas_ouverte": _("Pas encore ouverte"),
                "ouvrir": _("Ouvrir"),
                "prendre": _("M'attribuer"),
            }.items()
        }
        # The same messages as the template's {% blocktranslate %}, filled per row with escaped
        # values (the message itself is written as the tag wrote it: not escaped).
        self.selectionner = _("Sélectionner %(reference)s")
        self.non_attribuee = _("Non attribuée (%(equipe)s)")
        self.ouvrir_aria = _("Ouvrir la demande %(reference)s")
        self.prendre_aria = _("M'attribuer la demande %(reference)s")

    def ligne(self, demande) -> str:
        l = self.l  # noqa: E741
        reference = demande.reference
        ref = _e(reference)
        url = _e(self.url_demande.replace(_REF, reference))
        classe = ' class="demandes-boite__nouveau"' if demande.nouveau_pour_cpam else ""
        morceaux = [f"<tr{classe}>"]
        if self.cases:
            coche = " checked" if reference in self.cochees else ""
            morceaux.append(
                f'<td class="demandes-boite__choix"><input type="checkbox" name="demandes" '
                f'value="{ref}" id="choix-{ref}" form="attribution-groupee"{coche}>\n'
                f'<label for="choix-{ref}" class="w-sr-only">'
                f"{self.selectionner % {'reference': ref}}</label></td>"
            )
        if demande.message_partenaire_non_lu:
            marque = (
                '<br><span class="w-status w-status--primary demandes-boite__marque">'
                f"{l['message']}</span>"
            )
        elif demande.nouveau_pour_cpam:
            marque = f'<br><small class="demandes-boite__marque">{l["pas_ouverte"]}</small>'
        else:
            marque = ""
        urgence = self.urgences.get(demande.urgence, _e(demande.urgence))
        if demande.urgence == Demande.Urgence.URGENTE:
            urgence = f'<span class="w-status w-status--primary">{urgence}</span>'
        partenaire = demande.partenaire
        structure = _e(partenaire.nom)
        if partenaire.departement:
            structure += f" ({_e(partenaire.departement)})"
        if demande.expert_id:
            expert = _e(demande.expert)
        else:
            expert = f"<em>{self.non_attribuee % {'equipe': _e(demande.equipe.nom)}}</em>"
        horloge = demande.horloge
        texte = _e(horloge.texte)
        if horloge.en_retard:
            texte = f"<strong>{texte}</strong>"
        if horloge.detail:
            texte += f"\n<br><small>{_e(horloge.detail)}</small>"
        morceaux.append(
            f'<td data-libelle="{l["reference"]}"><a href="{url}">{ref}</a>{marque}</td>\n'
            f'<td data-libelle="{l["objet"]}">{_e(demande.objet)}</td>\n'
            f'<td data-libelle="{l["categorie"]}">{_e(demande.categorie.libelle)}</td>\n'
            f'<td data-libelle="{l["urgence"]}">{urgence}</td>\n'
            f'<td data-libelle="{l["structure"]}">{structure}</td>\n'
            f'<td data-libelle="{l["statut"]}">'
            f"{self.statuts.get(demande.statut, _e(demande.statut))}</td>\n"
            f'<td data-libelle="{l["expert"]}">{expert}</td>\n'
            f'<td data-libelle="{l["echeance"]}" class="demandes-horloge '
            f'demandes-horloge--{_e(horloge.etat)}">{texte}</td>\n'
            f'<td class="demandes-boite__actions">\n'
            f'<a class="button button-small button-secondary" href="{url}" '
            f'aria-label="{self.ouvrir_aria % {"reference": ref}}">{l["ouvrir"]}</a>'
        )
        if (
            self.expert_equipe_id
            and not demande.expert_id
            and demande.equipe_id == self.expert_equipe_id
            and demande.statut != Demande.Statut.CLOTUREE
        ):
            action = _e(self.url_prendre.replace(_REF, reference) + self.suite)
            morceaux.append(
                f'\n<form method="post" action="{action}">'
                f'<input type="hidden" name="csrfmiddlewaretoken" value="{self.csrf}">\n'
                f'<button type="submit" class="button button-small" '
                f'aria-label="{self.prendre_aria % {"reference": ref}}">'
                f"{l['prendre']}</button>\n</form>"
            )
        morceaux.append("\n</td>\n</tr>\n")
        return "".join(morceaux)

    def html(self, demandes) -> SafeString:
        # Every value above is escaped; the labels are this module's own messages.
        return mark_safe("".join(self.ligne(demande) for demande in demandes))  # noqa: S308
