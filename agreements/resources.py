"""
MoUs in and out of spreadsheets: the one CSV/XLSX format, for export and import.

``iter_mous_csv`` (streamed by the public download) writes MoUs in the import
columns, with spreadsheet-formula escaping (the admin export shares
their rows, ``export_rows``); ``MouResource`` is the django-import-export
resource the admin uses. Reading, validating and writing an import is in
``agreements.importing``, shared by the admin and ``manage.py import_mous``.
"""

import csv

import tablib
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from import_export import fields, resources
from import_export.formats import base_formats
from import_export.results import Error, Result, RowResult

from . import importing
from .importing import (
    COLUMNS,
    ImportFileError,
    escape_formula,
    format_signed_on,
    join_list,
)
from .models import Commitment, ImportRecord, Mou, Source

__all__ = [
    "MouResource",
    "MouSpreadsheetFormat",
    "export_rows",
    "iter_mous_csv",
]


def export_queryset(queryset):
    """The MoUs with everything a row needs: one query per relation per chunk of MoUs."""
    return queryset.with_party_links().prefetch_related(
        "states",
        "programmes",
        "sectors",
        "clusters",
        Prefetch(
            "commitments",
            queryset=Commitment.objects.order_by("pk"),
            to_attr="export_commitments",
        ),
        Prefetch("sources", queryset=Source.objects.order_by("pk"), to_attr="export_sources"),
    )


def mou_to_row(mou):
    """One MoU as a dict of the import columns (not yet formula-escaped).

    Expects the prefetches of ``export_queryset``. Only the MoU's first source (the
    earliest recorded) fits in a row; an import adds sources, never removes them.
    """
    source = mou.export_sources[0] if mou.export_sources else None
    return {
        "reference": mou.reference,
        "title": mou.title,
        "signed_on": format_signed_on(mou.signed_on, mou.signed_on_precision),
        "states": join_list(sorted(state.name for state in mou.states.all())),
        "parties": join_list(link.party.name for link in mou.party_links),
        "programmes": join_list(sorted(p.name for p in mou.programmes.all())),
        "sectors": join_list(sorted(s.name for s in mou.sectors.all())),
        "clusters": join_list(sorted(str(c) for c in mou.clusters.all())),
        "commitments": join_list(c.description for c in mou.export_commitments),
        "status": mou.status,
        "summary": mou.summary,
        "source_url": source.url if source else "",
        "source_title": source.title if source else "",
        "source_publisher": source.publisher if source else "",
        "source_published_on": (
            source.published_on.isoformat() if source and source.published_on else ""
        ),
        "published": "yes" if mou.published else "no",
    }


def export_rows(queryset):
    """The header, then one formula-escaped list of cells per MoU, read and prefetched a
    chunk at a time (``MouQuerySet.in_chunks()``), so any number of MoUs fits in memory."""
    yield list(COLUMNS)
    for mou in export_queryset(queryset).in_chunks():
        row = mou_to_row(mou)
        yield [escape_formula(row[column]) for column in COLUMNS]


class _Echo:
    """A file whose ``write`` hands the text back, so ``csv.writer`` yields line by line."""

    def write(self, text):
        return text


def iter_mous_csv(queryset):
    """The CSV (with header) of the given MoUs in the import columns, formula-escaped,
    one line at a time, for a streamed download.

    Runs a fixed number of queries per chunk of ``MouQuerySet.CHUNK_SIZE`` MoUs;
    re-importing the result changes nothing.
    """
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    for row in export_rows(queryset):
        yield writer.writerow(row)


# --- django-import-export: the admin's import and export ---------------------------------


class MouSpreadsheetFormat(base_formats.Format):
    """The admin's one import format: CSV (UTF-8) or XLSX, told apart by the content.

    The dataset it makes keeps the file's bytes, so that ``MouResource`` reads them
    with the same code as ``manage.py import_mous`` (tablib cannot hold rows with too
    many or too few cells, which the import must report, not drop).
    """

    def __init__(self, encoding=None, **kwargs):
        self.encoding = encoding  # ignored: the content says whether it is CSV or XLSX

    def get_title(self):
        return "CSV or XLSX"

    def get_extension(self):
        return "csv"

    def can_import(self):
        return True

    def can_export(self):
        return False

    def create_dataset(self, in_stream):
        data = in_stream.encode() if isinstance(in_stream, str) else bytes(in_stream)
        dataset = tablib.Dataset()
        try:
            table = importing.read_table(data)
        except ImportFileError:
            table = None
        if table is not None:
            dataset.headers = table.columns
            for _number, cells in table.rows:
                dataset.append([cells[column] for column in table.columns])
        if not len(dataset):
            # A file with no usable rows still reaches the resource, which reports why.
            dataset.headers = ["file"]
            dataset.append([""])
        dataset.mou_file_bytes = data
        return dataset


def _field(name):
    return fields.Field(attribute=name, column_name=name, readonly=True)


class MouResource(resources.ModelResource):
    """MoUs in the documented import format, for the admin's import and export buttons.

    Import validates the whole file first (``agreements.importing``), then writes it
    all or nothing; the preview marks each row new, update, unchanged (shown for
    import-export's "skip") or, with the reasons, invalid.
    """

    reference = _field("reference")
    title = _field("title")
    signed_on = _field("signed_on")
    states = _field("states")
    parties = _field("parties")
    programmes = _field("programmes")
    sectors = _field("sectors")
    clusters = _field("clusters")
    commitments = _field("commitments")
    status = _field("status")
    summary = _field("summary")
    source_url = _field("source_url")
    source_title = _field("source_title")
    source_publisher = _field("source_publisher")
    source_published_on = _field("source_published_on")
    published = _field("published")

    class Meta:
        model = Mou
        name = "MoUs"
        fields = COLUMNS
        import_order = COLUMNS
        export_order = COLUMNS

    def get_queryset(self):
        return Mou.objects.all()

    # Export ---------------------------------------------------------------------------

    def export(self, queryset=None, **kwargs):
        """A tablib Dataset of the MoUs in the import columns, formula-escaped."""
        if queryset is None:
            queryset = self.get_queryset()
        selected = kwargs.get("export_fields") or COLUMNS
        columns = [column for column in COLUMNS if column in selected]
        rows = export_rows(queryset)
        next(rows)
        positions = [COLUMNS.index(column) for column in columns]
        dataset = tablib.Dataset(headers=columns)
        for row in rows:
            dataset.append([row[i] for i in positions])
        return dataset

    # Import ---------------------------------------------------------------------------

    def import_data_inner(
        self, dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs
    ):
        user = kwargs.get("user")
        data = getattr(dataset, "mou_file_bytes", None)
        if data is None:
            # A dataset made in code, not read by ``MouSpreadsheetFormat``: its CSV goes
            # through the same reading and checks as a file.
            data = dataset.export("csv").encode()
        file_name = kwargs.get("file_name") or ""
        result = Result()
        result.diff_headers = list(COLUMNS)
        try:
            table = importing.read_table(data)
        except ImportFileError as problem:
            for message in problem.messages:
                result.append_base_error(Error(ImportFileError(message)))
            result.mou_report = importing.ImportReport(
                file_name=file_name,
                errors=[importing.RowError(None, None, m) for m in problem.messages],
            )
            return result
        report = importing.import_table(
            table,
            file_name=file_name,
            file_checksum=importing.checksum(data),
            user=user if getattr(user, "pk", None) else None,
            via=ImportRecord.Via.ADMIN,
            dry_run=dry_run,
        )
        result.mou_report = report
        fill_result(result, report, table)
        return result


def fill_result(result, report, table):
    """Turn an import report into import-export's Result, for its preview and messages."""
    errors_by_row = {}
    for error in report.errors:
        errors_by_row.setdefault(error.row, []).append(error)
    for error in errors_by_row.pop(None, []):
        result.append_base_error(Error(ImportFileError(str(error))))
    kinds = {
        "new": RowResult.IMPORT_TYPE_NEW,
        "update": RowResult.IMPORT_TYPE_UPDATE,
        "unchanged": RowResult.IMPORT_TYPE_SKIP,
    }
    cells_by_row = dict(table.rows)
    mous = {}
    if report.written:
        ids = [o.mou_id for o in report.outcomes if o.mou_id]
        mous = Mou.objects.in_bulk(ids)
    for outcome in report.outcomes:
        if outcome.kind in kinds:
            row_result = RowResult()
            row_result.import_type = kinds[outcome.kind]
            row_result.diff = [outcome.cells.get(column, "") for column in COLUMNS]
            row_result.changes = outcome.changes
            row_result.number = outcome.row
            row_result.object_id = outcome.mou_id
            row_result.object_repr = outcome.title
            row_result.instance = mous.get(outcome.mou_id)
            result.append_row_result(row_result)
            result.increment_row_result_total(row_result)
    for number in sorted(errors_by_row):
        messages = {}
        for error in errors_by_row[number]:
            messages.setdefault(error.column or "row", []).append(str(error))
        cells = cells_by_row.get(number, {})
        result.append_invalid_row(number, cells, ValidationError(messages))
        result.totals[RowResult.IMPORT_TYPE_INVALID] += 1
    return result
