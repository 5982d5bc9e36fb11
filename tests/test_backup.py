"""A backup (``manage.py backup``) restores (``manage.py restore``) into an empty
database with every row as it was, and the restored registry is searchable; on
PostgreSQL, so does one made by ``pg_dump`` and restored by ``pg_restore``, as the README
says."""

import shutil
import subprocess

import psycopg
import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core import serializers
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection
from django.urls import reverse

from agreements import backups, search
from agreements.importing import FOLLOW_UPS, import_file
from agreements.models import (
    FollowUp,
    ImportRecord,
    Mou,
    MouVersion,
    NewsCheck,
    PostgresSearchDocument,
    SqliteSearchDocument,
)
from agreements.models.search import SEARCH_COLUMNS


@pytest.fixture
def busy_registry(founding_articles, editor, viewer, client):
    """The founding records, then what staff add: an MoU import and a follow-up import
    by an Editor (import records, new versions, a new party), a check for news, an admin
    log entry and a failed login (the lockout records)."""
    mou = Mou.objects.get(slug="amazon-india-mou-with-himcrafts-himachal-pradesh")
    mous_file = (
        "title,signed_on,states,parties,source_url\n"
        "Amazon and Assam MoU,2024-02,AS,Amazon India; Assam Handloom Board,"
        "https://news.example.com/assam\n"
    )
    follow_ups_file = (
        "mou,date,status,summary,source_url\n"
        f"{mou.slug},2024-05,active,Sellers onboarded,https://news.example.com/himcrafts\n"
    )
    assert import_file(mous_file.encode(), "mous.csv", user=editor).written
    report = import_file(follow_ups_file.encode(), "f.csv", importer=FOLLOW_UPS, user=editor)
    assert report.written
    NewsCheck.objects.create(mou=mou, note="The state's press releases", checked_by=viewer)
    LogEntry.objects.log_actions(editor.pk, [mou], CHANGE, change_message="Changed summary")
    client.post(reverse("admin:login"), {"username": "editor", "password": "wrong"})
    assert ImportRecord.objects.count() == 2 and FollowUp.objects.exists()
    assert MouVersion.objects.filter(mou=mou).count() == 2


# The data version, the key of the pages' cache, is not compared: a restore's own writes
# move it on.
NOT_COMPARED = {"agreements.DataVersion"}


def every_row():
    """Every backed-up table's rows, with every value as Python has it (times to the
    microsecond), each referring to users, groups, permissions and content types by
    natural key (the ids another database gives them may differ), and the search
    documents."""
    tables = {}
    for model in backups.backed_up_models():
        if model._meta.label in NOT_COMPARED:
            continue
        rows = serializers.serialize(
            "python",
            model._default_manager.all(),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        )
        tables[model._meta.label] = sorted(repr(sorted(row.items())) for row in rows)
    for model in (SqliteSearchDocument, PostgresSearchDocument):
        documents = model.objects.order_by("pk").values("pk", *SEARCH_COLUMNS, "labels")
        tables[model._meta.label] = list(documents)
    return tables


@pytest.fixture
def empty_the_database(make_staff_groups):
    """Leave the database as a new one is once migrated: no rows but the content types
    and permissions ``migrate`` makes (anew, with other ids) and the staff groups its
    migrations make."""

    def empty():
        call_command("flush", interactive=False, verbosity=0)
        search.backends.current().clear()  # not Django's table: flush leaves it
        make_staff_groups()

    return empty


@pytest.mark.django_db(transaction=True)  # the backup reads in a transaction of its own
def test_a_backup_restores_into_an_empty_database_with_every_row_as_it_was(
    busy_registry, tmp_path, empty_the_database
):
    before = every_row()
    assert all(before[label] for label in ("agreements.Mou", "agreements.MouVersion"))
    assert all(before[label] for label in ("agreements.NewsCheck", "agreements.ImportRecord"))
    assert before["auth.User"] and before["axes.AccessFailureLog"] and before["admin.LogEntry"]
    path = tmp_path / "registry.jsonl.gz"
    call_command("backup", str(path))
    empty_the_database()
    assert not Mou.objects.exists() and not search.document_count()

    call_command("restore", str(path))

    assert every_row() == before
    assert Mou.objects.search("himcrafts").exists()
    new = Mou.objects.create(title="Added after the restore")  # the ids go on from the backup's
    assert new.pk > max(Mou.objects.exclude(pk=new.pk).values_list("pk", flat=True))


def test_a_restore_refuses_a_database_that_holds_data(busy_registry, tmp_path):
    path = tmp_path / "registry.jsonl"
    call_command("backup", str(path))
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("restore", str(path))


def test_a_backup_is_named_as_json_lines_so_that_it_restores(db, tmp_path):
    with pytest.raises(CommandError, match=r"Name the backup \*.jsonl"):
        call_command("backup", str(tmp_path / "registry.bak"))
    with pytest.raises(CommandError, match="No backup at"):
        call_command("restore", str(tmp_path / "missing.jsonl"))


@pytest.mark.django_db(transaction=True)
def test_pg_dump_restores_into_a_new_database_with_every_row_as_it_was(
    busy_registry, tmp_path, postgres_url
):
    pg_dump, pg_restore = shutil.which("pg_dump"), shutil.which("pg_restore")
    if connection.vendor != "postgresql" or not (pg_dump and pg_restore):
        pytest.skip("pg_dump and pg_restore back up PostgreSQL only")
    dump, restored = tmp_path / "registry.dump", f"{connection.settings_dict['NAME']}_restored"
    backup = [pg_dump, "--format=custom", "--no-owner", "-f", dump, postgres_url()]
    subprocess.run(backup, check=True)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        cursor.execute(f'CREATE DATABASE "{restored}"')
    try:
        restore = [pg_restore, "--no-owner", "--exit-on-error", "-d", postgres_url(restored), dump]
        subprocess.run(restore, check=True)
        with psycopg.connect(postgres_url(restored)) as copy, connection.cursor() as cursor:
            for table in connection.introspection.table_names():
                every_row_of = f'SELECT t::text FROM "{table}" t ORDER BY 1'  # noqa: S608
                cursor.execute(every_row_of)
                assert copy.execute(every_row_of).fetchall() == cursor.fetchall(), table
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE "{restored}" WITH (FORCE)')


def test_a_backup_that_fails_leaves_no_file(gujarat, tmp_path, monkeypatch):
    def rows_then_a_failure():
        yield gujarat
        raise DatabaseError("no such column: agreements_commitment.followed_up")

    monkeypatch.setattr(backups, "rows", rows_then_a_failure)
    with pytest.raises(CommandError, match="Cannot back up the database: no such column"):
        call_command("backup", str(tmp_path / "registry.jsonl"))
    assert list(tmp_path.iterdir()) == []
