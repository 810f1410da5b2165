"""The numbers of the login lockout and of session expiry as people are told them, read from
the settings that enforce them (django-axes, the session cookie): forms, the lockout page, the
re-confirmation page and the public "Sécurité" page never write them by hand."""

from django.conf import settings
from django.utils.translation import gettext as _


def regles_connexion() -> dict[str, int]:
    return {
        "echecs": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "inactivite_minutes": settings.SESSION_COOKIE_AGE // 60,
    }


def message_echec_connexion() -> str:
    return (
        _(
            "Adresse e-mail ou mot de passe incorrect. Vérifiez votre saisie ; après "
            "%(echecs)s échecs, la connexion à ce compte depuis ce poste est bloquée pendant "
            "%(minutes)s minutes."
        )
        % regles_connexion()
    )


def message_echec_reconfirmation() -> str:
    return (
        _(
            "Mot de passe incorrect. Après %(echecs)s échecs, ici ou à la connexion, l'accès à ce "
            "compte depuis ce poste est bloqué pendant %(minutes)s minutes."
        )
        % regles_connexion()
    )
