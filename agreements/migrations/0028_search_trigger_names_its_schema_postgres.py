"""On PostgreSQL, the search trigger (0027) names its text search configuration with its
schema, so that it computes the vectors whatever the ``search_path`` of the session
that writes a document.

pg_dump's scripts and pg_restore run with an empty ``search_path``: a data-only restore
of the search documents failed with 'text search configuration "mou_search" does not
exist'. The generated columns before 0027 held the configuration itself, not its name.
The function's own ``SET search_path`` would also do, but it cost 0.3 s more per 10,000
documents written, the setting being changed and restored at each row. Only the
configuration's name changes: the function is otherwise as 0027 made it, and no stored
vector changes. Runs only on PostgreSQL.
"""

from django.db import migrations

FUNCTION = "agreements_search_vectors"
UNQUALIFIED = "'mou_search'::regconfig"


def name_config(qualified):
    """Rewrite the trigger function, its configuration named with its schema or not."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT pg_get_functiondef('{FUNCTION}'::regproc), quote_ident(n.nspname) "
                "FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace "
                "WHERE c.oid = 'mou_search'::regconfig"
            )
            definition, schema = cursor.fetchone()
        schema = schema.replace("'", "''")
        names = (UNQUALIFIED, f"'{schema}.mou_search'::regconfig")
        old, new = names if qualified else reversed(names)
        if old not in definition:
            raise RuntimeError(f"{FUNCTION} does not name {old}: {definition}")
        schema_editor.execute(definition.replace(old, new), params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("agreements", "0027_search_vectors_by_trigger_postgres")]

    operations = [migrations.RunPython(name_config(True), name_config(False))]
