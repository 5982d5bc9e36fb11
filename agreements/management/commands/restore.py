"""``manage.py restore FILE``: load a backup made by ``manage.py backup`` into a new,
migrated database and write its search documents (``agreements.backups``)."""

from django.core.management.base import BaseCommand, CommandError

from agreements import backups


class Command(BaseCommand):
    help = (
        "Restore a backup made by 'manage.py backup' into a new, migrated database, then "
        "write the search documents; refuses a database that already holds data."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup to restore")

    def handle(self, *args, file, **options):
        try:
            count = backups.restore(file)
        except backups.BackupError as refusal:
            raise CommandError(str(refusal)) from refusal
        self.stdout.write(self.style.SUCCESS(f"Restored {file}: {count} MoUs, searchable."))
