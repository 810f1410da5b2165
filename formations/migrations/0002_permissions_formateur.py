"""Trainers manage campaigns, programmes, sessions and registrations (attendance); superviseurs
see them all, with the coverage table. Nothing is deleted from the back-office: sessions are
cancelled, registrations cancelled or marked.

Idempotent; `formations.apps` calls `accorder` again after every migrate or flush.
"""

from django.db import migrations

MODELES = {
    "campagne": "campagne",
    "programme": "programme",
    "session": "session",
    "inscription": "inscription",
}
ACTIONS = {"add": "Can add", "change": "Can change", "view": "Can view"}
# Registrations come from partners; trainers change them (attendance) but never add any.
ACTIONS_FORMATEUR = {
    "campagne": ("add", "change", "view"),
    "programme": ("add", "change", "view"),
    "session": ("add", "change", "view"),
    "inscription": ("change", "view"),
}


def accorder(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    formateur, _ = Group.objects.get_or_create(name="Formateur")
    superviseur, _ = Group.objects.get_or_create(name="Superviseur CPAM")

    for modele, libelle in MODELES.items():
        type_contenu, _ = ContentType.objects.get_or_create(app_label="formations", model=modele)
        for action, verbe in ACTIONS.items():
            permission, _ = Permission.objects.get_or_create(
                content_type=type_contenu,
                codename=f"{action}_{modele}",
                defaults={"name": f"{verbe} {libelle}"},
            )
            if action in ACTIONS_FORMATEUR[modele]:
                formateur.permissions.add(permission)
            if action == "view":
                superviseur.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("formations", "0001_initial"),
        ("portail", "0002_groupes_roles"),
    ]

    operations = [migrations.RunPython(accorder, migrations.RunPython.noop)]
