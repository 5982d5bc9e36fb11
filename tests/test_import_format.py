"""CSV/XLSX import of MoUs: the format, matching, idempotence, and every kind of bad input."""

import csv
import datetime
import io
import re
from pathlib import Path

import openpyxl
import pytest
import tablib
from django.db import connection
from django.utils import timezone

from agreements.exports import iter_mous_csv
from agreements.importing import (
    COLUMNS,
    ImportFileError,
    escape_formula,
    import_file,
    import_table,
    read_table,
    unescape_formula,
)
from agreements.importing.cells import COLUMN_DESCRIPTIONS, column_requirement
from agreements.importing.report import Match
from agreements.models import (
    Cluster,
    Commitment,
    FollowUp,
    ImportRecord,
    Mou,
    Party,
    Programme,
    Source,
    insert_rows,
    refresh_derived,
)
from agreements.resources import MouResource


def mous_to_csv(queryset):
    """The public CSV download of ``queryset``, as one string."""
    return "".join(iter_mous_csv(queryset))


HEADER = ["title", "signed_on", "states", "parties", "source_url"]


def make_csv(rows, header=HEADER, bom=False):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode()


def row(title="Example MoU", signed_on="2021-09", states="GJ", parties="Amazon; Flipkart"):
    return [title, signed_on, states, parties, "https://news.example.com/a"]


def counts():
    return (
        Mou.objects.count(),
        Party.objects.count(),
        Source.objects.count(),
        Commitment.objects.count(),
        Cluster.objects.count(),
        Programme.objects.count(),
        ImportRecord.objects.count(),
    )


@pytest.fixture
def world(gujarat, assam, amazon, flipkart, handloom, global_selling):
    return None


def messages(report):
    return [str(error) for error in report.errors]


# --- The format ------------------------------------------------------------------------


def test_every_column_of_a_row_is_imported(world, gujarat, assam):
    data = make_csv(
        [
            [
                "REF-1",
                "Amazon and Gujarat MoU",
                "2021-09-07",
                "Announced",
                "Gujarat; IN-AS",
                "amazon ; New  Weavers Federation",
                "Amazon Global Selling; Brand New Programme",
                "handloom",
                "Patan: Patola sarees; Surat",
                "Train 500 artisans; Onboard 200 weavers",
                "Active",
                "A summary",
                "https://news.example.com/a",
                "Amazon signs MoU",
                "Example News",
                "2021-09-08",
                "no",
            ]
        ],
        header=[" Reference ", *[c.upper() for c in COLUMNS[1:]]],
        bom=True,
    )
    report = import_file(data, "mous.csv")
    assert report.ok, messages(report)
    assert (
        report.summary()
        == "1 new, 0 updated, 0 unchanged, 0 errors; 1 new party: New  Weavers Federation"
    )
    mou = Mou.objects.get()
    assert mou.reference == "REF-1"
    assert (mou.signed_on, mou.signed_on_precision) == (datetime.date(2021, 9, 7), "day")
    assert mou.date_kind == Mou.DateKind.ANNOUNCED
    assert set(mou.states.all()) == {gujarat, assam}
    assert [p.name for p in mou.parties.order_by("mouparty__order")] == [
        "Amazon India",
        "New  Weavers Federation",
    ]
    assert Party.objects.get(name="New  Weavers Federation").kind == Party.Kind.UNCLASSIFIED
    assert sorted(p.name for p in mou.programmes.all()) == [
        "Amazon Global Selling",
        "Brand New Programme",
    ]
    assert [s.name for s in mou.sectors.all()] == ["Handloom"]
    assert sorted(str(c) for c in mou.clusters.all()) == ["Patan: Patola sarees", "Surat"]
    assert all(c.state == gujarat for c in mou.clusters.all())
    assert [c.status for c in mou.commitments.all()] == ["pledged", "pledged"]
    assert mou.status == "active" and mou.summary == "A summary" and not mou.published
    source = mou.sources.get()
    assert (source.title, source.publisher) == ("Amazon signs MoU", "Example News")
    assert mou.status_source == source
    record = ImportRecord.objects.get()
    assert mou.created_by_import == record and mou.last_import == record
    assert (record.new, record.updated, record.unchanged, record.file_name) == (
        1,
        0,
        0,
        "mous.csv",
    )
    assert len(record.checksum) == 64 and record.new_parties == "New  Weavers Federation"


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("2021-02-03", datetime.date(2021, 2, 3), "day"),
        ("2021-02", datetime.date(2021, 2, 1), "month"),
        ("2021", datetime.date(2021, 1, 1), "year"),
        ("", None, "unknown"),
    ],
)
def test_a_signing_date_keeps_its_precision(world, text, expected, precision):
    report = import_file(make_csv([row(signed_on=text)]))
    assert report.ok, messages(report)
    mou = Mou.objects.get()
    assert (mou.signed_on, mou.signed_on_precision) == (expected, precision)


def test_states_match_by_code_name_and_former_code(db):
    from agreements.models import State

    odisha = State.objects.create(name="Odisha", code="OD", former_codes="OR", kind="state")
    for states in ["OR", "in-or", "od", "IN-OD", " odisha "]:
        table_report = import_file(
            make_csv([row(title=f"MoU {states}", states=states)]), dry_run=True
        )
        assert table_report.ok, (states, messages(table_report))
    assert odisha.mous.count() == 0


def test_parties_match_by_short_and_other_names(world, amazon):
    amazon.other_names = "Amazon Seller Services\nASSPL"
    amazon.save()
    report = import_file(make_csv([row(parties="asspl;  FLIPKART ")]))
    assert report.ok and report.new_parties == []
    assert set(Mou.objects.get().parties.all()) == {amazon, Party.objects.get(name="Flipkart")}


def test_an_xlsx_file_with_the_same_columns_imports(world):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(
        [
            "Example MoU",
            datetime.datetime(2021, 9, 7),
            "GJ",
            "Amazon; Flipkart",
            "https://x.example.com/",
        ]
    )
    out = io.BytesIO()
    workbook.save(out)
    report = import_file(out.getvalue(), "mous.xlsx")
    assert report.ok, messages(report)
    assert Mou.objects.get().signed_on == datetime.date(2021, 9, 7)


def test_an_xlsx_formula_is_stored_as_its_text_not_its_value(world):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["=1+2", "2021", "GJ", "Amazon; Flipkart", "https://x.example.com/"])
    out = io.BytesIO()
    workbook.save(out)
    report = import_file(out.getvalue(), "mous.xlsx")
    assert report.ok, messages(report)
    assert Mou.objects.get().title == "=1+2"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("", "signed"),
        ("signed", "signed"),
        ("ANNOUNCED", "announced"),
        ("First reported", "reported"),
    ],
)
def test_a_date_kind_says_what_the_date_is_and_defaults_to_signed(world, text, kind):
    data = make_csv([[*row(), text]], header=[*HEADER, "date_kind"])
    report = import_file(data)
    assert report.ok, messages(report)
    assert Mou.objects.get().date_kind == kind


def test_an_empty_date_kind_leaves_an_updated_mous_as_it_is(world, gujarat_mou):
    gujarat_mou.date_kind = Mou.DateKind.REPORTED
    gujarat_mou.save()
    header = [*HEADER, "date_kind"]
    cells = row(title=gujarat_mou.title, parties="Amazon; Flipkart")
    assert import_file(make_csv([[*cells, ""]], header=header)).count("update") == 1
    gujarat_mou.refresh_from_db()
    assert gujarat_mou.date_kind == Mou.DateKind.REPORTED
    assert import_file(make_csv([[*cells, "signed"]], header=header)).count("update") == 1
    gujarat_mou.refresh_from_db()
    assert gujarat_mou.date_kind == Mou.DateKind.SIGNED


@pytest.mark.parametrize("text", ["reported", "Tie-up reported"])
def test_a_tie_up_reported_without_a_signing_is_imported(world, text):
    report = import_file(make_csv([[*row(), text]], header=[*HEADER, "status"]))
    assert report.ok, messages(report)
    mou = Mou.objects.get()
    assert (mou.status, mou.status_source) == (Mou.Status.REPORTED, None)
    assert mou.current_status == Mou.Status.REPORTED  # derived, though written in bulk


def test_new_rows_are_written_with_what_follow_ups_would_derive(world):
    header = [*HEADER, "status", "commitments", "published"]
    rows = [
        [*row(title="Active one"), "active", "Train 500 artisans", "yes"],
        [*row(title="Draft one", signed_on=""), "", "Onboard 200 weavers", "no"],
    ]
    assert import_file(make_csv(rows, header=header)).ok
    active, draft = Mou.objects.order_by("title")
    # Signed "2021-09": its last news can be of 30 September.
    assert (active.current_status, active.last_news_on) == ("active", datetime.date(2021, 9, 30))
    assert (draft.current_status, draft.last_news_on) == ("signed", None)
    assert active.commitments.get().news_at == active.published_at is not None
    assert draft.commitments.get().news_at is None
    # So the import's own refresh, which would correct them, had nothing to write.
    assert refresh_derived(Mou.objects.all(), reindex=False, touch=False) == 0


def test_publishing_a_draft_by_import_dates_its_commitments_news(world):
    header = [*HEADER, "commitments", "published"]
    assert import_file(make_csv([[*row(), "Train 500 artisans", "no"]], header=header)).ok
    assert import_file(make_csv([[*row(), "Train 500 artisans", "yes"]], header=header)).ok
    mou = Mou.objects.get()
    assert mou.commitments.get().news_at == mou.published_at is not None


def status_row(status, url, title="Amazon and Gujarat MoU"):
    """A row for the Gujarat MoU with a status, reported by the article at ``url``."""
    parties = "Amazon; Industries and Mines Department, Government of Gujarat"
    return [title, "2021-09", "GJ", parties, url, status]


STATUS_HEADER = [*HEADER, "status"]


def test_a_later_status_names_the_rows_article_as_its_source(world, gujarat_mou, article):
    follow_up = "https://news.example.com/a-year-on"
    report = import_file(make_csv([status_row("expired", follow_up)], header=STATUS_HEADER))
    assert report.outcomes[0].changes == ["status", "source"], messages(report)
    gujarat_mou.refresh_from_db()
    assert gujarat_mou.status == gujarat_mou.current_status == Mou.Status.EXPIRED
    assert gujarat_mou.status_source.url == follow_up
    assert set(gujarat_mou.sources.all()) == {article, gujarat_mou.status_source}

    # The same status again, from the first article: the source that reported it stays.
    again = import_file(make_csv([status_row("Expired", article.url)], header=STATUS_HEADER))
    assert again.count("unchanged") == 1, [(o.kind, o.changes) for o in again.outcomes]
    # An empty status cell changes neither the status nor its source.
    import_file(make_csv([status_row("", article.url)], header=STATUS_HEADER))
    gujarat_mou.refresh_from_db()
    assert (gujarat_mou.status, gujarat_mou.status_source.url) == ("expired", follow_up)

    # Back to what a signing report says: no source of its own any more.
    back = import_file(make_csv([status_row("signed", article.url)], header=STATUS_HEADER))
    assert back.count("update") == 1, messages(back)
    gujarat_mou.refresh_from_db()
    assert (gujarat_mou.status, gujarat_mou.status_source) == ("signed", None)


def recorded_before_the_status_rule(mou, **fields):
    """Give ``mou`` values the status rule's constraint refuses, as a database from before
    the rule could hold them (the constraint is left out for this one update)."""
    constraint = "mou_later_status_has_source"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
            Mou.objects.filter(pk=mou.pk).update(**fields)
            cursor.execute("PRAGMA ignore_check_constraints = OFF")
        else:  # dropped inside the test's transaction, so back after the test
            connection.check_constraints()  # ALTER TABLE waits for no deferred check
            table = connection.ops.quote_name(Mou._meta.db_table)
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {constraint}")
            Mou.objects.filter(pk=mou.pk).update(**fields)


def test_a_row_that_would_leave_a_later_status_unsourced_is_an_error_not_a_crash(
    world, gujarat_mou
):
    recorded_before_the_status_rule(gujarat_mou, status=Mou.Status.ACTIVE, status_source=None)
    data = make_csv([status_row("", "https://news.example.com/b")], header=STATUS_HEADER)
    report = assert_rejected(
        data,
        "row 2, column status: the MoU is recorded as active with no source reporting it",
    )
    assert report.outcomes[0].kind == "error"
    # Giving the status again records the row's article for it.
    data = make_csv([status_row("active", "https://news.example.com/b")], header=STATUS_HEADER)
    assert import_file(data).count("update") == 1
    gujarat_mou.refresh_from_db()
    assert gujarat_mou.status_source.url == "https://news.example.com/b"


# --- Matching, idempotence, round trips --------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(world):
    data = make_csv([row(), row(title="Second MoU", parties="Amazon; Someone New")])
    first = import_file(data)
    assert first.summary().startswith("2 new, 0 updated, 0 unchanged, 0 errors; 1 new party")
    before = counts()
    second = import_file(data)
    assert second.summary() == "0 new, 0 updated, 2 unchanged, 0 errors"
    assert counts() == before and not second.written


def test_a_row_matching_title_and_date_updates_that_mou(world, gujarat_mou, assam):
    data = make_csv(
        [
            row(
                title=" amazon AND gujarat mou ",
                states="GJ; AS",
                parties="Amazon; Gujarat industries",
            )
        ]
    )
    report = import_file(data)
    # "Gujarat industries" is not a known name of the department: a new party, an update.
    assert report.count("update") == 1, messages(report)
    gujarat_mou.refresh_from_db()
    assert set(gujarat_mou.states.values_list("code", flat=True)) == {"GJ", "AS"}
    assert gujarat_mou.last_import == report.record and gujarat_mou.created_by_import is None


def test_a_known_reference_updates_its_mou_even_with_a_new_title(world, gujarat_mou):
    gujarat_mou.reference = "GJ-1"
    gujarat_mou.save()
    report = import_file(
        make_csv(
            [["GJ-1", "Renamed", "2021-09", "GJ", "Amazon; Flipkart", "https://a.example.com/"]],
            header=["reference", *HEADER],
        )
    )
    assert report.count("update") == 1, messages(report)
    gujarat_mou.refresh_from_db()
    assert gujarat_mou.title == "Renamed" and Mou.objects.count() == 1
    assert list(gujarat_mou.parties.order_by("mouparty__order").values_list("name", flat=True)) == [
        "Amazon India",
        "Flipkart",
    ]


def test_a_row_dating_an_mou_after_its_follow_up_is_refused(world, gujarat_mou, article):
    gujarat_mou.reference = "GJ-1"
    gujarat_mou.save()
    FollowUp.objects.create(
        mou=gujarat_mou,
        source=article,
        dated_on=datetime.date(2022, 5, 1),
        dated_on_precision="month",
        summary="Came into force",
    )
    header = ["reference", *HEADER]
    later = [
        "GJ-1",
        "Amazon and Gujarat MoU",
        "2023-01",
        "GJ",
        "Amazon; Flipkart",
        "https://a.example.com/",
    ]
    before = counts()
    report = import_file(make_csv([later], header=header))
    assert messages(report) == [
        "row 2, column signed_on: This date would put the follow-up of May 2022 before the "
        "signing, and a follow-up comes after it: change or delete that follow-up first."
    ]
    assert counts() == before
    gujarat_mou.refresh_from_db()
    assert gujarat_mou.signed_on == datetime.date(2021, 9, 1)
    report = import_file(make_csv([[*later[:2], "2022-05", *later[3:]]], header=header))
    assert report.count("update") == 1, messages(report)  # the month of the news: allowed


def test_a_row_keeping_the_date_of_an_mou_recorded_before_the_date_rule_imports(
    world, gujarat_mou, article
):
    gujarat_mou.reference = "GJ-1"
    gujarat_mou.save()
    FollowUp.objects.create(  # written directly, as an edit before the rule could
        mou=gujarat_mou, source=article, dated_on=datetime.date(2021, 8, 1), summary="Early"
    )
    header = ["reference", *HEADER, "summary"]
    same_date = ["GJ-1", "Amazon and Gujarat MoU", "2021-09", "GJ", "Amazon; Flipkart"]
    report = import_file(make_csv([[*same_date, "https://a.example.com/", "Mended"]], header))
    assert report.count("update") == 1, messages(report)


def test_an_export_reimports_unchanged(world, gujarat_mou, handloom, article):
    gujarat_mou.summary = '=HYPERLINK("http://evil"); <b>bold</b>'
    # A later status reported by another article than the first (the one a row holds).
    gujarat_mou.status = Mou.Status.ACTIVE
    gujarat_mou.status_source = Source.objects.create(title="A year on")
    gujarat_mou.date_kind = Mou.DateKind.ANNOUNCED
    gujarat_mou.save()
    gujarat_mou.sectors.add(handloom)
    gujarat_mou.clusters.add(
        Cluster.objects.create(place="Patan", product="Patola", state=gujarat_mou.states.get())
    )
    Commitment.objects.create(mou=gujarat_mou, description="Train; then onboard", source=article)
    exported = mous_to_csv(Mou.objects.all())
    assert "'=HYPERLINK" in exported
    (cells,) = csv.DictReader(io.StringIO(exported))
    assert (cells["date_kind"], cells["status"]) == ("announced", "active")
    report = import_file(exported.encode())
    assert report.summary() == "0 new, 0 updated, 1 unchanged, 0 errors", messages(report)
    assert Mou.objects.get().status_source == gujarat_mou.status_source


# Every kind of value a spreadsheet would run as a formula, and values that already
# start with the escaping ' (before such a character or not).
TRICKY = ["=1+2", "+91 sellers", "-5%", "@handle", "\tTabbed", "\rReturned"]
TRICKY += ["'=quoted title", "''=twice quoted", "'plain quote", "''", "'"]


@pytest.mark.parametrize("value", TRICKY)
def test_unescaping_undoes_escaping(value):
    assert unescape_formula(escape_formula(value)) == value


def test_formula_like_values_survive_export_and_reimport(world, make_mou, gujarat):
    values = {}
    for n, value in enumerate(TRICKY):
        party = Party.objects.create(name=f"{value} party {n}", slug=f"p{n}")
        mou = make_mou(
            value,
            parties=[party, Party.objects.get(name="Flipkart")],
            states=[gujarat],
            summary=value,
            reference=value + str(n),
        )
        values[mou.pk] = (mou.reference, mou.title, mou.summary, party.name)
    report = import_file(mous_to_csv(Mou.objects.all()).encode())
    assert report.summary() == f"0 new, 0 updated, {len(TRICKY)} unchanged, 0 errors", (
        messages(report),
        [(o.row, o.changes) for o in report.outcomes],
    )
    for mou in Mou.objects.all():
        party = mou.parties.order_by("mouparty__order").first()
        assert (mou.reference, mou.title, mou.summary, party.name) == values[mou.pk]


def test_a_dataset_made_in_code_is_checked_like_a_file(world):
    dataset = tablib.Dataset(row(), row(title="Second", parties="Amazon"), headers=HEADER)
    result = MouResource().import_data(dataset, dry_run=True)
    assert messages(result.import_report) == [
        "row 3, column parties: at least two parties are required, 1 given"
    ]
    dataset = tablib.Dataset(row(), headers=["title", "signed_on", "states", "parties", "colour"])
    result = MouResource().import_data(dataset, dry_run=True)
    assert "Unknown column 'colour'" in messages(result.import_report)[0]
    assert Mou.objects.count() == 0


def test_the_csv_export_runs_a_fixed_number_of_queries(
    world, gujarat_mou, make_mou, amazon, flipkart, gujarat, django_assert_num_queries
):
    for n in range(5):
        make_mou(f"MoU {n}", parties=[amazon, flipkart], states=[gujarat])
    with django_assert_num_queries(8):
        text = mous_to_csv(Mou.objects.all())
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header == COLUMNS and len(rows) == 6


def test_the_resource_export_escapes_formulas(world, make_mou, amazon, flipkart, gujarat):
    make_mou("@SUM(A1)", parties=[amazon, flipkart], states=[gujarat], summary="-2+3")
    dataset = MouResource().export(Mou.objects.all())
    assert dataset.headers == COLUMNS
    assert dataset[0][1] == "'@SUM(A1)" and dataset[0][COLUMNS.index("summary")] == "'-2+3"
    assert escape_formula("\tx") == "'\tx" and escape_formula("plain") == "plain"


# --- Bad input: a clear message and no change --------------------------------------------


def assert_rejected(data, *expected):
    before = counts()
    report = import_file(data)
    assert not report.ok and not report.written
    text = "\n".join(messages(report))
    for part in expected:
        assert part in text, text
    assert counts() == before
    return report


def test_a_file_that_is_not_utf8_is_refused(world):
    assert_rejected("title,states\nCaf\xe9,GJ\n".encode("latin-1"), "not UTF-8")


def test_a_file_that_is_neither_csv_nor_xlsx_is_refused(world):
    assert_rejected(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel")
    assert_rejected(b"\x89PNG\r\n\x1a\n\x00\x00", "not CSV or XLSX")
    assert_rejected(b"PK\x03\x04garbage", "")
    padding = [row(title=f"MoU {n}") for n in range(100)]
    assert_rejected(make_csv([*padding, row(title="Nul\x00")]), "not CSV or XLSX")


def test_empty_and_header_only_files_are_refused(world):
    assert_rejected(b"", "The file is empty.")
    assert_rejected(b"\n\n", "The file is empty.")
    assert_rejected(make_csv([]), "header row but no MoUs")


def test_missing_unknown_and_duplicated_columns_are_named(world):
    assert_rejected(
        make_csv([["x", "GJ"]], header=["title", "states"]),
        "Required column 'parties' is missing",
        "source_url",
    )
    assert_rejected(
        make_csv([row() + ["x"]], header=HEADER + ["colour"]), "Unknown column 'colour'"
    )
    assert_rejected(
        make_csv([row() + ["x"]], header=HEADER + [" Title"]), "Column 'title' appears twice"
    )


def test_rows_with_too_many_or_too_few_cells_are_all_listed(world):
    data = make_csv([row(), row()[:3], row() + ["extra"]])
    report = assert_rejected(data, "row 3: has 3 cells, but the header has 5", "row 4: has 6 cells")
    assert len(report.errors) == 2


def test_every_bad_row_is_listed_and_nothing_written(world):
    data = make_csv(
        [
            row(signed_on="2021-02-30"),
            row(title="B", states="Atlantis"),
            row(title="C", parties="Amazon"),
            row(title="D", signed_on="Sept 2021"),
            row(title="E"),
        ]
    )
    report = assert_rejected(
        data,
        "row 2, column signed_on: 2021-02-30 is not a valid date",
        "row 3, column states: unknown state or union territory 'Atlantis'",
        "row 4, column parties: at least two parties are required, 1 given",
        "row 5, column signed_on: Sept 2021 is not a date",
    )
    assert [e.row for e in report.errors] == [2, 3, 4, 5]
    assert report.count("new") == 1


def test_a_date_no_source_could_report_is_refused_naming_row_and_column(world):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    header = [*HEADER, "source_published_on"]
    assert_rejected(
        make_csv(
            [
                [*row(signed_on="0202-05"), ""],
                [*row(title="B", signed_on=tomorrow), ""],
                [*row(title="C"), "1850-01-01"],
                [*row(title="D"), ""],
            ],
            header=header,
        ),
        "row 2, column signed_on: 0202-05 is before 1947: the registry holds nothing older",
        f"row 3, column signed_on: {tomorrow} is in the future: the registry records what",
        "row 4, column source_published_on: 1850-01-01 is before 1947",
    )


def test_bad_urls_sectors_statuses_and_flags_are_explained(world):
    header = [*HEADER, "sectors", "status", "published"]
    assert_rejected(
        make_csv(
            [[*row()[:4], "javascript:alert(1)", "Spaceships", "maybe", "perhaps"]], header=header
        ),
        "column source_url: javascript:alert(1) is not an http(s) URL",
        "column sectors: unknown sector 'Spaceships'; the sectors are: Handloom",
        "column status: unknown status 'maybe'; use one of: announced, reported, signed,",
        "column published: 'perhaps' is not yes/no",
    )


def test_the_same_mou_twice_in_one_file_is_refused(world):
    assert_rejected(
        make_csv([row(), row(title=" example  mou")]), "row 3: is the same MoU as row 2"
    )


def test_formula_cells_are_stored_as_text(world):
    report = import_file(
        make_csv([row(title="=1+2"), row(title="\t@cmd", parties="+Amazon; -Flipkart")])
    )
    assert report.ok, messages(report)
    assert set(Mou.objects.values_list("title", flat=True)) == {"=1+2", "@cmd"}
    assert Party.objects.filter(name="+Amazon").exists()
    text = mous_to_csv(Mou.objects.all())
    assert "'=1+2" in text and "'@cmd" in text and "'+Amazon" in text


def test_markup_is_stored_as_text_and_shown_escaped(world, client):
    report = import_file(make_csv([row(title="<script>alert(1)</script>")]))
    assert report.ok
    mou = Mou.objects.get()
    assert mou.title == "<script>alert(1)</script>"
    html = client.get(mou.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


def test_the_bulk_insert_refuses_columns_computed_per_row(db):
    # ImportRecord.created_at defaults to timezone.now: one time for every row is wrong.
    with pytest.raises(ValueError, match="must be given created_at"):
        insert_rows(ImportRecord, ["via", "file_name", "checksum"], [("command", "x", "0" * 64)])
    assert ImportRecord.objects.count() == 0


def test_reading_keeps_spreadsheet_row_numbers(world):
    table = read_table(make_csv([row(), ["", "", "", "", ""], row(title="X")]))
    assert [number for number, _ in table.rows] == [2, 4]
    with pytest.raises(ImportFileError):
        read_table(b"just one line with no known columns\n")


def test_an_unreferenced_row_repeating_a_referenced_one_is_refused(world):
    header = ["reference", *HEADER]
    data = make_csv([["R1", *row()], ["", *row()]], header=header)
    assert_rejected(data, "row 3: is the same MoU as row 2")
    data = make_csv([["R1", *row()], ["R2", *row()]], header=header)
    assert import_file(data).count("new") == 2
    assert import_file(data).count("unchanged") == 2


def test_a_reimport_keeps_each_mous_clusters_when_the_first_made_new_namesakes(world, assam):
    Cluster.objects.create(place="Surat", state=assam)
    header = ["title", "signed_on", "states", "parties", "source_url", "clusters"]
    data = make_csv(
        [
            # Gujarat has no Surat yet: the first row takes Assam's...
            [
                "In both",
                "2021",
                "Gujarat; Assam",
                "Amazon; Flipkart",
                "https://a.example.com/",
                "Surat",
            ],
            # ...and this row creates Gujarat's, which comes first in the row above.
            [
                "In Gujarat",
                "2021",
                "Gujarat",
                "Amazon; Flipkart",
                "https://a.example.com/",
                "Surat",
            ],
        ],
        header=header,
    )
    assert import_file(data).count("new") == 2
    both = Mou.objects.get(title="In both")
    assert [c.state for c in both.clusters.all()] == [assam]
    again = import_file(data)
    assert again.count("unchanged") == 2, messages(again)


def test_new_party_and_new_programme_with_the_same_name_stay_apart(world):
    data = make_csv(
        [["Digital Bharat MoU", "2022", "GJ", "Amazon; Digital Bharat", "Digital Bharat", "u"]],
        header=["title", "signed_on", "states", "parties", "programmes", "source_title"],
    )
    report = import_file(data)
    assert report.ok, messages(report)
    mou = Mou.objects.get(title="Digital Bharat MoU")
    parties = mou.parties.order_by("mouparty__order")
    assert [p.name for p in parties] == ["Amazon India", "Digital Bharat"]
    assert [p.name for p in mou.programmes.all()] == ["Digital Bharat"]


# --- One definition of the columns --------------------------------------------------------


def test_the_readme_describes_every_column_as_the_import_page_does():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = readme.split("| column | required | meaning |", 1)[1].split("\n\n", 1)[0]
    table = re.findall(r"^\| `(\w+)` \| ([^|]+) \| (.*) \|$", section, re.M)
    assert table == [
        (column, column_requirement(column), COLUMN_DESCRIPTIONS[column]) for column in COLUMNS
    ]


def test_every_status_the_import_reads_is_described():
    for status in Mou.Status.values:
        assert f"`{status}`" in COLUMN_DESCRIPTIONS["status"]
    for kind in Mou.DateKind.values:
        assert f"`{kind}`" in COLUMN_DESCRIPTIONS["date_kind"]


def test_a_described_plan_names_what_each_row_matched(world, gujarat):
    header = [*HEADER, "clusters", "programmes"]
    data = make_csv([[*row(parties="amazon; Newco"), "Surat", "amazon global selling"]], header)
    report = import_table(read_table(data), dry_run=True, describe=True)
    assert report.ok, messages(report)
    matched = report.outcomes[0].matched
    assert matched["states"] == [Match("Gujarat")]
    assert matched["parties"] == [Match("Amazon India"), Match("Newco", new=True)]
    assert matched["clusters"] == [Match("Surat", new=True, where="Gujarat")]
    assert matched["programmes"] == [Match("Amazon Global Selling")]
    assert matched["source"] == [Match("https://news.example.com/a", new=True)]
    assert import_file(data, dry_run=True).outcomes[0].matched is None  # only when asked
