"""Two imports at once: the second waits for the first and finds its MoUs there.

Real processes (``manage.py import_mous``) on a real database: the test's own, which
on PostgreSQL is a database the processes can open, and on SQLite (in memory for the
tests) is copied into a file for them. The admin's import and the follow-up import take
the same lock to write, and a preview none.
"""

import csv
import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from agreements import importing
from agreements.models import FollowUp, Mou, Source

ROOT = Path(__file__).resolve().parent.parent
ROWS = 2_000


@pytest.fixture
def registry_file(tmp_path):
    """A file of ``ROWS`` new MoUs without references, each citing its own article."""
    path = tmp_path / "mous.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["title", "signed_on", "states", "parties", "source_url"])
        writer.writerows(
            [f"MoU {n}", "2021", "GJ", "Amazon; Flipkart", f"https://news.example.com/{n}"]
            for n in range(ROWS)
        )
    return path


class SharedDatabase:
    """The test database as ``url``, for other processes; ``pull()`` makes what they
    wrote visible to this one."""

    def __init__(self, tmp_path, postgres_url):
        if connection.vendor == "postgresql":
            self.file = None
            self.url = postgres_url()
            return
        self.file = tmp_path / "registry.sqlite3"
        self.url = f"sqlite:///{self.file}"
        connection.ensure_connection()
        with sqlite3.connect(self.file) as copy:
            connection.connection.backup(copy)

    def pull(self):
        if self.file:
            with sqlite3.connect(self.file) as copy:
                copy.backup(connection.connection)


@pytest.fixture
def shared_database(tmp_path, postgres_url, gujarat, amazon, flipkart):
    """The test database holding Gujarat, Amazon and Flipkart, open to other processes."""
    return SharedDatabase(tmp_path, postgres_url)


def import_mous(path, database):
    """Start ``manage.py import_mous PATH`` on ``database``; ``finish`` waits for it."""
    return subprocess.Popen(
        [sys.executable, "manage.py", "import_mous", str(path)],
        cwd=ROOT,
        env={**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": database.url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process):
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stdout + stderr
    return stdout.strip()


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_file_started_together_create_each_mou_once(
    registry_file, shared_database
):
    started = [import_mous(registry_file, shared_database) for _ in range(2)]
    assert sorted(finish(process) for process in started) == [
        f"0 new, 0 updated, {ROWS} unchanged, 0 errors",
        f"{ROWS} new, 0 updated, 0 unchanged, 0 errors",
    ]
    again = finish(import_mous(registry_file, shared_database))
    assert again == f"0 new, 0 updated, {ROWS} unchanged, 0 errors"
    shared_database.pull()
    assert Mou.objects.count() == ROWS and Source.objects.count() == ROWS


@pytest.fixture
def locks_taken(monkeypatch):
    """A list with an item for each time an import took the lock (still taking it)."""
    taken = []
    real_lock = importing.lock_imports

    def lock():
        taken.append(True)
        real_lock()

    monkeypatch.setattr(importing, "lock_imports", lock)
    return taken


def test_the_admin_import_takes_the_lock_to_write_and_not_to_preview(
    client, editor, gujarat, amazon, flipkart, locks_taken
):
    client.force_login(editor)
    upload = io.BytesIO(
        b"title,states,parties,source_url\nOne,GJ,Amazon; Flipkart,https://a.example/\n"
    )
    upload.name = "one.csv"
    response = client.post(
        reverse("admin:agreements_mou_import"),
        {"import_file": upload, "format": "0", "resource": "0"},
    )
    assert locks_taken == [] and response.context["confirm_form"]
    client.post(
        reverse("admin:agreements_mou_process_import"),
        {**response.context["confirm_form"].initial, "resource": "0"},
    )
    assert locks_taken == [True] and Mou.objects.count() == 1


def test_the_follow_up_import_takes_the_same_lock_to_write(tmp_path, gujarat_mou, locks_taken):
    path = tmp_path / "follow-ups.csv"
    path.write_text(
        f"mou,date,summary,source_url\n{gujarat_mou.slug},2022-03,News,https://a.example/\n",
        encoding="utf-8",
    )
    call_command("import_follow_ups", str(path), "--dry-run", stdout=io.StringIO())
    assert locks_taken == []
    call_command("import_follow_ups", str(path), stdout=io.StringIO())
    assert locks_taken == [True] and FollowUp.objects.count() == 1
