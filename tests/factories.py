"""Factories shared by every app's tests."""

import factory
from django.contrib.auth.models import Group
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portail.identifiants import siren_avec_cle, siret_avec_cle

MOT_DE_PASSE = "Mot-de-passe-de-test-2026"


def _noms_sans_recouvrement() -> list[str]:
    """French last names of which none contains another nor a first name, nor is contained in
    one. Tests check that a person's name is absent from a page, a file or an e-mail; two
    people sharing (part of) a name would make that check fail by chance."""
    from faker.providers.person.fr_FR import Provider

    prenoms = [p.lower() for p in (*Provider.first_names_male, *Provider.first_names_female)]
    noms = [n.lower() for n in Provider.last_names]
    return [
        nom
        for nom in Provider.last_names
        if not any(
            nom.lower() != autre and (nom.lower() in autre or autre in nom.lower())
            for autre in noms
        )
        and not any(nom.lower() in p or p in nom.lower() for p in prenoms)
    ]


NOMS = _noms_sans_recouvrement()


class UtilisateurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "portail.Utilisateur"
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    # Consecutive people get different names (the list holds about 300).
    last_name = factory.Sequence(lambda n: NOMS[n % len(NOMS)])
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


def siret_valide(n: int) -> str:
    """A valid SIRET (keys computed by stdnum), distinct for each n below 100 million."""
    return siret_avec_cle(siren_avec_cle(f"{(n * 7919) % 10**8:08d}") + "0001")


class PartenaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "conventions.Partenaire"

    nom = factory.Sequence(lambda n: f"France Services de Commune-{n}")
    type = "france_services"
    siret = factory.Sequence(lambda n: siret_valide(n + 1))
    adresse = "1 place de la Mairie"
    code_postal = "37000"
    commune = "Tours"
    departement = "37"
    numero_label_france_services = factory.Sequence(lambda n: f"FS-37-{n:03d}")


class ConventionFactory(factory.django.DjangoModelFactory):
    """A convention in force by default (one year around today), with its signed PDF."""

    class Meta:
        model = "conventions.Convention"

    partenaire = factory.SubFactory(PartenaireFactory)
    numero = factory.Sequence(lambda n: f"CONV-2026-{n + 1:04d}")
    statut = "en_vigueur"
    date_effet = factory.LazyFunction(lambda: _aujourdhui() - _jours(30))
    date_fin = factory.LazyFunction(lambda: _aujourdhui() + _jours(335))
    signataire_partenaire = "Mme Directrice"
    signataire_cpam = "M. Directeur CPAM"
    document_signe = factory.django.FileField(
        filename="convention.pdf", data=b"%PDF-1.4\n%convention signee\n"
    )


class AdhesionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "conventions.Adhesion"

    utilisateur = factory.SubFactory(UtilisateurFactory)
    partenaire = factory.SubFactory(PartenaireFactory)
    role = "agent"


def _aujourdhui():
    from django.utils import timezone

    return timezone.localdate()


def _jours(n):
    from datetime import timedelta

    return timedelta(days=n)
