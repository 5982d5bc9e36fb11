"""The audit log ("mouregistry.audit") has one line per import, per admin change, per failed
login and per lockout: who, what, how many rows; never a password, an address or a
record's text."""

import csv
import io
import logging
from contextlib import suppress

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.urls import reverse

from agreements.models import Mou, Sector

AUDIT = "mouregistry.audit"


@pytest.fixture
def audit(caplog):
    """The audit log's lines, as written."""
    caplog.set_level(logging.INFO, logger=AUDIT)

    def lines():
        return [r.getMessage() for r in caplog.records if r.name == AUDIT]

    return lines


@pytest.fixture
def post(client, editor, django_capture_on_commit_callbacks):
    """``post(url, data)`` as an Editor, committed (the test's transaction never is)."""
    client.force_login(editor)

    def post_(url, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    return post_


def test_an_import_is_one_line_once_committed(
    tmp_path, audit, gujarat, amazon, flipkart, django_capture_on_commit_callbacks
):
    path = tmp_path / "new mous.csv"
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["title", "signed_on", "states", "parties", "source_url"])
    writer.writerow(["One", "2021", "GJ", "Amazon; Flipkart", "https://a.example.com/1"])
    writer.writerow(["Two", "2022", "GJ", "Amazon; Flipkart", "https://a.example.com/2"])
    path.write_text(out.getvalue(), encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_mous", str(path), stdout=io.StringIO())
        assert audit() == [], "nothing is said before the import is committed"
    assert audit() == [
        "import: username=None kind=mous via=command file='new mous.csv' new=2 updated=0 "
        "unchanged=0"
    ]


def test_an_admin_change_names_the_editor_the_object_and_the_fields(post, handloom, audit):
    post(
        reverse("admin:agreements_sector_change", args=[handloom.pk]),
        {"name": "Handloom weaving", "slug": "handloom", "description": ""},
    )
    assert audit() == [
        f"admin changed: username='editor' model=agreements.sector rows=1 ids={handloom.pk} "
        "what='changed Name'"
    ]


def test_a_bulk_admin_action_is_one_line_with_its_count(
    post, make_mou, amazon, flipkart, gujarat, audit
):
    mous = [
        make_mou(f"Draft {n}", parties=[amazon, flipkart], states=[gujarat], published=False)
        for n in range(3)
    ]
    changelist = reverse("admin:agreements_mou_changelist")
    ids = [mou.pk for mou in mous]
    post(changelist, {"action": "publish", "_selected_action": ids})
    post(changelist, {"action": "delete_selected", "_selected_action": ids, "post": "yes"})
    assert not Mou.objects.exists()
    joined = ",".join(str(pk) for pk in sorted(ids))
    published, deleted = audit()
    assert published.startswith("admin changed: username='editor' model=agreements.mou rows=3")
    assert published.endswith("what='changed Published'")
    assert deleted.startswith("admin deleted: username='editor' model=agreements.mou rows=3")
    assert sorted(deleted.split("ids=")[1].split(",")) == joined.split(",")
    assert LogEntry.objects.filter(action_flag=3).count() == 3, "the admin's own log still works"


def test_a_line_never_holds_a_records_text(post, audit):
    post(
        reverse("admin:agreements_sector_add"),
        {"name": "Ms Private Person", "slug": "private", "description": ""},
    )
    sector = Sector.objects.get(slug="private")
    assert audit() == [
        f"admin added: username='editor' model=agreements.sector rows=1 ids={sector.pk}"
    ]


def test_an_admin_change_that_is_rolled_back_leaves_no_line(
    editor, handloom, audit, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        suppress(DatabaseError),
        transaction.atomic(),
    ):
        LogEntry.objects.log_actions(editor.pk, [handloom], CHANGE)
        raise DatabaseError("the save after it failed")
    assert audit() == []


def test_failed_logins_and_lockouts_name_the_username_only(client, editor, audit):
    for _ in range(5):
        client.post(
            "/admin/login/",
            {"username": "editor\nforged line", "password": "s3cret-guess"},
            REMOTE_ADDR="203.0.113.9",
            HTTP_USER_AGENT="Secret Browser",
        )
    lines = audit()
    assert lines.count("login failed: username='editor\\nforged line'") == 5
    assert lines.count("login locked out: username='editor\\nforged line'") == 1
    text = "\n".join(lines)
    for private in ["s3cret-guess", "203.0.113.9", "Secret Browser"]:
        assert private not in text
