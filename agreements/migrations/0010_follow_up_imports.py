"""The follow-up import: the record of imports says what each brought in (MoUs or
follow-ups), and a follow-up names the import that created it; "follow-up" is spelled
with its hyphen in the admin."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('agreements', '0009_date_help_text'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='followup',
            options={'ordering': ['dated_on', 'pk'], 'verbose_name': 'follow-up', 'verbose_name_plural': 'follow-ups'},
        ),
        migrations.AddField(
            model_name='followup',
            name='created_by_import',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='created_follow_ups', to='agreements.importrecord'),
        ),
        migrations.AddField(
            model_name='importrecord',
            name='kind',
            field=models.CharField(choices=[('mous', 'MoUs'), ('follow_ups', 'Follow-ups')], default='mous', max_length=10, verbose_name='what it imported'),
        ),
    ]
