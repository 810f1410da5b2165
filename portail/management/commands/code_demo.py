"""The current TOTP code of a demo account, so that a newcomer logs in to `make demo` without an
authenticator app or `oathtool`.

Only for the accounts `seed_demo` creates, and only with DEBUG on: anywhere else a command that
reads a second factor would defeat it.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from .seed_demo import COMPTES_DEMO

EMAILS_DEMO = [email for email, *_ in COMPTES_DEMO]


class Command(BaseCommand):
    help = (
        "Affiche le code à usage unique actuel d'un compte de démonstration "
        "(DEBUG activé uniquement)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="Adresse d'un compte créé par seed_demo.")

    def handle(self, *args, email, **options):
        if not settings.DEBUG:
            raise CommandError(
                "DEBUG est désactivé : les codes à usage unique ne sont jamais affichés. "
                "Utilisez une application d'authentification."
            )
        email = email.strip().lower()
        if email not in EMAILS_DEMO:
            raise CommandError(
                f"« {email} » n'est pas un compte de démonstration. Comptes possibles : "
                + ", ".join(EMAILS_DEMO)
                + "."
            )
        appareil = TOTPDevice.objects.filter(user__email=email, confirmed=True).first()
        if appareil is None:
            raise CommandError(
                f"Le compte « {email} » n'a pas encore d'appareil : lancez d'abord "
                "« python manage.py seed_demo »."
            )
        totp = TOTP(appareil.bin_key, appareil.step, appareil.t0, appareil.digits, appareil.drift)
        restant = appareil.step - (int(time.time()) - appareil.t0) % appareil.step
        self.stdout.write(f"{totp.token():0{appareil.digits}d}")
        self.stderr.write(f"Code de {email}, valable encore {restant} s.")
