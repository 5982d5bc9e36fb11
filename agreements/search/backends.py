"""The two implementations of search: SQLite's FTS5 and PostgreSQL's full-text search.

Each one turns a parsed ``Query`` into a filter and a relevance on the MoU queryset (a
join with its table of search documents, so filters, counts, facets and pages stay
ordinary ORM querysets), highlights the matches of a page of results, and writes and
deletes documents. Both get only the words ``query.parse`` kept, and quote them.
"""

import json

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F
from django.db.models.functions import Left, Right

from ..models import PostgresSearchDocument, SqliteSearchDocument
from ..models.bulk import copy_rows
from ..models.search import SEARCH_COLUMNS
from .query import START, STOP

# Columns whose whole text is highlighted (short: a title, one entry per line), and the
# free-text ones shown as a snippet around the matches.
WHOLE = ("title", "parties", "people", "places", "topics", "sources")
SNIPPET_COLUMNS = [column for column in SEARCH_COLUMNS if column not in WHOLE]
SNIPPET_WORDS = 14
SNIPPET_ENDS = 40

# How much a match in each column counts. FTS5's bm25() takes a weight per column;
# PostgreSQL has four weights, A (most) to D.
FTS5_WEIGHTS = {
    "title": 10.0,
    "parties": 8.0,
    "people": 4.0,
    "places": 4.0,
    "topics": 4.0,
    "summary": 2.0,
    "objectives": 2.0,
    "commitments": 2.0,
    "follow_ups": 1.5,
    "reactions": 1.5,
    "sources": 1.0,
}
POSTGRES_WEIGHTS = {
    "title": "A",
    "parties": "A",
    "people": "B",
    "places": "B",
    "topics": "B",
    "summary": "C",
    "objectives": "C",
    "commitments": "C",
    "follow_ups": "C",
    "reactions": "C",
    "sources": "D",
}

# The columns of a strong match (``Backend.strong``): those weighted A and B, the short
# ones that name what an MoU is about rather than mention it.
SHORT_COLUMNS = tuple(column for column, weight in POSTGRES_WEIGHTS.items() if weight in "AB")

# The tables, made by migrations 0012 (FTS5, SQLite only) and 0013 (PostgreSQL only),
# which hold the weights above as they were then. On PostgreSQL, ``mou_search`` is the
# ``english`` configuration (stemming, stop words) that also removes accents.
FTS5_TABLE = "agreements_search_fts"
POSTGRES_TABLE = "agreements_search_document"
POSTGRES_CONFIG = "mou_search"


def fts5_rank_sql():
    """Makes FTS5's ``rank`` column bm25() with the column weights (a stored setting)."""
    weights = ", ".join(str(FTS5_WEIGHTS[column]) for column in SEARCH_COLUMNS)
    table = FTS5_TABLE
    return f"INSERT INTO {table}({table}, rank) VALUES ('rank', 'bm25({weights}, 0.0)')"  # noqa: S608


class Backend:
    table = None
    key_column = None

    def write(self, ids, rows):
        """Replace the documents of the MoUs ``ids`` by ``rows`` (an iterable; an MoU of
        ``ids`` without a row has none any more): a DELETE and one INSERT."""
        rows = list(rows)
        columns = ", ".join([self.key_column, *SEARCH_COLUMNS, "labels"])
        row_sql = "(" + ", ".join(["%s"] * (len(SEARCH_COLUMNS) + 2)) + ")"
        with connection.cursor() as cursor:
            self._delete(cursor, ids)
            if not rows:
                return
            cursor.execute(
                # Our table and column names, and placeholders: no data in the SQL.
                f"INSERT INTO {self.table} ({columns}) VALUES {', '.join([row_sql] * len(rows))}",  # noqa: S608
                [value for row in rows for value in row],
            )

    def _delete(self, cursor, ids):
        if ids:
            marks = ", ".join(["%s"] * len(ids))
            sql = f"DELETE FROM {self.table} WHERE {self.key_column} IN ({marks})"  # noqa: S608
            cursor.execute(sql, ids)

    def clear(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table}")  # noqa: S608

    def count(self):
        return self.model.objects.count()

    def strong(self, queryset, query):
        """``queryset`` (not searched) narrowed to the MoUs with every term of ``query`` in
        the ``SHORT_COLUMNS``: a title, a party's names, people, places, topics."""
        raise NotImplementedError

    def weak(self, rows, query):
        """The rows of ``search(..., query)`` that are not ``strong``."""
        strong = self.strong(rows.model._default_manager.all(), query)
        return rows.exclude(pk__in=strong.values("pk"))

    def explain_rows(self, ids, query):
        """``{mou id: {column: text with START/STOP around matches}, "labels": {...}}``
        for the MoUs ``ids`` (a page of results): one query."""
        raise NotImplementedError


class Fts5(Backend):
    table = FTS5_TABLE
    key_column = "rowid"
    model = SqliteSearchDocument

    @staticmethod
    def expression(query):
        """FTS5 query syntax: every term, each any of its alternatives, each alternative
        a quoted string (a phrase of its words) so no word is read as an operator."""

        def quoted(words):
            return '"' + " ".join(words).replace('"', '""') + '"'

        return " AND ".join(
            "(" + " OR ".join(quoted(words) for words in term.alternatives) + ")"
            for term in query.terms
        )

    def search(self, queryset, query):
        return queryset.filter(sqlite_search__match__matches=self.expression(query)).annotate(
            relevance=-F("sqlite_search__rank")
        )

    def strong(self, queryset, query):
        # An FTS5 column filter on the whole expression: {title parties ...} : (...).
        columns = " ".join(SHORT_COLUMNS)
        matches = f"{{{columns}}} : ({self.expression(query)})"
        return queryset.filter(sqlite_search__match__matches=matches)

    def explain_rows(self, ids, query):
        if not ids:
            return {}
        parts = []
        for index, column in enumerate(SEARCH_COLUMNS):
            if column in WHOLE:
                parts.append(f"highlight({self.table}, {index}, %s, %s)")
            else:
                parts.append(f"snippet({self.table}, {index}, %s, %s, '…', {SNIPPET_WORDS})")
        marks = ", ".join(["%s"] * len(ids))
        sql = (
            f"SELECT rowid, {', '.join(parts)}, labels FROM {self.table} "  # noqa: S608
            f"WHERE {self.table} MATCH %s AND rowid IN ({marks})"
        )
        params = [START, STOP] * len(SEARCH_COLUMNS) + [self.expression(query), *ids]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {row[0]: _explained(row[1:]) for row in cursor.fetchall()}

    def rebuild_settings(self):
        with connection.cursor() as cursor:
            cursor.execute(fts5_rank_sql())


class Postgres(Backend):
    table = POSTGRES_TABLE
    key_column = "mou_id"
    model = PostgresSearchDocument

    def write(self, ids, rows):
        """A DELETE and a COPY fed by ``rows`` as they come (the database computes the
        vectors from the columns)."""
        columns = ", ".join([self.key_column, *SEARCH_COLUMNS, "labels"])
        with connection.cursor() as cursor:
            self._delete(cursor, ids)
            copy_rows(cursor, self.table, columns, rows)

    def _delete(self, cursor, ids):
        if ids:
            # One array parameter: no statement as long as the chunk to parse.
            sql = f"DELETE FROM {self.table} WHERE {self.key_column} = ANY(%s)"  # noqa: S608
            cursor.execute(sql, [list(ids)])

    @staticmethod
    def expression(query):
        """A tsquery: every term (``&&``), each any of its alternatives (``||``), each
        alternative given to ``websearch_to_tsquery`` in double quotes, as a phrase."""
        combined = None
        for term in query.terms:
            either = None
            for words in term.alternatives:
                one = SearchQuery(
                    '"' + " ".join(words) + '"', config=POSTGRES_CONFIG, search_type="websearch"
                )
                either = one if either is None else either | one
            combined = either if combined is None else combined & either
        return combined

    def search(self, queryset, query):
        expression = self.expression(query)
        return queryset.filter(postgres_search__document=expression).annotate(
            relevance=SearchRank(F("postgres_search__document"), expression)
        )

    def strong(self, queryset, query):
        # ``short``, the short columns' own tsvector (migration 0026), GIN-indexed.
        return queryset.filter(postgres_search__short=self.expression(query))

    def weak(self, rows, query):
        # Checked on each row's own vector as the rows are read in order, not against
        # the whole strong set.
        return rows.exclude(postgres_search__short=self.expression(query))

    def explain_rows(self, ids, query):
        if not ids:
            return {}
        expression = self.expression(query)
        marks = {"config": POSTGRES_CONFIG, "start_sel": START, "stop_sel": STOP}
        headlines = {
            column: SearchHeadline(
                column,
                expression,
                **marks,
                **(
                    {"highlight_all": True}
                    if column in WHOLE
                    else {"max_words": SNIPPET_WORDS, "min_words": 6, "max_fragments": 1}
                ),
            )
            for column in SEARCH_COLUMNS
        }
        # A snippet's ends, to say with "…" where it cuts the text (FTS5's snippet() does).
        ends = {
            f"{side}_{column}": function(column, SNIPPET_ENDS)
            for column in SNIPPET_COLUMNS
            for side, function in (("start", Left), ("end", Right))
        }
        rows = (
            PostgresSearchDocument.objects.filter(pk__in=ids)
            .annotate(**{f"headline_{column}": headline for column, headline in headlines.items()})
            .annotate(**ends)
            .values("pk", "labels", *(f"headline_{column}" for column in SEARCH_COLUMNS), *ends)
        )
        explained = {}
        for row in rows:
            values = [row[f"headline_{column}"] for column in SEARCH_COLUMNS]
            found = explained[row["pk"]] = _explained([*values, row["labels"]])
            for column in SNIPPET_COLUMNS:
                found[column] = _with_ellipses(
                    found[column], row[f"start_{column}"], row[f"end_{column}"]
                )
        return explained

    def rebuild_settings(self):
        pass


def _with_ellipses(snippet, start, end):
    """``snippet`` with "…" where it begins after the text's ``start`` or ends before its
    ``end`` (the text's first and last ``SNIPPET_ENDS`` characters)."""

    def squashed(text):
        return " ".join(text.replace(START, "").replace(STOP, "").split())

    plain, head, tail = squashed(snippet), squashed(start), squashed(end)
    n = min(20, len(plain))
    if n and head[:n] != plain[:n]:
        snippet = "…" + snippet
    if n and tail[-n:] != plain[-n:]:
        snippet += "…"
    return snippet


def _explained(values):
    explained = dict(zip(SEARCH_COLUMNS, values[:-1], strict=True))
    explained["labels"] = json.loads(values[-1] or "{}")
    return explained


def current():
    """The implementation for the database in use."""
    return Postgres() if connection.vendor == "postgresql" else Fts5()
