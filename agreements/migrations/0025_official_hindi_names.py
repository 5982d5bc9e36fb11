"""Official Hindi names for the records a registry already holds.

The founding fixtures (fixtures/states.json, vocabulary.json and articles.json) are the
one list of them, which a new registry loads with its records; here each record they
name gets its Hindi name where it has none yet, so a name an editor set is kept. Only
names in official use are listed (docs/glossary-hi.md); the rest stay empty and Hindi
pages show the English name. Search documents hold the Hindi names after
``manage.py rebuild_search``.
"""

import json
from pathlib import Path

from django.conf import settings
from django.db import migrations

FIXTURES = ("states", "vocabulary", "articles")


def fill_hindi_names(apps, schema_editor):
    for fixture in FIXTURES:
        path = Path(settings.BASE_DIR) / "fixtures" / f"{fixture}.json"
        for row in json.loads(path.read_text(encoding="utf-8")):
            name_hi = row["fields"].get("name_hi")
            if name_hi:
                model = apps.get_model(row["model"])
                model.objects.filter(name=row["fields"]["name"], name_hi="").update(
                    name_hi=name_hi
                )


class Migration(migrations.Migration):
    dependencies = [("agreements", "0024_hindi_names")]

    operations = [migrations.RunPython(fill_hindi_names, migrations.RunPython.noop)]
