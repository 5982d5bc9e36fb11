"""The registry's data version: one number that changes whenever anything a public page
shows may have changed, so whole pages can be cached, and answered with 304, until it
does (``mouregistry.pagecache``).

Kept in the database, not in the cache: every worker reads the same number even when
the cache is each process's own memory (the embedded default), so no worker serves a
page older than the data. It is bumped by every save, delete and many-to-many change of
the registry's models (``connect``) and by the bulk writes that send no signals
(``refresh_derived``, ``record_versions``).
"""

import hashlib

from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection, models, transaction
from django.db.models import F
from django.db.models.functions import Now
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

EPOCH = timezone.datetime(2000, 1, 1, tzinfo=timezone.get_fixed_timezone(0))


class DataVersion(models.Model):
    """The single row holding the data version and when it last changed."""

    number = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "data version"

    def __str__(self):
        return f"Data version {self.number}"

    @classmethod
    def current(cls):
        """The row, or an unsaved version 0 before the first bump: one query."""
        connection.data_version_reads = getattr(connection, "data_version_reads", 0) + 1
        return cls.objects.filter(pk=1).first() or cls(pk=1, number=0, changed_at=EPOCH)


# Seconds an aggregate stays cached under a version (a new version makes it unreachable
# at once; this only returns the memory).
CACHED_SECONDS = 600


def cached(request, name, compute, *key):
    """``compute()``, cached under the data version and ``key``: for aggregates over the
    whole registry (the home page's overview, scorecards), which change only when the
    data does. The version is the one the page cache read for ``request``
    (``request.data_version``), else read here once for the request (one query)."""
    parts = ":".join(str(part) for part in key)
    digest = hashlib.sha256(parts.encode()).hexdigest()[:32]
    version = request_version(request)
    return cache.get_or_set(f"{name}:{version.number}:{digest}", compute, CACHED_SECONDS)


def request_version(request):
    """The data version the page cache read for ``request``, else read now and kept on
    the request (one query per request, however many cached parts it has)."""
    version = getattr(request, "data_version", None)
    if version is None:
        version = DataVersion.current()
        if request is not None:
            request.data_version = version
    return version


def cached_query(request, name, queryset, compute=list):
    """``compute(queryset)`` (its rows by default), cached under the data version and the
    query's own SQL and parameters: the same query has the same answer until the data
    changes, whoever asks, and a query that differs (a visitor who may see drafts, another
    filter) is another entry. For what a page reads beside its own rows: its paginator's
    COUNT, the roll-ups of a state's or a party's MoUs, the counts on a map."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return compute(queryset.none())
    return cached(request, name, lambda: compute(queryset), sql, params)


def cached_count(request, queryset):
    """``queryset.count()`` by ``cached_query``: a list's, a tier's or a widening's
    COUNT, the same for every page and every reader until the data changes."""
    return cached_query(request, "count", queryset, models.QuerySet.count)


def bump():
    """Change the data version, in the transaction of the change itself: readers see the
    new version exactly when they see the new data, and a rollback takes both back.

    One UPDATE of one row per transaction: other connections see only the committed
    version, so a transaction bumps again only after reading the version itself (a
    test's request between two changes). A restore of 20,000 MoUs otherwise made
    203,000 UPDATEs. Each bump leaves a marker among the transaction's commit callbacks
    saying how many reads this connection had made; a rollback drops the marker with
    the bump.
    """
    reads = getattr(connection, "data_version_reads", 0)
    ours = set(connection.savepoint_ids)
    for savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _Bumped) and callback.reads == reads and savepoints <= ours:
            return
    updated = DataVersion.objects.filter(pk=1).update(number=F("number") + 1, changed_at=Now())
    if not updated:
        DataVersion.objects.create(pk=1, number=1)
    if connection.in_atomic_block:
        transaction.on_commit(_Bumped(reads))


class _Bumped:
    """The marker of a bump in a transaction (see ``bump``); does nothing on commit."""

    def __init__(self, reads):
        self.reads = reads

    def __call__(self):
        pass


def _changed(sender, raw=False, action="post_", **kwargs):
    if not raw and action.startswith("post_"):  # m2m_changed sends pre_ and post_
        bump()


def connect():
    """Bump on every write of the registry's own models and their many-to-many links
    (a fixture load included, once its transaction commits), except those that no public
    page shows (``changes_public_pages = False``)."""
    for model in apps.get_app_config("agreements").get_models():
        if model is DataVersion or not getattr(model, "changes_public_pages", True):
            continue
        label = model._meta.label
        post_save.connect(_changed, sender=model, dispatch_uid=f"freshness-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"freshness-delete-{label}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _changed, sender=through, dispatch_uid=f"freshness-m2m-{through._meta.label}"
            )
