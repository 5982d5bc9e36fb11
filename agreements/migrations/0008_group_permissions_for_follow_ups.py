"""Editors add and change follow-ups, checks for news and programme benefits; Viewers
see them. Versions are written by the registry itself: both groups may only view them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITED = ["followup", "newscheck", "benefit"]
VIEWED = [*EDITED, "mouversion"]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="agreements")
    viewing = ours.filter(content_type__model__in=VIEWED, codename__startswith="view_")
    editing = ours.filter(content_type__model__in=EDITED)
    Group.objects.get(name="Editors").permissions.add(*editing, *viewing)
    Group.objects.get(name="Viewers").permissions.add(*viewing)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(
        content_type__app_label="agreements", content_type__model__in=VIEWED
    )
    for group in apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Viewers"]):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [("agreements", "0007_versions")]

    operations = [migrations.RunPython(grant, revoke)]
