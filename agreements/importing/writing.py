"""Writing a checked plan: the new parties, programmes, sources and clusters, then the MoUs.

Everything is written in bulk inside one transaction, and recorded as an
``ImportRecord``. The MoUs' links, about ten rows per MoU and most of what an
import writes, go in as plain tuples (``insert_rows``), never as model instances.
``lock_imports`` makes the imports that write run one at a time.
"""

import functools

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from ..models import (
    Cluster,
    Commitment,
    ImportRecord,
    Mou,
    MouParty,
    Party,
    Programme,
    Source,
    insert_rows,
    publication_time,
    record_versions,
    refresh_derived,
    refresh_statistics,
    update_rows,
)
from ..models.bulk import STATISTICS_AFTER_ROWS
from ..models.followups import period_end
from .cells import MAX_LENGTHS, key
from .matching import MOU_FIELDS, chunked

BATCH_SIZE = 500
# The PostgreSQL advisory lock that imports take: any fixed number that nothing else in
# the database locks ("MoU" in ASCII).
IMPORT_LOCK_KEY = 0x4D6F55
# How long an import waits on SQLite for another to finish (PostgreSQL's lock waits as
# long as it takes): several times what the command line's largest file takes.
IMPORT_LOCK_WAIT_MS = 10 * 60 * 1000
# A new MoU's columns, as ``NewMouValues`` gives them; the rest take their defaults.
NEW_MOU_FIELDS = [
    *MOU_FIELDS,
    "slug",
    "current_status",
    "last_news_on",
    "created_by_import",
    "last_import",
    "created_at",
    "updated_at",
]


def lock_imports():
    """Wait until no other import is writing, then keep others waiting until the current
    transaction ends.

    An import calls it first in its transaction, before planning reads the registry, so
    that two imports of one file run one after the other and the second plans against
    what the first wrote (every row unchanged); planned side by side, both found no MoU
    and either both wrote every MoU (the second with slugs ending ``-2``) or the second
    failed. On PostgreSQL it is a transaction-level advisory lock, released at commit or
    rollback. SQLite has one writer at a time, so there it is the write lock itself, taken
    by a write that changes nothing (what ``BEGIN IMMEDIATE`` does, in a transaction that
    may already be open, as django-import-export opens the admin's): SQLite waits for a
    busy write lock only while the transaction has read nothing, hence first. The wait
    there is ``IMPORT_LOCK_WAIT_MS``, not the connection's few seconds, which suit a web
    request but not an import queued behind a long one.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])
            return
        cursor.execute("PRAGMA busy_timeout")
        (usual,) = cursor.fetchone()
        cursor.execute(f"PRAGMA busy_timeout = {IMPORT_LOCK_WAIT_MS}")
        try:
            table = connection.ops.quote_name(ImportRecord._meta.db_table)
            cursor.execute(f"DELETE FROM {table} WHERE 0")  # noqa: S608 - a table name
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {int(usual)}")


def apply_plan(plan, *, user=None, via=ImportRecord.Via.COMMAND, progress=None):
    """Write a plan without errors, in one transaction; returns the ``ImportRecord`` or None.

    Raises ``IntegrityError`` when an admin edit (or an import that did not take
    ``lock_imports``) took a slug or a reference meanwhile; the transaction is then rolled back.
    """
    report = plan.report
    if report.errors:
        raise ValueError("A plan with errors cannot be applied.")
    new = [row for row in plan.rows if row and row.mou_id is None]
    updated = [row for row in plan.rows if row and row.outcome.kind == "update"]
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
        _update_mous(plan.current, updated, record, ids)
        if len(new) + len(updated) >= STATISTICS_AFTER_ROWS:
            refresh_statistics(Mou, Mou.states.through, MouParty, Commitment)
        # Each row written was stamped updated_at: finishing need not touch them again.
        finish_import(Mou.objects.filter(last_import=record), record, user, touch=False)
    report.record = record
    return record


def finish_import(written, record, user, *, touch=True):
    """What every import does last, for the queryset ``written`` of the MoUs it changed.

    Statuses, dates, commitments and follow-ups were written without save(): recompute
    what derives from them (the current statuses, the last news), marking the MoUs
    updated unless ``touch`` is false (``refresh_derived``). Then every published
    MoU among them gets a version naming the import, and every one of them its search
    document, from one read of their records.
    """
    refresh_derived(written, reindex=False, touch=touch)
    when = timezone.localtime(record.created_at)
    note = f"Import of {record.file_name} on {when:%-d %B %Y}"
    record_versions(written, note, user=user, reindex=True)


def unique_slugs(model, texts, max_length=80):
    """Unique slugs for new rows of ``model``, from one query for the slugs in use.

    Another import or an admin save may take one of them before the insert: it then
    fails with an ``IntegrityError`` (the slug column is unique), never a duplicate.
    """
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


def _create_related(plan):
    """Create the new parties, programmes, sources and clusters; a map from markers to ids."""
    parser = plan.parser
    name_limit = MAX_LENGTHS["party"]
    created = {
        Party: {
            ("party", k): Party(name=name[:name_limit], kind=Party.Kind.UNCLASSIFIED)
            for k, name in parser.new_parties.items()
        },
        Programme: {("programme", k): Programme(name=n) for k, n in parser.new_programmes.items()},
        Cluster: {
            marker: Cluster(state_id=marker[1][0], place=marker[2], product=marker[3])
            for marker in _new_clusters(plan.rows)
        },
    }
    ids = create_sources(parser)
    for model, objects in created.items():
        texts = [obj.slug_source() for obj in objects.values()]
        for obj, slug in zip(objects.values(), unique_slugs(model, texts), strict=True):
            obj.slug = slug
        model.objects.bulk_create(objects.values(), batch_size=BATCH_SIZE)
        ids.update((marker, obj.pk) for marker, obj in objects.items())
    return ids


def create_sources(parser):
    """Create the sources a parser's rows name and the registry lacks (every import
    format has the same source columns); a map from their markers to their ids."""
    sources = {("source", k): Source(**fields) for k, fields in parser.new_sources.items()}
    Source.objects.bulk_create(sources.values(), batch_size=BATCH_SIZE)
    return {marker: source.pk for marker, source in sources.items()}


def _new_clusters(rows):
    """The markers of the clusters the rows create, each once, in the order first named."""
    markers = {}
    for row in rows:
        for ref in row.clusters if row else []:
            if isinstance(ref, tuple):
                markers.setdefault(ref, None)
    return list(markers)


def _resolve(ids, refs):
    return [ids[ref] if isinstance(ref, tuple) else ref for ref in refs]


class NewMouValues:
    """A new MoU's values for ``NEW_MOU_FIELDS``, as the database takes them.

    Its current status and last news are what ``refresh_derived`` derives for an MoU
    with no follow-ups or checks yet (the status at signing, the last day its date can
    mean), so that its UPDATE after the import, which would correct them, has nothing to
    write. What every row shares (the import, the time, the publication time of a
    published and of a draft MoU) is converted once.
    """

    def __init__(self, record, ids):
        now = timezone.now()
        field = Mou._meta.get_field
        self.signed_on = field("signed_on")
        self.stamp = field("created_at").get_db_prep_save(now, connection)
        self.published_at = {
            published: field("published_at").get_db_prep_save(
                publication_time(published, None, now), connection
            )
            for published in (True, False)
        }
        self.record = record.pk
        self.ids = ids
        # Thousands of rows share a few hundred dates: each converted once.
        self.dates = functools.cache(self._dates)

    def _dates(self, day, precision):
        """A signing's date and its last news (``period_end``), as the database takes them."""
        prepare = self.signed_on.get_db_prep_save
        return prepare(day, connection), prepare(day and period_end(day, precision), connection)

    def publication(self, row):
        """When the row's MoU is published, as the database takes it (None for a draft)."""
        return self.published_at[row.published is not False]

    def __call__(self, row, slug):
        signed_on, last_news = self.dates(row.signed_on, row.precision)
        status = row.status or Mou.Status.SIGNED
        values = {
            "reference": row.reference,
            "title": row.title,
            "signed_on": signed_on,
            "signed_on_precision": row.precision,
            "date_kind": row.date_kind or Mou.DateKind.SIGNED,
            "status": status,
            "status_source_id": _resolve(self.ids, [row.status_source])[0],
            "summary": row.summary,
            "published": row.published is not False,
            "published_at": self.publication(row),
            "slug": slug,
            "current_status": status,
            "last_news_on": last_news,
            "created_by_import": self.record,
            "last_import": self.record,
            "created_at": self.stamp,
            "updated_at": self.stamp,
        }
        return tuple(values[name] for name in NEW_MOU_FIELDS)


def _create_mous(rows, record, ids, progress):
    """Create the new MoUs with their links and commitments, ``BATCH_SIZE`` rows at a time.

    The MoUs are inserted as plain tuples, like their links (``insert_rows``): model
    instances and ``bulk_create`` took as long as all the rest of the write. Their ids
    are then read back by slug, which is unique. Only one batch's tuples exist at a
    time, so memory stays flat however long the file.
    """
    values = NewMouValues(record, ids)
    slugs = list(zip(rows, unique_slugs(Mou, [row.title for row in rows]), strict=True))
    for start in range(0, len(rows), BATCH_SIZE):
        batch = slugs[start : start + BATCH_SIZE]
        insert_rows(Mou, NEW_MOU_FIELDS, [values(row, slug) for row, slug in batch])
        pks = dict(
            Mou.objects.filter(slug__in=[slug for _, slug in batch]).values_list("slug", "pk")
        )
        links = Links(ids)
        for row, slug in batch:
            row.outcome.mou_id = pks[slug]
            links.add(row, pks[slug], current=None, published_at=values.publication(row))
        links.save()
        if progress:
            progress("written", start + len(batch), len(rows))


def _update_mous(current, rows, record, ids):
    """Write the rows that update MoUs: their fields as plain rows (``update_rows``),
    ``BATCH_SIZE`` at a time, then their links."""
    if not rows:
        return
    now = timezone.now()
    links = Links(ids)
    names = [*MOU_FIELDS, "last_import_id", "updated_at"]
    published_at = Mou._meta.get_field("published_at")
    for start in range(0, len(rows), BATCH_SIZE):
        values = []
        for row in rows[start : start + BATCH_SIZE]:
            old = current[row.mou_id]
            fields = _updated_fields(row, old, ids)
            fields["published_at"] = publication_time(
                fields["published"], fields["published_at"], now
            )
            values.append((row.mou_id, *(fields[name] for name in MOU_FIELDS), record.pk, now))
            links.add(
                row,
                row.mou_id,
                current=old,
                published_at=published_at.get_db_prep_save(fields["published_at"], connection),
            )
        update_rows(Mou, names, values)
    links.save()


def _updated_fields(row, old, ids):
    """An updated MoU's ``MOU_FIELDS``: the row's non-empty cells over the current values,
    and the status's source as matching resolved it."""
    values = {name: getattr(old, name) for name in MOU_FIELDS}
    given = {
        "reference": row.reference,
        "title": row.title,
        "date_kind": row.date_kind,
        "status": row.status,
        "summary": row.summary,
    }
    values.update((name, value) for name, value in given.items() if value)
    values["status_source_id"] = _resolve(ids, [row.status_source])[0]
    if row.cells.get("signed_on"):
        values["signed_on"], values["signed_on_precision"] = row.signed_on, row.precision
    if row.published is not None:
        values["published"] = row.published
    return values


class Links:
    """The through-table rows and commitments that rows add or remove, as plain tuples.

    They are most of what an import writes (about ten per MoU), so they are never made
    into model instances: ``save`` inserts the tuples with one ``executemany`` per table
    (``insert_rows``), which is several times faster and lighter than ``bulk_create``.
    """

    M2M = ("states", "programmes", "sectors", "clusters", "sources")

    def __init__(self, ids):
        self.ids = ids  # markers -> ids of the rows ``_create_related`` made
        self.create = {name: [] for name in self.M2M}  # (mou_id, other_id)
        self.delete = {name: [] for name in self.M2M}
        self.parties = []  # (mou_id, party_id, order) for new links
        self.party_orders = []  # (mou_id, party_id, order) for links that stay
        self.delete_parties = []  # (mou_id, party_id)
        # (mou_id, description, status, source_id, news_at), news_at being when the MoU
        # was published: what refresh_derived derives for a commitment with no follow-up
        self.commitments = []

    def add(self, row, mou_id, current, published_at):
        """The links ``row`` wants for MoU ``mou_id``, given its ``CurrentMou`` (None if new)
        and when it is published (as the database takes it)."""
        source_id = _resolve(self.ids, [row.source])[0]
        wanted = {
            "states": row.states,
            "programmes": _resolve(self.ids, row.programmes),
            "sectors": row.sectors,
            "clusters": _resolve(self.ids, row.clusters),
        }
        for name, values in wanted.items():
            if current is not None and not row.cells.get(name):
                continue  # an empty cell leaves the MoU's list as it is
            old = getattr(current, name) if current is not None else set()
            self.create[name] += [(mou_id, v) for v in values if v not in old]
            self.delete[name] += [(mou_id, v) for v in old if v not in set(values)]
        if current is None or source_id not in current.sources:
            self.create["sources"].append((mou_id, source_id))
        self._add_parties(mou_id, _resolve(self.ids, row.parties), current)
        known = current.commitments if current is not None else set()
        for description in row.commitments:
            if key(description) not in known:
                self.commitments.append(
                    (mou_id, description, Commitment.Status.PLEDGED, source_id, published_at)
                )

    def _add_parties(self, mou_id, parties, current):
        """New party links in the row's order; a party that stays keeps its link (role,
        signatory) and only moves."""
        old = current.parties if current is not None else []
        if parties == old:
            return
        for order, party_id in enumerate(parties):
            if party_id in old:
                self.party_orders.append((mou_id, party_id, order))
            else:
                self.parties.append((mou_id, party_id, order))
        self.delete_parties += [(mou_id, p) for p in old if p not in set(parties)]

    def save(self):
        for name, pairs in self.delete.items():
            through = getattr(Mou, name).through
            _delete_pairs(through, through._meta.get_field(name[:-1]).attname, pairs)
        _delete_pairs(MouParty, "party_id", self.delete_parties)
        for name, pairs in self.create.items():
            through = getattr(Mou, name).through
            insert_rows(through, ["mou_id", through._meta.get_field(name[:-1]).attname], pairs)
        self._reorder_parties()
        insert_rows(MouParty, ["mou_id", "party_id", "order"], self.parties)
        insert_rows(
            Commitment,
            ["mou_id", "description", "status", "source_id", "news_at"],
            self.commitments,
        )

    def _reorder_parties(self):
        if not self.party_orders:
            return
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


def _delete_pairs(model, column, pairs):
    for chunk in chunked(pairs, 200):
        query = Q()
        for mou_id, value in chunk:
            query |= Q(mou_id=mou_id, **{column: value})
        model.objects.filter(query).delete()
