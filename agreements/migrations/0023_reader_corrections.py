"""Readers' reports of errors. Editors review them (view, change, delete: a report is
sent by a reader, never added in the admin); Viewers see them."""

from django.contrib.auth.management import create_permissions
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(
        content_type__app_label="agreements", content_type__model="correction"
    )
    Group = apps.get_model("auth", "Group")
    Group.objects.get(name="Editors").permissions.add(*ours.exclude(codename__startswith="add_"))
    Group.objects.get(name="Viewers").permissions.add(*ours.filter(codename__startswith="view_"))


class Migration(migrations.Migration):

    dependencies = [
        ('agreements', '0022_version_newest_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Correction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('message', models.TextField(help_text='As the reader wrote it, with any HTML removed. Never published.', max_length=2000, verbose_name='what is wrong or missing')),
                ('source_url', models.URLField(blank=True, help_text='Where the reader read it.', max_length=500, verbose_name='source link')),
                ('email', models.EmailField(blank=True, help_text='Given by the reader for questions; never published.', max_length=254)),
                ('received_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('status', models.CharField(choices=[('new', 'New'), ('accepted', 'Accepted'), ('rejected', 'Rejected')], default='new', max_length=8)),
                ('editor_note', models.TextField(blank=True, help_text='For Editors only: what was checked and what was changed.')),
                ('reviewed_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('mou', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='corrections', to='agreements.mou', verbose_name='MoU')),
                ('reviewed_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-received_at'],
                'indexes': [models.Index(fields=['status', '-received_at'], name='correction_queue_idx')],
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
