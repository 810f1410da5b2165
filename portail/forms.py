"""Forms of login, second factor and account security."""

from django import forms
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .services import courriel_programmer, second_facteur_verifier
from .verrouillage import message_echec_connexion, message_echec_reconfirmation

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
        "inactive": _("Ce compte est désactivé. Adressez-vous au référent de votre structure."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.error_messages = {**self.error_messages, "invalid_login": message_echec_connexion()}


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


class ReauthentificationForm(CodeForm):
    """The password and a fresh one-time code, asked again before a change to the second factor.

    Someone holding a stolen session cookie has neither, so both are required:

    - the password goes through `authenticate()`, so that django-axes counts a wrong one and
      refuses a locked (account, address) pair exactly as on the login form, with the same
      count: five failures here, at the login or both together lock both for 15 minutes;
    - the code is one the person's authenticator shows now (a code already used, at login for
      instance, is refused), or one of their backup codes. A backup code is accepted: it is a
      factor the cookie thief does not have (single use, known only to its holder), and the
      only one left to a person who lost their phone and logged in with a backup code, who
      must be able to set up the new phone. A superviseur's reset remains for people with
      neither.

    The code is tried only once the password is right, so that a wrong password does not spend
    a backup code nor start the code throttling. After `is_valid()`, `verrouille` tells whether
    axes refused a locked pair and `appareil` is the device that accepted the code.
    """

    password = forms.CharField(
        label=_("Mot de passe actuel"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Saisissez votre mot de passe.")},
    )
    field_order = ["password", "code"]

    def __init__(self, data=None, *, request):
        super().__init__(data)
        self.request = request
        self.verrouille = False
        self.appareil = None

    def clean(self):
        donnees = super().clean()
        if "password" not in donnees or "code" not in donnees:
            return donnees  # a field missing: nothing checked, no failure counted
        utilisateur = self.request.user
        authentifie = authenticate(
            self.request, username=utilisateur.get_username(), password=donnees["password"]
        )
        if authentifie is None or authentifie.pk != utilisateur.pk:
            self.verrouille = bool(getattr(self.request, "axes_locked_out", False))
            self.add_error(
                "password",
                message_echec_reconfirmation(),
            )
            return donnees
        try:
            self.appareil = second_facteur_verifier(utilisateur=utilisateur, code=donnees["code"])
        except ValidationError as erreur:
            self.add_error("code", erreur)
        return donnees


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
