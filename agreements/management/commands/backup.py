"""``manage.py backup FILE``: the whole registry in one file (``agreements.backups``:
what it holds and why); ``manage.py restore FILE`` loads it into a new database."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from agreements import backups


class Command(BaseCommand):
    help = (
        "Back up the registry (records, versions, follow-ups, import records, search "
        "vocabulary, staff accounts, the admin's log) into a JSON Lines file, FILE.jsonl or, "
        "compressed, FILE.jsonl.gz (.bz2, .xz)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write the backup, e.g. registry.jsonl.gz")

    def handle(self, *args, file, **options):
        try:
            backups.back_up(file)
        except backups.BackupError as refusal:
            raise CommandError(str(refusal)) from refusal
        except DatabaseError as error:
            raise CommandError(f"Cannot back up the database: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Backed up the registry to {file}."))
