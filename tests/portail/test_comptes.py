"""The user model, role groups and the demo accounts."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from portail import roles
from portail.management.commands.seed_demo import COMPTES_DEMO, MOT_DE_PASSE_DEMO

pytestmark = pytest.mark.django_db


@pytest.mark.argon2
def test_l_adresse_e_mail_est_l_identifiant():
    utilisateur = get_user_model().objects.create_user(
        "Claire.Dupont@Exemple.FR", "x", first_name="Claire", last_name="Dupont"
    )
    assert utilisateur.email == "claire.dupont@exemple.fr"
    assert get_user_model().objects.get_by_natural_key("CLAIRE.dupont@exemple.fr") == utilisateur
    assert utilisateur.get_full_name() == "Claire Dupont"
    assert utilisateur.password.startswith("argon2")


def test_les_six_roles_existent():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.TOUS)


@pytest.mark.parametrize("role", roles.TOUS)
def test_acces_a_l_espace_cpam_selon_le_role(role):
    permissions = set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))
    assert ("access_admin" in permissions) == (role in roles.PERSONNEL_CPAM)
    assert ("reinitialiser_double_authentification" in permissions) == (
        role == roles.SUPERVISEUR_CPAM
    )


def test_seed_demo_idempotent(capsys, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    premiere = capsys.readouterr().out
    cles = dict(TOTPDevice.objects.values_list("user__email", "key"))
    nombre = get_user_model().objects.count()
    call_command("seed_demo")
    seconde = capsys.readouterr().out

    assert get_user_model().objects.count() == nombre
    assert dict(TOTPDevice.objects.values_list("user__email", "key")) == cles
    assert premiere == seconde
    assert premiere.count("otpauth://totp/") == len(COMPTES_DEMO)
    for email, _prenom, _nom, role in COMPTES_DEMO:
        utilisateur = get_user_model().objects.get(email=email)
        assert utilisateur.check_password(MOT_DE_PASSE_DEMO)
        assert utilisateur.groups.filter(name=role).exists()
        assert TOTPDevice.objects.get(user=utilisateur).confirmed


def test_seed_demo_refuse_hors_developpement(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG est désactivé"):
        call_command("seed_demo")
    assert not get_user_model().objects.exists()
    call_command("seed_demo", "--force")
    emails = {compte[0] for compte in COMPTES_DEMO}
    assert emails <= set(get_user_model().objects.values_list("email", flat=True))


@pytest.mark.django_db(transaction=True)
def test_les_roles_survivent_a_un_vidage_de_la_base():
    """A flush (as after each live-server test) empties the tables; post_migrate restores the
    role groups and their permissions."""
    call_command("flush", "--no-input")
    superviseur = Group.objects.get(name=roles.SUPERVISEUR_CPAM)
    codes = set(superviseur.permissions.values_list("codename", flat=True))
    assert {"access_admin", "reinitialiser_double_authentification", "gerer_agents"} <= codes
