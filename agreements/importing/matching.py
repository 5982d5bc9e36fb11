"""Matching rows to the registry: what it holds, which MoU a row is, what it would change.

``plan_import`` only reads, in a fixed number of queries whatever the number of rows:
states, parties, programmes, sectors, clusters, sources and MoUs are loaded into
dicts once (``Registry``), then the MoUs that rows update (``Registry.load_mous``).
"""

import datetime
from dataclasses import dataclass, field

from ..formats import format_partial_date
from ..models import (
    Cluster,
    Commitment,
    FollowUp,
    Mou,
    MouParty,
    Party,
    Programme,
    Sector,
    Source,
    State,
)
from ..models.followups import before_signing, news_before_signing, period_end
from .cells import key
from .report import ImportReport, Match, RowError, RowOutcome
from .rows import RowParser

# The MoU's own fields that a row sets; ``CurrentMou`` holds them under the same names.
MOU_FIELDS = [
    "reference",
    "title",
    "signed_on",
    "signed_on_precision",
    "date_kind",
    "status",
    "status_source_id",
    "summary",
    "published",
    "published_at",
]
CHUNK = 900  # ids per IN (...) query, under SQLite's parameter limit


def chunked(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(slots=True)
class CurrentMou:
    """What an MoU holds now, as ids, for comparing with a row and writing the difference."""

    pk: int
    reference: str
    title: str
    signed_on: datetime.date | None
    signed_on_precision: str
    date_kind: str
    status: str
    status_source_id: int | None
    summary: str
    published: bool
    published_at: datetime.datetime | None
    states: set = field(default_factory=set)
    parties: list = field(default_factory=list)
    programmes: set = field(default_factory=set)
    sectors: set = field(default_factory=set)
    clusters: set = field(default_factory=set)
    cluster_keys: dict = field(default_factory=dict)
    commitments: set = field(default_factory=set)  # keys of their descriptions
    sources: set = field(default_factory=set)
    first_news: tuple | None = None  # (date, precision) of the follow-up that can end first

    def add_news(self, day, precision):
        """Keep the follow-up whose date can end first: a new date after it would put
        that follow-up before the signing (``before_signing``)."""
        if self.first_news is None or period_end(day, precision) < period_end(*self.first_news):
            self.first_news = (day, precision)

    def add_cluster(self, cluster_id, place, product):
        self.clusters.add(cluster_id)
        self.cluster_keys[(key(place), key(product))] = cluster_id


def _link_readers():
    """For ``load_mous``: each table of MoU links as (mou_id, ...) rows, and how to add one."""

    def through(name, *columns):
        return getattr(Mou, name).through.objects.values_list("mou_id", *columns)

    return [
        (through("states", "state_id"), lambda mou, pk: mou.states.add(pk)),
        (
            MouParty.objects.order_by("order", "pk").values_list("mou_id", "party_id"),
            lambda mou, pk: mou.parties.append(pk),
        ),
        (through("programmes", "programme_id"), lambda mou, pk: mou.programmes.add(pk)),
        (through("sectors", "sector_id"), lambda mou, pk: mou.sectors.add(pk)),
        (
            through("clusters", "cluster_id", "cluster__place", "cluster__product"),
            CurrentMou.add_cluster,
        ),
        (
            Commitment.objects.values_list("mou_id", "description"),
            lambda mou, text: mou.commitments.add(key(text)),
        ),
        (through("sources", "source_id"), lambda mou, pk: mou.sources.add(pk)),
        (
            FollowUp.objects.values_list("mou_id", "dated_on", "dated_on_precision"),
            CurrentMou.add_news,
        ),
    ]


class Registry:
    """Everything an import matches against, loaded once into dicts (not one query per row)."""

    def __init__(self):
        self.states = _load_states()
        self.parties, self.ambiguous_parties, party_names = _load_parties()
        programmes = list(Programme.objects.only("pk", "name"))
        self.programmes = {key(p.name): p.pk for p in programmes}
        sectors = list(Sector.objects.only("pk", "name"))
        self.sectors = {key(s.name): s.pk for s in sectors}
        self.sector_names = [s.name for s in sectors]
        clusters = Cluster.objects.values_list("pk", "state_id", "place", "product")
        self.clusters = {
            (state_id, key(place), key(product)): pk for pk, state_id, place, product in clusters
        }
        # Each list column's names by id, as the registry writes them (for a preview).
        self.names = {
            "states": {state.pk: state.name for state in self.states.values()},
            "parties": party_names,
            "programmes": {p.pk: p.name for p in programmes},
            "sectors": {s.pk: s.name for s in sectors},
            "clusters": {
                pk: str(Cluster(place=place, product=product))
                for pk, _state_id, place, product in clusters
            },
        }
        self.sources_by_url, self.sources_by_title = load_sources()
        self.mous_by_reference, self.mous_by_title = {}, {}
        self.mou_count = 0
        for pk, reference, title, signed_on, precision in Mou.objects.values_list(
            "pk", "reference", "title", "signed_on", "signed_on_precision"
        ):
            self.mou_count += 1
            if reference:
                self.mous_by_reference[reference] = pk
            self.mous_by_title.setdefault((key(title), signed_on, precision), []).append(
                (pk, reference)
            )

    def load_mous(self, ids):
        """The ``CurrentMou`` of the given MoUs, in a fixed number of queries per 900 MoUs.

        When they are most of the registry, all MoUs are read without an IN (...) list.
        """
        ids = set(ids)
        if not ids:
            return {}
        everything = len(ids) * 2 > self.mou_count
        current = {}
        for chunk in [None] if everything else chunked(ids):
            for pk, *values in _only(Mou.objects.values_list("pk", *MOU_FIELDS), chunk, "pk"):
                if pk in ids:
                    current[pk] = CurrentMou(pk, *values)
            for queryset, add in _link_readers():
                for mou_id, *values in _only(queryset, chunk):
                    if mou_id in current:
                        add(current[mou_id], *values)
        return current


def load_sources():
    """Source ids by URL and by title (``key``), the oldest first: how every import
    matches a row's source columns to a known source."""
    by_url, by_title = {}, {}
    for pk, url, title in Source.objects.order_by("pk").values_list("pk", "url", "title"):
        if url:
            by_url.setdefault(url.strip(), pk)
        by_title.setdefault(key(title), pk)
    return by_url, by_title


def _only(queryset, chunk, field="mou_id"):
    return queryset if chunk is None else queryset.filter(**{f"{field}__in": chunk})


def _load_states():
    """States by name, code, ISO code and former codes (with and without "IN-")."""
    states = {}
    for state in State.objects.all():
        names = [state.name, state.code, state.iso_code]
        for former in state.former_codes.replace(";", ",").split(","):
            if former.strip():
                names += [former.strip(), f"IN-{former.strip()}"]
        states.update((key(name), state) for name in names)
    return states


def _load_parties():
    """Party ids by every name they answer to, the names of ambiguous aliases, and the
    parties' names by id.

    A party's own name beats another party's short or other name; two parties
    answering to the same short or other name make it ambiguous (mapped to the
    sorted names of the parties it could be).
    """
    parties = list(Party.objects.only("pk", "name", "short_name", "other_names"))
    by_name = {key(party.name): party.pk for party in parties}
    by_alias = {}
    for party in parties:
        for alias in party.aliases[1:]:
            if key(alias) not in by_name:
                by_alias.setdefault(key(alias), set()).add(party.pk)
    names = {party.pk: party.name for party in parties}
    ambiguous = {}
    for alias, pks in by_alias.items():
        if len(pks) > 1:
            ambiguous[alias] = sorted(names[pk] for pk in pks)
        else:
            by_name[alias] = pks.pop()
    return by_name, ambiguous, names


# --- Planning ----------------------------------------------------------------------------


@dataclass(slots=True)
class Plan:
    rows: list  # a ParsedRow per valid row, None per invalid one
    report: ImportReport
    parser: RowParser
    current: dict  # mou_id -> CurrentMou of the MoUs rows update


def plan_import(table, *, report=None, progress=None, describe=False):
    """Validate and match every row of ``table``; reads the database, never writes.

    With ``describe``, each valid row's outcome also says what its names matched
    (``describe_matches``), for a preview to show.
    """
    report = report or ImportReport()
    report.errors.extend(table.errors)
    parser = RowParser(Registry())
    rows = _check_rows(table, parser, report, progress)
    current = parser.registry.load_mous(row.mou_id for row in rows if row and row.mou_id)
    for index, row in enumerate(rows):
        error = row and _decide(row, parser.registry, current.get(row.mou_id))
        if error:
            report.errors.append(error)
            row.outcome.kind = "error"
            rows[index] = None
        elif row and describe:
            describe_matches(row, parser)
    report.errors.sort(key=lambda e: e.row or 0)
    report.new_parties = list(parser.new_parties.values())
    return Plan(rows, report, parser, current)


def _check_rows(table, parser, report, progress):
    """Parse and match each row; a ``ParsedRow`` per valid row, None per invalid one."""
    rows = []
    seen = {}  # identities of the MoUs earlier rows are -> their row numbers
    total = len(table.rows)
    for index, (number, raw) in enumerate(table.rows, 1):
        row, errors = parser.parse(number, raw)
        if not errors:
            errors = _identify(row, parser.registry, seen)
        report.errors.extend(errors)
        row.outcome = RowOutcome(
            number, "error" if errors else "", row.cells, row.mou_id, row.title
        )
        report.outcomes.append(row.outcome)
        rows.append(None if errors else row)
        if progress and (index % 500 == 0 or index == total):
            progress("checked", index, total)
    return rows


def _identify(row, registry, seen):
    """Set ``row.mou_id`` to the MoU the row updates; the errors if that cannot be told."""
    try:
        row.mou_id = match(registry, row)
    except ValueError as problem:
        return [RowError(row.number, "title", str(problem))]
    identities = [("mou", row.mou_id)] if row.mou_id else []
    title = ("title", key(row.title), row.signed_on, row.precision)
    identities.append(("reference", row.reference) if row.reference else title)
    earlier = next((seen[identity] for identity in identities if identity in seen), None)
    # A row without a reference that repeats a referenced row's title and date
    # would match it ambiguously next time: the same MoU too.
    for identity in [*identities, title]:
        seen.setdefault(identity, row.number)
    if earlier:
        return [RowError(row.number, None, f"is the same MoU as row {earlier}")]
    return []


def match(registry, row):
    """The id of the MoU the row updates, or None for a new one; ValueError if ambiguous."""
    if row.reference:
        pk = registry.mous_by_reference.get(row.reference)
        if pk is not None:
            return pk
    candidates = registry.mous_by_title.get((key(row.title), row.signed_on, row.precision), [])
    if row.reference:
        # A reference new to the registry may name an MoU recorded without one.
        candidates = [c for c in candidates if not c[1]]
    if len(candidates) > 1:
        raise ValueError(
            f"{len(candidates)} MoUs already have this title and signing date; "
            "add a reference to say which one"
        )
    return candidates[0][0] if candidates else None


def _decide(row, registry, current):
    """Mark a valid row's outcome new, update (with the columns it changes) or unchanged;
    the ``RowError`` if the MoU it leaves would break the rule on statuses."""
    resolve_clusters(row, registry, current)
    error = resolve_status_source(row, current) or _follows_news(row, current)
    if error:
        return error
    if row.mou_id is None:
        row.outcome.kind = "new"
    else:
        row.outcome.changes = changes(row, current)
        row.outcome.kind = "update" if row.outcome.changes else "unchanged"
    return None


def _follows_news(row, current):
    """The ``RowError`` when the row dates the MoU anew, after one of its follow-ups (an
    unchanged date passes: the rule binds new dates, not records made before it)."""
    if not current or (row.signed_on, row.precision) == (
        current.signed_on,
        current.signed_on_precision,
    ):
        return None
    if current.first_news and before_signing(*current.first_news, row.signed_on):
        shown = format_partial_date(*current.first_news)
        return RowError(row.number, "signed_on", news_before_signing(shown))
    return None


def resolve_status_source(row, current):
    """Set ``row.status_source``, the source of the status the MoU has after the row.

    A status beyond what a report of the signing can say (``Mou.Status.from_signing()``)
    needs a source of its own. A row giving such a status records its own source, the
    article reporting that status, unless the MoU already has that status with a source:
    that source stays, so re-importing an export (which holds only an MoU's first source)
    changes nothing. A status a signing report can give needs none, and a row changing
    the status to one drops the old status's source; an empty status cell changes
    nothing. Returns the ``RowError`` when the MoU would be left with a later status and
    no source (one recorded so before the rule, updated by a row with no status), which
    the database would refuse.
    """
    status = row.status or (current.status if current else Mou.Status.SIGNED)
    later = status not in Mou.Status.from_signing()
    kept = current.status_source_id if current and status == current.status else None
    row.status_source = kept or (row.source if later and row.status else None)
    if later and row.status_source is None:
        label = Mou.Status(status).label.lower()
        return RowError(
            row.number,
            "status",
            f"the MoU is recorded as {label} with no source reporting it; give the status "
            "in this row to record the row's source for it",
        )
    return None


def describe_matches(row, parser):
    """Set the outcome's ``matched``: each list column's items (and the source) as the
    registry names them, or marked new when the import creates them."""
    names = parser.registry.names
    new_names = {"parties": parser.new_parties, "programmes": parser.new_programmes}
    matched = {}
    for column in ["states", "parties", "programmes", "sectors", "clusters"]:
        if row.mou_id and not row.cells.get(column):
            matched[column] = None  # an update's empty cell: the MoU's list stays
            continue
        matched[column] = []
        for ref in getattr(row, column):
            if not isinstance(ref, tuple):
                matched[column].append(Match(names[column][ref]))
            elif column == "clusters":
                _, (state_id, _, _), place, product = ref
                name = str(Cluster(place=place, product=product))
                matched[column].append(Match(name, True, names["states"][state_id]))
            else:
                matched[column].append(Match(new_names[column][ref[1]], True))
    cells = row.cells
    title = cells.get("source_title") or cells.get("source_url", "")
    matched["source"] = [Match(title, new=isinstance(row.source, tuple))]
    row.outcome.matched = matched


def resolve_clusters(row, registry, current):
    """Clusters as ids or ("cluster", key, place, product) markers of new ones.

    A cluster is the MoU's own one of that name if it has one, else the first match
    in the row's states, else a new one in its first state. The MoU's own come first
    so that a re-import keeps them, even when the first import created a cluster of
    that name in an earlier state of the row (for another row).
    """
    resolved = []
    for place, product in row.clusters:
        place_key, product_key = key(place), key(product)
        found = current.cluster_keys.get((place_key, product_key)) if current else None
        for state_id in row.states:
            if found:
                break
            found = registry.clusters.get((state_id, place_key, product_key))
        if found is None:
            new_key = (row.states[0], place_key, product_key)
            found = registry.clusters.setdefault(new_key, ("cluster", new_key, place, product))
        if found not in resolved:
            resolved.append(found)
    row.clusters = resolved


def changes(row, mou):
    """The columns a valid row would change on an existing MoU ([] when it is unchanged).

    An empty cell leaves the value as it is; lists replace the MoU's, except commitments
    and the source, which are added.
    """
    compared = {
        "reference": (row.reference, mou.reference),
        "title": (row.title, mou.title),
        "signed_on": ((row.signed_on, row.precision), (mou.signed_on, mou.signed_on_precision)),
        "states": (set(row.states), mou.states),
        "parties": (row.parties, mou.parties),
        "programmes": (set(row.programmes), mou.programmes),
        "sectors": (set(row.sectors), mou.sectors),
        "clusters": (set(row.clusters), mou.clusters),
        "date_kind": (row.date_kind, mou.date_kind),
        "status": ((row.status, row.status_source), (mou.status, mou.status_source_id)),
        "summary": (row.summary, mou.summary),
    }
    changed = [c for c, (new, old) in compared.items() if row.cells.get(c) and new != old]
    if any(key(c) not in mou.commitments for c in row.commitments):
        changed.append("commitments")
    if row.source not in mou.sources:
        changed.append("source")
    if row.published is not None and row.published != mou.published:
        changed.append("published")
    return changed
