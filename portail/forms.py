"""Forms of login, second factor and account security."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .services import courriel_programmer

ERREURS_EMAIL = {
    "required": _("Saisissez votre adresse e-mail."),
    "invalid": _("Saisissez une adresse e-mail valide, par exemple prenom.nom@structure.fr."),
}


class ConnexionForm(auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label=_("Adresse e-mail"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages=ERREURS_EMAIL,
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Saisissez votre mot de passe.")},
    )

    error_messages = {
        "invalid_login": _(
            "Adresse e-mail ou mot de passe incorrect. Vérifiez votre saisie ; après 5 échecs, "
            "la connexion à ce compte depuis ce poste est bloquée pendant 15 minutes."
        ),
        "inactive": _("Ce compte est désactivé. Adressez-vous au référent de votre structure."),
    }


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code à usage unique"),
        help_text=_(
            "Les 6 chiffres affichés par votre application d'authentification, "
            "ou l'un de vos codes de secours."
        ),
        max_length=16,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
        error_messages={"required": _("Saisissez le code affiché par votre application.")},
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split()).lower()


class CodeTotpForm(CodeForm):
    code = forms.RegexField(
        label=_("Code à 6 chiffres"),
        help_text=_("Le code affiché par votre application d'authentification après l'ajout."),
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": r"[0-9 ]*"}
        ),
        error_messages={
            "required": _("Saisissez le code à 6 chiffres affiché par votre application."),
            "invalid": _("Le code doit comporter 6 chiffres."),
        },
    )


class MotDePasseForm(forms.Form):
    """Asks for the password again before a sensitive change."""

    password = forms.CharField(
        label=_("Mot de passe actuel"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Saisissez votre mot de passe.")},
    )

    def __init__(self, *args, utilisateur, **kwargs):
        super().__init__(*args, **kwargs)
        self.utilisateur = utilisateur

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.utilisateur.check_password(password):
            raise forms.ValidationError(_("Mot de passe incorrect."))
        return password


class ReinitialisationDoubleAuthentificationForm(forms.Form):
    motif = forms.CharField(
        label=_("Motif de la réinitialisation"),
        help_text=_("Par exemple : téléphone perdu, signalé par téléphone le jour même."),
        max_length=300,
        widget=forms.TextInput,
        error_messages={"required": _("Indiquez le motif : il est conservé dans le journal.")},
    )


class DemandeMotDePasseForm(auth_forms.PasswordResetForm):
    """Password reset request; the e-mail goes through the outbox like every other."""

    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages=ERREURS_EMAIL,
    )

    def get_users(self, email):
        return get_user_model()._default_manager.filter(email__iexact=email, is_active=True)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from django.template import loader

        sujet = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        corps = loader.render_to_string(email_template_name, context)
        courriel_programmer(destinataire=to_email, sujet=sujet, corps=corps)
