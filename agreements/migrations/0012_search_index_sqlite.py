"""The search documents on SQLite: an FTS5 virtual table. Runs only on SQLite; on
PostgreSQL, 0013 makes its own.

porter stems English word forms (weavers: weaver) after unicode61 folds case and removes
diacritics; combining marks (M*) count as word characters, so a Devanagari word with
vowel signs stays one word. The rowid is the MoU's id. ``rank`` is bm25() with a weight
per column: title 10, parties 8, people, places and topics 4, summary, objectives and
commitments 2, follow-ups and reactions 1.5, sources 1 (labels are not searched).
"""

from django.db import migrations

CREATE = [
    "CREATE VIRTUAL TABLE agreements_search_fts USING fts5("
    "title, parties, people, places, topics, summary, objectives, commitments, follow_ups, "
    "reactions, sources, labels UNINDEXED, "
    "tokenize='porter unicode61 remove_diacritics 2 categories ''L* N* Co M*''')",
    "INSERT INTO agreements_search_fts(agreements_search_fts, rank) VALUES "
    "('rank', 'bm25(10.0, 8.0, 4.0, 4.0, 4.0, 2.0, 2.0, 2.0, 1.5, 1.5, 1.0, 0.0)')",
]
DROP = ["DROP TABLE IF EXISTS agreements_search_fts"]


def on_sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("agreements", "0011_search_vocabulary_and_documents")]

    operations = [migrations.RunPython(on_sqlite(CREATE), on_sqlite(DROP))]
