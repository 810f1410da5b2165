"""Demo data: one account per role, each with a ready TOTP device.

Idempotent: running it again keeps the accounts and devices (same secrets, same URIs), and
resets the demo password. Each app adds its own demo data with a `demo.py` module exposing
`creer(comptes: dict[str, Utilisateur]) -> None`, called in the order of `APPS_DEMO`.
"""

import importlib
import importlib.util

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from portail import roles
from portail.models import Utilisateur
from portail.services import NOM_APPAREIL_TOTP

APPS_DEMO = ["conventions", "cms", "demandes", "formations"]

MOT_DE_PASSE_DEMO = "Demo-Solidaires-2026"

COMPTES_DEMO = [
    ("agent@demo.solidaires.fr", "Camille", "Martin", roles.AGENT_PARTENAIRE),
    ("referent@demo.solidaires.fr", "Nadia", "Benali", roles.REFERENT_PARTENAIRE),
    ("expert@demo.solidaires.fr", "Julien", "Moreau", roles.EXPERT_CPAM),
    ("superviseur@demo.solidaires.fr", "Sophie", "Lefèvre", roles.SUPERVISEUR_CPAM),
    ("editeur@demo.solidaires.fr", "Thomas", "Girard", roles.EDITEUR),
    ("formateur@demo.solidaires.fr", "Claire", "Roux", roles.FORMATEUR),
]


class Command(BaseCommand):
    help = "Crée les comptes de démonstration (un par rôle) avec leur double authentification."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Autorise l'exécution quand DEBUG est désactivé (jamais en production).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG est désactivé : les données de démonstration ne sont pas créées. "
                "Ajoutez --force si c'est bien un environnement de test."
            )
        with transaction.atomic():
            comptes = [self._compte(*compte) for compte in COMPTES_DEMO]
            par_role = {role: utilisateur for utilisateur, role, _ in comptes}
            for app in APPS_DEMO:
                if importlib.util.find_spec(f"{app}.demo") is not None:
                    importlib.import_module(f"{app}.demo").creer(par_role)

        self.stdout.write(self.style.SUCCESS("Comptes de démonstration prêts."))
        self.stdout.write(f"Mot de passe commun : {MOT_DE_PASSE_DEMO}")
        self.stdout.write(
            "Code à usage unique sans application : python manage.py code_demo <adresse>"
        )
        self.stdout.write(
            "Ou ajoutez chaque URI otpauth:// dans une application d'authentification "
            "(ou : oathtool --totp -b <secret>) :"
        )
        for utilisateur, role, appareil in comptes:
            self.stdout.write(f"\n  {role:<20} {utilisateur.email}\n  {appareil.config_url}")

    def _compte(self, email, prenom, nom, role):
        utilisateur, _ = Utilisateur.objects.get_or_create(
            email=email, defaults={"first_name": prenom, "last_name": nom}
        )
        utilisateur.set_password(MOT_DE_PASSE_DEMO)
        utilisateur.is_active = True
        utilisateur.save()
        utilisateur.groups.add(Group.objects.get(name=role))
        appareil = TOTPDevice.objects.filter(user=utilisateur, confirmed=True).first()
        if appareil is None:
            appareil = TOTPDevice.objects.create(
                user=utilisateur, name=NOM_APPAREIL_TOTP, confirmed=True
            )
        return utilisateur, role, appareil
