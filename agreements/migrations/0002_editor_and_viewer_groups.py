"""The two staff groups: Editors add and change everything, Viewers only look."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

APP_MODELS = [
    "state", "party", "programme", "sector", "beneficiary", "cluster", "source", "mou",
    "mouparty", "commitment", "reportedfigure", "reaction", "attendee", "importrecord",
]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="agreements",
                                      content_type__model__in=APP_MODELS)
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.set(perms.exclude(codename__in=["add_importrecord", "change_importrecord",
                                                          "delete_importrecord"]))
    viewers, _ = Group.objects.get_or_create(name="Viewers")
    viewers.permissions.set(perms.filter(codename__startswith="view_")
                            .exclude(codename="view_importrecord"))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Viewers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
