"""Forms of the CPAM inbox and demande screen: filters (GET), search (POST, so that a NIR never
lands in a URL), and the expert's actions on a demande."""

import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conventions.selectors import departements_des_partenaires
from portail import promesses
from portail.fichiers import ACCEPT
from portail.formulaires import SelectLeger

from .. import selectors, services
from ..models import LONGUEUR_MAX_MESSAGE, Categorie, Demande, FiltreEnregistre

Statut = Demande.Statut


# Inbox -------------------------------------------------------------------------------------------


class FiltresBoiteForm(forms.Form):
    """The inbox filters, kept in the URL (nothing personal in them)."""

    onglet = forms.ChoiceField(
        choices=list(selectors.ONGLETS.items()), required=False, widget=forms.HiddenInput
    )
    statut = forms.ChoiceField(
        label=gettext_lazy("Statut"),
        required=False,
        choices=[
            ("", gettext_lazy("Ouvertes")),
            *Statut.choices,
            ("toutes", gettext_lazy("Toutes")),
        ],
    )
    categorie = forms.ChoiceField(label=gettext_lazy("Catégorie"), required=False)
    urgence = forms.ChoiceField(
        label=gettext_lazy("Urgence"),
        required=False,
        choices=[("", gettext_lazy("Toutes")), *Demande.Urgence.choices],
    )
    structure = forms.TypedChoiceField(
        label=gettext_lazy("Structure"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=SelectLeger,
    )
    departement = forms.ChoiceField(
        label=gettext_lazy("Département"), required=False, widget=SelectLeger
    )
    en_retard = forms.BooleanField(label=gettext_lazy("En retard seulement"), required=False)

    def __init__(self, *args, utilisateur, **kwargs):
        super().__init__(*args, **kwargs)
        toutes = [("", _("Toutes"))]
        self.fields["categorie"].choices = toutes + list(
            Categorie.objects.values_list("slug", "libelle")
        )
        self.fields["structure"].choices = toutes + [
            (str(pk), nom)
            for pk, nom in selectors.structures_pour_filtre_cpam(utilisateur).values_list(
                "pk", "nom"
            )
        ]
        self.fields["departement"].choices = [("", _("Tous"))] + [
            (d, d) for d in departements_des_partenaires() if d
        ]

    def filtres(self) -> dict:
        """The valid filters only: a stale or tampered value is ignored, not an error page."""
        self.is_valid()
        return {nom: valeur for nom, valeur in self.cleaned_data.items() if valeur}


class FiltreEnregistreForm(forms.Form):
    """The name under which the inbox's current tab and filters are saved."""

    nom = forms.CharField(
        label=gettext_lazy("Nom du filtre"),
        max_length=FiltreEnregistre.NOM_LONGUEUR_MAX,
        help_text=gettext_lazy(
            "Enregistre l'onglet et les filtres appliqués à la liste (jamais une recherche), "
            "pour les retrouver en un clic."
        ),
        error_messages={
            "required": gettext_lazy("Donnez un nom à ce filtre."),
            "max_length": gettext_lazy("Le nom tient en %(limit_value)d caractères au plus."),
        },
    )


class RechercheForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Référence ou numéro de sécurité sociale"),
        max_length=30,
        required=False,
        help_text=gettext_lazy("Par exemple D-2026-000123, ou les 15 caractères du NIR."),
    )


# Files -------------------------------------------------------------------------------------------


class FichiersInput(forms.FileInput):
    allow_multiple_selected = True


class FichiersField(forms.FileField):
    """Several files in one input; each one is checked by `services.piece_deposer`."""

    widget = FichiersInput

    def clean(self, data, initial=None):
        if not data:
            return []
        propres = []
        for fichier in data if isinstance(data, list | tuple) else [data]:
            if fichier:
                propres.append(super().clean(fichier, initial))
        return propres


class PiecesField(forms.Field):
    """Files already uploaded with a form that was refused for another reason (their uuids)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        valides = []
        for valeur in value or []:
            try:
                valides.append(uuid.UUID(str(valeur)))
            except ValueError:
                continue
        return valides


# Actions on a demande ----------------------------------------------------------------------------


class MessageForm(forms.Form):
    """A message of the CPAM side with its attachments.

    Valid files are stored as soon as the form is checked, so that nothing is lost when
    another file, the text or the transition is refused: they come back as hidden uuids.
    """

    libelle_corps = gettext_lazy("Message")
    erreur_corps = gettext_lazy("Écrivez votre message.")

    corps = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}), max_length=LONGUEUR_MAX_MESSAGE
    )
    fichiers = FichiersField(
        label=gettext_lazy("Pièces jointes (facultatif)"),
        required=False,
        help_text=lazy(
            lambda: (
                _(
                    "PDF, JPEG ou PNG, %(taille)s au plus par fichier, "
                    "%(nombre)s fichiers au plus par message."
                )
                % {
                    "taille": promesses.taille_max_piece(),
                    "nombre": promesses.pieces_par_message(),
                }
            ),
            str,
        )(),
        widget=FichiersInput(attrs={"accept": ACCEPT}),
    )
    pieces = PiecesField(required=False)

    def __init__(self, *args, utilisateur, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = self.data.copy()
        self.utilisateur = utilisateur
        self.pieces_deposees = []
        self.fields["corps"].label = self.libelle_corps
        self.fields["corps"].error_messages["required"] = self.erreur_corps

    def clean(self):
        donnees = super().clean()
        deja = services.pieces_en_attente(
            utilisateur=self.utilisateur, uuids=donnees.get("pieces") or []
        )
        nouveaux = donnees.get("fichiers") or []
        maximum = settings.DEMANDES_PIECES_PAR_MESSAGE
        if len(deja) + len(nouveaux) > maximum:
            self.add_error(
                "fichiers",
                _("Joignez au plus %(n)s fichiers par message.") % {"n": maximum},
            )
        else:
            for fichier in nouveaux:
                try:
                    deja.append(
                        services.piece_deposer(fichier=fichier, utilisateur=self.utilisateur)
                    )
                except ValidationError as erreur:
                    self.add_error("fichiers", erreur)
        self.pieces_deposees = deja
        # Re-rendered with the form, the hidden uuids keep the stored files.
        self.data.setlist(self.add_prefix("pieces"), [p.uuid.hex for p in deja])
        return donnees


class ReponseForm(MessageForm):
    """The answer to the partner; with « Envoyer et résoudre », also the demande's outcome."""

    libelle_corps = gettext_lazy("Réponse au partenaire")
    erreur_corps = gettext_lazy("Écrivez votre réponse.")

    issue = forms.ChoiceField(
        label=gettext_lazy("Issue, si vous résolvez la demande avec cette réponse"),
        choices=Demande.Issue.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text=gettext_lazy("Seulement pour « Envoyer et résoudre »."),
        error_messages={"invalid_choice": gettext_lazy("Choisissez l'issue de la demande.")},
    )

    def __init__(self, *args, resoudre: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.resoudre = resoudre

    def clean(self):
        donnees = super().clean()
        if self.resoudre and not donnees.get("issue") and "issue" not in self.errors:
            self.add_error("issue", _("Choisissez l'issue de la demande pour la résoudre."))
        return donnees


class BrouillonForm(forms.Form):
    """The answer being written, kept as a draft (the reply form's text field)."""

    corps = forms.CharField(
        required=False,
        strip=False,
        max_length=LONGUEUR_MAX_MESSAGE,
        error_messages={
            "max_length": gettext_lazy(
                "Le brouillon dépasse %(limit_value)d caractères (%(show_value)d saisis) : "
                "raccourcissez-le ; le texte reste dans le formulaire."
            )
        },
    )
    #: The last message of the screen the draft was typed on (see `brouillon_enregistrer`);
    #: missing or unreadable, the draft is kept as before.
    dernier_message = forms.CharField(required=False, max_length=20)

    def clean_dernier_message(self) -> int | None:
        valeur = self.cleaned_data["dernier_message"]
        return int(valeur) if valeur.isdigit() else None


class NoteForm(MessageForm):
    libelle_corps = gettext_lazy("Note interne (visible seulement par la CPAM)")
    erreur_corps = gettext_lazy("Écrivez la note.")


class InformationForm(MessageForm):
    libelle_corps = gettext_lazy("Informations ou pièces demandées au partenaire")
    erreur_corps = gettext_lazy("Précisez ce que le partenaire doit vous transmettre.")


class ReattributionForm(forms.Form):
    """Another expert, or a team's unassigned queue, with a mandatory reason."""

    cible = forms.ChoiceField(
        label=gettext_lazy("Attribuer à"),
        widget=SelectLeger,
        error_messages={
            "required": gettext_lazy("Choisissez un expert ou une file d'équipe."),
            "invalid_choice": gettext_lazy("Choisissez un expert ou une file d'équipe."),
        },
    )
    motif = forms.CharField(
        label=gettext_lazy("Motif de la réattribution"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Obligatoire ; conservé dans l'historique du routage."),
        error_messages={"required": gettext_lazy("Indiquez le motif de la réattribution.")},
    )

    def __init__(self, *args, demande: Demande | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Plain values, not model instances: a CPAM has hundreds of experts and this form is
        # on every demande screen; the chosen one is read in clean_cible.
        actuel = demande.expert_id if demande else None
        par_equipe: dict[str, list] = {}
        for pk, equipe, prenom, nom, email in selectors.experts_pour_reattribution().values_list(
            "pk",
            "equipe__nom",
            "utilisateur__first_name",
            "utilisateur__last_name",
            "utilisateur__email",
        ):
            libelle = f"{prenom} {nom}".strip() or email
            if pk == actuel:
                libelle = _("%(nom)s (actuellement attribuée)") % {"nom": libelle}
            par_equipe.setdefault(equipe, []).append((f"expert:{pk}", libelle))
        files = [
            (f"equipe:{pk}", _("File non attribuée — %(equipe)s") % {"equipe": nom})
            for pk, nom in selectors.equipes_pour_reattribution().values_list("pk", "nom")
        ]
        self.fields["cible"].choices = [
            ("", _("Choisir…")),
            *(
                (_("Experts — %(equipe)s") % {"equipe": nom}, choix)
                for nom, choix in par_equipe.items()
            ),
            (_("Files d'attente des équipes"), files),
        ]

    def clean_cible(self):
        genre, _sep, pk = self.cleaned_data["cible"].partition(":")
        sources = {
            "expert": selectors.experts_pour_reattribution,
            "equipe": selectors.equipes_pour_reattribution,
        }
        source = sources.get(genre)
        objet = source().filter(pk=int(pk)).first() if source and pk.isdigit() else None
        if objet is None:
            raise ValidationError(_("Choisissez un expert ou une file d'équipe."))
        return {"expert": objet} if genre == "expert" else {"equipe": objet}


class AttributionGroupeeForm(ReattributionForm):
    """Several demandes of the inbox, ticked by a superviseur, given to one expert or queue.

    The demandes are read through the person's visibility: a reference they cannot see (or
    that does not exist) refuses the whole selection, nothing is written."""

    demandes = forms.MultipleChoiceField(
        error_messages={"required": gettext_lazy("Cochez au moins une demande.")}
    )

    def __init__(self, *args, utilisateur, **kwargs):
        super().__init__(*args, **kwargs)
        self.utilisateur = utilisateur
        self.fields["cible"].label = _("Attribuer à")
        self.fields["demandes"].choices = [
            (r, r) for r in (self.data.getlist("demandes") if self.is_bound else [])
        ]

    def clean_demandes(self):
        references = sorted(set(self.cleaned_data["demandes"]))
        maximum = settings.DEMANDES_ATTRIBUTION_GROUPEE_MAX
        if len(references) > maximum:
            raise ValidationError(_("Attribuez au plus %(n)s demandes à la fois.") % {"n": maximum})
        demandes = list(
            selectors.demandes_visibles_cpam(self.utilisateur)
            .filter(reference__in=references)
            .order_by("pk")
        )
        if len(demandes) != len(references):
            raise ValidationError(
                _(
                    "Une partie des demandes cochées n'existe pas ou ne vous est pas visible : "
                    "aucune n'a été attribuée."
                )
            )
        return demandes
