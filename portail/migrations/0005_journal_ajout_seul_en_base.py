"""The access journal is append-only in the database too (PostgreSQL).

The model and its queryset already refuse updates and deletes in Python; raw SQL, a shell or a
bug that bypasses the ORM would not meet them. A trigger refuses every UPDATE and DELETE of a row,
with two exceptions:

- the purge, which goes through the function `portail_journal_purger(limite)`: it deletes the
  rows older than `limite`, and only it sets the transaction-local flag the trigger accepts;
- deleting a person's account (`on_delete=SET_NULL`): the row may lose its `utilisateur_id` and
  nothing else.

The function is SECURITY DEFINER: where production runs the portal with a role that does not own
the table (see SECURITE.md), that role may be granted EXECUTE on the function and no DELETE on
the table, and then the purge is its only way to remove a row. Nothing is done on SQLite, the
embedded development default.
"""

from django.db import migrations

CREER = """
CREATE OR REPLACE FUNCTION portail_journal_refuser_modification() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('portail.journal_purge', true) = 'oui' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE'
        AND OLD.utilisateur_id IS NOT NULL AND NEW.utilisateur_id IS NULL
        AND (NEW.id, NEW.horodatage, NEW.action, NEW.vue, NEW.reference, NEW.adresse_ip,
             NEW.detail)
            IS NOT DISTINCT FROM
            (OLD.id, OLD.horodatage, OLD.action, OLD.vue, OLD.reference, OLD.adresse_ip,
             OLD.detail)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'Le journal des accès est en ajout seul : % refusé', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER portail_journal_ajout_seul
    BEFORE UPDATE OR DELETE ON portail_entreejournal
    FOR EACH ROW EXECUTE FUNCTION portail_journal_refuser_modification();

CREATE OR REPLACE FUNCTION portail_journal_purger(limite timestamptz) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    supprimees bigint;
BEGIN
    PERFORM set_config('portail.journal_purge', 'oui', true);
    DELETE FROM portail_entreejournal WHERE horodatage < limite;
    GET DIAGNOSTICS supprimees = ROW_COUNT;
    PERFORM set_config('portail.journal_purge', '', true);
    RETURN supprimees;
END
$$;
"""

SUPPRIMER = """
DROP TRIGGER IF EXISTS portail_journal_ajout_seul ON portail_entreejournal;
DROP FUNCTION IF EXISTS portail_journal_refuser_modification();
DROP FUNCTION IF EXISTS portail_journal_purger(timestamptz);
"""


def creer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREER, params=None)


def supprimer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SUPPRIMER, params=None)


class Migration(migrations.Migration):
    dependencies = [("portail", "0004_protection_donnees")]

    operations = [migrations.RunPython(creer, supprimer, elidable=False)]
