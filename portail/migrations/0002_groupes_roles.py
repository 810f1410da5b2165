"""Role groups and the permissions a role alone decides.

Object-level rights (a référent on their structure, an expert on a demande) come later through
django-guardian; here only what every member of a role may do.
"""

from django.db import migrations

ROLES = [
    "Agent partenaire",
    "Référent partenaire",
    "Expert CPAM",
    "Superviseur CPAM",
    "Éditeur",
    "Formateur",
]
PERSONNEL_CPAM = ["Expert CPAM", "Superviseur CPAM", "Éditeur", "Formateur"]


def creer_groupes(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")

    groupes = {nom: Group.objects.get_or_create(name=nom)[0] for nom in ROLES}

    type_admin, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    acces_admin, _ = Permission.objects.get_or_create(
        content_type=type_admin,
        codename="access_admin",
        defaults={"name": "Can access Wagtail admin"},
    )
    for nom in PERSONNEL_CPAM:
        groupes[nom].permissions.add(acces_admin)

    type_utilisateur, _ = ContentType.objects.get_or_create(
        app_label="portail", model="utilisateur"
    )
    reinitialiser, _ = Permission.objects.get_or_create(
        content_type=type_utilisateur,
        codename="reinitialiser_double_authentification",
        defaults={"name": "Réinitialiser la double authentification"},
    )
    groupes["Superviseur CPAM"].permissions.add(reinitialiser)


def supprimer_groupes(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portail", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(creer_groupes, supprimer_groupes)]
