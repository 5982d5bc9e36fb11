"""Full-text search of the MoUs: one small interface over SQLite's FTS5 and PostgreSQL's
full-text search, so the same tests pass on both.

- ``parse(text)``: what a reader typed, as a bounded ``Query`` widened by the curated
  vocabulary (one query).
- ``search(mous, query)``: the MoU queryset narrowed to the matches, annotated
  ``relevance`` (higher is better); still a queryset, so filters, counts, facets and
  pages work as on any list.
- ``explain(mous, query)``: sets ``mou.why`` on a page of results (one query).
- ``Ranked(...)``: a search's results best match first, for a paginator, within what
  a page may cost however many MoUs match.
- ``index(mous)``: (re)writes the search documents of an MoU queryset or ids, a chunk at
  a time in a fixed number of queries; ``mark_stale(ids)`` defers that to the end of the
  transaction; ``rebuild()`` writes every document again (``manage.py rebuild_search``).

Every MoU has a document, drafts included (so publishing needs no rebuild); the public
list searches ``published()`` MoUs only, like every public page.
"""

from django.db import connection, transaction
from django.utils.functional import cached_property

from ..models.freshness import cached_count
from . import backends
from .documents import build_rows
from .highlight import why
from .query import MAX_LENGTH, MAX_TERMS, Query, Vocabulary
from .query import parse as parse_with

__all__ = [
    "MAX_LENGTH",
    "MAX_TERMS",
    "Query",
    "Ranked",
    "explain",
    "flush_stale",
    "index",
    "index_chunk",
    "mark_stale",
    "parse",
    "rebuild",
    "search",
]

# MoUs whose documents are built and written per round trip.
CHUNK_SIZE = 500

# Matches past which a search is ranked by where its words are, not by each match's
# score (``Ranked``): scoring 76,000 matches of 200,000 MoUs read every match's
# document on PostgreSQL, 280 to 600 ms a page (benchmarks/pages.py).
RANK_EACH_UP_TO = 2_000


def parse(text, vocabulary=None):
    """The ``Query`` for ``text``, widened by the vocabulary (loaded: one query)."""
    return parse_with(text, vocabulary if vocabulary is not None else Vocabulary.load())


def search(mous, query):
    """``mous`` narrowed to those matching every term of ``query`` (a ``Query`` or text),
    annotated ``relevance``. An empty query leaves ``mous`` as it is."""
    if not isinstance(query, Query):
        query = parse(query)
    if not query:
        return mous
    flush_stale()
    return backends.current().search(mous, query)


class Ranked:
    """A search's results best match first, as a paginator takes them (``count()`` and
    slices), each page in a fixed number of queries however many MoUs match.

    Up to ``RANK_EACH_UP_TO`` matches, ``rows`` as they come: ordered by relevance,
    each match scored. Past it, scoring every match costs more than a page may, so the
    matches come in two tiers, each newest first: those with every word in the short
    columns (a title, a party's names, people, places, topics: what an MoU is about),
    then the rest, which only mention it. Both tiers are read in date order and stop at
    the page; the first tier's count is cached beside the list's, until the data
    changes. (The downloads of a search still score every match: one bounded part.)

    ``rows`` are the searched rows (ordered by relevance), ``unsearched`` the same rows
    without the search, ``newest`` the order within a tier.
    """

    def __init__(self, request, rows, unsearched, query, newest):
        self.request, self.rows, self.query = request, rows, query
        self.unsearched, self.newest = unsearched, newest

    def count(self):
        return cached_count(self.request, self.rows)

    @cached_property
    def by_tiers(self):
        return self.count() > RANK_EACH_UP_TO

    def __getitem__(self, index):
        if not self.by_tiers:
            return self.rows[index]
        backend = backends.current()
        strong = backend.strong(self.unsearched, self.query)
        found = cached_count(self.request, strong)
        start, stop = index.start or 0, index.stop
        rows = list(strong.order_by(*self.newest)[start:stop]) if start < found else []
        if stop > found:
            rest = backend.weak(self.rows, self.query).order_by(*self.newest)
            rows += rest[max(start - found, 0) : stop - found]
        return rows


def explain(mous, query):
    """Set ``why`` (see ``highlight.Why``) on each of ``mous``, a page of results of
    ``search(..., query)``: one query."""
    mous = list(mous)
    rows = backends.current().explain_rows([mou.pk for mou in mous], query) if query else {}
    for mou in mous:
        mou.why = why(rows[mou.pk]) if mou.pk in rows else None
    return mous


def _ids(mous):
    if hasattr(mous, "values_list"):
        return list(mous.order_by().values_list("pk", flat=True))
    return list(mous)


def index(mous):
    """Write the search documents of ``mous`` (a queryset or ids) from the database as it
    is now, and delete those of ids no MoU has any more. Per chunk of ``CHUNK_SIZE``: the
    13 reads of ``documents.build_rows``, a DELETE and an INSERT."""
    ids = sorted(set(_ids(mous)))
    with transaction.atomic():
        for start in range(0, len(ids), CHUNK_SIZE):
            index_chunk(ids[start : start + CHUNK_SIZE])
    return len(ids)


def index_chunk(ids, records=None):
    """``index`` for a chunk of MoU ids, from their ``Records`` when the caller has read
    them already (``record_versions`` does): the DELETE and INSERT only."""
    _stale().difference_update(ids)
    backends.current().write(ids, build_rows(ids, records))


def rebuild():
    """Every search document written again from the database; returns how many."""
    from ..models import Mou

    backend = backends.current()
    with transaction.atomic():
        backend.clear()
        backend.rebuild_settings()
        return index(Mou.objects.all())


def document_count():
    return backends.current().count()


def _stale():
    """The MoU ids whose documents this connection's transaction has made stale."""
    if not hasattr(connection, "search_stale"):
        connection.search_stale = set()
    return connection.search_stale


def mark_stale(ids):
    """Rewrite the documents of the MoUs ``ids`` once the transaction commits (at once
    outside a transaction), or before this connection's next search, whichever comes
    first: an admin save that touches an MoU's parties, commitments and reactions
    rewrites its document once, not once per row."""
    ids = {pk for pk in ids if pk is not None}
    if ids:
        _stale().update(ids)
        transaction.on_commit(flush_stale)


def forget_stale():
    """Drop the deferred rewrites (after a rollback, nothing needs them)."""
    _stale().clear()


def flush_stale():
    """Rewrite the documents ``mark_stale`` deferred, if any (no query otherwise)."""
    stale = _stale()
    if stale:
        index(list(stale))
