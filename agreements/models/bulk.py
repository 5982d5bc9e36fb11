"""Reading and writing many rows without model instances, for imports and versions:
building and converting a model instance per row costs more than the database's work.
"""

import contextlib
import functools
import gc
import itertools

import orjson
from django.db import connection
from django.db.models import Q


@contextlib.contextmanager
def collection_paused():
    """Run the block without Python's cyclic garbage collector.

    A bulk write allocates millions of small objects (rows, tuples, dicts) and frees
    them by reference counting; the collector, triggered every 700 allocations, walks
    every object alive each time it reaches its oldest generation, and an import holds
    its whole plan alive: it took a fifth of an import of 10,000 new MoUs
    (``benchmarks/imports.py``). The block's memory is bounded by the import's own
    limits; what it leaves in cycles the collector finds once enabled again (a full
    collection there and then took another 0.1 s).
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def json_text(value):
    """``value`` as compact JSON text (UTF-8, no spaces), as ``insert_rows`` takes a JSON
    column. orjson, not the standard library: an import of 10,000 MoUs encodes 30,000
    documents, changes and labels, and the standard encoder took a twentieth of it."""
    return orjson.dumps(value).decode()


def among(ids, field="mou"):
    """A filter for rows whose ``field`` is one of ``ids`` (sorted): a range when they
    are consecutive, as an import's new MoUs are, since compiling ``IN`` with a few
    hundred values costs more than running the query; ``IN`` otherwise."""
    if ids and ids[-1] - ids[0] + 1 == len(ids):
        return Q(**{f"{field}__gte": ids[0], f"{field}__lte": ids[-1]})
    return Q(**{f"{field}__in": ids})


def insert_rows(model, names, rows):
    """Insert ``rows``, tuples of values for the fields ``names``, into ``model``'s table;
    returns how many. ``rows`` may be a generator: on PostgreSQL its rows stream into the
    ``COPY`` as they are made, so the database stores one while Python makes the next.
    Such a generator must not query the database: the COPY holds the connection until
    its last row, and a query from inside it would wait for ever.

    One ``executemany`` of plain tuples (a ``COPY`` on PostgreSQL): no model instances and
    no per-value conversion, so the values must already be as the database takes them
    (ids, text and booleans are; a date or a time goes through its field's
    ``get_db_prep_save``, a JSON value is given as its text). Like
    ``bulk_create`` it calls no ``save()`` and sends no signals, and unlike it, it
    computes each other column's default once for all rows and never runs ``auto_now``:
    so it refuses (``ValueError``) a model with a callable default or an ``auto_now``
    field not in ``names``, which would otherwise get one time or one object for every
    row, or none.
    """
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    count = 0

    def complete():
        nonlocal count
        for values in itertools.chain([first], rows):
            count += 1
            yield values + defaults

    meta = model._meta
    given = [meta.get_field(name) for name in names]
    others = [f for f in meta.concrete_fields if f not in given and f is not meta.auto_field]
    computed = [
        f.name
        for f in others
        if (f.has_default() and callable(f.default))
        or getattr(f, "auto_now", False)
        or getattr(f, "auto_now_add", False)
    ]
    if computed:
        raise ValueError(
            f"insert_rows into {meta.label} must be given {', '.join(computed)}: "
            "their values are computed per row"
        )
    defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in others)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in given + others)
    placeholders = ", ".join(["%s"] * (len(given) + len(others)))
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # executemany sent one INSERT per row, which made PostgreSQL imports several
            # times slower than SQLite's.
            copy_rows(cursor, table, columns, complete())
        else:
            cursor.executemany(
                # Only the model's own quoted names go into the SQL; the values are parameters.
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608
                list(complete()),  # a list: Django's debug cursor counts it
            )
    return count


def copy_rows(cursor, table, columns, rows):
    """Stream ``rows`` (tuples) into ``table``'s ``columns`` (quoted, comma-separated) with
    PostgreSQL's ``COPY``: one statement, however many rows, and no placeholders for
    psycopg to parse (it splits a statement's placeholders in Python: a 500-row INSERT
    of search documents took 0.1 s to prepare). Through psycopg's own cursor, so Django's
    error wrapper is put back by hand: a taken slug must still raise Django's
    IntegrityError."""
    copying = cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN")
    with connection.wrap_database_errors, copying as copy:
        for values in rows:
            copy.write_row(values)


def update_rows(model, names, rows):
    """Update rows of ``model``'s table: ``rows`` are tuples of a primary key, then values
    for the fields ``names``, each converted by its field (``get_db_prep_save``): values
    that are hashable (text, numbers, dates, times), since each field's conversions are
    remembered, its rows sharing the same few statuses, flags and times.

    One ``executemany`` of an ``UPDATE`` by primary key: no model instances and no
    expressions. ``bulk_update`` builds a ``CASE`` branch per row and field in Python, which
    took 107 s and 590 MB for an import updating 20,000 MoUs (and 10 s for the admin's
    2,000). Like it, this calls no ``save()`` and sends no signals. On PostgreSQL it is
    one ``UPDATE ... FROM`` the rows given as one array per column: an UPDATE per row,
    even pipelined, took a second per 10,000 MoUs.
    """
    if not rows:
        return
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    converters = [
        functools.lru_cache(maxsize=1024)(
            functools.partial(f.get_db_prep_save, connection=connection)
        )
        for f in fields
    ]
    quote = connection.ops.quote_name
    table, key = quote(meta.db_table), quote(meta.pk.column)
    converted = [
        (*(convert(value) for convert, value in zip(converters, values, strict=True)), pk)
        for pk, *values in rows
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            columns = [*fields, meta.pk]
            # Our quoted names and the fields' own column types; the values are parameters.
            arrays = ", ".join(
                f"unnest(%s::{f.db_type(connection)}[]) AS {quote(f.column)}" for f in columns
            )
            assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in fields)
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (SELECT {arrays}) AS v "  # noqa: S608
                f"WHERE {table}.{key} = v.{key}",
                [list(column) for column in zip(*converted, strict=True)],
            )
            return
        assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
        cursor.executemany(
            # Only the model's own quoted names go into the SQL; the values are parameters.
            f"UPDATE {table} SET {assignments} WHERE {key} = %s",  # noqa: S608
            converted,
        )


# Rows written in one go past which PostgreSQL's statistics are refreshed before the
# queries that read them back (``refresh_statistics``).
STATISTICS_AFTER_ROWS = 1_000


def refresh_statistics(*models):
    """On PostgreSQL, ANALYZE the tables of ``models`` (inside the transaction, which
    counts its own new rows). After a bulk write into a nearly empty registry the
    planner still believes the tables tiny and runs the correlated subqueries of
    ``refresh_derived`` as scans per row: for 200,000 new MoUs its UPDATE ran for more
    than ten minutes. SQLite's planner needs no statistics for these queries."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
