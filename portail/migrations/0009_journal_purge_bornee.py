"""The journal's trigger and purge function, hardened (see 0005):

- a row younger than 180 days is never deleted, whoever asks and however: the purge's flag is
  a setting any session can set, so it alone cannot be trusted; 180 days is the shortest
  retention the CNIL accepts for access traces, and `JOURNAL_CONSERVATION_JOURS` may not go
  below it (portail/settings.py);
- the purge function is no longer executable by every role (PUBLIC) and searches only the
  schema it was created in, then pg_catalog, never a temporary table first (the classic
  SECURITY DEFINER escalation through pg_temp).
"""

from django.db import migrations

PLANCHER_JOURS = 180

CREER = """
CREATE OR REPLACE FUNCTION {schema}.portail_journal_refuser_modification() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
        AND current_setting('portail.journal_purge', true) = 'oui'
        AND OLD.horodatage < now() - interval '{plancher} days'
    THEN
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

CREATE OR REPLACE FUNCTION {schema}.portail_journal_purger(limite timestamptz) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_catalog, pg_temp AS $$
DECLARE
    supprimees bigint;
BEGIN
    PERFORM set_config('portail.journal_purge', 'oui', true);
    DELETE FROM {schema}.portail_entreejournal
        WHERE horodatage < LEAST(limite, now() - interval '{plancher} days');
    GET DIAGNOSTICS supprimees = ROW_COUNT;
    PERFORM set_config('portail.journal_purge', '', true);
    RETURN supprimees;
END
$$;

REVOKE ALL ON FUNCTION {schema}.portail_journal_purger(timestamptz) FROM PUBLIC;
"""


def durcir(apps, schema_editor):
    connexion = schema_editor.connection
    if connexion.vendor != "postgresql":
        return
    with connexion.cursor() as curseur:
        curseur.execute("SELECT quote_ident(current_schema())")
        schema = curseur.fetchone()[0]
    schema_editor.execute(CREER.format(schema=schema, plancher=PLANCHER_JOURS), params=None)


class Migration(migrations.Migration):
    dependencies = [("portail", "0008_registre_durees_depuis_reglages")]

    operations = [migrations.RunPython(durcir, migrations.RunPython.noop, elidable=False)]
