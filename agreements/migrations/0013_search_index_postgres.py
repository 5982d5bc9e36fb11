"""The search documents on PostgreSQL: a table whose ``document`` column is a weighted
tsvector the database generates from the text columns (title and parties A; people,
places and topics B; summary, objectives, commitments, follow-ups and reactions C;
sources D), with a GIN index. Runs only on PostgreSQL; on SQLite, 0012 makes an FTS5
table instead.

``mou_search`` is the ``english`` configuration (stemming, stop words) with accents
removed first (the ``unaccent`` extension, trusted since PostgreSQL 13: the database's
owner may create it). No foreign key to the MoUs: deleting an MoU deletes its document
(``agreements.search.signals``), and a TRUNCATE of the MoUs need not know this table.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

COLUMNS = [
    ("title", "A"),
    ("parties", "A"),
    ("people", "B"),
    ("places", "B"),
    ("topics", "B"),
    ("summary", "C"),
    ("objectives", "C"),
    ("commitments", "C"),
    ("follow_ups", "C"),
    ("reactions", "C"),
    ("sources", "D"),
]
VECTOR = " || ".join(
    f"setweight(to_tsvector('mou_search'::regconfig, {column}), '{weight}')"
    for column, weight in COLUMNS
)
CREATE = [
    "CREATE TEXT SEARCH CONFIGURATION mou_search (COPY = english)",
    "ALTER TEXT SEARCH CONFIGURATION mou_search "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem",
    "CREATE TABLE agreements_search_document ("
    "mou_id bigint PRIMARY KEY, "
    + "".join(f"{column} text NOT NULL DEFAULT '', " for column, _weight in COLUMNS)
    + "labels text NOT NULL DEFAULT '{}', "
    f"document tsvector GENERATED ALWAYS AS ({VECTOR}) STORED)",
    "CREATE INDEX agreements_search_document_gin ON agreements_search_document "
    "USING gin (document)",
]
DROP = [
    "DROP TABLE IF EXISTS agreements_search_document",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS mou_search",
]


def on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("agreements", "0012_search_index_sqlite")]

    operations = [
        UnaccentExtension(),
        migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP)),
    ]
