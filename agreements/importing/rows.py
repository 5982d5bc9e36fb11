"""Validating one row: a parser per column turns its cells into ids and values.

A name the registry does not know becomes a marker of a thing to create (a new
party, programme or source), or an error where the format allows no new ones
(states, sectors). ``CellParser`` runs the columns and parses the source columns,
which every import format shares; ``RowParser`` adds the MoU import's columns, and
``follow_ups.FollowUpParser`` the follow-up import's.
"""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from ..models import Mou, Precision
from .cells import (
    MAX_LENGTHS,
    MOU_COLUMNS,
    clean_cell,
    key,
    parse_full_date,
    parse_signed_on,
    short,
    split_list,
)
from .report import RowError

TRUE_WORDS = {"yes", "true", "1", "y"}
FALSE_WORDS = {"no", "false", "0", "n"}

_url_validator = URLValidator(schemes=["http", "https"])


@dataclass(slots=True)
class ParsedRow:
    """A valid row: values, with names resolved to ids or to markers of things to create."""

    number: int
    cells: dict
    reference: str = ""
    title: str = ""
    signed_on: object = None  # a datetime.date
    precision: str = Precision.UNKNOWN
    date_kind: str = ""
    states: list = field(default_factory=list)
    parties: list = field(default_factory=list)  # party ids, or ("party", key)
    programmes: list = field(default_factory=list)  # ids, or ("programme", key)
    sectors: list = field(default_factory=list)
    clusters: list = field(default_factory=list)  # (place, product) pairs, resolved later
    commitments: list = field(default_factory=list)
    status: str = ""
    status_source: object = None  # set by matching: an id, a ("source", key) or None
    summary: str = ""
    source: object = None  # an id, or ("source", key)
    published: bool | None = None
    mou_id: int | None = None
    outcome: object = None


def clean_cells(raw):
    """A row's cells as the import reads them (``clean_cell``)."""
    cells = {column: clean_cell(value) for column, value in raw.items()}
    return raw if cells == raw else cells  # usually: share the table's dict, not hold two


def by_key(choices):
    """A TextChoices' values by their value and by their label, as ``key`` compares them."""
    values = {key(value): value for value in choices.values}
    values.update((key(label), value) for value, label in choices.choices)
    return values


def too_long(text, limit_name):
    """The error for a text longer than its field allows, if it is."""
    limit = MAX_LENGTHS[limit_name]
    if len(text) > limit:
        yield f"is {len(text)} characters long; at most {limit} fit"


class CellParser:
    """Validates rows against a registry, one method per column of ``column_set`` named
    after it: each sets its part of the row (a ``row_class``) and yields the column's
    error messages. Parses the source columns, which every format shares; the registry
    gives the known sources (``sources_by_url``, ``sources_by_title``).
    """

    column_set = None
    row_class = None

    def __init__(self, registry):
        self.registry = registry
        self.new_sources = {}  # key -> dict of Source fields
        self.valid_urls = set()
        self.markers = {}
        self.parsers = [(column, getattr(self, column)) for column in self.column_set.names]

    def marker(self, kind, marker_key):
        """The (kind, key) stand-in for a party, programme or source the import creates.

        One tuple per new thing, however many rows name it. The kind keeps a new party
        and a new programme of the same name apart.
        """
        return self.markers.setdefault((kind, marker_key), (kind, marker_key))

    def parse(self, number, raw):
        """A row (``row_class``), and the list of ``RowError`` for it."""
        row = self.row_class(number, clean_cells(raw))
        errors = [
            RowError(number, column, message)
            for column, parse_cell in self.parsers
            for message in parse_cell(row, row.cells.get(column, ""))
        ]
        if not errors:
            row.source = self.source(row.cells)
        return row, errors

    def source_url(self, row, text):
        yield from too_long(text, "source_url")
        if text:
            if text not in self.valid_urls:  # files name the same article on many rows
                try:
                    _url_validator(text)
                    self.valid_urls.add(text)
                except ValidationError:
                    yield f"{short(text)} is not an http(s) URL"
        elif not row.cells.get("source_title"):
            yield "a source is required: give source_url or source_title"

    def source_title(self, row, text):
        yield from too_long(text, "source_title")

    def source_publisher(self, row, text):
        yield from too_long(text, "source_publisher")

    def source_published_on(self, row, text):
        if text:
            try:
                parse_full_date(text)
            except ValueError as problem:
                yield str(problem)

    def source(self, cells):
        """The row's source (valid): a known one by URL or else title, or a new one's marker."""
        url = cells.get("source_url", "")
        if url:
            source_key, existing = ("url", url), self.registry.sources_by_url.get(url)
        else:
            source_key = ("title", key(cells.get("source_title", "")))
            existing = self.registry.sources_by_title.get(source_key[1])
        if existing is not None:
            return existing
        if source_key not in self.new_sources:
            self.new_sources[source_key] = new_source(cells)
        return self.marker("source", source_key)


class RowParser(CellParser):
    """Validates the MoU import's rows against a ``matching.Registry``, collecting the new
    things they name."""

    column_set = MOU_COLUMNS
    row_class = ParsedRow

    def __init__(self, registry):
        super().__init__(registry)
        self.new_parties = {}  # key -> name as first written
        self.new_programmes = {}
        self.statuses = by_key(Mou.Status)
        self.date_kinds = by_key(Mou.DateKind)

    def reference(self, row, text):
        row.reference = text
        yield from too_long(text, "reference")

    def title(self, row, text):
        row.title = text
        if not text:
            yield "is required"
        yield from too_long(text, "title")

    def signed_on(self, row, text):
        if text:
            try:
                row.signed_on, row.precision = parse_signed_on(text)
            except ValueError as problem:
                yield str(problem)

    def date_kind(self, row, text):
        if text:
            row.date_kind = self.date_kinds.get(key(text), "")
            if not row.date_kind:
                allowed = ", ".join(Mou.DateKind.values)
                yield f"unknown date kind '{short(text)}'; use one of: {allowed}"

    def states(self, row, text):
        names = split_list(text)
        for name in names:
            state = self.registry.states.get(key(name))
            if state is None:
                yield f"unknown state or union territory '{short(name)}'"
            elif state.pk not in row.states:
                row.states.append(state.pk)
        if not names:
            yield "at least one state or union territory is required"

    def parties(self, row, text):
        names = split_list(text)
        for name in names:
            try:
                ref = self.party(name)
            except ValueError as problem:
                yield str(problem)
                continue
            if ref in row.parties:
                yield f"'{short(name)}' names the same party twice"
            else:
                row.parties.append(ref)
        if len(names) < 2:
            yield f"at least two parties are required, {len(names)} given"

    def party(self, name):
        """A party's id, or the marker of a new one; ValueError if the name cannot be used."""
        name_key = key(name)
        if len(name) > MAX_LENGTHS["party"]:
            raise ValueError(f"'{short(name)}' is longer than {MAX_LENGTHS['party']} characters")
        if name_key in self.registry.ambiguous_parties:
            matches = ", ".join(self.registry.ambiguous_parties[name_key])
            raise ValueError(f"'{short(name)}' could be any of: {matches}; use the full name")
        ref = self.registry.parties.get(name_key)
        if ref is None:
            ref = self.marker("party", name_key)
            self.new_parties.setdefault(name_key, name)
        return ref

    def programmes(self, row, text):
        for name in split_list(text):
            if len(name) > MAX_LENGTHS["programme"]:
                yield f"'{short(name)}' is too long"
                continue
            ref = self.registry.programmes.get(key(name))
            if ref is None:
                ref = self.marker("programme", key(name))
                self.new_programmes.setdefault(key(name), name)
            if ref not in row.programmes:
                row.programmes.append(ref)

    def sectors(self, row, text):
        for name in split_list(text):
            sector = self.registry.sectors.get(key(name))
            if sector is None:
                allowed = ", ".join(self.registry.sector_names) or "none defined yet"
                yield f"unknown sector '{short(name)}'; the sectors are: {allowed}"
            elif sector not in row.sectors:
                row.sectors.append(sector)

    def clusters(self, row, text):
        for item in split_list(text):
            place, _, product = (part.strip() for part in item.partition(":"))
            if not place:
                yield f"'{short(item)}' has no place; write 'Place: product'"
            elif len(place) > MAX_LENGTHS["place"] or len(product) > MAX_LENGTHS["product"]:
                yield f"'{short(item)}' is too long"
            elif (place, product) not in row.clusters:
                row.clusters.append((place, product))

    def commitments(self, row, text):
        seen = set()
        for description in split_list(text):
            if key(description) not in seen:
                seen.add(key(description))
                row.commitments.append(description)
        return ()  # no errors

    def status(self, row, text):
        if text:
            row.status = self.statuses.get(key(text), "")
            if not row.status:
                yield f"unknown status '{short(text)}'; use one of: {', '.join(Mou.Status.values)}"

    def summary(self, row, text):
        row.summary = text
        return ()

    def published(self, row, text):
        word = key(text)
        if word in TRUE_WORDS:
            row.published = True
        elif word in FALSE_WORDS:
            row.published = False
        elif word:
            yield f"'{short(word)}' is not yes/no, true/false or 1/0"


def new_source(cells):
    """The fields of a new ``Source`` from a valid row's cells."""
    url, published_on = cells.get("source_url", ""), cells.get("source_published_on")
    title = f"[Article at {urlsplit(url).hostname}]"[: MAX_LENGTHS["source_title"]]
    return {
        "url": url,
        "title": cells.get("source_title") or title,
        "publisher": cells.get("source_publisher", ""),
        "published_on": parse_full_date(published_on) if published_on else None,
    }
