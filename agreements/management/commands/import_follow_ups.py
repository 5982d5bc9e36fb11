"""``manage.py import_follow_ups FILE [--dry-run]``: import follow-ups from a CSV or XLSX
file, one row per follow-up.

``import_mous`` with the follow-ups' format: one line per problem ("row 3, column date:
..."), then a summary, and a non-zero exit if anything failed; nothing is written unless
every row is valid. The format is described in README.md, "Importing follow-ups".
"""

from agreements.importing import FOLLOW_UPS

from .import_mous import Command as ImportCommand


class Command(ImportCommand):
    help = (
        "Import follow-ups (dated, sourced news about MoUs and their commitments) from a "
        "CSV (UTF-8) or XLSX file in the documented format."
    )
    importer = FOLLOW_UPS
