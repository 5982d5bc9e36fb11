"""``manage.py import_mous FILE [--dry-run]``: import MoUs from a CSV or XLSX file.

Prints one line per problem ("row 3, column signed_on: ...", the first hundred, then how
many more), then a summary, and exits non-zero if anything failed; nothing is written
unless every row is valid. A file over the command line's limits (``COMMAND_LIMITS``:
rows, size) is refused whole. The format is described in README.md, "Importing MoUs from
a spreadsheet".
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agreements.importing import COMMAND_LIMITS, MOUS, import_file
from agreements.importing.reading import megabytes
from agreements.models import ImportRecord

PROGRESS_FROM_ROWS = 300


class Command(BaseCommand):
    help = "Import MoUs from a CSV (UTF-8) or XLSX file in the documented import format."
    importer = MOUS  # import_follow_ups is this command with the follow-ups' importer

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV or XLSX file to import")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and say what it would do, without writing anything",
        )

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        try:
            size = path.stat().st_size
            if size > COMMAND_LIMITS.file_bytes:
                raise CommandError(
                    f"{file} is {megabytes(size)}; an import reads at most "
                    f"{megabytes(COMMAND_LIMITS.file_bytes)}: split it into smaller files."
                )
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        report = import_file(
            data,
            importer=self.importer,
            file_name=path.name,
            via=ImportRecord.Via.COMMAND,
            dry_run=dry_run,
            progress=self.progress if sys.stderr.isatty() else None,
        )
        for line in report.listed_errors:
            self.stdout.write(line)
        if report.errors:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))

    def progress(self, phase, done, total):
        if total >= PROGRESS_FROM_ROWS:
            end = "\n" if done >= total else ""
            sys.stderr.write(f"\r{phase} {done:,} of {total:,} rows{end}")
            sys.stderr.flush()
