"""The import format's columns and how a cell's text is written and read.

Shared by the import and by the exports (``agreements.resources``), so that an
export re-imports to exactly the values it came from.
"""

import datetime
import re

from ..models import Cluster, Mou, Party, Precision, Programme, Source

COLUMNS = [
    "reference",
    "title",
    "signed_on",
    "date_kind",
    "states",
    "parties",
    "programmes",
    "sectors",
    "clusters",
    "commitments",
    "status",
    "summary",
    "source_url",
    "source_title",
    "source_publisher",
    "source_published_on",
    "published",
]
REQUIRED_COLUMNS = ["title", "states", "parties"]
SOURCE_COLUMNS = ["source_url", "source_title"]
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
    """(date, precision) from YYYY-MM-DD, YYYY-MM or YYYY; ValueError with the reason."""
    match = _DATE_RE.match(text)
    if not match:
        raise ValueError(f"{short(text)} is not a date: use YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = match.groups()
    try:
        value = datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise ValueError(f"{text} is not a valid date") from None
    precision = Precision.DAY if day else Precision.MONTH if month else Precision.YEAR
    return value, precision


def parse_full_date(text):
    """A date from YYYY-MM-DD only (a source's publication); ValueError with the reason."""
    match = _FULL_DATE_RE.match(text)
    try:
        if not match:
            raise ValueError
        return datetime.date(*map(int, match.groups()))
    except ValueError:
        raise ValueError(f"{short(text)} is not a valid date (YYYY-MM-DD)") from None
