"""Public history: every change that reaches a published MoU's page makes a numbered
version holding the page's record as one document, so a citation of version n keeps
showing what was cited, and the history says what changed, in words.

A version table of documents, rather than a history table per model: a version is the
MoU with everything its page shows (parties, commitments, follow-ups, figures...), and
``record_versions`` writes them in bulk, a chunk of MoUs at a time, for imports.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

# MoUs whose documents are built and compared per round trip of ``record_versions``.
CHUNK_SIZE = 500


class MouVersionQuerySet(models.QuerySet):
    def public(self):
        """The versions of published MoUs, newest first: drafts never have history, and
        an MoU taken off the site takes its history with it."""
        return self.filter(mou__published=True).order_by("-created_at", "-pk")


class MouVersion(models.Model):
    """One published state of an MoU's page."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", "First published"
        CHANGE = "change", "Change"
        CORRECTION = "correction", "Correction"

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
        indexes = [models.Index(fields=["-created_at"])]
        get_latest_by = "number"

    def __str__(self):
        return f"{self.document.get('title', self.mou_id)}, version {self.number}"

    def get_absolute_url(self):
        return reverse("agreements:mou_version", args=[self.document["slug"], self.number])


def _names(objects):
    return [str(obj) for obj in objects]


def _source_number(numbers, source):
    return numbers.get(source.pk) if source else None


def mou_document(mou):
    """The MoU's public record, as its page shows it: plain JSON data, with each fact's
    source as its number in ``sources``. Needs ``for_detail()``; no query.

    What changes with time alone (overdue, "no news since") is not stored: the pages
    compute it from the dates stored here.
    """
    numbers = {source.pk: source.number for source in mou.numbered_sources}
    commitments = mou.commitments_with_history  # gives each follow-up its commitment

    def cite(source):
        return _source_number(numbers, source)

    return {
        "title": mou.title,
        "slug": mou.slug,
        "reference": mou.reference,
        "status": mou.get_status_display(),
        "current_status": mou.get_current_status_display(),
        "status_source": cite(mou.status_source),
        "date": mou.signed_on.isoformat() if mou.signed_on else None,
        "date_precision": mou.signed_on_precision,
        "date_kind": mou.date_kind,
        "date_display": mou.date_display,
        "date_note": mou.signed_on_note,
        "place": mou.place,
        "occasion": mou.occasion,
        "duration": mou.duration,
        "term_months": mou.term_months,
        "summary": mou.summary,
        "objectives": mou.objectives,
        "states": _names(mou.states.all()),
        "programmes": _names(mou.programmes.all()),
        "sectors": _names(mou.sectors.all()),
        "clusters": _names(mou.clusters.all()),
        "beneficiaries": _names(mou.beneficiaries.all()),
        "parties": [
            {
                "name": link.party.name,
                "role": link.get_role_display(),
                "signatory": ", ".join(p for p in (link.signatory, link.signatory_title) if p),
            }
            for link in mou.party_links
        ],
        "commitments": [
            {
                "who": str(c.party) if c.party else "",
                "kind": c.get_kind_display(),
                "description": c.description,
                "target": c.target_display,
                "period": c.period,
                "status": c.get_current_status_display(),
                "due_on": c.due_on.isoformat() if c.due_on else None,
                "source": cite(c.source),
                "quote": c.quote,
            }
            for c in commitments
        ],
        "follow_ups": [
            {
                "date": f.dated_on_display,
                "commitment": f.commitment.description if f.commitment_id else "",
                "summary": f.summary,
                "status": f.reported_status or "",
                "progress": f.progress_display,
                "source": cite(f.source),
                "quote": f.quote,
            }
            for f in mou.follow_up_list
        ],
        "figures": [
            {
                "value": f.display_value,
                "description": f.description,
                "about": str(f.subject),
                "as_of": f.as_of_display if f.as_of else "",
                "source": cite(f.source),
            }
            for f in mou.figure_list
        ],
        "reactions": [
            {
                "stance": r.get_stance_display(),
                "who": r.speaker_display or str(r.party or ""),
                "party": str(r.party or ""),
                "summary": r.summary,
                "quote": r.quote,
                "speech": r.speech,
                "actions": r.actions,
                "source": cite(r.source),
            }
            for r in mou.reaction_list
        ],
        "attendees": [
            {"name": str(a), "party": str(a.party or ""), "source": cite(a.source)}
            for a in mou.attendee_list
        ],
        "sources": [
            {
                "number": s.number,
                "title": s.title,
                "publisher": s.publisher,
                "author": s.author,
                "url": s.url,
                "published_on": s.published_on_display,
            }
            for s in mou.numbered_sources
        ],
    }


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


def _item_name(item):
    if isinstance(item, dict):
        for key in ITEM_NAMES:
            if item.get(key):
                return str(item[key])[:80]
    return str(item)[:80]


def describe_changes(old, new):
    """What changed between two documents, in words: "status: Signed → Active",
    "commitment added: Train 300 sellers", "summary changed"."""
    changes = []
    for key, label in FIELD_LABELS.items():
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if isinstance(after, list) or isinstance(before, list):
            before, after = before or [], after or []
            gone = [item for item in before if item not in after]
            added = [item for item in after if item not in before]
            if all(isinstance(i, str) for i in before + after):
                if added:
                    changes.append(f"{label} added: {', '.join(added)}")
                if gone:
                    changes.append(f"{label} removed: {', '.join(gone)}")
                continue
            changes += [f"{label} added: {_item_name(item)}" for item in added]
            changes += [f"{label} removed: {_item_name(item)}" for item in gone]
            if not (added or gone):
                changes.append(f"{label}s reordered")
        elif key in QUOTED:
            changes.append(f"{label}: {before or '(none)'} → {after or '(none)'}")
        else:
            changes.append(f"{label} changed")
    return changes


def record_versions(mous, note, *, user=None, correction=False):
    """Write a version for each published MoU of the queryset ``mous`` whose page differs
    from its latest version; returns how many were written.

    Works a chunk of MoUs at a time: their documents built from ``for_detail()``, their
    latest versions read in one query, the new ones written with one bulk insert.
    Publishing makes version 1; a later change is a correction when ``correction``
    (a fact already published was wrong) and a change otherwise.
    """
    from .mous import Mou

    published = Mou.objects.filter(pk__in=mous.values("pk"), published=True).order_by("pk")
    written = 0
    now = timezone.now()
    ids = list(published.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK_SIZE):
        chunk = ids[start : start + CHUNK_SIZE]
        latest = _latest_versions(chunk)
        versions = []
        for mou in Mou.objects.filter(pk__in=chunk).for_detail():
            document = mou_document(mou)
            previous = latest.get(mou.pk)
            if previous is not None and previous.document == document:
                continue
            if previous is None:
                kind, changes = MouVersion.Kind.PUBLISHED, ["first published"]
            else:
                kind = MouVersion.Kind.CORRECTION if correction else MouVersion.Kind.CHANGE
                changes = describe_changes(previous.document, document)
            versions.append(
                MouVersion(
                    mou=mou,
                    number=previous.number + 1 if previous else 1,
                    created_at=now,
                    kind=kind,
                    note=note[:300],
                    changes=changes,
                    document=document,
                    created_by=user if getattr(user, "pk", None) else None,
                )
            )
        MouVersion.objects.bulk_create(versions)
        written += len(versions)
    return written


def _latest_versions(mou_ids):
    """``{mou id: its latest version}``: one query, the newest number per MoU."""
    newest = (
        MouVersion.objects.filter(mou=models.OuterRef("mou")).order_by("-number").values("pk")[:1]
    )
    latest = MouVersion.objects.filter(mou__in=mou_ids, pk=models.Subquery(newest))
    return {version.mou_id: version for version in latest}
