"""Write every MoU's search document again, from the database as it is.

Every write path keeps the documents current; run this after loading data behind the
registry's back (SQL, ``loaddata``), after changing what a document holds
(``agreements/search/documents.py``), or after restoring a database without its search
table's rows.
"""

import time

from django.core.management.base import BaseCommand

from agreements import search


class Command(BaseCommand):
    help = "Rebuild the full-text search documents of every MoU (drafts included)."

    def handle(self, *args, **options):
        started = time.monotonic()
        count = search.rebuild()
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"Wrote the search documents of {count} MoUs in {seconds:.1f} s.")
        )
