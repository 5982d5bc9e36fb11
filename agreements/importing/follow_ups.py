"""Importing follow-ups: dated, sourced news about an MoU or one of its commitments, one
row per follow-up, from a CSV or XLSX file.

It runs on the MoU import's machinery rather than beside it: ``reading.read_table``
with this format's columns (``FOLLOW_UP_COLUMNS``), ``rows.CellParser`` (cells cleaned
and formula-unescaped, the source columns parsed and matched as the MoU import does),
``report`` (errors as "row 3, column date: ..."), and ``writing``'s new sources and
last steps (derived statuses refreshed, versions noted "Import of FILE on DATE").

``plan_follow_ups`` only reads, in a fixed number of queries per 450 MoUs named;
``apply_follow_ups`` writes a plan without errors in bulk. The rules a follow-up obeys
are its model's (``FollowUp.clean``: not before the MoU's date, a commitment of that
MoU, progress only with a commitment), run on every row, so that a broken rule is a
row error, never a database error.

A row is new, or unchanged when the registry already has the same follow-up (same MoU,
commitment, date and precision, and summary, compared like names): importing a file
twice changes nothing. The import never changes a follow-up: a row that repeats one but
reports another status, figure, quote or source is an error.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import Lower

from ..formats import format_partial_date
from ..models import Commitment, FollowUp, ImportRecord, Mou, MouStatus
from ..models.facts import CommitmentStatus
from .cells import (
    ColumnSet,
    clean_cell,
    codes,
    key,
    parse_signed_on,
    short,
    source_descriptions,
)
from .matching import chunked, load_sources
from .report import ImportReport, Match, RowError, RowOutcome
from .rows import CellParser, by_key
from .writing import BATCH_SIZE, create_sources, finish_import

FOLLOW_UP_COLUMNS = ColumnSet(
    rows_are="follow-ups",
    command="import_follow_ups",
    descriptions={
        "mou": "The MoU: its reference, or else its slug (the last part of its address, "
        "`/mous/<slug>/`).",
        "commitment": "Empty for news about the MoU as a whole; otherwise one of that MoU's "
        "commitments, by its description (case- and space-insensitive). An unknown one is "
        "an error listing the MoU's commitments.",
        "date": "When it happened, or when the source reported it: `YYYY-MM-DD`, `YYYY-MM` or "
        "`YYYY`; the precision is kept. Not before the MoU's date, nor after today.",
        "status": "The status it reports, by value or label: for a commitment "
        f"{codes(CommitmentStatus.values)}; for the MoU (no commitment) "
        f"{codes(MouStatus.values)}. Empty: it reports none.",
        "progress": "A figure against the commitment's target, in its unit (`120` for 120 of "
        "300 sellers); only with a commitment. Commas are ignored (`1,20,000`).",
        "summary": "What happened, in a sentence or two.",
        "quote": "A short quote from the source, where it helps.",
        **source_descriptions("the follow-up"),
    },
    required=("mou", "date", "summary"),
)

STATUS_LABELS = {**dict(MouStatus.choices), **dict(CommitmentStatus.choices)}
MOU_CHUNK = 450  # MoU names per query: two lists of them, under SQLite's 999
MOST_CHOICES = 5  # commitments an error lists
# A rule of FollowUp.clean(), by the field it names, is an error in this column.
RULE_COLUMNS = {
    "mou": "mou",
    "commitment": "commitment",
    "dated_on": "date",
    "dated_on_precision": "date",
    "mou_status": "status",
    "commitment_status": "status",
    "progress_value": "progress",
    "summary": "summary",
    "source": "source_url",
    "quote": "quote",
    NON_FIELD_ERRORS: None,
}


@dataclass(slots=True)
class Existing:
    """A follow-up the registry has, as a row is compared with it."""

    pk: int
    status: str
    progress: Decimal | None
    quote: str
    source_id: int


@dataclass(slots=True)
class FollowUpRow:
    """A row's values: the MoU and commitment as loaded, the rest as the model takes them."""

    number: int
    cells: dict
    mou: Mou | None = None
    commitment: Commitment | None = None
    dated_on: datetime.date | None = None
    precision: str = ""
    status: str = ""
    progress: Decimal | None = None
    summary: str = ""
    quote: str = ""
    source: object = None  # an id, or ("source", key)
    outcome: RowOutcome | None = None

    def identity(self):
        """What makes two follow-ups the same news: MoU, commitment, date, summary."""
        commitment_id = self.commitment.pk if self.commitment else None
        return (self.mou.pk, commitment_id, self.dated_on, self.precision, key(self.summary))

    def as_follow_up(self, **fields):
        """An unsaved ``FollowUp`` of the row's valid values; a status goes to the MoU's
        or the commitment's field, progress only with a commitment."""
        about_commitment = self.commitment is not None
        return FollowUp(
            mou=self.mou,
            commitment=self.commitment,
            dated_on=self.dated_on,
            dated_on_precision=self.precision,
            summary=self.summary,
            quote=self.quote,
            mou_status="" if about_commitment else self.status,
            commitment_status=self.status if about_commitment else "",
            progress_value=self.progress if about_commitment else None,
            **fields,
        )


class FollowUpRegistry:
    """What the rows of one file are matched against, loaded in a fixed number of queries
    per ``MOU_CHUNK`` MoUs named: the MoUs by reference and slug, their commitments and
    follow-ups, and every source by URL and title."""

    def __init__(self, table):
        self.sources_by_url, self.sources_by_title = load_sources()
        names = sorted({clean_cell(cells.get("mou", "")) for _, cells in table.rows} - {""})
        self.by_reference, self.by_slug = {}, {}
        mous = {}
        fields = ["pk", "reference", "slug", "title", "signed_on", "signed_on_precision"]
        for chunk in chunked(names, MOU_CHUNK):
            slugs = [name.lower() for name in chunk]
            wanted = Q(reference__in=chunk) | Q(slug_key__in=slugs)
            found = Mou.objects.alias(slug_key=Lower("slug")).filter(wanted)
            for mou in found.only(*fields).order_by("pk"):
                mous[mou.pk] = mou
                if mou.reference:
                    self.by_reference[mou.reference] = mou
                self.by_slug[mou.slug.lower()] = mou
        self.commitments = {pk: {} for pk in mous}  # MoU id -> key -> [Commitment]
        self.descriptions = {pk: [] for pk in mous}  # MoU id -> descriptions, in order
        self.follow_ups = {}  # identity -> Existing
        for chunk in chunked(mous):
            commitments = Commitment.objects.filter(mou_id__in=chunk).order_by("pk")
            shown = ["pk", "mou_id", "description", "target_value", "target_unit"]
            for commitment in commitments.only(*shown):
                by_key_ = self.commitments[commitment.mou_id]
                by_key_.setdefault(key(commitment.description), []).append(commitment)
                self.descriptions[commitment.mou_id].append(commitment.description)
            self._load_follow_ups(chunk)
        self._elsewhere = None

    def _load_follow_ups(self, mou_ids):
        rows = FollowUp.objects.filter(mou_id__in=mou_ids).order_by("pk")
        for values in rows.values_list(
            "pk",
            "mou_id",
            "commitment_id",
            "dated_on",
            "dated_on_precision",
            "summary",
            "mou_status",
            "commitment_status",
            "progress_value",
            "quote",
            "source_id",
        ):
            pk, mou_id, commitment_id, dated_on, precision, summary, *rest = values
            mou_status, commitment_status, progress, quote, source_id = rest
            identity = (mou_id, commitment_id, dated_on, precision, key(summary))
            status = commitment_status if commitment_id else mou_status
            existing = Existing(pk, status, progress, quote, source_id)
            self.follow_ups.setdefault(identity, existing)

    def find_mou(self, text):
        """The MoU a cell names: by reference, else by slug (case-insensitive)."""
        return self.by_reference.get(text) or self.by_slug.get(text.lower())

    def owners_of(self, description_key, other_than):
        """The MoUs (by reference, else slug) that have a commitment so described, other
        than ``other_than``'s id. Reads every commitment once, and only for an error."""
        if self._elsewhere is None:
            self._elsewhere = {}
            commitments = Commitment.objects.values_list(
                "description", "mou_id", "mou__reference", "mou__slug"
            )
            for description, mou_id, reference, slug in commitments.iterator():
                owners = self._elsewhere.setdefault(key(description), {})
                owners[mou_id] = reference or slug
        owners = self._elsewhere.get(description_key, {})
        return sorted(name for mou_id, name in owners.items() if mou_id != other_than)


def quoted_list(texts, most=MOST_CHOICES):
    """'A', 'B' and 3 more: a short list of texts for a message."""
    shown = ", ".join(f"'{short(text, 50)}'" for text in texts[:most])
    rest = len(texts) - most
    return f"{shown} and {rest} more" if rest > 0 else shown


def as_cell_problem(message):
    """A model's message as a cell's problem, which ends with no full stop."""
    return message.rstrip(".")


class FollowUpParser(CellParser):
    """Validates follow-up rows against a ``FollowUpRegistry``: a method per column (the
    source columns are ``CellParser``'s), then the model's own rules."""

    column_set = FOLLOW_UP_COLUMNS
    row_class = FollowUpRow

    def __init__(self, registry):
        super().__init__(registry)
        self.column_order = {column: n for n, column in enumerate(self.column_set.names)}
        self.mou_statuses = by_key(MouStatus)
        self.commitment_statuses = by_key(CommitmentStatus)

    def parse(self, number, raw):
        row, errors = super().parse(number, raw)
        if row.mou is not None and row.dated_on is not None:
            failed = {error.column for error in errors}
            errors += [error for error in self.rules(row) if error.column not in failed]
            errors.sort(key=lambda error: self.column_order.get(error.column, -1))
        return row, errors

    def rules(self, row):
        """The row's breaches of ``FollowUp.clean()`` as row errors in their columns."""
        try:
            row.as_follow_up().clean()
        except ValidationError as problem:
            return [
                RowError(row.number, RULE_COLUMNS.get(field), as_cell_problem(message))
                for field, messages in problem.message_dict.items()
                for message in messages
            ]
        return []

    def mou(self, row, text):
        if not text:
            yield "is required: the MoU's reference or slug"
            return
        row.mou = self.registry.find_mou(text)
        if row.mou is None:
            yield f"no MoU has the reference or slug '{short(text)}'"

    def commitment(self, row, text):
        if not text or row.mou is None:
            return
        found = self.registry.commitments[row.mou.pk].get(key(text), [])
        if len(found) == 1:
            row.commitment = found[0]
            return
        if found:
            yield (
                f"'{short(text)}' matches {len(found)} of this MoU's commitments; give them "
                "different descriptions on the MoU's page first"
            )
            return
        problem = f"'{short(text)}' is not a commitment of this MoU"
        owners = self.registry.owners_of(key(text), row.mou.pk)
        if owners:
            problem += f" but of {quoted_list(owners, 2)}"
        descriptions = self.registry.descriptions[row.mou.pk]
        if descriptions:
            yield f"{problem}; its commitments are: {quoted_list(descriptions)}"
        else:
            yield f"{problem}; it has none: leave the cell empty for news about the MoU"

    def date(self, row, text):
        if not text:
            yield "is required: YYYY-MM-DD, YYYY-MM or YYYY"
            return
        try:
            row.dated_on, row.precision = parse_signed_on(text)
        except ValueError as problem:
            yield str(problem)

    def status(self, row, text):
        if not text:
            return
        if row.cells.get("commitment"):
            choices, other, allowed = self.commitment_statuses, self.mou_statuses, CommitmentStatus
            problem = f"'{short(text)}' is not a commitment's status"
            hint = "the MoU's status goes in a row with an empty commitment"
        else:
            choices, other, allowed = self.mou_statuses, self.commitment_statuses, MouStatus
            problem = f"'{short(text)}' is not an MoU's status"
            hint = "a commitment's status needs the commitment named"
        row.status = choices.get(key(text), "")
        if not row.status:
            if key(text) in other:
                problem += f" ({hint})"
            yield f"{problem}; use one of: {', '.join(allowed.values)}"

    def progress(self, row, text):
        if not text:
            return
        if not row.cells.get("commitment"):
            yield "progress is reported against a commitment: name one in the commitment column"
            return
        try:
            value = Decimal(text.replace(",", ""))
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            yield f"'{short(text)}' is not a number"
        elif value < 0:
            yield f"{short(text)} is negative"
        elif value != value.quantize(Decimal("0.01")) or value >= 10**14:
            yield f"{short(text)} does not fit: at most 14 digits and 2 decimals"
        else:
            row.progress = value

    def summary(self, row, text):
        row.summary = text
        if not text:
            yield "is required: what happened"

    def quote(self, row, text):
        row.quote = text
        return ()


@dataclass(slots=True)
class FollowUpPlan:
    rows: list  # a FollowUpRow per valid row, None per invalid one
    report: ImportReport
    parser: FollowUpParser


def plan_follow_ups(table, *, report=None, progress=None, describe=False):
    """Validate and match every row of ``table``; reads the database, never writes.

    With ``describe``, each valid row's outcome says what it matched, for a preview.
    """
    report = report or ImportReport(kinds=("new", "unchanged"))
    report.errors.extend(table.errors)
    parser = FollowUpParser(FollowUpRegistry(table))
    rows, seen = [], {}
    total = len(table.rows)
    for index, (number, raw) in enumerate(table.rows, 1):
        row, errors = parser.parse(number, raw)
        mou = row.mou
        row.outcome = RowOutcome(
            number, "", row.cells, mou.pk if mou else None, mou.title if mou else ""
        )
        if not errors:
            errors = _decide(row, parser.registry, seen)
        if errors:
            report.errors.extend(errors)
            row.outcome.kind = "error"
        elif describe:
            describe_matches(row)
        report.outcomes.append(row.outcome)
        rows.append(None if errors else row)
        if progress and (index % 500 == 0 or index == total):
            progress("checked", index, total)
    report.errors.sort(key=lambda e: e.row or 0)
    return FollowUpPlan(rows, report, parser)


def _decide(row, registry, seen):
    """Mark a valid row new or unchanged; the errors if it repeats a row above or an
    existing follow-up with other values."""
    identity = row.identity()
    if identity in seen:
        return [RowError(row.number, None, f"is the same follow-up as row {seen[identity]}")]
    seen[identity] = row.number
    existing = registry.follow_ups.get(identity)
    if existing is None:
        row.outcome.kind = "new"
        return []
    errors = [
        RowError(
            row.number,
            column,
            "the registry already has this follow-up (same MoU, commitment, date and "
            f"summary) with {what}; change it on the MoU's page, or give this news a "
            "summary of its own",
        )
        for column, what in _differences(row, existing)
    ]
    if not errors:
        row.outcome.kind = "unchanged"
        row.outcome.object_id = existing.pk
    return errors


def _differences(row, existing):
    """What a row says differently from the follow-up it repeats, as (column, the
    existing value in words); an empty cell says nothing."""
    if row.status and row.status != existing.status:
        label = STATUS_LABELS.get(existing.status, "")
        yield "status", f"the status '{label.lower()}'" if label else "no status"
    if row.progress is not None and row.progress != existing.progress:
        had = existing.progress
        yield "progress", "no progress" if had is None else f"progress {had.normalize():f}"
    if row.quote and row.quote != existing.quote:
        yield "quote", "another quote" if existing.quote else "no quote"
    if row.source != existing.source_id:
        yield "source_url", "another source"


def describe_matches(row):
    """The outcome's ``matched``: the MoU by its title, the commitment matched (None for
    news about the MoU), the date and status as the registry shows them, the source
    (marked new when the import creates it)."""
    follow_up = row.as_follow_up()
    cells = row.cells
    row.outcome.matched = {
        "mou": Match(row.mou.title),
        "commitment": Match(row.commitment.description) if row.commitment else None,
        "date": format_partial_date(row.dated_on, row.precision),
        "status": follow_up.reported_status or "",
        "progress": follow_up.progress_display,
        "source": Match(
            cells.get("source_title") or cells.get("source_url", ""),
            new=isinstance(row.source, tuple),
        ),
    }


def apply_follow_ups(plan, *, user=None, via=ImportRecord.Via.COMMAND, progress=None):
    """Write a plan without errors, in one transaction; returns the ``ImportRecord`` or
    None when every row is unchanged.

    Raises ``IntegrityError`` when an MoU or a commitment a row names was deleted since
    the plan was made (checked before the transaction ends, on both databases); the
    transaction is then rolled back.
    """
    report = plan.report
    if report.errors:
        raise ValueError("A plan with errors cannot be applied.")
    new = [row for row in plan.rows if row and row.outcome.kind == "new"]
    if not new:
        return None
    with transaction.atomic():
        record = ImportRecord.objects.create(
            kind=ImportRecord.Kind.FOLLOW_UPS,
            user=user,
            via=via,
            file_name=report.file_name[:255],
            checksum=report.checksum,
            new=len(new),
            unchanged=report.count("unchanged"),
        )
        ids = create_sources(plan.parser)
        if progress:
            progress("written", 0, len(new))
        for start in range(0, len(new), BATCH_SIZE):
            batch = new[start : start + BATCH_SIZE]
            follow_ups = [
                row.as_follow_up(
                    source_id=ids[row.source] if isinstance(row.source, tuple) else row.source,
                    created_by_import=record,
                )
                for row in batch
            ]
            FollowUp.objects.bulk_create(follow_ups)
            for row, follow_up in zip(batch, follow_ups, strict=True):
                row.outcome.object_id = follow_up.pk
            if progress:
                progress("written", start + len(batch), len(new))
        # Foreign keys are checked at the commit on both databases: check them here, so a
        # row whose MoU or commitment went meanwhile fails this import, not its caller.
        connection.check_constraints(table_names=[FollowUp._meta.db_table])
        written = Mou.objects.filter(pk__in=record.created_follow_ups.values("mou_id"))
        finish_import(written, record, user)
    report.record = record
    return record
