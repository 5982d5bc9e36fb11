"""Backing up the registry into one JSON file and restoring it into an empty database.

The backup is ``dumpdata`` of every table that holds something the database cannot
make again: the registry, its versions, follow-ups, import records and search
vocabulary, staff accounts and groups, the admin's log and the login lockouts. Left out
is what ``migrate`` makes from the code (content types, permissions), the sessions (a
restore logs everyone out) and the search documents, which are derived: the restore
writes them again (the same as ``manage.py rebuild_search``).

References go by natural key where there is one (a group's permissions by codename, a
record's user by username, a log entry's model by name), never by the ids one database
happened to give them, so a backup loads into any migrated database: one whose
migrations ran in another order, or which has the Editors and Viewers groups already.
"""

import re
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction

from . import search

# What a backup leaves out (apps and models, as ``dumpdata --exclude`` takes them), with
# every model whose table Django does not manage: the search documents.
LEFT_OUT = ["contenttypes", "auth.permission", "sessions"]


def left_out():
    return LEFT_OUT + [m._meta.label_lower for m in apps.get_models() if not m._meta.managed]


def backed_up_models():
    """The models whose rows a backup holds."""
    labels = set(left_out())
    return [
        model
        for model in apps.get_models()
        if not model._meta.proxy and not {model._meta.app_label, model._meta.label_lower} & labels
    ]


# A backup's name says it is JSON, so that loaddata reads it back, and may say how it is
# compressed.
NAME = re.compile(r"\.json(\.(gz|bz2|xz|lzma))?$")


class BackupError(Exception):
    """A backup or restore refused, with the reason."""


def back_up(path):
    """Write the backup to ``path``, a name ending in ``.json``, compressed when it ends in
    ``.json.gz``, ``.json.bz2`` or ``.json.xz``.

    Every table is read in one transaction, so the backup is of one moment even while the
    site runs (rows read table by table outside one could name rows written meanwhile,
    and fail to restore). On SQLite, writes wait until it ends.
    """
    if not NAME.search(str(path)):
        raise BackupError(f"Name the backup *.json or *.json.gz, not {path}.")
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if snapshot:  # one snapshot for every table (SQLite's transactions are one anyway)
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        call_command(
            "dumpdata",
            exclude=left_out(),
            natural_foreign=True,
            natural_primary=True,
            output=str(path),
            verbosity=0,
        )


def restore(path):
    """Load the backup at ``path`` into this database, which must hold nothing a backup
    holds but what ``migrate`` made (the Editors and Viewers groups), then write the
    search documents and empty the cache (whose pages were of other data). All or
    nothing: one transaction. Returns how many MoUs it restored."""
    path = Path(path).resolve()  # loaddata would look for a bare name among the fixtures
    if not path.is_file() or not NAME.search(path.name):
        raise BackupError(f"No backup at {path} (a file *.json or *.json.gz).")
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
