"""The import reader's limits: every bomb a file can be (a sheet claiming a million rows, a
zip of a 400 MB string, a CSV line of a million columns, a damaged XLSX) is refused, or
read, within seconds and under 300 MB, with a clear message, in the admin and on the
command line. The tests make each bomb themselves, small on disk, and read it in a
child process that may take 300 MB more than the tests have and a few seconds."""

import io
import multiprocessing
import resource
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from agreements.importing import (
    COMMAND_LIMITS,
    FOLLOW_UP_COLUMNS,
    MOU_COLUMNS,
    ImportFileError,
    admin_limits,
    import_file,
    read_table,
)
from agreements.importing.reading import CELLS_PER_ROW
from agreements.models import Mou

ROOT = Path(__file__).resolve().parent.parent
IMPORT_URL = reverse("admin:agreements_mou_import")
MEMORY_CAP = 300 * 1024 * 1024
HEADER = ["title", "signed_on", "states", "parties", "source_url"]
ROW = ["One", "2021", "GJ", "Amazon; Flipkart", "https://a.example.com/"]

# --- Making XLSX files that say what a test needs -----------------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
PARTS = {
    "[Content_Types].xml": (
        f'<Types xmlns="{PACKAGE}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{SHEET_TYPE}.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        f'ContentType="{SHEET_TYPE}.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        f'ContentType="{SHEET_TYPE}.sharedStrings+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{PACKAGE}/relationships"><Relationship Id="rId1" '
        f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{PACKAGE}/relationships">'
        f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
}


def pieces(*parts):
    """Bytes from text, bytes and iterables of them, flattened: a generator streams a
    part of hundreds of megabytes into the zip without ever holding it."""
    for part in parts:
        if isinstance(part, str):
            yield part.encode()
        elif isinstance(part, bytes):
            yield part
        else:
            yield from pieces(*part)


def xlsx(rows, strings=(), dimension="A1:E2"):
    """An XLSX whose first sheet holds ``rows`` (its XML) and whose string table holds
    ``strings``, written by hand so that it can claim or hold anything."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        for name, content in [
            (
                "xl/worksheets/sheet1.xml",
                pieces(
                    f'<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/><sheetData>',
                    rows,
                    "</sheetData></worksheet>",
                ),
            ),
            ("xl/sharedStrings.xml", pieces(f'<sst xmlns="{MAIN}">', strings, "</sst>")),
        ]:
            with archive.open(name, "w") as part:
                for piece in content:
                    part.write(piece)
    return out.getvalue()


def inline_row(number, cells):
    return (
        f'<row r="{number}">'
        + "".join(
            f'<c r="{chr(65 + n)}{number}" t="inlineStr"><is><t>{cell}</t></is></c>'
            for n, cell in enumerate(cells)
        )
        + "</row>"
    )


HEADER_ROW = inline_row(1, HEADER)


def understate(data, part, size):
    """``data`` with the zip's two records of ``part`` (its local header and its central
    directory entry) claiming that it unzips to ``size`` bytes, whatever it holds."""
    out = bytearray(data)
    name = part.encode()
    for signature, size_at, name_at in [(b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)]:
        start = out.find(signature)
        while out[start + name_at : start + name_at + len(name)] != name:
            start = out.find(signature, start + 1)
            assert start >= 0, part
        out[start + size_at : start + size_at + 4] = struct.pack("<I", size)
    return bytes(out)


def csv_bytes(rows, header=HEADER):
    return "\n".join(",".join(row) for row in [header, *rows]).encode() + b"\n"


# --- Reading in a bounded child process ---------------------------------------------------


def virtual_size():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _read(data, limits, column_set):
    try:
        table = read_table(data, column_set, limits)
    except ImportFileError as problem:
        return problem.messages
    firsts = [next(iter(cells.values())) for _, cells in table.rows[:3]]
    return [f"{len(table.rows)} rows, {len(table.errors)} errors", *firsts]


def read_bounded(data, limits=COMMAND_LIMITS, column_set=MOU_COLUMNS, seconds=20):
    """What reading ``data`` says (its refusal, or how many rows and the first titles),
    read in a child process that fails the test if it takes more than 300 MB of memory
    beyond what the tests hold, or more than ``seconds``."""
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)

    def child():
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (virtual_size() + MEMORY_CAP, hard))
        try:
            sending.send(("read", _read(data, limits, column_set)))
        except MemoryError:
            sending.send(("took more than 300 MB", None))
        except Exception as error:
            sending.send(("raised", f"{type(error).__name__}: {error}"[:500]))

    process = context.Process(target=child)
    process.start()
    sending.close()  # the child's end: the pipe ends when the child does
    try:
        if not receiving.poll(seconds):
            raise AssertionError(f"reading took more than {seconds} s")
        outcome, said = receiving.recv()
    except EOFError:
        raise AssertionError("the reading process died") from None
    finally:
        process.kill()
        process.join()
    assert outcome == "read", f"reading {outcome} {said or ''}"
    return said


# --- Bombs: a sheet's rows, strings and cells ---------------------------------------------


def test_a_sheet_is_read_by_its_rows_whatever_dimension_it_declares():
    far = inline_row(1_048_576, ["Far", *ROW[1:]])
    rows = [HEADER_ROW, inline_row(2, ROW), far]
    # Every column and row declared: openpyxl padded each row to 16,384 cells and the
    # reading hung.
    said = read_bounded(xlsx(rows, dimension="A1:XFD1048576"), admin_limits(), seconds=10)
    assert said == ["2 rows, 0 errors", "One", "Far"]
    # Too small a dimension: openpyxl stopped at it and dropped the rows below.
    assert read_bounded(xlsx(rows, dimension="A1:E2"), admin_limits()) == said


def test_a_million_rows_are_refused_at_the_row_limit():
    rows = [HEADER_ROW, b'<row><c t="s"><v>0</v></c></row>' * 1_000_000]
    data = xlsx(rows, ["<si><t>Example</t></si>"])
    assert len(data) < 100_000
    assert read_bounded(data) == [
        "The file has more than 10,000 MoUs; split the file into smaller ones."
    ]
    (said,) = read_bounded(data, admin_limits())
    rows = admin_limits().rows
    assert said.startswith(f"The file has more than {rows:,} MoUs. The admin imports at most")
    assert "python manage.py import_mous FILE" in said


def test_millions_of_shared_strings_are_refused_at_the_limit():
    data = xlsx([HEADER_ROW, inline_row(2, ROW)], [b"<si/>" * 5_000_000])
    assert len(data) < 100_000
    (said,) = read_bounded(data, admin_limits())
    strings = CELLS_PER_ROW * admin_limits().rows
    assert said.startswith(f"The XLSX file's string table has more than {strings:,} strings.")


@pytest.fixture(scope="module")
def string_of_400_mb():
    """The 400 MB shared string of the attack, zipped into 0.4 MB."""
    return xlsx(
        [HEADER_ROW, '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'],
        ["<si><t>", (b"x" * 2**20 for _ in range(400)), "</t></si>"],
    )


def test_a_zip_unzipping_to_more_than_the_limit_is_refused_before_it_is_read(
    string_of_400_mb,
):
    assert len(string_of_400_mb) < 500_000
    assert read_bounded(string_of_400_mb) == [
        "The XLSX file unzips to 400.0 MB, more than the 128.0 MB the import reads; split "
        "the file into smaller ones."
    ]
    (said,) = read_bounded(string_of_400_mb, admin_limits())
    assert said.startswith("The XLSX file unzips to 400.0 MB, more than the 50.0 MB")


def test_a_zip_understating_its_size_is_refused_while_it_is_read(string_of_400_mb):
    lying = understate(string_of_400_mb, "xl/sharedStrings.xml", 1000)
    (said,) = read_bounded(lying)
    assert said.startswith("The XLSX file is damaged and cannot be read (BadZipFile")
    # Claiming 100 MB, within the command line's limit: the string is refused at the
    # most a cell may hold, as it is read.
    lying = understate(string_of_400_mb, "xl/sharedStrings.xml", 100 * 2**20)
    assert read_bounded(lying) == [
        "The XLSX file's shared string 1 holds more than 20,000 characters, the most a "
        "cell may hold."
    ]


def test_a_huge_cell_in_the_sheet_is_refused_as_it_is_read():
    cell = ['<row r="2"><c r="A2" t="inlineStr"><is><t>', b"x" * 100 * 2**20, "</t></is></c></row>"]
    assert read_bounded(xlsx([HEADER_ROW, cell])) == [
        "The XLSX file's cell A2 holds more than 20,000 characters, the most a cell may hold."
    ]


def test_a_row_of_a_million_cells_is_refused_as_it_is_read():
    data = xlsx([HEADER_ROW, '<row r="2">', b"<c/>" * 1_000_000, "</row>"])
    (said,) = read_bounded(data)
    assert said.startswith("The sheet has a cell beyond column 64")
    data = xlsx([HEADER_ROW, '<row r="2"><c r="XFD2"><v>1</v></c></row>'])
    (said,) = read_bounded(data)
    assert said.startswith("The sheet has a cell beyond column 64 (XFD2)")


# --- Damaged XLSX -------------------------------------------------------------------------

DAMAGED = {
    # A cell naming the 6th string of a table of one: a 500 in the admin, a traceback.
    "a string index out of range": (
        xlsx([HEADER_ROW, '<row r="2"><c r="A2" t="s"><v>5</v></c></row>'], ["<si><t>a</t></si>"]),
        "The XLSX file is damaged and cannot be read at row 2 (IndexError: list index out of "
        "range); open it in a spreadsheet program and save it again.",
    ),
    "broken XML in the sheet": (
        xlsx([HEADER_ROW, '<row r="2"><c r="A2"><v>1</v></row>']),
        "The XLSX file is damaged: its part xl/worksheets/sheet1.xml is not valid XML "
        "(mismatched tag, line 1).",
    ),
    "a zip that is not one": (
        b"PK\x03\x04" + b"\x00" * 200,
        "The XLSX file is damaged and cannot be read (BadZipFile",
    ),
    "a row numbered past Excel's last": (
        xlsx([HEADER_ROW, inline_row(2_000_000_000, ROW)]),
        "The XLSX file is damaged: a row is numbered 2000000000.",
    ),
}


@pytest.mark.parametrize("damage", DAMAGED)
def test_a_damaged_xlsx_is_a_clear_message(damage):
    data, message = DAMAGED[damage]
    (said,) = read_bounded(data, seconds=10)
    assert said.startswith(message), said


@pytest.mark.parametrize("damage", DAMAGED)
def test_the_admin_shows_a_damaged_xlsx_as_a_message(damage, client, editor):
    data, message = DAMAGED[damage]
    client.force_login(editor)
    upload = io.BytesIO(data)
    upload.name = "damaged.xlsx"
    response = client.post(IMPORT_URL, {"import_file": upload, "format": "0", "resource": "0"})
    assert response.status_code == 200
    assert "The XLSX file is damaged" in response.text
    assert Mou.objects.count() == 0


def test_the_command_says_a_damaged_xlsx_in_one_line_and_fails(tmp_path):
    """Run as a staff member would: no traceback, one line saying why, a non-zero exit."""
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(DAMAGED["a string index out of range"][0])
    finished = subprocess.run(
        [sys.executable, "manage.py", "import_mous", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
        timeout=60,
    )
    assert finished.returncode == 1
    assert "Traceback" not in finished.stderr + finished.stdout
    assert finished.stdout.splitlines() == [DAMAGED["a string index out of range"][1]]
    assert finished.stderr.strip() == (
        "CommandError: 0 new, 0 updated, 0 unchanged, 1 error; nothing was written"
    )


# --- CSV ----------------------------------------------------------------------------------


def test_a_header_of_a_million_columns_is_refused_as_it_is_read():
    data = b"title," + b"," * 1_000_000 + b"\n"
    assert read_bounded(data) == ["A row of the file is longer than 100,000 characters."]
    data = ("title," + ",".join(f"c{n}" for n in range(100)) + "\n").encode()
    assert read_bounded(data) == ["Row 1 has more than 64 cells."]


def test_millions_of_short_rows_are_refused_at_the_row_limit():
    # The attack's 4.8 MB: 2.4 million rows of one short cell, each a row error.
    data = b"title,states,parties,source_url\n" + b"a\n" * 2_400_000
    assert read_bounded(data) == [
        "The file has more than 10,000 MoUs; split the file into smaller ones."
    ]
    (said,) = read_bounded(data, admin_limits())
    rows = admin_limits().rows
    assert said.startswith(f"The file has more than {rows:,} MoUs. The admin imports at most")


def test_a_line_without_an_end_or_a_huge_cell_is_refused():
    data = csv_bytes([]) + b'"' + b"x" * 10 * 2**20
    assert read_bounded(data) == ["A row of the file is longer than 100,000 characters."]
    data = csv_bytes([["x" * 20_001, *ROW[1:]]])
    assert read_bounded(data) == [
        "Row 2, column 1 holds more than 20,000 characters, the most a cell may hold."
    ]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    data = csv_bytes([ROW]) + b"\n" * (COMMAND_LIMITS.file_bytes)
    assert read_bounded(data) == ["The file is 16.0 MB; split the file into smaller ones."]


def test_the_command_refuses_a_file_over_its_size_limit_before_reading_it(tmp_path):
    path = tmp_path / "big.csv"
    with path.open("wb") as file:
        file.truncate(COMMAND_LIMITS.file_bytes + 1)
    with pytest.raises(CommandError, match=r"is 16\.0 MB; an import reads at most 16\.0 MB"):
        call_command("import_mous", str(path), stdout=io.StringIO())


# --- Files within the limits ---------------------------------------------------------------


def test_a_file_at_the_row_limit_is_read_whole():
    limit = admin_limits().rows
    rows = [[f"MoU {n}", *ROW[1:]] for n in range(limit)]
    assert read_bounded(csv_bytes(rows), admin_limits())[0] == f"{limit} rows, 0 errors"
    sheet = [HEADER_ROW, *(inline_row(n + 2, row) for n, row in enumerate(rows))]
    said = read_bounded(xlsx(sheet, dimension="A1:E2"), admin_limits())
    assert said == [f"{limit} rows, 0 errors", "MoU 0", "MoU 1", "MoU 2"]
    header = ["mou", "date", "summary", "source_url"]
    follow_ups = [["a-slug", "2022", "News", "https://a.example.com/"]] * (limit + 1)
    said = read_bounded(csv_bytes(follow_ups, header), admin_limits(), FOLLOW_UP_COLUMNS)
    assert said[0].startswith(f"The file has more than {limit:,} follow-ups. The admin imports")
    assert "python manage.py import_follow_ups FILE" in said[0]


# --- The admin and the command: limits said, errors listed ---------------------------------


@pytest.fixture
def world(gujarat, amazon, flipkart):
    return None


def upload(data, name="mous.csv"):
    file = io.BytesIO(data)
    file.name = name
    return file


@override_settings(IMPORT_ADMIN_MAX_ROWS=3)
def test_the_admin_says_its_row_limit_and_refuses_more_pointing_to_the_command(
    client, editor, world
):
    client.force_login(editor)
    page = client.get(IMPORT_URL).text
    assert "at most 5.0 MB and 3 rows" in page
    assert "python manage.py import_mous FILE" in page
    rows = [[f"MoU {n}", *ROW[1:]] for n in range(4)]
    response = client.post(
        IMPORT_URL, {"import_file": upload(csv_bytes(rows)), "format": "0", "resource": "0"}
    )
    assert (
        "The file has more than 3 MoUs. The admin imports at most 3 MoUs (5.0 MB) at a time: "
        "import bigger files on the server with python manage.py import_mous FILE, or split "
        "them." in response.text
    )
    assert "confirm_form" not in response.context or not response.context["confirm_form"]
    response = client.post(
        IMPORT_URL, {"import_file": upload(csv_bytes(rows[:3])), "format": "0", "resource": "0"}
    )
    assert response.context["confirm_form"]


def bad_rows(count):
    return [[f"MoU {n}", "2021-02-30", *ROW[2:]] for n in range(count)]


def test_the_first_hundred_errors_are_listed_and_the_rest_counted(tmp_path, client, editor, world):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(bad_rows(150)))
    out = io.StringIO()
    with pytest.raises(CommandError, match="150 errors; nothing was written"):
        call_command("import_mous", str(path), stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 101
    assert lines[0] == "row 2, column signed_on: 2021-02-30 is not a valid date"
    assert lines[-1] == "... and 50 more errors, not listed."
    client.force_login(editor)
    response = client.post(
        IMPORT_URL,
        {"import_file": upload(path.read_bytes()), "format": "0", "resource": "0"},
    )
    page = response.text
    assert page.count("is not a valid date") == 100
    assert "... and 50 more errors, not listed." in page
    assert "row 101, column signed_on" in page and "row 102, column signed_on" not in page


def test_an_import_within_the_limits_still_imports(world):
    report = import_file(csv_bytes([ROW]), "one.csv")
    assert report.ok and Mou.objects.count() == 1


def test_an_import_updating_mous_writes_each_ones_fields(world, make_mou, gujarat, amazon):
    """Updates are written as plain rows (``update_rows``), not ``bulk_update``, which took
    107 s and 590 MB for 20,000 MoUs: every field still reaches the database."""
    draft = make_mou("Draft MoU", parties=[amazon], states=[gujarat], published=False)
    before = draft.updated_at
    rows = [["Draft MoU", "2021-09", "GJ", "Amazon; Flipkart", "https://a.example.com/"]]
    header = [*HEADER, "summary", "published"]
    report = import_file(csv_bytes([[*rows[0], "Now with a summary", "yes"]], header), "u.csv")
    assert report.count("update") == 1, report.listed_errors
    draft.refresh_from_db()
    assert (draft.summary, draft.published, draft.last_import) == (
        "Now with a summary",
        True,
        report.record,
    )
    assert draft.published_at is not None and draft.updated_at > before


def test_the_import_pages_say_the_limits_in_rows_and_megabytes(client, editor):
    client.force_login(editor)
    for url in (IMPORT_URL, reverse("admin:agreements_followup_import")):
        page = client.get(url).text
        assert "The admin imports files of at most 5.0 MB and 2,000 rows" in page
        assert "at most 5.0 MB and 2,000 rows; import bigger files on the server" in page
    assert "python manage.py import_follow_ups FILE" in page
