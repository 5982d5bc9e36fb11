"""Build the whole dataset's files (``/data/``) for the current data version.

A download builds them too when they are missing, but on a large registry a build
outlasts a request (benchmarks/dataset.py): run this after imports, or every few
minutes from cron, so readers always find them built. It does nothing when the files
of the current version exist, and waits for a build already running.
"""

import time

from django.core.management.base import BaseCommand
from django.template.defaultfilters import filesizeformat

from agreements import dataset


class Command(BaseCommand):
    help = "Build the whole dataset's ZIP and JSON for the current data version, if missing."

    def handle(self, *args, **options):
        started = time.monotonic()
        files = dataset.build()
        seconds = time.monotonic() - started
        sizes = ", ".join(
            f"{files.path(kind).name} {filesizeformat(size)}" for kind, size in files.sizes.items()
        )
        self.stdout.write(
            self.style.SUCCESS(f"Data version {files.version}: {sizes} (in {seconds:.1f} s).")
        )
