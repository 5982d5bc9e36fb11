"""The record of imports: who brought which file in, and what it changed."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ImportRecord(models.Model):
    """One CSV or XLSX import that wrote to the registry: who, when, what file, what changed."""

    class Via(models.TextChoices):
        ADMIN = "admin", "Admin"
        COMMAND = "command", "Command line"

    class Kind(models.TextChoices):
        MOUS = "mous", "MoUs"
        FOLLOW_UPS = "follow_ups", "Follow-ups"

    created_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(
        "what it imported", max_length=10, choices=Kind.choices, default=Kind.MOUS
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    via = models.CharField(max_length=8, choices=Via.choices)
    file_name = models.CharField(max_length=255)
    checksum = models.CharField("SHA-256", max_length=64)
    new = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    new_parties = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} ({timezone.localtime(self.created_at):%Y-%m-%d %H:%M})"
