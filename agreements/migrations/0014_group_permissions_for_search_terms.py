"""Editors add, change and delete the search vocabulary (synonyms and Hindi terms);
Viewers see it."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["searchterm"]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(
        content_type__app_label="agreements", content_type__model__in=MODELS
    )
    Group.objects.get(name="Editors").permissions.add(*ours)
    Group.objects.get(name="Viewers").permissions.add(*ours.filter(codename__startswith="view_"))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(
        content_type__app_label="agreements", content_type__model__in=MODELS
    )
    for group in apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Viewers"]):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [("agreements", "0013_search_index_postgres")]

    operations = [migrations.RunPython(grant, revoke)]
