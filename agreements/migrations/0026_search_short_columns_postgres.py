"""On PostgreSQL, ``short``: a second tsvector of a search document, generated from its
short columns only (title and parties A; people, places and topics B), with its own
GIN index, beside ``document``, which holds every column and is what a search matches.

A search past ``search.RANK_EACH_UP_TO`` matches is ranked in tiers (``search.Ranked``),
its first tier the MoUs with every word in the short columns. Asked of ``document``
with each word held to weights A and B (``word:AB``), that tier had no index (GIN
cannot check weights, so every candidate's document was read again: 1 to 3 s for
words common in summaries) and no statistics (the planner took every match for a
strong one and read the whole table for a few). ``short`` has both. Runs only on
PostgreSQL; on SQLite an FTS5 column filter does the same.
"""

from django.db import migrations

SHORT = [
    ("title", "A"),
    ("parties", "A"),
    ("people", "B"),
    ("places", "B"),
    ("topics", "B"),
]
VECTOR = " || ".join(
    f"setweight(to_tsvector('mou_search'::regconfig, {column}), '{weight}')"
    for column, weight in SHORT
)
CREATE = [
    "ALTER TABLE agreements_search_document "
    f"ADD COLUMN short tsvector GENERATED ALWAYS AS ({VECTOR}) STORED",
    "CREATE INDEX agreements_search_document_short_gin ON agreements_search_document "
    "USING gin (short)",
]
DROP = ["ALTER TABLE agreements_search_document DROP COLUMN IF EXISTS short"]


def on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("agreements", "0025_official_hindi_names")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
