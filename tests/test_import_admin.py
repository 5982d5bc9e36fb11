"""The admin's MoU import and export: Editors only, preview then confirm, errors in one form."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils.text import slugify

from agreements.importing import COLUMNS, writing
from agreements.models import ImportRecord, Mou

IMPORT_URL = reverse("admin:agreements_mou_import")
PROCESS_URL = reverse("admin:agreements_mou_process_import")
EXPORT_URL = reverse("admin:agreements_mou_export")
TEMPLATE_URL = reverse("admin:agreements_mou_import_template")
EXAMPLE_URL = reverse("admin:agreements_mou_import_example")
EXAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "example-import.csv"


def upload(name, rows, header=("title", "signed_on", "states", "parties", "source_url")):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    file = io.BytesIO(out.getvalue().encode())
    file.name = name
    return file


GOOD = [
    ["First MoU", "2021-09", "GJ", "Amazon; Flipkart", "https://a.example.com/1"],
    ["<b>Second</b> MoU", "2022", "Gujarat", "Amazon; New Federation", "https://a.example.com/2"],
]


@pytest.fixture
def world(gujarat, amazon, flipkart):
    return None


def preview(client, file):
    return client.post(IMPORT_URL, {"import_file": file, "format": "0", "resource": "0"})


def test_viewers_and_outsiders_cannot_import(client, viewer, outsider, world):
    for user in (viewer, outsider):
        client.force_login(user)
        assert client.get(IMPORT_URL).status_code == 403
        response = preview(client, upload("a.csv", GOOD))
        assert response.status_code == 403
    assert Mou.objects.count() == 0


def test_only_editors_see_the_import_button(client, editor, viewer, world):
    client.force_login(editor)
    assert IMPORT_URL in client.get(reverse("admin:agreements_mou_changelist")).text
    client.force_login(viewer)
    assert IMPORT_URL not in client.get(reverse("admin:agreements_mou_changelist")).text


def test_an_editor_previews_every_row_then_confirms_the_import(client, editor, world, gujarat_mou):
    client.force_login(editor)
    rows = [
        *GOOD,
        [
            "Amazon and Gujarat MoU",
            "2021-09",
            "GJ",
            "Amazon; Industries and Mines Department, Government of Gujarat",
            "https://news.example.com/amazon-gujarat",
        ],
    ]
    response = preview(client, upload("batch.csv", rows))
    assert response.status_code == 200
    page = response.text
    assert "2 new, 0 updated, 1 unchanged, 0 errors; 1 new party: New Federation" in page
    assert page.count(">New<") == 2 and "Unchanged" in page
    assert "&lt;b&gt;Second&lt;/b&gt; MoU" in page and "<b>Second</b>" not in page
    assert Mou.objects.count() == 1  # the preview writes nothing
    confirm = response.context["confirm_form"]
    response = client.post(PROCESS_URL, {**confirm.initial, "resource": "0"})
    assert response.status_code == 302
    assert Mou.objects.count() == 3
    record = ImportRecord.objects.get()
    assert (record.user, record.via, record.file_name, record.new) == (
        editor,
        "admin",
        "batch.csv",
        2,
    )
    assert Mou.objects.get(title="First MoU").created_by_import == record


def test_row_errors_name_the_row_the_column_and_the_reason(client, editor, world):
    client.force_login(editor)
    rows = [*GOOD, ["Bad", "2021-02-30", "Atlantis", "Amazon", "ftp://x"]]
    response = preview(client, upload("bad.csv", rows))
    page = response.text
    assert "row 4, column signed_on: 2021-02-30 is not a valid date" in page
    assert "row 4, column states: unknown state or union territory &#x27;Atlantis&#x27;" in page
    assert "row 4, column parties: at least two parties are required" in page
    assert "row 4, column source_url: ftp://x is not an http(s) URL" in page
    assert "confirm_form" not in response.context or not response.context["confirm_form"]
    assert Mou.objects.count() == 0


def test_an_unreadable_upload_is_refused_with_a_message(client, editor, world):
    client.force_login(editor)
    bad = io.BytesIO("title,states\nCaf\xe9,GJ\n".encode("latin-1"))
    bad.name = "latin.csv"
    response = preview(client, bad)
    assert "not UTF-8" in response.text
    response = preview(
        client,
        upload("extra.csv", GOOD, header=("title", "signed_on", "states", "parties", "colour")),
    )
    assert "Unknown column &#x27;colour&#x27;" in response.text


@override_settings(IMPORT_MAX_UPLOAD_BYTES=200)
def test_an_upload_over_the_size_limit_points_to_the_command(client, editor, world):
    client.force_login(editor)
    response = preview(client, upload("big.csv", GOOD * 5))
    assert "the admin accepts at most" in response.text
    assert "manage.py import_mous" in response.text
    assert Mou.objects.count() == 0


def test_the_admin_export_uses_the_import_columns_and_escapes_formulas(
    client, editor, make_mou, amazon, flipkart, gujarat
):
    make_mou("=cmd()", parties=[amazon, flipkart], states=[gujarat])
    client.force_login(editor)
    response = client.post(
        EXPORT_URL,
        {
            "format": "0",
            "resource": "0",
            **{f"mouresource_{c}": "on" for c in COLUMNS},
        },
    )
    assert response.status_code == 200
    text = b"".join(
        response.streaming_content if response.streaming else [response.content]
    ).decode("utf-8-sig")
    header, first = list(csv.reader(io.StringIO(text)))
    assert header[:3] == ["reference", "title", "signed_on"]
    assert first[1] == "'=cmd()"


def test_only_editors_see_the_record_of_imports(client, editor, viewer, world):
    url = reverse("admin:agreements_importrecord_changelist")
    ImportRecord.objects.create(via="command", file_name="x.csv", checksum="0" * 64)
    client.force_login(editor)
    response = client.get(url)
    assert response.status_code == 200 and "x.csv" in response.text
    assert client.get(reverse("admin:agreements_importrecord_add")).status_code == 403
    client.force_login(viewer)
    assert client.get(url).status_code == 403


def test_a_registry_changed_between_preview_and_confirm_writes_nothing(
    client, editor, world, monkeypatch
):
    client.force_login(editor)
    response = preview(client, upload("batch.csv", GOOD))
    confirm = response.context["confirm_form"]
    Mou.objects.create(title="First MoU", slug="first-mou")  # an admin save meanwhile
    # The import read the slugs in use before that save.
    monkeypatch.setattr(writing, "unique_slugs", lambda model, texts: [slugify(t) for t in texts])
    response = client.post(PROCESS_URL, {**confirm.initial, "resource": "0"}, follow=True)
    assert response.redirect_chain == [(IMPORT_URL, 302)]
    assert "The registry changed during the import" in response.text
    assert Mou.objects.count() == 1 and ImportRecord.objects.count() == 0


def test_the_preview_shows_what_each_row_matched_and_marks_what_is_new(
    client, editor, world, gujarat_mou
):
    client.force_login(editor)
    header = ("title", "signed_on", "states", "parties", "source_url", "clusters")
    rows = [
        ["Third MoU", "2021", "gj", "amazon; New Federation", "https://a.example.com/3", "Surat"],
        # An update whose clusters cell is empty keeps the MoU's clusters.
        [
            "Amazon and Gujarat MoU",
            "2021-09",
            "IN-GJ",
            "Amazon; Flipkart",
            "https://news.example.com/amazon-gujarat",
            "",
        ],
    ]
    response = preview(client, upload("batch.csv", rows, header=header))
    new_row, update_row = re.findall(
        r"<tr class=\"(?:new|update|skip)\">.*?</tr>", response.text, re.S
    )
    # Cells as the registry names them: "gj" is Gujarat, "amazon" is Amazon India.
    assert "<li>Gujarat</li>" in new_row and "<li>Amazon India</li>" in new_row
    assert '<li>New Federation <span class="new-mark">new</span></li>' in new_row
    assert '<li>Surat <span class="new-mark">new in Gujarat</span></li>' in new_row
    assert 'https://a.example.com/3 <span class="new-mark">new</span>' in new_row
    assert "Update" in update_row and "parties" in update_row
    assert "kept as it is" in update_row and "new-mark" not in update_row


def test_editors_download_a_template_and_the_example_file(client, editor, viewer, outsider):
    client.force_login(editor)
    template = client.get(TEMPLATE_URL)
    assert template.status_code == 200 and template["Content-Type"].startswith("text/csv")
    assert "attachment" in template["Content-Disposition"]
    assert template.content.decode() == ",".join(COLUMNS) + "\r\n"
    example = client.get(EXAMPLE_URL)
    assert b"".join(example.streaming_content) == EXAMPLE.read_bytes()
    for user in (viewer, outsider):
        client.force_login(user)
        assert client.get(TEMPLATE_URL).status_code == 403
        assert client.get(EXAMPLE_URL).status_code == 403


def test_the_import_page_explains_every_column_and_links_the_downloads(client, editor):
    client.force_login(editor)
    page = client.get(IMPORT_URL).text
    assert f'href="{TEMPLATE_URL}"' in page and f'href="{EXAMPLE_URL}"' in page
    explained = re.findall(r'<th scope="row"><code>(\w+)</code></th>', page)
    assert explained == COLUMNS
    assert "case-insensitive. A code from before the latest ISO revision (<code>OR</code>" in page
    assert "the README" not in page
