"""Public history: every change that reaches a published MoU's page makes a numbered
version holding the page's record as one document, so a citation of version n keeps
showing what was cited, and the history says what changed, in words.

A version table of documents, rather than a history table per model: a version is the
MoU with everything its page shows (parties, commitments, follow-ups, figures...), built
by ``snapshots.mou_documents``, and ``record_versions`` writes them in bulk, a chunk of
MoUs at a time, for imports.
"""

from django.conf import settings
from django.db import connection, models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .bulk import among, insert_rows, json_text
from .freshness import bump

# MoUs whose documents are built and compared per round trip of ``record_versions``:
# its 17 queries are compiled once per chunk, which at 500 was a tenth of an import of
# 10,000 new MoUs on SQLite (benchmarks/imports.py: 2,706 -> 3,077 rows/s at 2,000).
CHUNK_SIZE = 2000


class MouVersionQuerySet(models.QuerySet):
    def public(self):
        """The versions of published MoUs, newest first: drafts never have history, and
        an MoU taken off the site takes its history with it."""
        return self.filter(mou__published=True).order_by("-created_at", "-pk")


class MouVersion(models.Model):
    """One published state of an MoU's page."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", _("First published")
        CHANGE = "change", _("Change")
        CORRECTION = "correction", _("Correction")

    mou = models.ForeignKey("Mou", on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    note = models.CharField(
        "change note", max_length=300, help_text="Public: what changed and why."
    )
    changes = models.JSONField(default=list, help_text="What changed, in words.")
    document = models.JSONField(help_text="The page's record at this version.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text="Shown to staff only; the public sees 'an editor'.",
    )

    objects = MouVersionQuerySet.as_manager()

    class Meta:
        ordering = ["mou", "number"]
        constraints = [
            models.UniqueConstraint(fields=["mou", "number"], name="unique_version_number"),
        ]
        # The change log's order, newest first: read a page off it instead of sorting
        # every version (334 ms at 100,000 versions on SQLite).
        indexes = [models.Index(fields=["-created_at", "-id"], name="version_newest_idx")]
        get_latest_by = "number"

    def __str__(self):
        return f"{self.document.get('title', self.mou_id)}, version {self.number}"

    def get_absolute_url(self):
        return reverse("agreements:mou_version", args=[self.document["slug"], self.number])


# How each part of a document is named when it changes.
FIELD_LABELS = {
    "title": "title",
    "reference": "reference",
    "status": "status at signing",
    "current_status": "status",
    "date_display": "date",
    "date_note": "about the date",
    "place": "place",
    "occasion": "occasion",
    "duration": "duration",
    "term_months": "term in months",
    "summary": "summary",
    "objectives": "objectives",
    "states": "states",
    "programmes": "programmes",
    "sectors": "sectors",
    "clusters": "clusters",
    "beneficiaries": "meant to help",
    "parties": "party",
    "commitments": "commitment",
    "follow_ups": "follow-up",
    "figures": "figure",
    "reactions": "reaction",
    "attendees": "person present",
    "sources": "source",
}
# Fields whose old and new values are short enough to quote in the history.
QUOTED = {"title", "current_status", "status", "date_display", "place", "occasion"}
# What a list item is called by in the history: its first field that says what it is.
ITEM_NAMES = ("description", "name", "title", "summary", "value")
# A list item's fields short enough to quote when an item changes in place.
ITEM_QUOTED = {
    *("who", "kind", "target", "period", "status", "due_on", "date", "role", "progress"),
    *("stance", "party", "as_of", "about", "signatory", "value"),
}


def _item_name(item):
    if isinstance(item, dict):
        for key in ITEM_NAMES:
            if item.get(key):
                return str(item[key])[:80]
    return str(item)[:80]


def _quoted(label, before, after):
    return f"{label}: {before or '(none)'} → {after or '(none)'}"


def _item_changes(old, new):
    """What changed inside one list item: "status: Pledged → In progress", "quote"."""
    keys = dict.fromkeys([*old, *new])
    return [
        _quoted(key.replace("_", " "), old.get(key), new.get(key))
        if key in ITEM_QUOTED
        else key.replace("_", " ")
        for key in keys
        if old.get(key) != new.get(key)
    ]


def _list_changes(key, label, before, after):
    """A list's changes: items added and removed, and an item that kept its name
    (``_item_name``) but not its fields, such as a commitment whose status a follow-up
    changed, as changed in place rather than removed and added again."""
    gone = [item for item in before if item not in after]
    added = [item for item in after if item not in before]
    if all(isinstance(i, str) for i in before + after):
        changes = [f"{label} added: {', '.join(added)}"] if added else []
        return changes + ([f"{label} removed: {', '.join(gone)}"] if gone else [])
    if not (added or gone):
        return [f"{key.replace('_', '-')} reordered"]
    changes = []
    for item in added:
        name = _item_name(item)
        # Of several of that name, the one it differs from least.
        candidates = [o for o in gone if _same_item(o, item)]
        old = min(candidates, key=lambda o: len(_item_changes(o, item)), default=None)
        if old is None:
            changes.append(f"{label} added: {name}")
        else:
            gone.remove(old)
            changes.append(f"{label} changed: {name} ({'; '.join(_item_changes(old, item))})")
    return changes + [f"{label} removed: {_item_name(item)}" for item in gone]


def _same_item(old, new):
    """Whether ``new`` is ``old`` changed in place: both records, of the same address (a
    source whose title was mended) or else of the same name."""
    if not (isinstance(old, dict) and isinstance(new, dict)):
        return False
    if old.get("url") and new.get("url"):
        return old["url"] == new["url"]
    return _item_name(old) == _item_name(new)


def describe_changes(old, new):
    """What changed between two documents, in words: "status: Signed → Active",
    "commitment added: Train 300 sellers", "commitment changed: Train 300 sellers
    (status: Pledged → In progress)", "summary changed"."""
    changes = []
    for key, label in FIELD_LABELS.items():
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if isinstance(after, list) or isinstance(before, list):
            changes += _list_changes(key, label, before or [], after or [])
        elif key in QUOTED:
            changes.append(_quoted(label, before, after))
        else:
            changes.append(f"{label} changed")
    return changes


def record_versions(mous, note, *, user=None, correction=False, reindex=False):
    """Write a version for each published MoU of the queryset ``mous`` whose page differs
    from its latest version; returns how many were written. With ``reindex``, also
    rewrite the search documents of every MoU of ``mous``, drafts included, from the same
    reads (what an import does last).

    Works a chunk of MoUs at a time: their ``snapshots.Records`` read once, their
    documents built from them, their latest versions read in one query, the new ones
    written with one INSERT. Publishing makes version 1; a later change is a correction
    when ``correction`` (a fact already published was wrong) and a change otherwise.
    """
    from .. import search
    from .snapshots import Records, mou_documents

    written = 0
    now = MouVersion._meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
    user_id = getattr(user, "pk", None)
    if not reindex:
        mous = mous.filter(published=True)
    ids = sorted(mous.order_by().values_list("pk", flat=True))
    # A version is data: its words (statuses, roles, dates) in English, whichever
    # language the request that saved it was in.
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        for start in range(0, len(ids), CHUNK_SIZE):
            chunk = ids[start : start + CHUNK_SIZE]
            records = Records(chunk)
            if reindex:
                search.index_chunk(chunk, records)
            latest = _latest_versions(chunk)
            published = {mou["pk"] for mou in records.mous if mou["published"]}
            versions = _new_versions(mou_documents(chunk, records), latest, published, correction)
            rows = (
                (pk, number, now, kind, note[:300], json_text(changes), json_text(doc), user_id)
                for pk, number, kind, changes, doc in versions
            )
            written += insert_rows(MouVersion, VERSION_FIELDS, rows)
        if written:
            bump()  # the history pages change; plain INSERTs send no signals
    return written


def _new_versions(documents, latest, published, correction):
    """``(mou id, number, kind, changes, document)`` for each of ``documents`` (pairs of
    an MoU id and its document) that makes a new version: a published MoU's whose page
    differs from its ``latest`` version, or that has none."""
    for pk, document in documents:
        number, previous = latest.get(pk, (0, None))
        if pk not in published or previous == document:
            continue
        if previous is None:
            yield pk, number + 1, MouVersion.Kind.PUBLISHED, ["first published"], document
        else:
            kind = MouVersion.Kind.CORRECTION if correction else MouVersion.Kind.CHANGE
            yield pk, number + 1, kind, describe_changes(previous, document), document


# The columns ``record_versions`` writes, in the order of its rows.
VERSION_FIELDS = [
    "mou",
    "number",
    "created_at",
    "kind",
    "note",
    "changes",
    "document",
    "created_by",
]


def _latest_versions(mou_ids):
    """``{mou id: (number, document)}`` of each one's latest version: one query, the
    newest number per MoU, read as values (a changed import compares 10,000 of them)."""
    newest = (
        MouVersion.objects.filter(mou=models.OuterRef("mou")).order_by("-number").values("pk")[:1]
    )
    latest = MouVersion.objects.filter(among(mou_ids), pk=models.Subquery(newest))
    return {
        mou_id: (number, document)
        for mou_id, number, document in latest.values_list("mou_id", "number", "document")
    }
