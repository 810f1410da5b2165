"""The Éditeur role in the back-office: page, document, image and snippet permissions, the
private "Formulaires" collection (login required), and the "Relecture éditoriale" moderation
workflow (draft → review by an editor → publication) attached to the home page.

Idempotent; `cms.apps` calls `assurer_editeurs` again after every migrate or flush.
"""

from django.db import migrations

EDITEUR = "Éditeur"
NOM_COLLECTION_FORMULAIRES = "Formulaires"
NOM_WORKFLOW = "Relecture éditoriale"
NOM_TACHE = "Relecture"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's, steps of 4 characters

PERMISSIONS_PAGES = [
    ("add_page", "Can add page"),
    ("change_page", "Can change page"),
    ("publish_page", "Can publish any page"),
    ("lock_page", "Can lock any page"),
]
PERMISSIONS_COLLECTIONS = {
    ("wagtaildocs", "document"): ["add_document", "change_document", "choose_document"],
    ("wagtailimages", "image"): ["add_image", "change_image", "choose_image"],
}
MODELES_SNIPPETS = ["theme", "formulaire"]


def _permission(apps, app_label, modele, codename, nom=None):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    type_contenu, _ = ContentType.objects.get_or_create(app_label=app_label, model=modele)
    return Permission.objects.get_or_create(
        content_type=type_contenu, codename=codename, defaults={"name": nom or codename}
    )[0]


def _collection_enfant(Collection, racine, nom):
    existante = Collection.objects.filter(
        depth=racine.depth + 1, path__startswith=racine.path, name=nom
    ).first()
    if existante is not None:
        return existante
    derniere = (
        Collection.objects.filter(depth=racine.depth + 1, path__startswith=racine.path)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    rang = int(derniere[-4:], 36) + 1 if derniere else 1
    etape = ""
    while rang:
        rang, reste = divmod(rang, 36)
        etape = ALPHABET[reste] + etape
    collection = Collection.objects.create(
        name=nom, path=racine.path + etape.rjust(4, "0"), depth=racine.depth + 1, numchild=0
    )
    racine.numchild = Collection.objects.filter(
        depth=racine.depth + 1, path__startswith=racine.path
    ).count()
    racine.save(update_fields=["numchild"])
    return collection


def assurer_editeurs(apps, schema_editor=None):
    Group = apps.get_model("auth", "Group")
    ContentType = apps.get_model("contenttypes", "ContentType")
    HomePage = apps.get_model("cms", "HomePage")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    CollectionViewRestriction = apps.get_model("wagtailcore", "CollectionViewRestriction")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    editeurs, _ = Group.objects.get_or_create(name=EDITEUR)

    # Snippets (themes, forms): model permissions.
    for modele in MODELES_SNIPPETS:
        for action in ("add", "change", "delete", "view"):
            editeurs.permissions.add(_permission(apps, "cms", modele, f"{action}_{modele}"))

    # Documents and images: on the root collection, hence every collection below it.
    racine = Collection.objects.filter(depth=1).first()
    if racine is not None:
        for (app_label, modele), codenames in PERMISSIONS_COLLECTIONS.items():
            for codename in codenames:
                GroupCollectionPermission.objects.get_or_create(
                    group=editeurs,
                    collection=racine,
                    permission=_permission(apps, app_label, modele, codename),
                )
        formulaires = _collection_enfant(Collection, racine, NOM_COLLECTION_FORMULAIRES)
        # Login required: an extra layer, the `before_serve_document` hook already applies the
        # convention access rule to every document.
        CollectionViewRestriction.objects.get_or_create(
            collection=formulaires, defaults={"restriction_type": "login"}
        )

    accueil = HomePage.objects.first()
    if accueil is None:  # after a flush, before the home page is created again
        return

    # Pages: the whole tree under the home page.
    for codename, nom in PERMISSIONS_PAGES:
        GroupPagePermission.objects.get_or_create(
            group=editeurs,
            page_id=accueil.pk,
            permission=_permission(apps, "wagtailcore", "page", codename, nom),
        )

    # Moderation: an editor reviews before publication.
    type_tache, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    tache = GroupApprovalTask.objects.filter(name=NOM_TACHE).first()
    if tache is None:
        tache = GroupApprovalTask.objects.create(
            name=NOM_TACHE, content_type=type_tache, active=True
        )
    tache.groups.add(editeurs)
    workflow, _ = Workflow.objects.get_or_create(name=NOM_WORKFLOW, defaults={"active": True})
    WorkflowTask.objects.get_or_create(
        workflow=workflow, task_id=tache.pk, defaults={"sort_order": 0}
    )
    WorkflowPage.objects.get_or_create(page_id=accueil.pk, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0002_accueil"),
        ("cms", "0003_recherche_francaise"),
        ("portail", "0002_groupes_roles"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [migrations.RunPython(assurer_editeurs, migrations.RunPython.noop)]
