"""What an import says: its errors, one outcome per row, and the summary line."""

from dataclasses import dataclass, field

from django.template.defaultfilters import pluralize

from ..models import ImportRecord

# The errors a report lists one by one; the rest are counted. A file with more is one
# mistake repeated (a column shifted, the wrong file), and a page or a terminal listing
# every one of 20,000 rows helps no one.
LISTED_ERRORS = 100


def listed(errors):
    """The first ``LISTED_ERRORS`` errors as text, then a line counting the others."""
    lines = [str(error) for error in errors[:LISTED_ERRORS]]
    if len(errors) > LISTED_ERRORS:
        rest = len(errors) - LISTED_ERRORS
        lines.append(f"... and {rest:,} more error{pluralize(rest)}, not listed.")
    return lines


class ImportFileError(Exception):
    """The file cannot be imported at all (not UTF-8, not CSV or XLSX, empty, bad header)."""

    def __init__(self, messages):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("; ".join(self.messages))


@dataclass(slots=True)
class RowError:
    """One problem, in the one form every report uses: "row 3, column signed_on: ..."."""

    row: int | None
    column: str | None
    message: str

    def __str__(self):
        if self.row is None:
            return self.message
        if self.column is None:
            return f"row {self.row}: {self.message}"
        return f"row {self.row}, column {self.column}: {self.message}"


@dataclass(slots=True)
class Match:
    """A name in a row as the registry knows it, or ``new`` when the import creates it
    (``where``: the state a new cluster is created in)."""

    name: str
    new: bool = False
    where: str = ""


@dataclass(slots=True)
class RowOutcome:
    row: int
    kind: str  # "new", "update", "unchanged" or "error"
    cells: dict
    mou_id: int | None = None
    title: str = ""
    changes: list = field(default_factory=list)
    # For a preview: what each list column matched, as Matches (None for an update's
    # empty cell, which leaves the list as it is); only when asked for.
    matched: dict | None = None
    # The follow-up import: the follow-up the row wrote, or the one it repeats.
    object_id: int | None = None


@dataclass(slots=True)
class ImportReport:
    file_name: str = ""
    checksum: str = ""
    dry_run: bool = False
    outcomes: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    new_parties: list = field(default_factory=list)
    record: ImportRecord | None = None
    # The outcomes the summary counts: an import that never updates leaves "update" out.
    kinds: tuple = ("new", "update", "unchanged")

    def count(self, kind):
        return sum(1 for outcome in self.outcomes if outcome.kind == kind)

    @property
    def ok(self):
        return not self.errors

    @property
    def listed_errors(self):
        """The errors as the admin and the command list them (``listed``)."""
        return listed(self.errors)

    @property
    def written(self):
        return self.record is not None

    def summary(self):
        errors = len(self.errors)
        words = {"new": "new", "update": "updated", "unchanged": "unchanged"}
        counts = [f"{self.count(kind)} {words[kind]}" for kind in self.kinds]
        text = f"{', '.join(counts)}, {errors} error{pluralize(errors)}"
        if self.new_parties:
            parties = len(self.new_parties)
            text += (
                f"; {parties} new part{pluralize(parties, 'y,ies')}: {', '.join(self.new_parties)}"
            )
        if self.errors:
            text += "; nothing was written"
        elif self.dry_run:
            text += "; dry run, nothing was written"
        return text
