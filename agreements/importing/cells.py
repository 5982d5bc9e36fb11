"""The import format's columns and how a cell's text is written and read.

Shared by the import and by the exports (``agreements.resources``), so that an
export re-imports to exactly the values it came from.
"""

import datetime
import re
from dataclasses import dataclass

from ..models import Cluster, Mou, Party, Precision, Programme, Source
from ..models.entities import EARLIEST_YEAR, unreported_date


def codes(values):
    return ", ".join(f"`{value}`" for value in values)


_LATER_STATUSES = [s for s in Mou.Status.values if s not in Mou.Status.from_signing()]

SOURCE_COLUMNS = ["source_url", "source_title"]


def source_descriptions(reported):
    """The source columns, which every import format shares, for the article reporting
    ``reported`` ("the MoU")."""
    return {
        "source_url": f"The article reporting {reported}: an http(s) URL.",
        "source_title": "Its headline.",
        "source_publisher": "Who published it.",
        "source_published_on": f"`YYYY-MM-DD`, from {EARLIEST_YEAR} to today.",
    }


@dataclass(frozen=True, slots=True)
class ColumnSet:
    """An import format's columns: each with what it means, in their order (the one
    definition its import page shows and the README's table repeats; a test holds them
    equal), which must be given, what a row is ("MoUs") and the ``manage.py`` command
    that imports it (``import_mous``), for messages. ``one_of``: the two columns of which
    at least one must be given (the source's)."""

    rows_are: str
    command: str
    descriptions: dict
    required: tuple
    one_of: tuple = tuple(SOURCE_COLUMNS)

    @property
    def names(self):
        return list(self.descriptions)

    @property
    def command_line(self):
        """How to run its import on the server, as the admin and its messages say it."""
        return f"python manage.py {self.command} FILE"

    def requirement(self, column):
        """Whether a column must be given: "yes", "no", or "one of the two" (the source's)."""
        if column in self.required:
            return "yes"
        return "one of the two" if column in self.one_of else "no"


# The MoU import's columns. `code` marks a value as it is written in a cell.
MOU_COLUMNS = ColumnSet(
    rows_are="MoUs",
    command="import_mous",
    descriptions={
        "reference": "A stable identifier of the MoU. A row whose reference exists updates "
        "that MoU.",
        "title": "The MoU's title, as the registry shows it.",
        "signed_on": f"`YYYY-MM-DD`, `YYYY-MM` or `YYYY`, from {EARLIEST_YEAR} to today; the "
        "precision is kept. Empty: not reported.",
        "date_kind": "What the date is: `signed` (default), `announced` or `reported` (first "
        "reported), when the source gives only the day it announced or reported the signing.",
        "states": "One or more states or union territories, by name or ISO 3166-2:IN code "
        "(`GJ` or `IN-GJ`), case-insensitive. A code from before the latest ISO revision "
        "(`OR` for Odisha) matches too.",
        "parties": "Two or more organisations, matched to existing parties by name, short "
        "name or another known name (case- and space-insensitive). Unknown ones are created "
        "as unclassified and listed in the summary; classify them in the admin afterwards.",
        "programmes": "Matched by name, or created.",
        "sectors": "From the controlled vocabulary (Sectors in the admin); an unknown sector "
        "is an error listing the allowed ones.",
        "clusters": "Each as `Place: product` (`Moradabad: brassware`) or just `Place`; an "
        "MoU's own cluster of that name is kept, otherwise it is matched in the row's states "
        "(in their order) or created in its first state.",
        "commitments": "Each a description; becomes a commitment with status `pledged`, "
        "citing the row's source.",
        "status": "What the source reports: `announced`, `reported` (a tie-up reported, no "
        "memorandum said to be signed), `signed` (default); or, from a later article, "
        f"{codes(_LATER_STATUSES)}: the row's source is then recorded as the source of that "
        "status.",
        "summary": "A few sentences on what the MoU is for.",
        **source_descriptions("the MoU"),
        "published": "`yes`/`no`, `true`/`false`, `1`/`0`; default `yes`.",
    },
    required=("title", "states", "parties"),
)
COLUMN_DESCRIPTIONS = MOU_COLUMNS.descriptions
COLUMNS = MOU_COLUMNS.names
REQUIRED_COLUMNS = list(MOU_COLUMNS.required)
column_requirement = MOU_COLUMNS.requirement


LIST_SEPARATOR = ";"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_LENGTHS = {
    "reference": Mou._meta.get_field("reference").max_length,
    "title": Mou._meta.get_field("title").max_length,
    "party": Party._meta.get_field("name").max_length,
    "programme": Programme._meta.get_field("name").max_length,
    "place": Cluster._meta.get_field("place").max_length,
    "product": Cluster._meta.get_field("product").max_length,
    "source_url": Source._meta.get_field("url").max_length,
    "source_title": Source._meta.get_field("title").max_length,
    "source_publisher": Source._meta.get_field("publisher").max_length,
}

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_FULL_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_SPLIT_RE = re.compile(r"(?<!\\);")


def key(text):
    """How names are compared: case-insensitive, with runs of spaces as one space."""
    return " ".join(str(text).split()).casefold()


def short(value, limit=60):
    """A value shortened to fit in an error message."""
    value = " ".join(str(value).split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _looks_escaped(value):
    """Whether ``value`` starts with a formula character, after any number of 's."""
    return value.lstrip("'").startswith(FORMULA_PREFIXES)


def escape_formula(value):
    """Prefix a ' to a cell a spreadsheet would run as a formula (=, +, -, @, tab, CR).

    A value that already starts with 's before such a character gets one more, so that
    ``unescape_formula`` always gives back the value written: '=x is exported as ''=x.
    """
    if isinstance(value, str) and _looks_escaped(value):
        return "'" + value
    return value


def unescape_formula(value):
    """Undo ``escape_formula``, so an export re-imports to the values it came from."""
    if value.startswith("'") and _looks_escaped(value):
        return value[1:]
    return value


def clean_cell(value):
    """A cell as the import stores it: without surrounding spaces, and unescaped.

    Spaces are removed before unescaping, so what follows an escaping ' (a tab, a
    CR) is kept as written.
    """
    return unescape_formula(str(value).strip())


def split_list(cell):
    """A cell's ;-separated items, stripped, without empty ones; \\; is a literal ;."""
    items = (item.replace("\\;", ";").strip() for item in _SPLIT_RE.split(cell))
    return [item for item in items if item]


def join_list(items):
    """The inverse of ``split_list``: items joined with "; ", a ; inside one as \\;."""
    return f"{LIST_SEPARATOR} ".join(
        str(item).replace(LIST_SEPARATOR, "\\" + LIST_SEPARATOR) for item in items
    )


def format_signed_on(value, precision):
    """A signing date as the import format writes it: YYYY-MM-DD, YYYY-MM, YYYY or empty."""
    if value is None or precision == Precision.UNKNOWN:
        return ""
    if precision == Precision.YEAR:
        return f"{value.year:04d}"
    if precision == Precision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def parse_signed_on(text):
    """(date, precision) from YYYY-MM-DD, YYYY-MM or YYYY, a date the registry may hold
    (``unreported_date``); ValueError with the reason."""
    value, precision = read_partial_date(text)
    return _reported(value, text), precision


def read_partial_date(text):
    """(date, precision) from YYYY-MM-DD, YYYY-MM or YYYY, whatever the date;
    ValueError with the reason."""
    match = _DATE_RE.match(text)
    if not match:
        raise ValueError(f"{short(text)} is not a date: use YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = match.groups()
    try:
        value = datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise ValueError(f"{text} is not a valid date") from None
    return value, Precision.DAY if day else Precision.MONTH if month else Precision.YEAR


def parse_full_date(text):
    """A date from YYYY-MM-DD only (a source's publication), a date the registry may hold
    (``unreported_date``); ValueError with the reason."""
    match = _FULL_DATE_RE.match(text)
    try:
        if not match:
            raise ValueError
        value = datetime.date(*map(int, match.groups()))
    except ValueError:
        raise ValueError(f"{short(text)} is not a valid date (YYYY-MM-DD)") from None
    return _reported(value, text)


def _reported(day, text):
    """``day``, read from ``text``, unless the registry may not hold it."""
    if problem := unreported_date(day):
        raise ValueError(f"{text} {problem}")
    return day
