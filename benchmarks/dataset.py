"""Benchmark of the whole dataset (/data/): its build and its download at scale.

Uses the pages benchmark's registry (``pages.py``: built once, 20,000 published MoUs by
default, with their commitments, follow-ups and checks for news; reused when it already
holds them), builds the ZIP of CSV tables and the JSON document into a temporary
directory as ``manage.py build_dataset`` does, and prints their sizes, the build's time
and its peak memory, then the time to download the built ZIP through Django's test
client (served from its file).

    DJANGO_DEBUG=1 .venv/bin/python benchmarks/dataset.py [--mous 20000]
        [--database-url URL] [--rebuild]

The peak is what Python allocated during the build (tracemalloc, in a second build, as
tracing slows it); a build that held a table in memory would grow with the registry.
"""

import argparse
import datetime
import os
import resource
import sys
import tempfile
import time
import tracemalloc

from benchdb import BenchDatabase

MB = 1024 * 1024


def build(directory):
    """Build the dataset into ``directory``: (files, seconds)."""
    from django.conf import settings

    from agreements import dataset

    settings.DATASET_DIR = directory
    started = time.perf_counter()
    files = dataset.build()
    return files, time.perf_counter() - started


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mous", type=int, default=20_000, help="published MoUs (default 20,000)")
    parser.add_argument("--database-url", help="as pages.py takes it")
    parser.add_argument("--rebuild", action="store_true", help="build the database afresh")
    args = parser.parse_args(argv)

    import pages

    database = BenchDatabase(args.database_url, pages.DATABASE_NAME)
    database.configure()
    pages.prepare_database(database, args.mous, rebuild=args.rebuild)

    from django.conf import settings
    from django.test import Client

    from agreements import dataset

    print(
        f"\n{args.mous:,} published MoUs, {database.label()}, "
        f"{datetime.date.today():%-d %B %Y}; load average {os.getloadavg()[0]:.1f} at the start"
    )
    with tempfile.TemporaryDirectory(prefix="mouregistry-bench-dataset-") as root:
        files, seconds = build(os.path.join(root, "timed"))
        rows = {table.name: table.rows().count() for table in dataset.TABLES}
        tracemalloc.start()
        build(os.path.join(root, "traced"))
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        settings.DATASET_DIR = os.path.join(root, "timed")
        settings.PUBLIC_RATE_LIMIT = "1000000/m"
        started = time.perf_counter()
        response = Client().get("/data/mou-registry.zip")
        size = sum(len(chunk) for chunk in response.streaming_content)
        download = time.perf_counter() - started

    print(f"rows: {sum(rows.values()):,} in {len(rows)} tables")
    print("  " + ", ".join(f"{name} {count:,}" for name, count in rows.items()))
    print(f"ZIP  {files.sizes['zip'] / MB:8.1f} MB")
    print(f"JSON {files.sizes['json'] / MB:8.1f} MB")
    print(f"build (both files)          {seconds:6.1f} s")
    print(f"download of the built ZIP   {download:6.2f} s ({size / MB:.1f} MB read)")
    print(f"peak Python memory of a build {peak / MB:5.1f} MB (tracemalloc)")
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident size of the process {maxrss:.0f} MB (the registry's build included)")
    print(f"Load average {os.getloadavg()[0]:.1f} at the end.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
