"""Prepare a database: load the fixtures once (their MoUs published as version 1), and
in development make a first staff login.

``make run`` calls this after ``migrate`` on every start, so it must be cheap
and idempotent: it does nothing when the registry already holds data. A first
deployment runs it too; in production it creates no login.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from agreements import search
from agreements.models import Mou, SearchTerm, State, record_versions

FIXTURES = ["states", "vocabulary", "articles", "search_terms"]
FIRST_NOTE = "First published, from the registry's five founding articles."


def load_founding_records():
    """The states, the vocabulary, the five articles' records and the search vocabulary,
    each published MoU at version 1 and searchable (loading fixtures bypasses the code
    that records versions and writes search documents)."""
    call_command("loaddata", *FIXTURES, verbosity=0)
    record_versions(Mou.objects.all(), FIRST_NOTE)
    search.rebuild()


def catch_up_search():
    """On a registry from before search: load the search vocabulary when it has none,
    and write the search documents when there are none. Returns what it did, in words."""
    done = []
    if not SearchTerm.objects.exists():
        call_command("loaddata", "search_terms", verbosity=0)
        done.append("loaded the search vocabulary")
    if Mou.objects.exists() and not search.document_count():
        done.append(f"wrote the search documents of {search.rebuild()} MoUs")
    return done


class Command(BaseCommand):
    help = "Load the fixtures into an empty database and create a first superuser (DEBUG only)."

    def handle(self, *args, **options):
        if State.objects.exists():
            if done := catch_up_search():
                self.stdout.write(self.style.SUCCESS(f"Search: {'; '.join(done)}."))
            else:
                self.stdout.write("Registry data already present; nothing to load.")
        else:
            load_founding_records()
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
