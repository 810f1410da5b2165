"""Superviseurs manage structures, conventions, memberships and join requests, and the agents of
every structure (the global form of the référent's per-structure permission)."""

from django.db import migrations

MODELES = {
    "partenaire": "structure partenaire",
    "convention": "convention",
    "adhesion": "rattachement",
    "demandeadhesion": "demande pour devenir partenaire",
    "invitation": "invitation",
}
ACTIONS = {"add": "Can add", "change": "Can change", "view": "Can view", "delete": "Can delete"}


def accorder(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    superviseur = Group.objects.get(name="Superviseur CPAM")

    for modele, libelle in MODELES.items():
        type_contenu, _ = ContentType.objects.get_or_create(app_label="conventions", model=modele)
        for action, verbe in ACTIONS.items():
            if modele == "convention" and action == "delete":
                continue  # conventions are terminated, never deleted
            permission, _ = Permission.objects.get_or_create(
                content_type=type_contenu,
                codename=f"{action}_{modele}",
                defaults={"name": f"{verbe} {libelle}"},
            )
            superviseur.permissions.add(permission)
    type_partenaire = ContentType.objects.get(app_label="conventions", model="partenaire")
    gerer, _ = Permission.objects.get_or_create(
        content_type=type_partenaire,
        codename="gerer_agents",
        defaults={"name": "Gérer les agents de la structure"},
    )
    superviseur.permissions.add(gerer)
    # Experts see structures (to know who writes to them) but change nothing.
    expert = Group.objects.get(name="Expert CPAM")
    expert.permissions.add(
        Permission.objects.get(content_type=type_partenaire, codename="view_partenaire")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("conventions", "0001_initial"),
        ("portail", "0002_groupes_roles"),
    ]

    operations = [migrations.RunPython(accorder, migrations.RunPython.noop)]
