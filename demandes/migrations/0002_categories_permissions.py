"""The demande categories the CPAM starts with (superviseurs edit them afterwards), and the
superviseurs' permissions on the messaging reference data."""

from django.db import migrations

CATEGORIES = [
    # slug, code, libellé, description, extra questions
    (
        "affiliation",
        "AFF",
        "Affiliation / PUMa",
        "Ouverture ou maintien des droits à l'assurance maladie (protection universelle "
        "maladie), changement de caisse, rattachement d'un ayant droit.",
        "",
    ),
    (
        "carte_vitale",
        "CV",
        "Carte Vitale",
        "Carte perdue, volée, jamais reçue ou défectueuse ; première carte.",
        "carte_vitale",
    ),
    (
        "css",
        "CSS",
        "Complémentaire santé solidaire",
        "Demande, renouvellement ou suivi d'un dossier de Complémentaire santé solidaire.",
        "",
    ),
    (
        "ame",
        "AME",
        "Aide médicale de l'État",
        "Première demande, renouvellement ou suivi d'un dossier d'AME.",
        "",
    ),
    (
        "indemnites",
        "IJ",
        "Indemnités journalières et revenus de remplacement",
        "Indemnités journalières non versées ou interrompues, pension d'invalidité, rente.",
        "indemnites",
    ),
    (
        "frais_sante",
        "FS",
        "Frais de santé",
        "Remboursements en attente ou refusés, tiers payant, prise en charge à 100 %.",
        "",
    ),
    (
        "medecin_traitant",
        "MT",
        "Médecin traitant",
        "Déclaration ou recherche d'un médecin traitant.",
        "",
    ),
    (
        "acces_soins",
        "SOINS",
        "Accès aux soins",
        "Renoncement aux soins, accompagnement vers un parcours de soins.",
        "",
    ),
    ("autre", "AUTRE", "Autre demande", "Toute autre situation de rupture de droits.", ""),
]

MODELES = {
    "categorie": "catégorie de demande",
    "equipe": "équipe d'experts",
    "expert": "expert",
    "absence": "absence",
    "regleroutage": "règle de routage",
    "reponsetype": "réponse type",
}
ACTIONS = {"add": "Can add", "change": "Can change", "view": "Can view", "delete": "Can delete"}


def categories_creer(apps, schema_editor):
    Categorie = apps.get_model("demandes", "Categorie")
    for ordre, (slug, code, libelle, description, champs) in enumerate(CATEGORIES):
        Categorie.objects.get_or_create(
            slug=slug,
            defaults={
                "code": code,
                "libelle": libelle,
                "description": description,
                "champs": champs,
                "ordre": ordre,
            },
        )


def accorder(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    superviseur = Group.objects.get(name="Superviseur CPAM")
    expert = Group.objects.get(name="Expert CPAM")
    for modele, libelle in MODELES.items():
        type_contenu, _ = ContentType.objects.get_or_create(app_label="demandes", model=modele)
        for action, verbe in ACTIONS.items():
            permission, _ = Permission.objects.get_or_create(
                content_type=type_contenu,
                codename=f"{action}_{modele}",
                defaults={"name": f"{verbe} {libelle}"},
            )
            superviseur.permissions.add(permission)
            # Experts read the reference data they work with, and change none of it.
            if action == "view" and modele in ("categorie", "equipe", "reponsetype"):
                expert.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("demandes", "0001_initial"),
        ("portail", "0002_groupes_roles"),
    ]

    operations = [
        migrations.RunPython(categories_creer, migrations.RunPython.noop),
        migrations.RunPython(accorder, migrations.RunPython.noop),
    ]
