"""Importing follow-ups from a CSV or XLSX file: one row per follow-up, the MoU import's
guarantees (row and column errors, all or nothing, a preview, Editors only), on the
command line and in the admin."""

import csv
import dataclasses
import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.importing import (
    FOLLOW_UP_COLUMNS,
    FOLLOW_UPS,
    import_file,
    import_table,
    read_table,
)
from agreements.importing.follow_ups import apply_follow_ups, plan_follow_ups
from agreements.importing.report import ImportReport
from agreements.models import (
    Commitment,
    FollowUp,
    ImportRecord,
    Mou,
    MouVersion,
    Source,
    record_versions,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_MOUS = ROOT / "fixtures" / "example-import.csv"
EXAMPLE_FOLLOW_UPS = ROOT / "fixtures" / "example-follow-ups.csv"

IMPORT_URL = reverse("admin:agreements_followup_import")
PROCESS_URL = reverse("admin:agreements_followup_process_import")
TEMPLATE_URL = reverse("admin:agreements_followup_import_template")
EXAMPLE_URL = reverse("admin:agreements_followup_import_example")
LIST_URL = reverse("admin:agreements_followup_changelist")

HEADER = ["mou", "commitment", "date", "status", "progress", "summary", "source_url"]
NEWS = "https://news.example.com/gujarat-sellers"


def make_csv(rows, header=HEADER):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def row(
    mou="GJ-2021",
    commitment="Onboard 300 MSME sellers",
    date="2022-03",
    status="in_progress",
    progress="120",
    summary="120 sellers onboarded",
    source_url=NEWS,
):
    return [mou, commitment, date, status, progress, summary, source_url]


def run(data, **kwargs):
    return import_file(data, "follow-ups.csv", importer=FOLLOW_UPS, **kwargs)


def messages(report):
    return [str(error) for error in report.errors]


def assert_refused(data, *expected):
    """Every expected message is reported, and nothing is written."""
    before = (FollowUp.objects.count(), Source.objects.count(), ImportRecord.objects.count())
    report = run(data)
    for message in expected:
        assert message in messages(report)
    assert report.summary().endswith("; nothing was written")
    assert before == (
        FollowUp.objects.count(),
        Source.objects.count(),
        ImportRecord.objects.count(),
    )
    return report


@pytest.fixture
def mou(gujarat_mou):
    """The Gujarat MoU (signed September 2021), with a reference."""
    gujarat_mou.reference = "GJ-2021"
    gujarat_mou.save()
    return gujarat_mou


@pytest.fixture
def promise(mou, amazon, article):
    return Commitment.objects.create(
        mou=mou,
        party=amazon,
        description="Onboard 300 MSME sellers",
        target_value=300,
        target_unit="MSME sellers",
        source=article,
    )


@pytest.fixture
def workshops(mou, article):
    return Commitment.objects.create(
        mou=mou, description="Run seller workshops in Surat", source=article
    )


@pytest.fixture
def other_mou(make_mou, flipkart, gujarat_industries, gujarat, article):
    other = make_mou(
        "Flipkart and Gujarat MoU", parties=[flipkart, gujarat_industries], states=[gujarat]
    )
    other.reference = "GJ-FK"
    other.save()
    Commitment.objects.create(mou=other, description="Train 100 weavers", source=article)
    return other


# --- One row per follow-up ------------------------------------------------------------


def test_a_follow_up_about_a_commitment_records_its_status_progress_and_source(promise):
    header = [*HEADER, "quote", "source_title", "source_publisher", "source_published_on"]
    extra = ["“120 sellers are live”", "Gujarat sellers go global", "Example Times", "2022-03-15"]
    report = run(make_csv([[*row(), *extra]], header=header))
    assert report.ok, messages(report)
    assert report.summary() == "1 new, 0 unchanged, 0 errors"
    follow_up = FollowUp.objects.get()
    assert follow_up.mou == promise.mou and follow_up.commitment == promise
    assert (follow_up.dated_on, follow_up.dated_on_precision) == (
        datetime.date(2022, 3, 1),
        "month",
    )
    assert follow_up.commitment_status == "in_progress" and follow_up.mou_status == ""
    assert follow_up.progress_value == Decimal("120")
    assert follow_up.progress_display == "120 of 300 MSME sellers"
    assert follow_up.summary == "120 sellers onboarded"
    assert follow_up.quote == "“120 sellers are live”"
    source = follow_up.source
    assert (source.url, source.title, source.publisher, source.published_on) == (
        NEWS,
        "Gujarat sellers go global",
        "Example Times",
        datetime.date(2022, 3, 15),
    )
    record = follow_up.created_by_import
    assert (record.kind, record.via, record.file_name, record.new) == (
        "follow_ups",
        "command",
        "follow-ups.csv",
        1,
    )


@pytest.mark.parametrize("status", ["active", "Active", " ACTIVE ", "dormant", "Reported dormant"])
def test_news_about_the_mou_reports_an_mou_status_by_value_or_label(mou, status):
    report = run(make_csv([row(commitment="", status=status, progress="")]))
    assert report.ok, messages(report)
    follow_up = FollowUp.objects.get()
    assert follow_up.commitment is None and follow_up.commitment_status == ""
    assert follow_up.mou_status in ("active", "dormant")


@pytest.mark.parametrize("status", ["fulfilled", "In progress", "lapsed", "Unknown"])
def test_news_about_a_commitment_reports_a_commitment_status_by_value_or_label(promise, status):
    report = run(make_csv([row(status=status, progress="")]))
    assert report.ok, messages(report)
    assert FollowUp.objects.get().commitment_status in Commitment.Status.values


def test_the_status_and_progress_may_be_left_empty(promise):
    report = run(make_csv([row(status="", progress="")]))
    assert report.ok, messages(report)
    follow_up = FollowUp.objects.get()
    assert (follow_up.commitment_status, follow_up.progress_value) == ("", None)


def test_the_mou_is_named_by_its_reference_or_by_its_slug(mou, other_mou):
    rows = [
        row(mou="GJ-2021", commitment="", status="", progress="", summary="By reference"),
        row(mou=mou.slug.upper(), commitment="", status="", progress="", summary="By slug"),
        row(mou=other_mou.slug, commitment="", status="", progress="", summary="Other"),
    ]
    report = run(make_csv(rows))
    assert report.ok, messages(report)
    assert set(mou.follow_ups.values_list("summary", flat=True)) == {"By reference", "By slug"}
    assert list(other_mou.follow_ups.values_list("summary", flat=True)) == ["Other"]


def test_a_slug_typed_with_capitals_in_the_admin_matches_in_any_case(mou):
    Mou.objects.filter(pk=mou.pk).update(slug="Gujarat-MoU")
    report = run(make_csv([row(mou="gujarat-mou", commitment="", status="", progress="")]))
    assert report.ok, messages(report)
    assert FollowUp.objects.get().mou == mou


def test_an_unknown_mou_is_a_row_error(mou):
    assert_refused(
        make_csv([row(mou="GJ-1999")]),
        "row 2, column mou: no MoU has the reference or slug 'GJ-1999'",
    )


def test_the_commitment_matches_whatever_its_case_and_spacing(promise):
    report = run(make_csv([row(commitment="  onboard 300   msme SELLERS ")]))
    assert report.ok, messages(report)
    assert FollowUp.objects.get().commitment == promise


def test_an_unknown_commitment_is_an_error_naming_the_mous_commitments(promise, workshops):
    assert_refused(
        make_csv([row(commitment="Onboard 3000 sellers")]),
        "row 2, column commitment: 'Onboard 3000 sellers' is not a commitment of this MoU; "
        "its commitments are: 'Onboard 300 MSME sellers', 'Run seller workshops in Surat'",
    )


def test_a_commitment_of_another_mou_is_a_row_error_naming_that_mou(promise, other_mou):
    assert_refused(
        make_csv([row(commitment="train 100 weavers", progress="")]),
        "row 2, column commitment: 'train 100 weavers' is not a commitment of this MoU but "
        "of 'GJ-FK'; its commitments are: 'Onboard 300 MSME sellers'",
    )


def test_a_commitment_of_an_mou_without_commitments_says_to_leave_the_cell_empty(mou):
    assert_refused(
        make_csv([row()]),
        "row 2, column commitment: 'Onboard 300 MSME sellers' is not a commitment of this "
        "MoU; it has none: leave the cell empty for news about the MoU",
    )


def test_an_ambiguous_commitment_is_an_error(promise, article):
    Commitment.objects.create(
        mou=promise.mou, description="onboard 300 MSME sellers", source=article
    )
    assert_refused(
        make_csv([row()]),
        "row 2, column commitment: 'Onboard 300 MSME sellers' matches 2 of this MoU's "
        "commitments; give them different descriptions on the MoU's page first",
    )


@pytest.mark.parametrize(
    ("text", "day", "precision"),
    [
        ("2022", datetime.date(2022, 1, 1), "year"),
        ("2022-03", datetime.date(2022, 3, 1), "month"),
        ("2022-03-15", datetime.date(2022, 3, 15), "day"),
        ("2021", datetime.date(2021, 1, 1), "year"),  # the signing's year may hold it
    ],
)
def test_a_date_keeps_its_precision(promise, text, day, precision):
    report = run(make_csv([row(date=text)]))
    assert report.ok, messages(report)
    follow_up = FollowUp.objects.get()
    assert (follow_up.dated_on, follow_up.dated_on_precision) == (day, precision)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2022-02-30", "row 2, column date: 2022-02-30 is not a valid date"),
        (
            "March 2022",
            "row 2, column date: March 2022 is not a date: use YYYY-MM-DD, YYYY-MM or YYYY",
        ),
        ("", "row 2, column date: is required: YYYY-MM-DD, YYYY-MM or YYYY"),
        (
            "2999-03",
            "row 2, column date: 2999-03 is in the future: the registry records what has happened",
        ),
    ],
)
def test_a_bad_date_is_explained(promise, text, message):
    assert_refused(make_csv([row(date=text)]), message)


def test_a_follow_up_dated_before_the_mous_date_is_a_row_error(promise):
    assert_refused(
        make_csv([row(date="2021-08")]),
        "row 2, column date: August 2021 is before the MoU's date (September 2021): a "
        "follow-up comes after the signing",
    )


def test_progress_without_a_commitment_is_a_row_error(mou):
    assert_refused(
        make_csv([row(commitment="", status="", progress="120")]),
        "row 2, column progress: progress is reported against a commitment: name one in "
        "the commitment column",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1,20,000", Decimal("120000")), ("12.5", Decimal("12.5")), ("0", Decimal("0"))],
)
def test_progress_is_a_number_whose_commas_are_ignored(promise, text, expected):
    report = run(make_csv([row(progress=text)]))
    assert report.ok, messages(report)
    assert FollowUp.objects.get().progress_value == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("lots", "'lots' is not a number"),
        ("NaN", "'NaN' is not a number"),
        ("-5", "-5 is negative"),
        ("1.234", "1.234 does not fit: at most 14 digits and 2 decimals"),
        ("1e20", "1e20 does not fit: at most 14 digits and 2 decimals"),
    ],
)
def test_a_bad_progress_is_explained(promise, text, message):
    assert_refused(make_csv([row(progress=text)]), f"row 2, column progress: {message}")


def test_a_status_of_the_wrong_kind_is_explained(promise):
    report = assert_refused(
        make_csv(
            [
                row(status="active", progress=""),
                row(commitment="", status="fulfilled", progress="", summary="b"),
                row(status="done", progress="", summary="c"),
            ]
        )
    )
    assert messages(report) == [
        "row 2, column status: 'active' is not a commitment's status (the MoU's status goes "
        "in a row with an empty commitment); use one of: pledged, in_progress, fulfilled, "
        "lapsed, unknown",
        "row 3, column status: 'fulfilled' is not an MoU's status (a commitment's status "
        "needs the commitment named); use one of: announced, reported, signed, active, "
        "expired, terminated, dormant",
        "row 4, column status: 'done' is not a commitment's status; use one of: pledged, "
        "in_progress, fulfilled, lapsed, unknown",
    ]


def test_every_problem_of_a_row_is_reported_at_once(promise):
    report = assert_refused(
        make_csv([row(commitment="Nope", date="2020", status="bogus", summary="")])
    )
    columns = [error.column for error in report.errors]
    assert columns == ["commitment", "date", "status", "summary"]


def test_the_required_values_and_a_source_are_required(promise):
    assert_refused(
        make_csv([row(mou="", summary="", source_url="")]),
        "row 2, column mou: is required: the MoU's reference or slug",
        "row 2, column summary: is required: what happened",
        "row 2, column source_url: a source is required: give source_url or source_title",
    )


def test_missing_unknown_and_duplicated_columns_are_named(mou):
    report = assert_refused(make_csv([["GJ-2021", "x"]], header=["mou", "title"]))
    assert messages(report) == [
        "Unknown column 'title'; the columns are: " + ", ".join(FOLLOW_UP_COLUMNS.names) + ".",
        "Required column 'date' is missing.",
        "Required column 'summary' is missing.",
        "A 'source_url' or a 'source_title' column is required.",
    ]
    report = run(make_csv([], header=HEADER))
    assert messages(report) == ["The file has a header row but no follow-ups."]
    report = run(make_csv([row()], header=[*HEADER[:-1], "MOU"]))
    assert "Column 'mou' appears twice (columns 1 and 7)." in messages(report)


def test_an_existing_source_is_matched_by_url_or_title_else_created_once(promise, article):
    header = [*HEADER, "source_title"]
    rows = [
        [*row(summary="a", source_url=article.url), ""],
        [*row(summary="b", source_url=""), " amazon signs MOU with gujarat "],
        [*row(summary="c", source_url="https://new.example.org/x"), "New report"],
        [*row(summary="d", source_url="https://new.example.org/x"), ""],
    ]
    sources = Source.objects.count()
    report = run(make_csv(rows, header=header))
    assert report.ok, messages(report)
    assert Source.objects.count() == sources + 1
    by_summary = {f.summary: f.source for f in FollowUp.objects.select_related("source")}
    assert by_summary["a"] == article and by_summary["b"] == article
    assert by_summary["c"] == by_summary["d"] and by_summary["c"].title == "New report"


# --- All or nothing, and nothing twice --------------------------------------------------


def test_every_bad_row_is_listed_and_nothing_is_written(promise):
    rows = [row(), row(mou="nope", summary="x"), row(summary="y"), row(date="1999", summary="z")]
    report = assert_refused(make_csv(rows))
    assert [error.row for error in report.errors] == [3, 5]
    assert report.summary() == "2 new, 0 unchanged, 2 errors; nothing was written"


def test_importing_the_same_file_twice_changes_nothing(promise):
    data = make_csv([row(), row(commitment="", status="active", progress="", summary="In force")])
    assert run(data).summary() == "2 new, 0 unchanged, 0 errors"
    record_versions(Mou.objects.all(), "Baseline")
    versions = MouVersion.objects.count()
    again = run(data)
    assert again.summary() == "0 new, 2 unchanged, 0 errors"
    assert not again.written
    assert FollowUp.objects.count() == 2
    assert ImportRecord.objects.count() == 1
    assert MouVersion.objects.count() == versions


def test_a_row_repeating_a_follow_up_added_on_the_mous_page_is_unchanged(promise, article):
    FollowUp.objects.create(
        mou=promise.mou,
        commitment=promise,
        dated_on=datetime.date(2022, 3, 1),
        dated_on_precision="month",
        summary="120 sellers onboarded",
        commitment_status="in_progress",
        progress_value=120,
        source=article,
    )
    # The same news whatever the summary's case and spacing; no status cell says nothing.
    report = run(
        make_csv([row(summary=" 120 Sellers  onboarded", status="", source_url=article.url)])
    )
    assert report.summary() == "0 new, 1 unchanged, 0 errors", messages(report)
    # Another precision or another commitment is other news.
    report = run(make_csv([row(date="2022-03-01", source_url=article.url)]))
    assert report.summary() == "1 new, 0 unchanged, 0 errors"


def test_a_row_repeating_a_follow_up_with_other_values_is_an_error(promise, article):
    FollowUp.objects.create(
        mou=promise.mou,
        commitment=promise,
        dated_on=datetime.date(2022, 3, 1),
        dated_on_precision="month",
        summary="120 sellers onboarded",
        commitment_status="in_progress",
        progress_value=120,
        source=article,
    )
    report = assert_refused(make_csv([row(status="fulfilled", progress="150")]))
    already = "the registry already has this follow-up (same MoU, commitment, date and summary)"
    assert messages(report) == [
        f"row 2, column status: {already} with the status 'in progress'; change it on the "
        "MoU's page, or give this news a summary of its own",
        f"row 2, column progress: {already} with progress 120; change it on the MoU's page, "
        "or give this news a summary of its own",
        f"row 2, column source_url: {already} with another source; change it on the MoU's "
        "page, or give this news a summary of its own",
    ]


def test_the_same_follow_up_twice_in_one_file_is_refused(promise):
    assert_refused(
        make_csv([row(), row(summary="120 SELLERS onboarded")]),
        "row 3: is the same follow-up as row 2",
    )


def test_the_import_refreshes_statuses_and_versions_published_mous_naming_the_file(promise, editor):
    record_versions(Mou.objects.all(), "First published")
    data = make_csv(
        [row(), row(commitment="", status="active", progress="", summary="In force", date="2022")]
    )
    report = run(data, user=editor)
    assert report.ok, messages(report)
    promise.refresh_from_db()
    mou = promise.mou
    mou.refresh_from_db()
    assert promise.current_status == "in_progress"
    # The latest news is the one dated "2022", which can be of 31 December.
    assert mou.current_status == "active" and mou.last_news_on == datetime.date(2022, 12, 31)
    version = mou.versions.order_by("-number").first()
    today = datetime.date.today()
    assert version.number == 2 and version.created_by == editor
    assert version.note == f"Import of follow-ups.csv on {today.day} {today:%B %Y}"


def test_a_drafts_follow_ups_make_no_version(promise):
    Mou.objects.filter(pk=promise.mou_id).update(published=False)
    assert run(make_csv([row()])).ok
    assert not MouVersion.objects.exists()


def test_a_dry_run_plans_everything_and_writes_nothing(promise):
    report = run(make_csv([row()]), dry_run=True)
    assert report.summary() == "1 new, 0 unchanged, 0 errors; dry run, nothing was written"
    assert not FollowUp.objects.exists() and not ImportRecord.objects.exists()


def test_an_mou_deleted_between_the_preview_and_the_write_refuses_the_import(promise, other_mou):
    data = make_csv([row(), row(mou="GJ-FK", commitment="", status="", progress="")])
    plan = plan_follow_ups(read_table(data, FOLLOW_UP_COLUMNS))
    assert plan.report.ok
    Mou.objects.filter(pk=other_mou.pk).delete()  # an editor meanwhile
    with pytest.raises(IntegrityError):
        apply_follow_ups(plan)
    assert not FollowUp.objects.exists() and not ImportRecord.objects.exists()


def test_a_registry_changed_during_the_import_is_a_message_not_a_crash(promise, other_mou):
    def plan_then_delete(*args, **kwargs):
        plan = plan_follow_ups(*args, **kwargs)
        Mou.objects.filter(pk=other_mou.pk).delete()  # an editor, between plan and write
        return plan

    data = make_csv([row(), row(mou="GJ-FK", commitment="", status="", progress="")])
    importer = dataclasses.replace(FOLLOW_UPS, plan=plan_then_delete)
    report = import_table(read_table(data, FOLLOW_UP_COLUMNS), importer=importer)
    assert messages(report) == [
        "The registry changed during the import (an edit in the admin at the same time); "
        "nothing was written; run it again."
    ]
    assert not FollowUp.objects.exists() and not ImportRecord.objects.exists()


def test_planning_reads_the_same_number_of_queries_for_3_or_30_rows(promise, other_mou):
    def queries(count):
        rows = [
            row(
                mou=("GJ-2021", "GJ-FK")[n % 2],
                commitment="",
                status="",
                progress="",
                summary=f"News {n}",
            )
            for n in range(count)
        ]
        table = read_table(make_csv(rows), FOLLOW_UP_COLUMNS)
        with CaptureQueriesContext(connection) as captured:
            plan = plan_follow_ups(table, report=ImportReport(kinds=("new", "unchanged")))
        assert plan.report.ok
        return len(captured)

    assert queries(3) == queries(30)


# --- Cells are text -----------------------------------------------------------------------


def test_formula_cells_are_unescaped_and_stored_as_text(promise):
    rows = [
        row(summary='\'=HYPERLINK("http://evil.example")', progress="'+5"),
        row(summary="@SUM(A1)", status="", progress="", date="2022-04"),
    ]
    report = run(make_csv(rows))
    assert report.ok, messages(report)
    summaries = set(FollowUp.objects.values_list("summary", flat=True))
    assert summaries == {'=HYPERLINK("http://evil.example")', "@SUM(A1)"}
    assert FollowUp.objects.get(dated_on__month=3).progress_value == 5


def test_markup_in_a_cell_is_stored_as_text_and_shown_escaped(promise, client, editor):
    hostile = "<script>alert(1)</script> onboarded"
    data = make_csv([row(summary=hostile)])
    client.force_login(editor)
    preview = client.post(IMPORT_URL, {"import_file": upload(data), "format": "0", "resource": "0"})
    assert "&lt;script&gt;alert(1)&lt;/script&gt; onboarded" in preview.text
    assert "<script>alert(1)" not in preview.text
    assert run(data).ok
    assert FollowUp.objects.get().summary == hostile
    for url in (promise.mou.get_absolute_url(), LIST_URL):
        page = client.get(url).text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<script>alert(1)" not in page


def test_an_xlsx_file_with_the_same_columns_imports(promise):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["GJ-2021", "Onboard 300 MSME sellers", "2022-03", "fulfilled", 300, "Done", NEWS])
    out = io.BytesIO()
    workbook.save(out)
    report = run(out.getvalue())
    assert report.ok, messages(report)
    assert FollowUp.objects.get().progress_value == 300


# --- The command ----------------------------------------------------------------------------


def command(*args):
    out = io.StringIO()
    call_command("import_follow_ups", *args, stdout=out)
    return out.getvalue()


def test_the_command_dry_runs_imports_and_then_changes_nothing(tmp_path, promise):
    path = tmp_path / "news.csv"
    path.write_bytes(make_csv([row()]))
    assert command(str(path), "--dry-run").strip() == (
        "1 new, 0 unchanged, 0 errors; dry run, nothing was written"
    )
    assert not FollowUp.objects.exists()
    assert command(str(path)).strip() == "1 new, 0 unchanged, 0 errors"
    assert FollowUp.objects.get().created_by_import.file_name == "news.csv"
    assert command(str(path)).strip() == "0 new, 1 unchanged, 0 errors"


def test_the_command_prints_one_line_per_problem_and_fails(tmp_path, promise):
    path = tmp_path / "bad.csv"
    path.write_bytes(make_csv([row(date="2020"), row(commitment="", summary="x")]))
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_follow_ups", str(path), stdout=out)
    assert out.getvalue().splitlines() == [
        "row 2, column date: 2020 is before the MoU's date (September 2021): a follow-up "
        "comes after the signing",
        "row 3, column status: 'in_progress' is not an MoU's status (a commitment's status "
        "needs the commitment named); use one of: announced, reported, signed, active, "
        "expired, terminated, dormant",
        "row 3, column progress: progress is reported against a commitment: name one in the "
        "commitment column",
    ]
    assert str(raised.value) == "0 new, 0 unchanged, 3 errors; nothing was written"
    assert not FollowUp.objects.exists()


def test_the_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        command(str(tmp_path / "nope.csv"))


# --- The example files and the README ---------------------------------------------------------


def test_the_example_files_import_together_and_touch_no_real_mou(founding_articles, editor):
    real = {mou.pk: mou.updated_at for mou in Mou.objects.all()}
    versions = MouVersion.objects.count()
    mous = import_file(EXAMPLE_MOUS.read_bytes(), "example-import.csv")
    assert mous.ok, messages(mous)
    report = run(EXAMPLE_FOLLOW_UPS.read_bytes(), user=editor)
    assert report.ok, messages(report)
    assert report.count("new") == 5
    follow_ups = FollowUp.objects.select_related("mou", "source")
    assert all(not f.mou.published and f.mou.title.startswith("Example: ") for f in follow_ups)
    assert all(f.summary.startswith("Example: ") for f in follow_ups)
    assert all(f.source.url == "" or ".example.org/" in f.source.url for f in follow_ups)
    assert not FollowUp.objects.filter(mou__in=real).exists()
    assert {mou.pk: mou.updated_at for mou in Mou.objects.filter(pk__in=real)} == real
    assert MouVersion.objects.count() == versions
    assert run(EXAMPLE_FOLLOW_UPS.read_bytes()).summary() == "0 new, 5 unchanged, 0 errors"


def test_the_readme_describes_every_column_as_the_import_page_does():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Importing follow-ups", 1)[1]
    table = section.split("| column | required | meaning |", 1)[1].split("\n\n", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \| ([^|]+) \| (.*) \|$", table, re.M)
    assert rows == [
        (column, FOLLOW_UP_COLUMNS.requirement(column), text)
        for column, text in FOLLOW_UP_COLUMNS.descriptions.items()
    ]


def test_every_status_the_import_reads_is_described():
    text = FOLLOW_UP_COLUMNS.descriptions["status"]
    for status in [*Mou.Status.values, *Commitment.Status.values]:
        assert f"`{status}`" in text


# --- The admin ------------------------------------------------------------------------------------


def upload(data, name="news.csv"):
    file = io.BytesIO(data)
    file.name = name
    return file


def preview(client, data, name="news.csv"):
    return client.post(
        IMPORT_URL, {"import_file": upload(data, name), "format": "0", "resource": "0"}
    )


def test_viewers_and_outsiders_cannot_import_follow_ups(client, viewer, outsider, promise):
    for user in (viewer, outsider):
        client.force_login(user)
        assert client.get(IMPORT_URL).status_code == 403
        assert preview(client, make_csv([row()])).status_code == 403
        assert client.post(PROCESS_URL, {"format": "0", "resource": "0"}).status_code == 403
        assert client.get(TEMPLATE_URL).status_code == 403
        assert client.get(EXAMPLE_URL).status_code == 403
    assert not FollowUp.objects.exists()


def test_only_editors_see_the_import_button(client, editor, viewer, promise):
    client.force_login(editor)
    assert IMPORT_URL in client.get(LIST_URL).text
    client.force_login(viewer)
    page = client.get(LIST_URL)
    assert page.status_code == 200 and IMPORT_URL not in page.text


def test_an_editor_previews_every_row_then_confirms_the_import(client, editor, promise, article):
    FollowUp.objects.create(
        mou=promise.mou, dated_on=datetime.date(2022, 1, 1), summary="Known news", source=article
    )
    client.force_login(editor)
    rows = [
        row(),
        row(commitment="", status="Active", progress="", summary="In force", date="2022-06-02"),
        row(
            commitment="",
            status="",
            progress="",
            summary="known news",
            date="2022-01-01",
            source_url=article.url,
        ),
    ]
    response = preview(client, make_csv(rows), "batch.csv")
    assert response.status_code == 200
    page = response.text
    assert "2 new, 1 unchanged, 0 errors" in page
    previewed = re.findall(r'<tr class="(?:new|skip)">.*?</tr>', page, re.S)
    assert len(previewed) == 3
    first, second, third = previewed
    # The MoU by its title, the commitment as the registry has it, the date as shown.
    assert "<strong>Amazon and Gujarat MoU</strong>" in first and "GJ-2021" in first
    assert "Onboard 300 MSME sellers" in first and "March 2022" in first
    assert "In progress" in first and "Progress: 120 of 300 MSME sellers" in first
    assert f'{NEWS} <span class="new-mark">new</span>' in first
    assert "The MoU as a whole" in second and "Active" in second and "2 June 2022" in second
    assert "Unchanged" in third and "new-mark" not in third
    assert not FollowUp.objects.filter(summary="In force").exists()  # the preview writes nothing
    confirm = response.context["confirm_form"]
    response = client.post(PROCESS_URL, {**confirm.initial, "resource": "0"}, follow=True)
    assert response.redirect_chain == [(LIST_URL, 302)]
    assert "Import finished: 2 new, 1 unchanged, 0 errors" in response.text
    record = ImportRecord.objects.get()
    assert (record.kind, record.user, record.via, record.file_name, record.new) == (
        "follow_ups",
        editor,
        "admin",
        "batch.csv",
        2,
    )
    assert FollowUp.objects.count() == 3
    logged = LogEntry.objects.filter(action_flag=ADDITION, content_type__model="followup")
    assert logged.count() == 2


def test_admin_row_errors_name_the_row_the_column_and_the_reason(client, editor, promise):
    client.force_login(editor)
    response = preview(client, make_csv([row(), row(date="2020", summary="Early")]))
    page = response.text
    assert "Some rows have errors: nothing will be written" in page
    assert (
        "row 3, column date: 2020 is before the MoU&#x27;s date (September 2021): a "
        "follow-up comes after the signing"
    ) in page
    assert not response.context.get("confirm_form")
    assert not FollowUp.objects.exists()


def test_an_unreadable_or_mou_shaped_upload_is_refused_with_a_message(client, editor, promise):
    client.force_login(editor)
    response = preview(client, EXAMPLE_MOUS.read_bytes(), "example-import.csv")
    assert "Unknown column &#x27;reference&#x27;" in response.text
    assert "Required column &#x27;mou&#x27; is missing." in response.text
    response = preview(client, "mou,date\nCaf\xe9,2022\n".encode("latin-1"))
    assert "not UTF-8" in response.text


@override_settings(IMPORT_MAX_UPLOAD_BYTES=200)
def test_an_upload_over_the_size_limit_points_to_the_command(client, editor, promise):
    client.force_login(editor)
    response = preview(client, make_csv([row(summary=f"News {n}") for n in range(10)]))
    assert "the admin accepts at most" in response.text
    assert "manage.py import_follow_ups" in response.text
    assert not FollowUp.objects.exists()


def test_the_import_page_explains_every_column_and_links_the_downloads(client, editor):
    client.force_login(editor)
    page = client.get(IMPORT_URL).text
    assert f'href="{TEMPLATE_URL}"' in page and f'href="{EXAMPLE_URL}"' in page
    explained = re.findall(r'<th scope="row"><code>(\w+)</code></th>', page)
    assert explained == FOLLOW_UP_COLUMNS.names
    assert "css/admin.css" in page
    assert "python manage.py import_follow_ups FILE" in page


def test_editors_download_a_template_and_the_example_file(client, editor):
    client.force_login(editor)
    template = client.get(TEMPLATE_URL)
    assert template["Content-Type"].startswith("text/csv")
    assert "follow-up-import-template.csv" in template["Content-Disposition"]
    assert template.content.decode() == ",".join(FOLLOW_UP_COLUMNS.names) + "\r\n"
    example = client.get(EXAMPLE_URL)
    assert b"".join(example.streaming_content) == EXAMPLE_FOLLOW_UPS.read_bytes()


def test_the_follow_up_list_filters_searches_and_is_read_only(
    client, editor, viewer, promise, article
):
    FollowUp.objects.create(
        mou=promise.mou, dated_on=datetime.date(2022, 1, 1), summary="In force", source=article
    )
    assert run(make_csv([row()])).ok
    for user in (editor, viewer):
        client.force_login(user)
        page = client.get(LIST_URL).text
        assert "120 sellers onboarded" in page and "In force" in page
        assert reverse("admin:agreements_followup_add") not in page
        about = client.get(LIST_URL, {"about": "commitment"}).text
        assert "120 sellers onboarded" in about and "In force" not in about
        imported = client.get(LIST_URL, {"added": "admin"}).text
        assert "In force" in imported and "120 sellers onboarded" not in imported
        found = client.get(LIST_URL, {"q": "msme"}).text
        assert "120 sellers onboarded" in found and "In force" not in found
        follow_up = FollowUp.objects.get(summary="In force")
        change = client.get(reverse("admin:agreements_followup_change", args=[follow_up.pk]))
        assert change.status_code == 200 and 'name="_save"' not in change.text
        assert "1 January 2022" in change.text  # the date at its precision
    client.force_login(editor)
    assert client.get(reverse("admin:agreements_followup_add")).status_code == 403


def test_the_record_of_imports_says_what_each_import_brought_in(client, editor, promise):
    assert run(make_csv([row()])).ok
    client.force_login(editor)
    page = client.get(reverse("admin:agreements_importrecord_changelist")).text
    assert "Follow-ups" in page and "follow-ups.csv" in page
