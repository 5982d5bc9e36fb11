"""Editors see the record of failed logins and lockouts (django-axes' access attempts and
failure log) in the admin; they cannot change it. Viewers do not see it."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["accessattempt", "accessfailurelog"]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    viewing = Permission.objects.filter(
        content_type__app_label="axes", content_type__model__in=MODELS, codename__startswith="view_"
    )
    apps.get_model("auth", "Group").objects.get(name="Editors").permissions.add(*viewing)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="axes", content_type__model__in=MODELS)
    for group in apps.get_model("auth", "Group").objects.filter(name="Editors"):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0014_group_permissions_for_search_terms"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
