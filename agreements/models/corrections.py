"""Readers' reports of an error or a missing fact in an MoU's record.

A report is a lead for Editors, never a fact: it is shown nowhere public, and a record
changes only when an Editor checks it against a source and edits the MoU (which makes a
new public version, labelled a correction when it changes a published fact).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

# The longest report a reader may send: enough for a paragraph and a quote, short enough
# that a flood of them stays small.
REPORT_CHARS = 2_000


class Correction(models.Model):
    """What a reader says is wrong or missing in one published MoU, and what became of it."""

    # A report is not data: receiving one must not invalidate every cached public page
    # (``freshness.connect``), or anyone could empty the page cache by sending reports.
    changes_public_pages = False

    class Status(models.TextChoices):
        NEW = "new", "New"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    mou = models.ForeignKey(
        "agreements.Mou", on_delete=models.CASCADE, related_name="corrections", verbose_name="MoU"
    )
    message = models.TextField(
        "what is wrong or missing",
        max_length=REPORT_CHARS,
        help_text="As the reader wrote it, with any HTML removed. Never published.",
    )
    source_url = models.URLField(
        "source link", max_length=500, blank=True, help_text="Where the reader read it."
    )
    email = models.EmailField(
        blank=True, help_text="Given by the reader for questions; never published."
    )
    received_at = models.DateTimeField(default=timezone.now, editable=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.NEW)
    editor_note = models.TextField(
        blank=True, help_text="For Editors only: what was checked and what was changed."
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["status", "-received_at"], name="correction_queue_idx")]

    def __str__(self):
        return f"Report on {self.mou} ({timezone.localtime(self.received_at):%Y-%m-%d %H:%M})"

    @staticmethod
    def reviewed(user, status):
        """The fields an Editor's decision sets: the status, who and when."""
        return {"status": status, "reviewed_by": user, "reviewed_at": timezone.now()}
