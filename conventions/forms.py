"""Forms of the référent's page and of invitations (HTTP only: the rules are in services)."""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from .models import Adhesion

valider_telephone = RegexValidator(
    r"^\+?[0-9][0-9 .\-]{8,18}[0-9]$",
    _("Saisissez un numéro de téléphone valide, par exemple 02 47 00 00 00."),
)


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail professionnelle"),
        help_text=_("L'invitation est envoyée à cette adresse ; le lien est valable 72 heures."),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": _("Saisissez l'adresse e-mail de la personne à inviter."),
            "invalid": _(
                "Saisissez une adresse e-mail valide, par exemple prenom.nom@structure.fr."
            ),
        },
    )
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=Adhesion.Role.choices,
        initial=Adhesion.Role.AGENT,
        help_text=_("Un référent peut aussi inviter et désactiver les agents de la structure."),
        error_messages={
            "required": _("Choisissez le rôle de la personne invitée."),
            "invalid_choice": _("Choisissez « Agent » ou « Référent »."),
        },
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class ChangementRoleForm(forms.Form):
    role = forms.ChoiceField(
        choices=Adhesion.Role.choices,
        error_messages={
            "required": _("Choisissez le nouveau rôle."),
            "invalid_choice": _("Choisissez « Agent » ou « Référent »."),
        },
    )


class InscriptionInvitationForm(forms.Form):
    """The invited person's account: name, professional phone and password (twice)."""

    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": _("Saisissez votre prénom.")},
    )
    last_name = forms.CharField(
        label=_("Nom"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages={"required": _("Saisissez votre nom.")},
    )
    phone = forms.CharField(
        label=_("Téléphone professionnel"),
        help_text=_("Pour que la CPAM puisse vous rappeler en cas d'urgence. Facultatif."),
        max_length=30,
        required=False,
        validators=[valider_telephone],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        help_text=_(
            "Au moins 12 caractères, pas uniquement des chiffres, ni trop courant, ni trop "
            "proche de votre nom ou de votre adresse e-mail."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Choisissez un mot de passe.")},
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Saisissez une seconde fois le mot de passe.")},
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        donnees = super().clean()
        password1, password2 = donnees.get("password1"), donnees.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("Les deux mots de passe ne sont pas identiques."))
        elif password1:
            # An unsaved user, so the similarity validator compares with name and e-mail.
            utilisateur = get_user_model()(
                email=self.email,
                first_name=donnees.get("first_name", ""),
                last_name=donnees.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, utilisateur)
            except forms.ValidationError as erreur:
                self.add_error("password1", erreur)
        return donnees
