"""Forms of the public pages: the request to become a partner."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portail.identifiants import siret_valider, telephone_normaliser

from .models import DemandeAdhesion, Partenaire, valider_code_postal

CHAMP_PIEGE = "site_web"


def _sans_espaces(valeur: str) -> str:
    return "".join(valeur.split())


CHAMPS_DEMANDE = [
    "nom_structure",
    "type",
    "siret",
    "code_postal",
    "commune",
    "contact_nom",
    "contact_fonction",
    "contact_email",
    "contact_telephone",
    "message",
]


class DemandeAdhesionForm(forms.ModelForm):
    """What the service partenariats needs to call back a structure and prepare a convention.

    `site_web` is a trap for robots: hidden from people (visually and from assistive
    technologies), so anything typed in it means the request did not come from a person.
    """

    siret = forms.CharField(
        label=_("SIRET de la structure"),
        help_text=_("14 chiffres, sur l'avis de situation INSEE (les espaces sont acceptés)."),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Indiquez le SIRET de la structure.")},
    )
    code_postal = forms.CharField(
        label=_("Code postal"),
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
        error_messages={"required": _("Indiquez le code postal, par exemple 37000.")},
    )
    contact_telephone = forms.CharField(
        label=_("Téléphone du contact"),
        help_text=_("Un numéro français, par exemple 02 47 00 00 00 ou +33 2 47 00 00 00."),
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages={"required": _("Indiquez un numéro de téléphone pour vous rappeler.")},
    )
    consentement = forms.BooleanField(
        label=_(
            "J'accepte que la CPAM utilise ces coordonnées pour traiter la demande et "
            "recontacter la structure."
        ),
        help_text=_(
            "Elles servent uniquement à instruire la demande de convention ; elles ne sont "
            "transmises à aucun tiers."
        ),
        error_messages={
            "required": _(
                "Cochez la case pour accepter l'utilisation de vos coordonnées : sans elles, "
                "la CPAM ne peut pas traiter la demande."
            )
        },
    )
    site_web = forms.CharField(
        label=_("Ne pas remplir"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = DemandeAdhesion
        fields = CHAMPS_DEMANDE
        labels = {
            "nom_structure": _("Nom de la structure"),
            "type": _("Type de structure"),
            "commune": _("Commune"),
            "contact_nom": _("Nom et prénom du contact"),
            "contact_fonction": _("Fonction du contact"),
            "contact_email": _("Adresse e-mail du contact"),
            "message": _("Message"),
        }
        help_texts = {
            "contact_fonction": _("Par exemple : responsable de l'espace France Services."),
            "message": _(
                "Facultatif : nombre d'agents concernés, publics accompagnés, questions. "
                "N'y indiquez aucune information sur un assuré."
            ),
        }
        widgets = {
            "nom_structure": forms.TextInput(attrs={"autocomplete": "organization"}),
            "commune": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "contact_nom": forms.TextInput(attrs={"autocomplete": "name"}),
            "contact_fonction": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "message": forms.Textarea(attrs={"rows": 5}),
        }
        error_messages = {
            "nom_structure": {"required": _("Indiquez le nom de la structure.")},
            "type": {
                "required": _("Choisissez le type de structure."),
                "invalid_choice": _("Choisissez un type de structure dans la liste."),
            },
            "commune": {"required": _("Indiquez la commune de la structure.")},
            "contact_nom": {"required": _("Indiquez le nom et le prénom du contact.")},
            "contact_email": {
                "required": _("Indiquez l'adresse e-mail du contact."),
                "invalid": _(
                    "Saisissez une adresse e-mail valide, par exemple prenom.nom@structure.fr."
                ),
            },
            "message": {
                "max_length": _(
                    "Le message est limité à %(limit_value)d caractères "
                    "(il en compte %(show_value)d)."
                )
            },
        }

    field_order = [*Meta.fields, "consentement", CHAMP_PIEGE]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("Choisissez un type")), *Partenaire.Type.choices]

    @property
    def champ_piege(self):
        return self[CHAMP_PIEGE]

    def champs_visibles(self):
        """Fields a person fills in, without the trap."""
        return [champ for champ in self.visible_fields() if champ.name != CHAMP_PIEGE]

    def est_un_robot(self) -> bool:
        return bool(self.data.get(self.add_prefix(CHAMP_PIEGE), "").strip())

    def clean_siret(self):
        return siret_valider(self.cleaned_data["siret"])

    def clean_code_postal(self):
        code_postal = _sans_espaces(self.cleaned_data["code_postal"])
        valider_code_postal(code_postal)
        return code_postal

    def clean_contact_telephone(self):
        return telephone_normaliser(self.cleaned_data["contact_telephone"])

    def donnees_demande(self) -> dict:
        """The cleaned values the request records (not the consent box nor the trap)."""
        return {nom: self.cleaned_data[nom] for nom in self._meta.fields}
