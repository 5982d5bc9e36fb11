"""Property: whatever a file holds, the import never crashes, reports every row, and
either writes the whole file or changes nothing at all.

Half the generated files hold only rows that should import (with markup, formulas,
quotes, line breaks and long text in the free-text cells), so examples reach the
write; the others mix in any text, odd dates, unknown states and sectors, rows with a
cell too many or too few, and bytes that are not UTF-8.
"""

import csv
import io

from django.apps import apps
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from agreements.importing import COLUMNS, import_file
from agreements.importing.cells import REQUIRED_COLUMNS, SOURCE_COLUMNS

OPTIONAL = [column for column in COLUMNS if column not in REQUIRED_COLUMNS]
TRICKY = [
    "",
    " ",
    "<b>x</b>",
    "<script>alert(1)</script>",
    "=1+2",
    "'=1+2",
    "''@x",
    "+91",
    "-",
    "\t@cmd",
    "a;b;;c",
    "\\;",
    ";",
    '"quoted"',
    "line\nbreak",
    "cr\r\nlf",
    "Ünïcödé ✓ 𝄞",
]
short_text = st.one_of(
    st.sampled_from(TRICKY),
    st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=30),
)
text = st.one_of(
    short_text, st.builds(lambda c, n: c * n, st.sampled_from("x;é 'A"), st.integers(90, 700))
)


def some_of(names, min_size=0):
    return st.lists(st.sampled_from(names), min_size=min_size, max_size=3, unique=True).map(
        "; ".join
    )


def any_of(*names):
    """A ;-list of known names, new names and odd text."""
    return st.lists(st.one_of(st.sampled_from(names), text), max_size=4).map("; ".join)


# Cells that a valid row may hold (a row's title and reference get its number added).
VALID = {
    "reference": st.sampled_from(["", "R", "=R", "'R"]),
    "title": short_text,
    "signed_on": st.sampled_from(["", "2021", "2021-09", "2021-9-07", "1999-12-31"]),
    "date_kind": st.sampled_from(["", "signed", "Announced", "first reported", "REPORTED"]),
    "states": some_of(["GJ", "Gujarat", "in-as", "Assam"], min_size=1),
    "parties": some_of(["Amazon", "Flipkart", "Newco", "=New Federation", "<b>Co</b>"], 2),
    "programmes": some_of(["Amazon Global Selling", "Kala Haat", "<i>ODOP</i>", "@Prog"]),
    "sectors": some_of(["Handloom", "handloom"]),
    "clusters": some_of(["Patan: Patola", "Surat", "Moradabad: brassware", "-Place: x"]),
    "commitments": text,
    "status": st.sampled_from(["", "signed", "Active", "ANNOUNCED", "tie-up reported", "expired"]),
    "summary": text,
    "source_url": st.sampled_from(["https://a.example.com/1", "https://a.example.com/2"]),
    "source_title": st.sampled_from(["An article", "<b>News</b>", "=Headline"]),
    "source_publisher": short_text,
    "source_published_on": st.sampled_from(["", "2021-09-08"]),
    "published": st.sampled_from(["", "yes", "no", "1", "FALSE"]),
}
# Cells that make a row invalid, for the other files.
BAD = {
    "signed_on": st.sampled_from(["2021-02-30", "2021-13", "0000", "21-1-1", "Sept 2021"]),
    "date_kind": st.sampled_from(["rumoured", "signed?"]),
    "states": any_of("GJ", "Gujarat", "XX", "Atlantis"),
    "parties": any_of("Amazon", "Flipkart", "amazon india", "Newco"),
    "sectors": any_of("Handloom", "Spaceships"),
    "clusters": any_of("Patan: Patola", ": x", "Surat"),
    "source_url": st.sampled_from(["ftp://x", "javascript:alert(1)", "https://" + "x" * 600, ""]),
    "source_published_on": st.sampled_from(["2021-02-30", "08/09/2021"]),
    "published": st.sampled_from(["perhaps", "oui"]),
}
WILD = {column: st.one_of(VALID[column], BAD.get(column, text)) for column in VALID}


@st.composite
def files(draw):
    """A CSV file's bytes and the numbers of its non-blank data rows."""
    source = draw(st.sampled_from([["source_url"], ["source_title"], SOURCE_COLUMNS]))
    optional = draw(st.lists(st.sampled_from(OPTIONAL), unique=True, max_size=8))
    header = draw(st.permutations(sorted({*REQUIRED_COLUMNS, *source, *optional})))
    cells = VALID if draw(st.booleans()) else WILD
    rows = []
    for number in range(2, 2 + draw(st.integers(1, 5))):
        row = {column: draw(cells[column]) for column in header}
        row["title"] += f" {number}"
        if row.get("reference"):
            row["reference"] += str(number)
        rows.append([row[column] for column in header])
    if draw(st.integers(0, 9)) == 0:  # malformed: a cell too many or too few
        rows[-1] = rows[-1] + ["extra"] if draw(st.booleans()) else rows[-1][:-1]
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    data = out.getvalue().encode()
    if draw(st.integers(0, 19)) == 0:  # malformed: not UTF-8
        data += "é".encode("latin-1")
    numbers = {n for n, row in enumerate(rows, 2) if any(cell.strip() for cell in row)}
    return data, numbers


def snapshot():
    """Every row of every table the import can write (all the app's models and links; the
    search documents by their text)."""
    models = apps.get_app_config("agreements").get_models(include_auto_created=True)
    rows = {
        model.__name__: list(model.objects.order_by("pk").values_list())
        for model in models
        if model._meta.managed
    }
    documents = search_document_model()
    rows["search"] = list(documents.objects.order_by("pk").values_list("pk", "title", "parties"))
    return rows


def search_document_model():
    from django.db import connection

    from agreements.models import PostgresSearchDocument, SqliteSearchDocument

    return PostgresSearchDocument if connection.vendor == "postgresql" else SqliteSearchDocument


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(file=files())
def test_any_file_is_imported_whole_or_not_at_all(gujarat, assam, amazon, flipkart, handloom, file):
    data, numbers = file
    before = snapshot()
    report = import_file(data)  # raises nothing: every problem is in the report
    after = snapshot()
    if any(error.row is None for error in report.errors):  # the file itself is unusable
        event("file error")
        assert after == before and not report.outcomes
        return
    reported = {outcome.row for outcome in report.outcomes} | {e.row for e in report.errors}
    assert reported == numbers
    if report.errors:
        event("row errors")
        assert after == before, [str(e) for e in report.errors]
        assert not report.written
        return
    event("written" if report.written else "nothing to write")
    assert len(after["Mou"]) == len(before["Mou"]) + report.count("new")
    # A second run of the same file changes nothing more.
    again = import_file(data)
    assert snapshot() == after
    assert again.summary().startswith(f"0 new, 0 updated, {len(numbers)} unchanged, 0 errors")
