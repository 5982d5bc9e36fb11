"""The public lists' order on PostgreSQL: ``signed_on DESC NULLS LAST, title`` over
published MoUs. ``mou_public_order_idx`` (0003) cannot serve it there: a PostgreSQL
``DESC`` index puts NULLs first, the opposite of what the lists ask, so every list page
sorted all published MoUs (21 to 51 ms at 20,000, spilling to disk). SQLite cannot
declare NULLS LAST in an index and needs none (its DESC puts NULLs last already), so
this runs only on PostgreSQL.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS mou_public_order_pg_idx ON agreements_mou "
    "(signed_on DESC NULLS LAST, title) WHERE published"
)
DROP = "DROP INDEX IF EXISTS mou_public_order_pg_idx"


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("agreements", "0018_commitment_followed_up")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
