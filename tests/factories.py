"""Factories shared by every app's tests."""

import factory
from django.contrib.auth.models import Group
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

MOT_DE_PASSE = "Mot-de-passe-de-test-2026"


class UtilisateurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "portail.Utilisateur"
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", MOT_DE_PASSE)

    @factory.post_generation
    def roles(self, create, noms, **kwargs):
        if create and noms:
            self.groups.add(*Group.objects.filter(name__in=noms))
        if create:
            self.save()


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UtilisateurFactory)
    name = "Application d'authentification"
    confirmed = True


def codes_secours(utilisateur, nombre: int = 3) -> list[str]:
    appareil = StaticDevice.objects.create(user=utilisateur, name="Codes de secours")
    codes = [StaticToken.random_token() for _ in range(nombre)]
    for code in codes:
        appareil.token_set.create(token=code)
    return codes
