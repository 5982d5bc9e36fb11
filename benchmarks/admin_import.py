"""Benchmark of the admin's import at its row limit, the figure the limit was chosen by.

Through the admin's own pages (Django's test client, as an Editor): the preview and the
confirmation of ``IMPORT_ADMIN_MAX_ROWS`` generated MoUs (``imports.generate``) as CSV into
an empty registry, as XLSX into the registry holding them (every row unchanged), and as
CSV with every summary changed and made as long as the upload limit allows (every row an
update, each MoU a new version: the most work a file the admin accepts can ask); then the
refusal of an XLSX of 50,000 rows under the upload limit (the attack's 60,000-row XLSX of
4.92 MB timed out). Each step must answer well within gunicorn's
30 s timeout: the target is 15 s, half of it, so that a busy server still answers. Uses
its own database, as ``imports.py`` does (``benchdb.py``).

    DJANGO_DEBUG=1 .venv/bin/python benchmarks/admin_import.py [--rows N] [--database-url URL]

``--rows`` times another limit (the admin then takes that many rows).
"""

import argparse
import csv
import io
import re
import resource
import sys
import time

from benchdb import BenchDatabase
from imports import generate

DATABASE_NAME = "mouregistry_bench_admin_import"
TARGET_SECONDS = 15


def to_xlsx(data):
    """The CSV ``data`` as an XLSX of the same rows."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in csv.reader(io.StringIO(data.decode())):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label, step):
    start = time.perf_counter()
    response = step()
    seconds = time.perf_counter() - start
    print(f"{label:<44} {seconds:6.2f} s  peak {peak_mb():5.0f} MB")
    return response, seconds


def upload(client, data, name):
    from django.urls import reverse

    file = io.BytesIO(data)
    file.name = name
    url = reverse("admin:agreements_mou_import")
    return client.post(url, {"import_file": file, "format": "0", "resource": "0"})


def confirm(client, preview):
    """Post the preview's confirm form, as the Editor's browser would."""
    from django.urls import reverse

    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', preview.text))
    assert "import_file_name" in fields, "the preview found errors"
    url = reverse("admin:agreements_mou_process_import")
    response = client.post(url, {**fields, "resource": "0"})
    assert response.status_code == 302, response.status_code
    return response


def run(database, rows=None):
    """Time each step with ``rows`` rows a file (the admin's limit by default, or the
    limit made ``rows``); 0 when every one is within the target."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from agreements.models import Mou

    database.create()
    call_command("loaddata", "states", "vocabulary", verbosity=0)
    if rows:
        settings.IMPORT_ADMIN_MAX_ROWS = rows
    rows = settings.IMPORT_ADMIN_MAX_ROWS
    editor = get_user_model().objects.create_superuser("bench-editor", password=None)
    client = Client()
    client.force_login(editor)
    data = generate(rows)
    summary = b"A generated MoU for the import benchmark."
    room = (settings.IMPORT_MAX_UPLOAD_BYTES - len(data)) // rows + len(summary)
    changed = data.replace(summary, (b"Changed. " * room)[: room - 1])
    assert len(changed) <= settings.IMPORT_MAX_UPLOAD_BYTES
    print(f"{rows:,} MoUs a file; {database.label()}, {database}")
    times = []
    for label, file, name in [
        ("CSV, empty registry (all new)", data, "new.csv"),
        ("XLSX, registry holds them (all unchanged)", to_xlsx(data), "same.xlsx"),
        (f"{len(changed) / 2**20:.1f} MB CSV, longer summaries (all updates)", changed, "u.csv"),
    ]:
        preview, seconds = timed(f"preview: {label}", lambda f=file, n=name: upload(client, f, n))
        times.append(seconds)
        _, seconds = timed(f"confirm: {label}", lambda p=preview: confirm(client, p))
        times.append(seconds)
    assert Mou.objects.count() == rows
    assert Mou.objects.filter(summary__startswith="Changed. Changed.").count() == rows
    attack = to_xlsx(generate(50_000))
    refused, seconds = timed(
        f"refusal of 50,000 rows ({len(attack) / 2**20:.2f} MB XLSX)",
        lambda: upload(client, attack, "attack.xlsx"),
    )
    assert "The admin imports at most" in refused.text
    times.append(seconds)
    ok = max(times) < TARGET_SECONDS
    print(f"target (every step under {TARGET_SECONDS} s):", "met" if ok else "NOT met")
    return 0 if ok else 1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        help="sqlite:///PATH (default: /tmp/mouregistry-bench-admin-import.sqlite3) or a "
        f"PostgreSQL server, postgres://USER@HOST:PORT, where it creates {DATABASE_NAME}",
    )
    parser.add_argument("--rows", type=int, help="the admin's limit by default")
    args = parser.parse_args(argv)
    database = BenchDatabase(args.database_url, DATABASE_NAME)
    database.configure()
    try:
        return run(database, args.rows)
    finally:
        database.drop()


if __name__ == "__main__":
    sys.exit(main())
