"""Prepare a development database: load the fixtures once, and make a first staff login.

``make run`` calls this after ``migrate`` on every start, so it must be cheap
and idempotent: it does nothing when the registry already holds data.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from agreements.models import State

FIXTURES = ["states", "vocabulary", "articles"]


class Command(BaseCommand):
    help = "Load the fixtures into an empty database and create a first superuser (DEBUG only)."

    def handle(self, *args, **options):
        if State.objects.exists():
            self.stdout.write("Registry data already present; nothing to load.")
        else:
            call_command("loaddata", *FIXTURES, verbosity=0)
            self.stdout.write(self.style.SUCCESS("Loaded the fixtures from the five articles."))

        user_model = get_user_model()
        if not settings.DEBUG or user_model.objects.filter(is_superuser=True).exists():
            return
        password = secrets.token_urlsafe(12)
        user_model.objects.create_superuser("admin", password=password)
        self.stdout.write(
            self.style.WARNING(
                "Created a development superuser; this is shown only once:\n"
                f"  http://127.0.0.1:8000/admin/  username: admin  password: {password}"
            )
        )
