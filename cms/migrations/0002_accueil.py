"""The site's root page becomes the portal's HomePage (replacing Wagtail's welcome page)."""

from django.db import migrations

INTRO = (
    "<p>Solidaires et partenaires accompagne les structures qui ont signé une convention "
    "avec la CPAM : France Services, CCAS, associations, services sociaux.</p>"
)


def creer_accueil(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("cms", "HomePage")
    Locale = apps.get_model("wagtailcore", "Locale")

    if HomePage.objects.exists():
        return
    # Wagtail's initial migration creates a welcome page at depth 2: it goes away.
    Page.objects.filter(depth=2, content_type__model="page", content_type__app_label="wagtailcore").delete()
    racine = Page.objects.get(depth=1)
    type_accueil, _ = ContentType.objects.get_or_create(app_label="cms", model="homepage")
    locale = Locale.objects.first()
    accueil = HomePage.objects.create(
        title="Solidaires et partenaires",
        draft_title="Solidaires et partenaires",
        slug="accueil",
        content_type=type_accueil,
        path=f"{racine.path}0001",
        depth=2,
        numchild=0,
        url_path="/accueil/",
        locale=locale,
        intro=INTRO,
        live=True,
    )
    racine.numchild = Page.objects.filter(depth=2).count()
    racine.save(update_fields=["numchild"])
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": accueil,
                  "site_name": "Solidaires et partenaires"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [migrations.RunPython(creer_accueil, migrations.RunPython.noop)]
