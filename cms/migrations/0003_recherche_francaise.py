"""PostgreSQL only: a French text search configuration that also ignores accents.

`francais` is `french` (snowball stemmer: plurals and verb forms) with `unaccent` before the
stemmer, so "complementaire" finds "Complémentaire santé solidaire". The settings point Wagtail's
database search backend at it (`SEARCH_CONFIG`) when the database is PostgreSQL. `unaccent` is a
trusted extension (PostgreSQL 13+): the database owner may create it without superuser rights.

After this migration on a database that already holds content, run `manage.py update_index`:
the index stores vectors computed with the configuration in force when each row was saved.
SQLite needs nothing: FTS5's default tokenizer already removes diacritics.
"""

from django.db import migrations

CREER = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'francais') THEN
        CREATE TEXT SEARCH CONFIGURATION francais (COPY = pg_catalog.french);
        ALTER TEXT SEARCH CONFIGURATION francais
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
    END IF;
END
$$;
"""

# The extension stays: other objects may use it, and it holds no data.
SUPPRIMER = "DROP TEXT SEARCH CONFIGURATION IF EXISTS francais;"


def creer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREER)


def supprimer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SUPPRIMER)


class Migration(migrations.Migration):
    dependencies = [("cms", "0002_accueil")]

    operations = [migrations.RunPython(creer, supprimer)]
