"""``manage.py backup FILE``: the whole registry in one JSON file (``agreements.backups``:
what it holds and why); ``manage.py restore FILE`` loads it into a new database."""

from django.core.management.base import BaseCommand, CommandError

from agreements import backups


class Command(BaseCommand):
    help = (
        "Back up the registry (records, versions, follow-ups, import records, search "
        "vocabulary, staff accounts, the admin's log) into a JSON file, compressed when its "
        "name ends in .gz, .bz2 or .xz."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write the backup, e.g. registry.json.gz")

    def handle(self, *args, file, **options):
        try:
            backups.back_up(file)
        except backups.BackupError as refusal:
            raise CommandError(str(refusal)) from refusal
        self.stdout.write(self.style.SUCCESS(f"Backed up the registry to {file}."))
