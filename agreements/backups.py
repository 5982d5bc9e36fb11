"""Backing up the registry into one file and restoring it into an empty database.

The backup holds, in ``dumpdata``'s JSON Lines, which ``loaddata`` reads, every table
that holds something the database cannot make again: the registry, its versions,
follow-ups, import records and search vocabulary, staff accounts and groups, the
admin's log and the login lockouts. Left out is what ``migrate`` makes from the code
(content types, permissions), the sessions (a restore logs everyone out) and the search
documents, which are derived: the restore writes them again (as ``manage.py
rebuild_search`` does).

References go by natural key where there is one (a group's permissions by codename, a
record's user by username, a log entry's model by name), never by the ids one database
happened to give them, so a backup loads into any migrated database: one whose
migrations ran in another order, or which has the Editors and Viewers groups already.
Every other row keeps its id.
"""

import bz2
import datetime
import gzip
import lzma
import re
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.cache import cache
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from . import search

# What a backup leaves out, as apps or models: what ``migrate`` makes from the code and
# the logins in progress. Tables Django does not manage (the search documents, derived)
# are left out too.
LEFT_OUT = {"contenttypes", "auth.permission", "sessions"}


def backed_up_models():
    """The models whose rows a backup holds."""
    return [
        model
        for model in apps.get_models()
        if model._meta.managed
        and not model._meta.proxy
        and not {model._meta.app_label, model._meta.label_lower} & LEFT_OUT
    ]


# A backup is JSON Lines, one row a line, which loaddata reads a line at a time (a JSON
# document it would read whole: 480 MB for 20,000 MoUs). Its name says so, as loaddata
# needs, and may say how it is compressed.
NAME = re.compile(r"\.jsonl(\.(gz|bz2|xz|lzma))?$")
OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open, ".lzma": lzma.open}


class BackupError(Exception):
    """A backup or restore refused, with the reason."""


class ExactEncoder(DjangoJSONEncoder):
    """Django's JSON encoder, but times keep their microseconds: it cuts them to
    milliseconds (dumpdata's files too), and a restored row must be the row backed up
    (the order of follow-ups and versions made in one millisecond, a page's times)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def rows():
    """Every row a backup holds, model by model in the order ``dumpdata`` uses (a row's
    natural-key references before it); each chunk of rows reads its many-to-many links
    and the users it names at once, not a query per row."""
    for model in serializers.sort_dependencies([(None, backed_up_models())], allow_cycles=True):
        named = [f.name for f in model._meta.fields if hasattr(f.related_model, "natural_key")]
        links = [
            f.name for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created
        ]
        queryset = model._default_manager.order_by(model._meta.pk.name)
        yield from queryset.select_related(*named).prefetch_related(*links).iterator(2000)


def back_up(path):
    """Write the backup to ``path``, a name ending in ``.jsonl``, compressed when it ends
    in ``.jsonl.gz``, ``.jsonl.bz2`` or ``.jsonl.xz``: the rows ``dumpdata --format jsonl
    --natural-foreign --natural-primary`` writes, times whole (``ExactEncoder``).

    Every table is read in one transaction, so the backup is of one moment even while the
    site runs (rows read table by table outside one could name rows written meanwhile,
    and fail to restore). On SQLite, a write waits for it, up to the connection's
    timeout, then fails.
    """
    path = Path(path)
    if not NAME.search(path.name):
        raise BackupError(f"Name the backup *.jsonl or *.jsonl.gz, not {path}.")
    writing = path.with_name(f".{path.name}")  # a failed backup leaves no file like one
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    try:
        with transaction.atomic(), OPENERS.get(path.suffix, open)(writing, "wt") as out:
            if snapshot:  # one snapshot for every table (SQLite's transactions are one anyway)
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            serializers.serialize(
                "jsonl",
                rows(),
                stream=out,
                cls=ExactEncoder,
                use_natural_foreign_keys=True,
                use_natural_primary_keys=True,
            )
    except BaseException:
        writing.unlink(missing_ok=True)
        raise
    writing.replace(path)


def restore(path):
    """Load the backup at ``path`` into this database, which must hold nothing a backup
    holds but what ``migrate`` made (the Editors and Viewers groups), then write the
    search documents and empty the cache (whose pages were of other data). All or
    nothing: one transaction. Returns how many MoUs it restored."""
    path = Path(path).resolve()  # loaddata would look for a bare name among the fixtures
    if not path.is_file() or not NAME.search(path.name):
        raise BackupError(f"No backup at {path} (a file *.jsonl or *.jsonl.gz).")
    holding = [
        model._meta.verbose_name_plural
        for model in backed_up_models()
        if model is not Group and model._default_manager.exists()
    ]
    if holding:
        raise BackupError(
            f"The database is not empty (it holds {', '.join(map(str, holding[:3]))}"
            f"{', ...' if len(holding) > 3 else ''}): restore into a new, migrated database."
        )
    with transaction.atomic():
        call_command("loaddata", str(path), verbosity=0)
        count = search.rebuild()
    cache.clear()
    return count
