"""A source's note split in two: a public note, shown with the source, and an internal
note for editors only.

The old note mixed both (the registry's file name for its copy sat beside what the
article leaves unclear), and the public pages showed all of it. Every existing note
becomes the internal note, so that nothing an editor wrote for editors is published by
the migration; an editor moves what readers should see into the public note.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0019_mou_public_order_postgres"),
    ]

    operations = [
        migrations.RenameField(model_name="source", old_name="note", new_name="internal_note"),
        migrations.AlterField(
            model_name="source",
            name="internal_note",
            field=models.TextField(
                blank=True,
                help_text="For editors only, never shown to the public: where the registry's "
                "copy is, its state, spellings to watch for.",
                verbose_name="internal note",
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="public_note",
            field=models.TextField(
                blank=True,
                help_text="Shown with the source on public pages: what the source leaves "
                "unclear or leaves out, and how the registry reads it.",
                verbose_name="public note",
            ),
        ),
    ]
