"""
Importing MoUs from a CSV or XLSX file: read, validate, match, then write.

One code path serves the admin (through ``agreements.resources.MouResource``)
and ``manage.py import_mous``:

1. ``read_table`` (``reading``) turns the file's bytes into a header and rows of
   text, within ``Limits`` checked while reading (the admin's, ``admin_limits()``, or
   the command line's, ``COMMAND_LIMITS``), or raises ``ImportFileError`` for a file it
   cannot use at all.
2. ``plan_import`` (``matching``) validates every row (``rows``: one parser per
   column) and matches it against the registry, collecting every error; it only
   reads, in a fixed number of queries whatever the number of rows.
3. ``apply_plan`` (``writing``) writes a plan without errors in bulk, inside one
   transaction, and records the import (``ImportRecord``).

``import_file`` runs all three; a dry run stops after the plan. If any row has
an error nothing is written. ``cells`` holds the format's columns and how a cell
is written and read, which the exports share; ``report`` the errors and the
summary. The names below are the package's public API.

Follow-ups are imported the same way, by the same functions given
``importer=FOLLOW_UPS`` (``follow_ups``: their columns, planning and writing, on the
machinery above); ``manage.py import_follow_ups`` and the follow-ups' admin use it.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from ..models import ImportRecord
from ..models.bulk import collection_paused
from .cells import (
    COLUMNS,
    MOU_COLUMNS,
    ColumnSet,
    escape_formula,
    format_signed_on,
    join_list,
    unescape_formula,
)
from .follow_ups import FOLLOW_UP_COLUMNS, apply_follow_ups, plan_follow_ups
from .matching import plan_import
from .reading import COMMAND_LIMITS, Limits, admin_limits, read_table
from .report import ImportFileError, ImportReport, RowError, listed
from .writing import apply_plan, lock_imports

__all__ = [
    "COLUMNS",
    "COMMAND_LIMITS",
    "CONCURRENT_CHANGE",
    "FOLLOW_UPS",
    "FOLLOW_UP_COLUMNS",
    "MOUS",
    "MOU_COLUMNS",
    "ImportFileError",
    "ImportReport",
    "Importer",
    "Limits",
    "RowError",
    "admin_limits",
    "apply_plan",
    "checksum",
    "escape_formula",
    "format_signed_on",
    "import_file",
    "import_table",
    "join_list",
    "listed",
    "plan_import",
    "read_table",
    "unescape_formula",
]

CONCURRENT_CHANGE = (
    "The registry changed during the import (an edit in the admin at the same time); "
    "nothing was written; run it again."
)


def checksum(data):
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Importer:
    """One import format: its columns, ``plan`` (validate and match, only reading) and
    ``apply`` (write a plan without errors), and the outcomes its summary counts."""

    column_set: ColumnSet
    plan: Callable
    apply: Callable
    kinds: tuple

    def report(self, **kwargs):
        return ImportReport(kinds=self.kinds, **kwargs)


MOUS = Importer(MOU_COLUMNS, plan_import, apply_plan, ("new", "update", "unchanged"))
FOLLOW_UPS = Importer(FOLLOW_UP_COLUMNS, plan_follow_ups, apply_follow_ups, ("new", "unchanged"))


def import_table(
    table,
    *,
    importer=MOUS,
    file_name="",
    file_checksum="",
    user=None,
    via=ImportRecord.Via.COMMAND,
    dry_run=False,
    progress=None,
    describe=False,
):
    """Plan, and unless ``dry_run`` or any row has an error, write; returns the report
    (whose outcomes say what each row matched with ``describe``, for a preview).

    An import that may write first waits for any other to finish (``lock_imports``), so
    that it plans against what that one wrote. A dry run takes no lock: it writes nothing,
    and the import that follows a preview plans the file again under the lock. The plan
    is still checked against what the registry held when it was read: if an admin edit
    takes a slug or a reference before the write, the write fails as a whole and the
    report says to run the import again.
    """
    report = importer.report(file_name=file_name, checksum=file_checksum, dry_run=dry_run)
    with collection_paused(), transaction.atomic():
        if not dry_run:
            lock_imports()
        plan = importer.plan(table, report=report, progress=progress, describe=describe)
        if not report.errors and not dry_run:
            try:
                importer.apply(plan, user=user, via=via, progress=progress)
            except IntegrityError:  # apply_plan's own transaction has rolled back
                report.errors.append(RowError(None, None, CONCURRENT_CHANGE))
    return report


def import_file(data, file_name="", *, importer=MOUS, limits=COMMAND_LIMITS, **kwargs):
    """Import a CSV or XLSX file's bytes, read within ``limits``; a file that cannot be
    read gives a report of errors."""
    try:
        table = read_table(data, importer.column_set, limits)
    except ImportFileError as problem:
        report = importer.report(
            file_name=file_name, checksum=checksum(data), dry_run=kwargs.get("dry_run", False)
        )
        report.errors = [RowError(None, None, message) for message in problem.messages]
        return report
    return import_table(
        table, importer=importer, file_name=file_name, file_checksum=checksum(data), **kwargs
    )
