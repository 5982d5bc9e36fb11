"""
Importing MoUs from a CSV or XLSX file: read, validate, match, then write.

One code path serves the admin (through ``agreements.resources.MouResource``)
and ``manage.py import_mous``:

1. ``read_table`` turns the file's bytes into a header and rows of text, or
   raises ``ImportFileError`` for a file it cannot use at all.
2. ``plan_import`` validates every row and matches it against the registry,
   collecting every error; it only reads (a fixed number of queries, whatever
   the number of rows: states, parties, programmes, sectors, clusters, sources
   and MoUs are loaded into dicts once).
3. ``apply_plan`` writes a plan without errors in bulk, inside one transaction,
   and records the import (``ImportRecord``).

``import_file`` runs all three; a dry run stops after the plan. If any row has
an error nothing is written.
"""

import csv
import datetime
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from .models import (
    Cluster,
    Commitment,
    ImportRecord,
    Mou,
    MouParty,
    Party,
    Precision,
    Programme,
    Sector,
    Source,
    State,
    publication_time,
)

COLUMNS = [
    "reference",
    "title",
    "signed_on",
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
TRUE_WORDS = {"yes", "true", "1", "y"}
FALSE_WORDS = {"no", "false", "0", "n"}
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
BATCH_SIZE = 500
CHUNK = 900  # ids per IN (...) query, under SQLite's parameter limit

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_FULL_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_SPLIT_RE = re.compile(r"(?<!\\);")
_url_validator = URLValidator(schemes=["http", "https"])


# --- Small helpers -----------------------------------------------------------------------


def key(text):
    """How names are compared: case-insensitive, with runs of spaces as one space."""
    return " ".join(str(text).split()).casefold()


def escape_formula(value):
    """Prefix a ' to a cell a spreadsheet would run as a formula (=, +, -, @, tab, CR)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unescape_formula(value):
    """Undo ``escape_formula``, so an export re-imports to the values it came from."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


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


def short(value, limit=60):
    value = " ".join(str(value).split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def checksum(data):
    return hashlib.sha256(data).hexdigest()


def unique_slugs(model, texts, max_length=80):
    """Unique slugs for new rows of ``model``, from one query for the slugs in use."""
    taken = set(model._default_manager.values_list("slug", flat=True))
    slugs = []
    for text in texts:
        base = slugify(text)[:max_length].strip("-") or "item"
        slug, n = base, 2
        while slug in taken:
            suffix = f"-{n}"
            slug = f"{base[: max_length - len(suffix)]}{suffix}"
            n += 1
        taken.add(slug)
        slugs.append(slug)
    return slugs


def chunked(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- Errors and the report ---------------------------------------------------------------


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
class RowOutcome:
    row: int
    kind: str  # "new", "update", "unchanged" or "error"
    cells: dict
    mou_id: int | None = None
    title: str = ""
    changes: list = field(default_factory=list)


@dataclass(slots=True)
class ImportReport:
    file_name: str = ""
    checksum: str = ""
    dry_run: bool = False
    outcomes: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    new_parties: list = field(default_factory=list)
    record: ImportRecord | None = None

    def count(self, kind):
        return sum(1 for outcome in self.outcomes if outcome.kind == kind)

    @property
    def ok(self):
        return not self.errors

    @property
    def written(self):
        return self.record is not None

    def summary(self):
        text = (
            f"{self.count('new')} new, {self.count('update')} updated, "
            f"{self.count('unchanged')} unchanged, {len(self.errors)} errors"
        )
        if self.new_parties:
            text += f"; {len(self.new_parties)} new parties: {', '.join(self.new_parties)}"
        if self.errors:
            text += "; nothing was written"
        elif self.dry_run:
            text += "; dry run, nothing was written"
        return text


# --- Reading the file --------------------------------------------------------------------


@dataclass(slots=True)
class Table:
    """A file's header (normalised column names) and rows (spreadsheet row number, cells)."""

    columns: list
    rows: list
    errors: list = field(default_factory=list)


def _xlsx_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data):
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(
            f"The file looks like XLSX but cannot be read ({type(error).__name__})."
        ) from error
    try:
        sheet = workbook.worksheets[0]
        records = []
        for cells in sheet.iter_rows(values_only=True):
            record = [_xlsx_cell(value) for value in cells]
            while record and record[-1] == "":
                record.pop()  # spreadsheets pad rows with empty cells
            records.append(record)
    finally:
        workbook.close()
    return records, True


def _read_csv(data):
    if b"\x00" in data[:4096]:
        raise ImportFileError("The file is not CSV or XLSX (it contains binary data).")
    try:
        data.decode("utf-8-sig")  # only to check: the reader below decodes line by line
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"The file is not UTF-8 text (byte {error.start + 1} cannot be read); "
            "save it as 'CSV UTF-8' or as XLSX."
        ) from error
    # Not StringIO(text), which holds the whole text at 4 bytes a character.
    lines = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    reader = csv.reader(lines, strict=True)
    try:
        records = list(reader)
    except csv.Error as error:
        raise ImportFileError(
            f"The file is not valid CSV (line {reader.line_num}: {error})."
        ) from error
    return records, False


def read_records(data):
    """The file's rows as lists of strings, from CSV (UTF-8) or XLSX bytes."""
    if not data or not data.strip():
        raise ImportFileError("The file is empty.")
    if data[:4] == b"PK\x03\x04" and zipfile.is_zipfile(io.BytesIO(data)):
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(
            "The file is an old Excel (.xls) workbook; save it as XLSX or CSV UTF-8."
        )
    return _read_csv(data)


def check_header(raw_header):
    """Normalised column names, or ``ImportFileError`` listing every problem with them."""
    columns = [key(name) for name in raw_header]
    problems = []
    seen = {}
    for position, name in enumerate(columns, 1):
        if not name:
            problems.append(f"Column {position} of the header has no name.")
        elif name not in COLUMNS:
            problems.append(
                f"Unknown column '{short(raw_header[position - 1])}'; "
                f"the columns are: {', '.join(COLUMNS)}."
            )
        elif name in seen:
            problems.append(f"Column '{name}' appears twice (columns {seen[name]} and {position}).")
        else:
            seen[name] = position
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            problems.append(f"Required column '{name}' is missing.")
    if not any(name in seen for name in SOURCE_COLUMNS):
        problems.append("A 'source_url' or a 'source_title' column is required.")
    if problems:
        raise ImportFileError(problems)
    return columns


def read_table(data):
    """Read and check a whole file: header problems raise, row shape problems are collected."""
    records, padded = read_records(data)
    while records and not any(cell.strip() for cell in records[-1]):
        records.pop()
    first = 0
    while first < len(records) and not any(cell.strip() for cell in records[first]):
        first += 1  # blank lines above the header
    if first == len(records):
        raise ImportFileError("The file is empty.")
    columns = check_header(records[first])
    rows, errors = [], []
    width = len(columns)
    for number, cells in enumerate(records[first + 1 :], first + 2):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        if len(cells) > width:
            errors.append(
                RowError(number, None, f"has {len(cells)} cells, but the header has {width}")
            )
            continue
        if len(cells) < width and not padded:
            errors.append(
                RowError(number, None, f"has {len(cells)} cells, but the header has {width}")
            )
            continue
        cells = cells + [""] * (width - len(cells))
        rows.append((number, dict(zip(columns, cells, strict=True))))
    if not rows and not errors:
        raise ImportFileError("The file has a header row but no MoUs.")
    return Table(columns, rows, errors)


def table_from_rows(header, rows):
    """A ``Table`` from a header and rows already read (a tablib Dataset, a test)."""
    columns = check_header([str(name) for name in header])
    out = []
    for number, cells in enumerate(rows, 2):
        cells = ["" if cell is None else _xlsx_cell(cell) for cell in cells]
        if any(cell.strip() for cell in cells):
            out.append((number, dict(zip(columns, cells, strict=False))))
    if not out:
        raise ImportFileError("The file has a header row but no MoUs.")
    return Table(columns, out)


# --- What the registry already holds -----------------------------------------------------


class Registry:
    """Everything an import matches against, loaded once into dicts (not one query per row)."""

    def __init__(self):
        self.states = {}
        for state in State.objects.all():
            names = [state.name, state.code, state.iso_code]
            for former in state.former_codes.replace(";", ",").split(","):
                if former.strip():
                    names += [former.strip(), f"IN-{former.strip()}"]
            for name in names:
                self.states[key(name)] = state
        self.state_names = {state.pk: state.name for state in self.states.values()}

        # A party's own name beats another party's short or other name; two parties
        # answering to the same short or other name make it ambiguous.
        self.parties, self.ambiguous_parties = {}, {}
        parties = list(Party.objects.only("pk", "name", "short_name", "other_names"))
        for party in parties:
            self.parties[key(party.name)] = party.pk
        names = set(self.parties)
        for party in parties:
            for alias in party.aliases[1:]:
                alias_key = key(alias)
                if alias_key in names:
                    continue
                other = self.parties.setdefault(alias_key, party.pk)
                if other != party.pk:
                    self.ambiguous_parties.setdefault(alias_key, {other}).add(party.pk)
        party_names = {party.pk: party.name for party in parties}
        for alias_key, pks in self.ambiguous_parties.items():
            self.parties.pop(alias_key, None)
            self.ambiguous_parties[alias_key] = sorted(party_names[pk] for pk in pks)
        self.programmes = {key(p.name): p.pk for p in Programme.objects.only("pk", "name")}
        sectors = list(Sector.objects.only("pk", "name"))
        self.sectors = {key(s.name): s.pk for s in sectors}
        self.sector_names = [s.name for s in sectors]
        self.clusters = {
            (state_id, key(place), key(product)): pk
            for pk, state_id, place, product in Cluster.objects.values_list(
                "pk", "state_id", "place", "product"
            )
        }
        self.sources_by_url, self.sources_by_title = {}, {}
        for pk, url, title in Source.objects.order_by("pk").values_list("pk", "url", "title"):
            if url:
                self.sources_by_url.setdefault(url.strip(), pk)
            self.sources_by_title.setdefault(key(title), pk)
        self.mous_by_reference, self.mous_by_title = {}, {}
        self.mou_count = 0
        for pk, reference, title, signed_on, precision in Mou.objects.values_list(
            "pk", "reference", "title", "signed_on", "signed_on_precision"
        ):
            self.mou_count += 1
            if reference:
                self.mous_by_reference[reference] = pk
            title_key = (key(title), signed_on, precision)
            self.mous_by_title.setdefault(title_key, []).append((pk, reference))

    def load_mous(self, ids):
        """The current content of the given MoUs, in a fixed number of queries per 900 MoUs."""
        ids = set(ids)
        current = {}
        if not ids:
            return current
        everything = len(ids) * 2 > self.mou_count
        for chunk in [None] if everything else chunked(ids):

            def only(queryset, field="mou_id", chunk=chunk):
                return queryset if chunk is None else queryset.filter(**{f"{field}__in": chunk})

            for row in only(Mou.objects.all(), "pk").values_list(
                "pk",
                "reference",
                "title",
                "signed_on",
                "signed_on_precision",
                "status",
                "summary",
                "published",
                "published_at",
            ):
                if row[0] in ids:
                    current[row[0]] = CurrentMou(*row)
            for mou_id, state_id in only(Mou.states.through.objects.all()).values_list(
                "mou_id", "state_id"
            ):
                if mou_id in current:
                    current[mou_id].states.add(state_id)
            for mou_id, party_id in (
                only(MouParty.objects.all())
                .order_by("order", "pk")
                .values_list("mou_id", "party_id")
            ):
                if mou_id in current:
                    current[mou_id].parties.append(party_id)
            for mou_id, programme_id in only(Mou.programmes.through.objects.all()).values_list(
                "mou_id", "programme_id"
            ):
                if mou_id in current:
                    current[mou_id].programmes.add(programme_id)
            for mou_id, sector_id in only(Mou.sectors.through.objects.all()).values_list(
                "mou_id", "sector_id"
            ):
                if mou_id in current:
                    current[mou_id].sectors.add(sector_id)
            for mou_id, cluster_id, place, product in only(
                Mou.clusters.through.objects.all()
            ).values_list("mou_id", "cluster_id", "cluster__place", "cluster__product"):
                if mou_id in current:
                    current[mou_id].clusters.add(cluster_id)
                    current[mou_id].cluster_keys[(key(place), key(product))] = cluster_id
            for mou_id, description in only(Commitment.objects.all()).values_list(
                "mou_id", "description"
            ):
                if mou_id in current:
                    current[mou_id].commitments.add(key(description))
            for mou_id, source_id in only(Mou.sources.through.objects.all()).values_list(
                "mou_id", "source_id"
            ):
                if mou_id in current:
                    current[mou_id].sources.add(source_id)
        return current


@dataclass(slots=True)
class CurrentMou:
    pk: int
    reference: str
    title: str
    signed_on: datetime.date | None
    precision: str
    status: str
    summary: str
    published: bool
    published_at: datetime.datetime | None
    states: set = field(default_factory=set)
    parties: list = field(default_factory=list)
    programmes: set = field(default_factory=set)
    sectors: set = field(default_factory=set)
    clusters: set = field(default_factory=set)
    cluster_keys: dict = field(default_factory=dict)
    commitments: set = field(default_factory=set)
    sources: set = field(default_factory=set)


# --- Validating rows ---------------------------------------------------------------------


@dataclass(slots=True)
class ParsedRow:
    """A valid row: values, with names resolved to ids or to markers of things to create."""

    number: int
    cells: dict
    reference: str = ""
    title: str = ""
    signed_on: datetime.date | None = None
    precision: str = Precision.UNKNOWN
    states: list = field(default_factory=list)
    parties: list = field(default_factory=list)  # party ids, or ("party", key)
    programmes: list = field(default_factory=list)  # ids, or ("programme", key)
    sectors: list = field(default_factory=list)
    clusters: list = field(default_factory=list)  # (place, product) pairs, resolved later
    commitments: list = field(default_factory=list)
    status: str = ""
    summary: str = ""
    source: object = None  # an id, or ("source", key)
    published: bool | None = None
    mou_id: int | None = None
    outcome: object = None


def parse_date(text):
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


class Planner:
    """Validates rows against a ``Registry`` and decides what each one does."""

    def __init__(self, registry):
        self.registry = registry
        self.new_parties = {}  # key -> name as first written
        self.new_programmes = {}
        self.new_sources = {}  # key -> dict of Source fields
        self.markers = {}
        self.statuses = {value: value for value in Mou.Status.values}
        self.statuses.update({key(label): value for value, label in Mou.Status.choices})

    def marker(self, kind, marker_key):
        """The (kind, key) stand-in for a party, programme or source the import creates.

        One tuple per new thing, however many rows name it. The kind keeps a new party
        and a new programme of the same name apart.
        """
        return self.markers.setdefault((kind, marker_key), (kind, marker_key))

    def parse(self, number, raw):
        """A ``ParsedRow``, and the list of ``RowError`` for the row."""
        cells = {
            column: unescape_formula(str(value).strip()).strip() for column, value in raw.items()
        }
        if cells == raw:
            cells = raw  # the usual case: share the table's dict rather than hold two
        errors = []
        row = ParsedRow(number, cells)

        def error(column, message):
            errors.append(RowError(number, column, message))

        def text(column, limit_name=None):
            value = cells.get(column, "")
            limit = MAX_LENGTHS.get(limit_name or column)
            if limit and len(value) > limit:
                error(column, f"is {len(value)} characters long; at most {limit} fit")
            return value

        row.reference = text("reference")
        row.title = text("title")
        if not row.title:
            error("title", "is required")

        if cells.get("signed_on"):
            try:
                row.signed_on, row.precision = parse_date(cells["signed_on"])
            except ValueError as problem:
                error("signed_on", str(problem))

        for name in split_list(cells.get("states", "")):
            state = self.registry.states.get(key(name))
            if state is None:
                error("states", f"unknown state or union territory '{short(name)}'")
            elif state.pk not in row.states:
                row.states.append(state.pk)
        if not row.states and not any(e.column == "states" for e in errors):
            error("states", "at least one state or union territory is required")

        seen_parties = set()
        names = split_list(cells.get("parties", ""))
        for name in names:
            name_key = key(name)
            if len(name) > MAX_LENGTHS["party"]:
                error(
                    "parties", f"'{short(name)}' is longer than {MAX_LENGTHS['party']} characters"
                )
                continue
            if name_key in self.registry.ambiguous_parties:
                matches = ", ".join(sorted(self.registry.ambiguous_parties[name_key]))
                error("parties", f"'{short(name)}' could be any of: {matches}; use the full name")
                continue
            ref = self.registry.parties.get(name_key)
            if ref is None:
                ref = self.marker("party", name_key)
                self.new_parties.setdefault(name_key, name)
            if ref in seen_parties:
                error("parties", f"'{short(name)}' names the same party twice")
                continue
            seen_parties.add(ref)
            row.parties.append(ref)
        if len(names) < 2:
            error("parties", f"at least two parties are required, {len(names)} given")

        for name in split_list(cells.get("programmes", "")):
            if len(name) > MAX_LENGTHS["programme"]:
                error("programmes", f"'{short(name)}' is too long")
                continue
            ref = self.registry.programmes.get(key(name))
            if ref is None:
                ref = self.marker("programme", key(name))
                self.new_programmes.setdefault(key(name), name)
            if ref not in row.programmes:
                row.programmes.append(ref)

        for name in split_list(cells.get("sectors", "")):
            sector = self.registry.sectors.get(key(name))
            if sector is None:
                allowed = ", ".join(self.registry.sector_names) or "none defined yet"
                error("sectors", f"unknown sector '{short(name)}'; the sectors are: {allowed}")
            elif sector not in row.sectors:
                row.sectors.append(sector)

        for item in split_list(cells.get("clusters", "")):
            place, _, product = item.partition(":")
            place, product = place.strip(), product.strip()
            if not place:
                error("clusters", f"'{short(item)}' has no place; write 'Place: product'")
            elif len(place) > MAX_LENGTHS["place"] or len(product) > MAX_LENGTHS["product"]:
                error("clusters", f"'{short(item)}' is too long")
            elif (place, product) not in row.clusters:
                row.clusters.append((place, product))

        for description in split_list(cells.get("commitments", "")):
            if key(description) not in {key(c) for c in row.commitments}:
                row.commitments.append(description)

        status = cells.get("status", "")
        if status:
            row.status = self.statuses.get(key(status), "")
            if not row.status:
                error(
                    "status",
                    f"unknown status '{short(status)}'; use one of: {', '.join(Mou.Status.values)}",
                )

        row.summary = cells.get("summary", "")

        published = key(cells.get("published", ""))
        if published in TRUE_WORDS:
            row.published = True
        elif published in FALSE_WORDS:
            row.published = False
        elif published:
            error("published", f"'{short(published)}' is not yes/no, true/false or 1/0")

        self._parse_source(row, text, error)
        return row, errors

    def _parse_source(self, row, text, error):
        url = text("source_url")
        title = text("source_title")
        publisher = text("source_publisher")
        published_on = None
        if row.cells.get("source_published_on"):
            match = _FULL_DATE_RE.match(row.cells["source_published_on"])
            try:
                if not match:
                    raise ValueError
                published_on = datetime.date(*map(int, match.groups()))
            except ValueError:
                error(
                    "source_published_on",
                    f"{short(row.cells['source_published_on'])} is not a valid date (YYYY-MM-DD)",
                )
        if url:
            try:
                _url_validator(url)
            except ValidationError:
                error("source_url", f"{short(url)} is not an http(s) URL")
                return
        if not url and not title:
            error("source_url", "a source is required: give source_url or source_title")
            return
        if url:
            existing = self.registry.sources_by_url.get(url)
            source_key = ("url", url)
        else:
            existing = self.registry.sources_by_title.get(key(title))
            source_key = ("title", key(title))
        if existing is not None:
            row.source = existing
            return
        if source_key not in self.new_sources:
            host = urlsplit(url).hostname if url else ""
            self.new_sources[source_key] = {
                "url": url,
                "title": title or f"[Article at {host}]"[: MAX_LENGTHS["source_title"]],
                "publisher": publisher,
                "published_on": published_on,
            }
        row.source = self.marker("source", source_key)

    def match(self, row):
        """The id of the MoU the row updates, or None for a new one; ValueError if ambiguous."""
        if row.reference:
            pk = self.registry.mous_by_reference.get(row.reference)
            if pk is not None:
                return pk
        candidates = self.registry.mous_by_title.get(
            (key(row.title), row.signed_on, row.precision), []
        )
        if row.reference:
            # A reference new to the registry may name an MoU recorded without one.
            candidates = [c for c in candidates if not c[1]]
        if len(candidates) > 1:
            raise ValueError(
                f"{len(candidates)} MoUs already have this title and signing date; "
                "add a reference to say which one"
            )
        return candidates[0][0] if candidates else None


@dataclass(slots=True)
class Plan:
    rows: list
    report: ImportReport
    planner: Planner
    current: dict


def plan_import(table, *, report=None, progress=None):
    """Validate and match every row of ``table``; reads the database, never writes."""
    report = report or ImportReport()
    report.errors.extend(table.errors)
    planner = Planner(Registry())
    parsed = []
    seen = {}
    total = len(table.rows)
    for index, (number, raw) in enumerate(table.rows, 1):
        row, errors = planner.parse(number, raw)
        if not errors:
            try:
                row.mou_id = planner.match(row)
            except ValueError as problem:
                errors.append(RowError(number, "title", str(problem)))
        if not errors:
            identities = [("mou", row.mou_id)] if row.mou_id else []
            if row.reference:
                identities.append(("reference", row.reference))
            else:
                identities.append(("title", key(row.title), row.signed_on, row.precision))
            for identity in identities:
                if identity in seen:
                    errors.append(
                        RowError(number, None, f"is the same MoU as row {seen[identity]}")
                    )
                    break
            # A row without a reference that repeats a referenced row's title and date
            # would match it ambiguously next time: the same MoU too.
            title_identity = ("title", key(row.title), row.signed_on, row.precision)
            for identity in [*identities, title_identity]:
                seen.setdefault(identity, number)
        report.errors.extend(errors)
        row.outcome = RowOutcome(
            number, "error" if errors else "", row.cells, row.mou_id, row.title
        )
        report.outcomes.append(row.outcome)
        parsed.append(None if errors else row)
        if progress and (index % 500 == 0 or index == total):
            progress("checked", index, total)
    current = planner.registry.load_mous(row.mou_id for row in parsed if row and row.mou_id)
    for row, outcome in zip(parsed, report.outcomes, strict=True):
        if row is None:
            continue
        resolve_clusters(row, planner, current.get(row.mou_id))
        if row.mou_id is None:
            outcome.kind = "new"
        else:
            outcome.changes = changes(row, current[row.mou_id])
            outcome.kind = "update" if outcome.changes else "unchanged"
    report.errors.sort(key=lambda e: e.row or 0)
    report.new_parties = list(planner.new_parties.values())
    return Plan(parsed, report, planner, current)


def resolve_clusters(row, planner, current):
    """Clusters as ids or ("cluster", key, place, product) markers of new ones.

    A cluster is matched in the row's states, else among the MoU's own.
    """
    resolved = []
    for place, product in row.clusters:
        place_key, product_key = key(place), key(product)
        found = None
        for state_id in row.states:
            found = planner.registry.clusters.get((state_id, place_key, product_key))
            if found:
                break
        if found is None and current is not None:
            found = current.cluster_keys.get((place_key, product_key))
        if found is None:
            new_key = (row.states[0], place_key, product_key)
            planner.registry.clusters.setdefault(new_key, ("cluster", new_key, place, product))
            found = planner.registry.clusters[new_key]
        if found not in resolved:
            resolved.append(found)
    row.clusters = resolved


def changes(row, mou):
    """The columns a valid row would change on an existing MoU ([] when it is unchanged).

    An empty cell leaves the value as it is; lists replace the MoU's, except commitments
    and the source, which are added.
    """
    changed = []

    def differs(column, new, old):
        if row.cells.get(column) and new != old:
            changed.append(column)

    differs("reference", row.reference, mou.reference)
    differs("title", row.title, mou.title)
    differs("signed_on", (row.signed_on, row.precision), (mou.signed_on, mou.precision))
    differs("states", set(row.states), mou.states)
    differs("parties", row.parties, mou.parties)
    differs("programmes", set(row.programmes), mou.programmes)
    differs("sectors", set(row.sectors), mou.sectors)
    differs("clusters", set(row.clusters), mou.clusters)
    if any(key(c) not in mou.commitments for c in row.commitments):
        changed.append("commitments")
    differs("status", row.status, mou.status)
    differs("summary", row.summary, mou.summary)
    if row.source not in mou.sources:
        changed.append("source")
    if row.published is not None and row.published != mou.published:
        changed.append("published")
    return changed


# --- Writing -----------------------------------------------------------------------------


def apply_plan(plan, *, user=None, via=ImportRecord.Via.COMMAND, progress=None):
    """Write a plan without errors, in one transaction; returns the ``ImportRecord`` or None."""
    report = plan.report
    if report.errors:
        raise ValueError("A plan with errors cannot be applied.")
    new = [row for row in plan.rows if row and row.mou_id is None]
    updated = [
        (row, outcome)
        for row, outcome in zip(plan.rows, report.outcomes, strict=True)
        if row and outcome.kind == "update"
    ]
    if not new and not updated:
        return None
    with transaction.atomic():
        record = ImportRecord.objects.create(
            user=user,
            via=via,
            file_name=report.file_name[:255],
            checksum=report.checksum,
            new=len(new),
            updated=len(updated),
            unchanged=report.count("unchanged"),
            new_parties="\n".join(report.new_parties),
        )
        ids = _create_related(plan)
        if progress:
            progress("written", 0, len(new) + len(updated))
        _create_mous(new, record, ids, progress)
        _update_mous(plan, updated, record, ids)
    report.record = record
    return record


def _create_related(plan):
    """Create the new parties, programmes, sources and clusters; a map from markers to ids."""
    planner = plan.planner
    ids = {}
    names = list(planner.new_parties.items())
    parties = [
        Party(name=name[: MAX_LENGTHS["party"]], slug=slug, kind=Party.Kind.UNCLASSIFIED)
        for (_, name), slug in zip(names, unique_slugs(Party, [n for _, n in names]), strict=True)
    ]
    Party.objects.bulk_create(parties, batch_size=BATCH_SIZE)
    for (name_key, _), party in zip(names, parties, strict=True):
        ids[("party", name_key)] = party.pk

    programme_names = planner.new_programmes
    programmes = [
        Programme(name=name, slug=slug)
        for name, slug in zip(
            programme_names.values(),
            unique_slugs(Programme, programme_names.values()),
            strict=True,
        )
    ]
    Programme.objects.bulk_create(programmes, batch_size=BATCH_SIZE)
    for programme_key, programme in zip(programme_names, programmes, strict=True):
        ids[("programme", programme_key)] = programme.pk

    sources = {source_key: Source(**fields) for source_key, fields in planner.new_sources.items()}
    Source.objects.bulk_create(sources.values(), batch_size=BATCH_SIZE)
    for source_key, source in sources.items():
        ids[("source", source_key)] = source.pk

    new_clusters = {}
    for row in plan.rows:
        if row:
            for ref in row.clusters:
                if isinstance(ref, tuple):
                    new_clusters.setdefault(ref[1], ref)
    clusters = []
    labels = [f"{ref[2]} {ref[3]}" for ref in new_clusters.values()]
    for ref, slug in zip(new_clusters.values(), unique_slugs(Cluster, labels), strict=True):
        _, (state_id, _, _), place, product = ref
        clusters.append(Cluster(state_id=state_id, place=place, product=product, slug=slug))
    Cluster.objects.bulk_create(clusters, batch_size=BATCH_SIZE)
    for ref, cluster in zip(new_clusters.values(), clusters, strict=True):
        ids[ref] = cluster.pk
    return ids


def _resolve(ids, refs):
    return [ids[ref] if isinstance(ref, tuple) else ref for ref in refs]


NEW_MOU_FIELDS = [
    "reference",
    "title",
    "slug",
    "signed_on",
    "signed_on_precision",
    "status",
    "summary",
    "published",
    "published_at",
    "created_by_import",
    "last_import",
    "created_at",
    "updated_at",
]  # the rest take their defaults


def _create_mous(rows, record, ids, progress):
    """Create the new MoUs with their links and commitments, ``BATCH_SIZE`` rows at a time.

    The MoUs are inserted as plain tuples, like their links (``_insert``): model
    instances and ``bulk_create`` took as long as all the rest of the write. Their ids
    are then read back by slug, which is unique. Only one batch's tuples exist at a
    time, so memory stays flat however long the file.
    """
    now = timezone.now()
    stamp = Mou._meta.get_field("created_at").get_db_prep_save(now, connection)
    # A new MoU's publication time depends only on whether it is published.
    published_at = {
        published: Mou._meta.get_field("published_at").get_db_prep_save(
            publication_time(Mou(published=published), now), connection
        )
        for published in (True, False)
    }
    signed_on = Mou._meta.get_field("signed_on")
    slugs = unique_slugs(Mou, [row.title for row in rows])
    for start in range(0, len(rows), BATCH_SIZE):
        batch = rows[start : start + BATCH_SIZE]
        batch_slugs = slugs[start : start + BATCH_SIZE]
        values = []
        for row, slug in zip(batch, batch_slugs, strict=True):
            published = True if row.published is None else row.published
            values.append(
                (
                    row.reference,
                    row.title,
                    slug,
                    signed_on.get_db_prep_save(row.signed_on, connection),
                    row.precision,
                    row.status or Mou.Status.SIGNED,
                    row.summary,
                    published,
                    published_at[published],
                    record.pk,
                    record.pk,
                    stamp,
                    stamp,
                )
            )
        _insert(Mou, NEW_MOU_FIELDS, values)
        pks = dict(Mou.objects.filter(slug__in=batch_slugs).values_list("slug", "pk"))
        links = Links(ids)
        for row, slug in zip(batch, batch_slugs, strict=True):
            row.outcome.mou_id = pks[slug]
            links.add(row, pks[slug], current=None)
        links.save()
        if progress:
            progress("written", start + len(batch), len(rows))


class Links:
    """The through-table rows and commitments that rows add or remove, as plain tuples.

    They are most of what an import writes (about ten per MoU), so they are never made
    into model instances: ``save`` inserts the tuples with one ``executemany`` per table
    (``_insert``), which is several times faster and lighter than ``bulk_create``.
    """

    M2M = ("states", "programmes", "sectors", "clusters", "sources")

    def __init__(self, ids):
        self.ids = ids  # markers -> ids of the rows ``_create_related`` made
        self.create = {name: [] for name in self.M2M}  # (mou_id, other_id)
        self.delete = {name: [] for name in self.M2M}
        self.parties = []  # (mou_id, party_id, order) for new links
        self.party_orders = []  # (mou_id, party_id, order) for links that stay
        self.delete_parties = []  # (mou_id, party_id)
        self.commitments = []  # (mou_id, description, status, source_id)

    def add(self, row, mou_id, current):
        """The links ``row`` wants for MoU ``mou_id``, given its ``CurrentMou`` (None if new)."""
        ids = self.ids
        source_id = _resolve(ids, [row.source])[0]
        wanted = {
            "states": row.states,
            "programmes": _resolve(ids, row.programmes),
            "sectors": row.sectors,
            "clusters": _resolve(ids, row.clusters),
        }
        for name, values in wanted.items():
            if current is not None and not row.cells.get(name):
                continue  # an empty cell leaves the MoU's list as it is
            old = getattr(current, name) if current is not None else set()
            self.create[name] += [(mou_id, v) for v in values if v not in old]
            self.delete[name] += [(mou_id, v) for v in old if v not in set(values)]
        if current is None or source_id not in current.sources:
            self.create["sources"].append((mou_id, source_id))
        parties = _resolve(ids, row.parties)
        if current is None or parties != current.parties:
            old = current.parties if current is not None else []
            for order, party_id in enumerate(parties):
                if party_id in old:
                    self.party_orders.append((mou_id, party_id, order))
                else:
                    self.parties.append((mou_id, party_id, order))
            self.delete_parties += [(mou_id, p) for p in old if p not in set(parties)]
        known = current.commitments if current is not None else set()
        for description in row.commitments:
            if key(description) not in known:
                self.commitments.append((mou_id, description, Commitment.Status.PLEDGED, source_id))

    def save(self):
        for name, pairs in self.delete.items():
            through = getattr(Mou, name).through
            _delete_pairs(through, through._meta.get_field(name[:-1]).attname, pairs)
        _delete_pairs(MouParty, "party_id", self.delete_parties)
        for name, pairs in self.create.items():
            through = getattr(Mou, name).through
            _insert(through, ["mou_id", through._meta.get_field(name[:-1]).attname], pairs)
        if self.party_orders:
            links = {}
            for chunk in chunked({mou_id for mou_id, _, _ in self.party_orders}):
                for link in MouParty.objects.filter(mou_id__in=chunk):
                    links[(link.mou_id, link.party_id)] = link
            changed = []
            for mou_id, party_id, order in self.party_orders:
                link = links[(mou_id, party_id)]
                if link.order != order:
                    link.order = order
                    changed.append(link)
            MouParty.objects.bulk_update(changed, ["order"], batch_size=BATCH_SIZE)
        _insert(MouParty, ["mou_id", "party_id", "order"], self.parties)
        _insert(Commitment, ["mou_id", "description", "status", "source_id"], self.commitments)


def _insert(model, names, rows):
    """Insert ``rows``, tuples of values for the fields ``names``, into ``model``'s table.

    One ``executemany`` of plain tuples: no model instances and no per-value conversion,
    so the values must already be as the database takes them (ids, text and booleans
    are; a date or a time goes through its field's ``get_db_prep_save``). The other
    columns get their field's default, as ``model()`` would; like ``bulk_create``, this
    calls no ``save()`` and sends no signals.
    """
    if not rows:
        return
    meta = model._meta
    given = [meta.get_field(name) for name in names]
    others = [f for f in meta.concrete_fields if f not in given and f is not meta.auto_field]
    defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in others)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in given + others)
    placeholders = ", ".join(["%s"] * (len(given) + len(others)))
    with connection.cursor() as cursor:
        cursor.executemany(
            # Only the model's own quoted names go into the SQL; the values are parameters.
            f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})",  # noqa: S608
            [values + defaults for values in rows],
        )


def _delete_pairs(model, column, pairs):
    for chunk in chunked(pairs, 200):
        query = Q()
        for mou_id, value in chunk:
            query |= Q(mou_id=mou_id, **{column: value})
        model.objects.filter(query).delete()


def _update_mous(plan, updated, record, ids):
    if not updated:
        return
    current = plan.current
    mous = []
    links = Links(ids)
    now = timezone.now()
    for row, _outcome in updated:
        old = current[row.mou_id]
        mou = Mou(
            pk=row.mou_id,
            reference=row.reference or old.reference,
            title=row.title or old.title,
            signed_on=row.signed_on if row.cells.get("signed_on") else old.signed_on,
            signed_on_precision=row.precision if row.cells.get("signed_on") else old.precision,
            status=row.status or old.status,
            summary=row.summary or old.summary,
            published=old.published if row.published is None else row.published,
            published_at=old.published_at,
            last_import=record,
            updated_at=now,
        )
        mou.published_at = publication_time(mou, now)
        mous.append(mou)
        links.add(row, row.mou_id, current=old)
    Mou.objects.bulk_update(
        mous,
        [
            "reference",
            "title",
            "signed_on",
            "signed_on_precision",
            "status",
            "summary",
            "published",
            "published_at",
            "last_import",
            "updated_at",
        ],
        batch_size=BATCH_SIZE,
    )
    links.save()


# --- The whole import --------------------------------------------------------------------


def import_table(
    table,
    *,
    file_name="",
    file_checksum="",
    user=None,
    via=ImportRecord.Via.COMMAND,
    dry_run=False,
    progress=None,
):
    """Plan, and unless ``dry_run`` or any row has an error, write; returns the report."""
    report = ImportReport(file_name=file_name, checksum=file_checksum, dry_run=dry_run)
    with transaction.atomic():
        plan = plan_import(table, report=report, progress=progress)
        if not report.errors and not dry_run:
            apply_plan(plan, user=user, via=via, progress=progress)
    return report


def import_file(data, file_name="", **kwargs):
    """Import a CSV or XLSX file's bytes; a file that cannot be read gives a report of errors."""
    try:
        table = read_table(data)
    except ImportFileError as problem:
        report = ImportReport(
            file_name=file_name, checksum=checksum(data), dry_run=kwargs.get("dry_run", False)
        )
        report.errors = [RowError(None, None, message) for message in problem.messages]
        return report
    return import_table(table, file_name=file_name, file_checksum=checksum(data), **kwargs)
