"""Time zones chosen earlier in Wagtail's account preferences are cleared: the back-office now
offers only Paris time (WAGTAIL_USER_TIME_ZONES), and a stored zone would still apply."""

from django.db import migrations


def effacer(apps, schema_editor):
    UserProfile = apps.get_model("wagtailusers", "UserProfile")
    UserProfile.objects.exclude(current_time_zone="").update(current_time_zone="")


class Migration(migrations.Migration):
    dependencies = [
        ("portail", "0006_evenement_reauthentification_bloquee"),
        ("wagtailusers", "0007_userprofile_current_time_zone"),
    ]

    operations = [migrations.RunPython(effacer, migrations.RunPython.noop)]
