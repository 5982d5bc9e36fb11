"""
The admin's import and export buttons (django-import-export), in the imports' CSV/XLSX
formats.

``MouResource`` exports the rows of ``agreements.exports.export_rows``, the same as the
public CSV download, and imports through ``agreements.importing``, shared with
``manage.py import_mous``; ``FollowUpResource`` imports follow-ups the same way, shared
with ``manage.py import_follow_ups``.
"""

import tablib
from django.core.exceptions import ValidationError
from import_export import fields, resources
from import_export.formats import base_formats
from import_export.results import Error, Result, RowResult

from . import importing
from .exports import export_rows
from .importing import (
    COLUMNS,
    FOLLOW_UP_COLUMNS,
    FOLLOW_UPS,
    MOU_COLUMNS,
    MOUS,
    ImportFileError,
    admin_limits,
)
from .models import FollowUp, ImportRecord, Mou


class SpreadsheetFormat(base_formats.Format):
    """An admin import format: CSV (UTF-8) or XLSX, told apart by the content, with the
    columns of ``column_set``.

    The dataset it makes keeps the file's bytes and what reading them (within the
    admin's limits) gave, so that the resource imports them with the same code as the
    command line, without reading them again (tablib cannot hold rows with too many or
    too few cells, which the import must report, not drop).
    """

    column_set = None

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
        dataset.file_bytes = data
        dataset.column_set = self.column_set
        dataset.table = dataset.problem = None
        try:
            dataset.table = importing.read_table(data, self.column_set, admin_limits())
        except ImportFileError as problem:
            dataset.problem = problem
        if dataset.table is not None:
            dataset.headers = dataset.table.columns
            for _number, cells in dataset.table.rows:
                dataset.append([cells[column] for column in dataset.table.columns])
        if not len(dataset):
            # A file with no usable rows still reaches the resource, which reports why.
            dataset.headers = ["file"]
            dataset.append([""])
        return dataset


class MouSpreadsheetFormat(SpreadsheetFormat):
    """The MoU import's one format."""

    column_set = MOU_COLUMNS


class FollowUpSpreadsheetFormat(SpreadsheetFormat):
    """The follow-up import's one format."""

    column_set = FOLLOW_UP_COLUMNS


class SpreadsheetImport:
    """A resource whose import goes through ``agreements.importing`` with ``importer``
    (its format, planning and writing): the whole file validated first, then written
    all or nothing; the preview marks each row new, update, unchanged (shown for
    import-export's "skip") or, with the reasons, invalid. The import's report is the
    result's ``import_report``."""

    importer = None

    def written(self, report):
        """The objects a written import's rows made or changed, by row number."""
        return {}

    def import_data_inner(
        self, dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs
    ):
        user = kwargs.get("user")
        data = getattr(dataset, "file_bytes", None)
        if data is None:
            # A dataset made in code, not read by a ``SpreadsheetFormat``: its CSV goes
            # through the same reading and checks as a file.
            data = dataset.export("csv").encode()
        file_name = kwargs.get("file_name") or ""
        result = Result()
        result.diff_headers = self.importer.column_set.names
        table = problem = None
        if getattr(dataset, "column_set", None) is self.importer.column_set:
            table, problem = dataset.table, dataset.problem  # read by the format
        if table is None and problem is None:
            try:
                table = importing.read_table(data, self.importer.column_set, admin_limits())
            except ImportFileError as error:
                problem = error
        if problem is not None:
            for message in problem.messages:
                result.append_base_error(Error(ImportFileError(message)))
            result.import_report = self.importer.report(
                file_name=file_name,
                errors=[importing.RowError(None, None, m) for m in problem.messages],
            )
            return result
        report = importing.import_table(
            table,
            importer=self.importer,
            file_name=file_name,
            file_checksum=importing.checksum(data),
            user=user if getattr(user, "pk", None) else None,
            via=ImportRecord.Via.ADMIN,
            dry_run=dry_run,
            describe=dry_run,  # the preview shows what each row matched
        )
        result.import_report = report
        fill_result(result, report, table, self.written(report) if report.written else {})
        return result


def _field(name):
    return fields.Field(attribute=name, column_name=name, readonly=True)


class MouResource(SpreadsheetImport, resources.ModelResource):
    """MoUs in the documented import format, for the admin's import and export buttons."""

    importer = MOUS

    reference = _field("reference")
    title = _field("title")
    signed_on = _field("signed_on")
    date_kind = _field("date_kind")
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

    def written(self, report):
        mous = Mou.objects.in_bulk([o.mou_id for o in report.outcomes if o.mou_id])
        return {o.row: mous.get(o.mou_id) for o in report.outcomes}


class FollowUpResource(SpreadsheetImport, resources.ModelResource):
    """Follow-ups in the documented import format, for the admin's import button."""

    importer = FOLLOW_UPS

    mou = _field("mou")
    commitment = _field("commitment")
    date = _field("date")
    status = _field("status")
    progress = _field("progress")
    summary = _field("summary")
    quote = _field("quote")
    source_url = _field("source_url")
    source_title = _field("source_title")
    source_publisher = _field("source_publisher")
    source_published_on = _field("source_published_on")

    class Meta:
        model = FollowUp
        name = "follow-ups"
        fields = FOLLOW_UP_COLUMNS.names
        import_order = FOLLOW_UP_COLUMNS.names

    def written(self, report):
        ids = [o.object_id for o in report.outcomes if o.object_id]
        follow_ups = FollowUp.objects.in_bulk(ids)
        return {o.row: follow_ups.get(o.object_id) for o in report.outcomes}


def fill_result(result, report, table, instances):
    """Turn an import report into import-export's Result, for its preview and messages.

    Each valid row's result carries its cells and what its names matched (``matched``,
    for a preview), which the import page shows instead of import-export's diff, and,
    once written, the object it made or changed (``instances``, by row number), which
    the admin's log records.
    """
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
    for outcome in report.outcomes:
        if outcome.kind in kinds:
            row_result = RowResult()
            row_result.import_type = kinds[outcome.kind]
            row_result.cells = outcome.cells
            row_result.matched = outcome.matched
            row_result.changes = outcome.changes
            row_result.number = outcome.row
            row_result.instance = instances.get(outcome.row)
            row_result.object_id = getattr(row_result.instance, "pk", outcome.mou_id)
            row_result.object_repr = outcome.title
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
