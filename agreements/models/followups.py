"""What happened since the signing: dated, sourced follow-ups about an MoU or one of its
commitments, and editors' checks that found no news.

An MoU's and a commitment's current status is derived from them, never asserted: the
latest dated follow-up that reports a status wins, else what the signing's report said.
The derived values are kept on the MoU and the commitment (``current_status``,
``last_news_on``, ``due_on``) by ``refresh_derived()``, which every write path calls, so
lists can filter and count by them in SQL at any size.
"""

import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import NotSupportedError, models
from django.db.models import Case, Exists, F, Func, Lookup, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest, Now, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..formats import format_partial_date, indian_number
from .entities import Precision
from .facts import Commitment, CommitmentStatus, MouStatus, SourcedModel

# An MoU with no follow-up or check for this long is marked "no news since".
NO_NEWS_AFTER_MONTHS = 24


def add_months(day, months):
    """``day`` plus ``months`` calendar months, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def period_end(day, precision):
    """The last day a date given at ``precision`` can mean: 2021 → 31 December 2021.
    ``period_end_sql`` is the same in SQL."""
    if precision == Precision.YEAR:
        return day.replace(month=12, day=31)
    if precision == Precision.MONTH:
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day


class EndOf(Func):
    """The last day of the year or the month (``unit``) of a date expression."""

    output_field = models.DateField()

    def __init__(self, expression, unit):
        if unit not in ("year", "month"):
            raise ValueError(f"no end of {unit!r}")
        self.unit = unit
        super().__init__(expression)

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError("EndOf is written for SQLite and PostgreSQL only")

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, 'start of {self.unit}', '+1 {self.unit}', '-1 day')", params

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"(date_trunc('{self.unit}', {sql}) + interval '1 {self.unit} - 1 day')::date",
            params,
        )


def period_end_sql(day, precision):
    """``period_end`` in SQL, of the date field ``day`` at the precision field ``precision``."""
    return Case(
        When(**{precision: Precision.YEAR}, then=EndOf(F(day), "year")),
        When(**{precision: Precision.MONTH}, then=EndOf(F(day), "month")),
        default=F(day),
        output_field=models.DateField(),
    )


# Which follow-up a status comes from: the latest dated, and of one date the last recorded.
LATEST_FIRST = ("-dated_on", "-pk")


def before_signing(day, precision, signed_on):
    """Whether news dated ``day`` at ``precision`` comes before a signing on ``signed_on``
    (even its last possible day is earlier), which a follow-up may not: the rule of
    ``FollowUp.clean``, of ``Mou.clean`` for its follow-ups, and of the MoU import."""
    return None not in (day, signed_on) and period_end(day, precision) < signed_on


def news_before_signing(display):
    """Why an MoU cannot take a date after its follow-up dated ``display``."""
    return (
        f"This date would put the follow-up of {display} before the signing, and a "
        "follow-up comes after it: change or delete that follow-up first."
    )


def no_news_cutoff(today=None):
    """The day before which an MoU's last news makes it "no news since"."""
    return add_months(today or timezone.localdate(), -NO_NEWS_AFTER_MONTHS)


class RefreshesItsMou(models.Model):
    """A row whose saving or deleting changes what its MoU's derived fields say."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        refresh_derived_of(self.mou_id)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        refresh_derived_of(self.mou_id)
        return result


class FollowUp(RefreshesItsMou, SourcedModel):
    """Something a source reported after the signing, about the MoU or one commitment:
    a workshop held, sellers onboarded, the MoU in force, renewed, expired, ended."""

    mou = models.ForeignKey("Mou", on_delete=models.CASCADE, related_name="follow_ups")
    commitment = models.ForeignKey(
        "Commitment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follow_ups",
        help_text=_("Leave empty for news about the MoU as a whole."),
    )
    dated_on = models.DateField(
        _("date"), help_text=_("When it happened, or when the source reported it.")
    )
    dated_on_precision = models.CharField(
        _("precision"),
        max_length=8,
        choices=[c for c in Precision.choices if c[0] != Precision.UNKNOWN],
        default=Precision.DAY,
    )
    summary = models.TextField(_("what happened"))
    mou_status = models.CharField(
        _("MoU status it reports"),
        max_length=12,
        choices=MouStatus.choices,
        blank=True,
        help_text=_("For news about the MoU: in force (active), expired, terminated..."),
    )
    commitment_status = models.CharField(
        _("commitment status it reports"),
        max_length=12,
        choices=CommitmentStatus.choices,
        blank=True,
    )
    progress_value = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Progress against the commitment's target, in its unit (120 of 300 sellers)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by_import = models.ForeignKey(
        "ImportRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_follow_ups",
        editable=False,
    )

    class Meta:
        ordering = ["dated_on", "pk"]
        verbose_name = "follow-up"
        verbose_name_plural = "follow-ups"
        constraints = [
            models.CheckConstraint(
                condition=Q(commitment__isnull=False)
                | Q(commitment_status="", progress_value=None),
                name="follow_up_progress_is_a_commitments",
            ),
            models.CheckConstraint(
                condition=Q(commitment__isnull=True) | Q(mou_status=""),
                name="follow_up_mou_status_is_the_mous",
            ),
        ]

    def __str__(self):
        return f"{self.dated_on_display}: {self.summary[:60]}"

    @property
    def dated_on_display(self):
        return format_partial_date(self.dated_on, self.dated_on_precision)

    @property
    def progress_display(self):
        """ "120 of 300 MSME sellers", against its commitment's target; empty without."""
        if self.progress_value is None or self.commitment is None:
            return ""
        commitment = self.commitment
        return FollowUp.describe_progress(
            self.progress_value, commitment.target_value, commitment.target_unit
        )

    @staticmethod
    def describe_progress(progress, target_value, target_unit):
        """``progress_display`` from the values, for code that reads them as values."""
        if progress is None:
            return ""
        if target_value is None:
            return f"{indian_number(progress)} {target_unit}".strip()
        target = Commitment.describe_target(target_value, target_unit)
        return f"{indian_number(progress)} of {target}"

    @property
    def reported_status(self):
        """The status it reports, with its label, or None."""
        return FollowUp.describe_status(self.commitment_id, self.commitment_status, self.mou_status)

    @staticmethod
    def describe_status(commitment_id, commitment_status, mou_status):
        if commitment_id and commitment_status:
            return str(CommitmentStatus(commitment_status).label)
        if mou_status:
            return str(MouStatus(mou_status).label)
        return None

    def clean(self):
        errors = {}
        if self.commitment_id and self.commitment.mou_id != self.mou_id:
            errors["commitment"] = "This commitment belongs to another MoU."
        if self.commitment_id is None and (self.commitment_status or self.progress_value):
            errors["commitment"] = "Progress and a commitment status need a commitment."
        if self.commitment_id and self.mou_status:
            errors["mou_status"] = "News about a commitment reports the commitment's status."
        signed_on = self.mou.signed_on if self.mou_id else None
        if before_signing(self.dated_on, self.dated_on_precision, signed_on):
            errors["dated_on"] = (
                f"{self.dated_on_display} is before the MoU's date "
                f"({self.mou.signed_on_display}): a follow-up comes after the signing."
            )
        if errors:
            raise ValidationError(errors)


class NewsCheck(RefreshesItsMou):
    """An editor's search for news about an MoU that found none, so readers see how
    fresh the record is ("searched on 20 November 2026, no news")."""

    mou = models.ForeignKey("Mou", on_delete=models.CASCADE, related_name="checks")
    checked_on = models.DateField(default=timezone.localdate)
    note = models.CharField(
        max_length=300,
        help_text=_("Where you looked, e.g. 'news search and the state's press releases'."),
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["checked_on", "pk"]
        verbose_name = "check for news"
        verbose_name_plural = "checks for news"

    def __str__(self):
        return f"Checked {self.checked_on:%-d %B %Y}: no news"


# Stands in for "no date" inside GREATEST, which SQLite makes NULL if any argument is.
NO_DATE = datetime.date(1, 1, 1)


class DistinctFrom(Lookup):
    """``lhs IS DISTINCT FROM rhs``: unequal, a NULL and a value counting as unequal and
    two NULLs as equal; as an expression for ``filter()``. SQLite spells it ``IS NOT``
    (its ``IS DISTINCT FROM`` came only in 3.39)."""

    lookup_name = "distinct_from"

    def as_sql(self, compiler, connection, operator="IS DISTINCT FROM"):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} {operator} {rhs}", (*lhs_params, *rhs_params)

    def as_sqlite(self, compiler, connection):
        return self.as_sql(compiler, connection, operator="IS NOT")


def _changed(derived):
    """A filter for the rows of which any of ``derived`` (``{field: expression}``) would
    change: the UPDATEs below write only those."""
    condition = Q()
    for name, expression in derived.items():
        condition |= DistinctFrom(F(name), expression)
    return condition


def refresh_derived(mous, *, reindex=True, touch=True):
    """Recompute what follow-ups and checks decide for the MoUs of the queryset ``mous``
    and their commitments: current statuses, the date of the last news, when each
    commitment's latest news came (the commitments feed's order), and when each
    commitment with a period falls due. Rewrites their search documents
    (``agreements.search``; ``reindex=False`` leaves that to the caller). Returns how
    many MoU and commitment rows it wrote.

    Only rows whose derived values change are written: an import's new rows already
    hold the values they would derive (``importing.writing``), and rewriting 30,000
    unchanged rows was a sixth of an import of 10,000 new MoUs on PostgreSQL. With
    ``touch`` every MoU of ``mous`` is also marked updated (``updated_at``), as a saved
    follow-up changes its page even when no derived value changes; an import marks its
    rows itself.

    A fixed number of UPDATEs whatever the number of MoUs; the due dates are computed in
    Python, for the commitments that have a period (few do); the search documents a
    fixed number of queries per chunk of MoUs.
    """
    from .facts import Commitment
    from .freshness import bump
    from .mous import Mou

    bump()  # UPDATEs send no signals
    ids = mous.values("pk")
    latest = FollowUp.objects.order_by(*LATEST_FIRST)
    recorded = FollowUp.objects.filter(commitment=OuterRef("pk")).order_by("-created_at")
    derived = {
        "current_status": Coalesce(
            Subquery(
                latest.filter(commitment=OuterRef("pk"))
                .exclude(commitment_status="")
                .values("commitment_status")[:1]
            ),
            F("status"),
        ),
        "followed_up": Exists(FollowUp.objects.filter(commitment=OuterRef("pk"))),
        "news_at": Coalesce(
            Subquery(recorded.values("created_at")[:1]),
            Subquery(Mou.objects.filter(pk=OuterRef("mou")).values("published_at")[:1]),
        ),
    }
    count = Commitment.objects.filter(_changed(derived), mou__in=ids).update(**derived)

    def or_no_date(expression):
        return Coalesce(expression, Value(NO_DATE))

    # The last day the latest news can mean: a follow-up of "2022" may be of 31 December.
    last_follow_up = (
        FollowUp.objects.filter(mou=OuterRef("pk"))
        .annotate(end=period_end_sql("dated_on", "dated_on_precision"))
        .order_by("-end")
        .values("end")[:1]
    )
    last_check = NewsCheck.objects.filter(mou=OuterRef("pk")).order_by("-checked_on")
    derived = {
        "current_status": Coalesce(
            Subquery(
                latest.filter(mou=OuterRef("pk"), commitment=None)
                .exclude(mou_status="")
                .values("mou_status")[:1]
            ),
            F("status"),
        ),
        "last_news_on": NullIf(
            Greatest(
                or_no_date(Subquery(last_follow_up)),
                or_no_date(Subquery(last_check.values("checked_on")[:1])),
                or_no_date(period_end_sql("signed_on", "signed_on_precision")),
            ),
            Value(NO_DATE),
        ),
    }
    written = Mou.objects.filter(pk__in=ids)
    if not touch:
        written = written.filter(_changed(derived))
    count += written.update(updated_at=Now(), **derived)
    changed = []
    with_period = Commitment.objects.filter(mou__in=ids).select_related("mou")
    for commitment in with_period.exclude(period_months=None, due_on=None):
        due_on = commitment.computed_due_on()
        if due_on != commitment.due_on:
            commitment.due_on = due_on
            changed.append(commitment)
    count += Commitment.objects.bulk_update(changed, ["due_on"], batch_size=500)
    if reindex:
        from .. import search

        search.index(mous)
    return count


def explain_status(fact, latest):
    """Why an MoU's or a commitment's status is what it is, in words, from ``latest``,
    the latest of its follow-ups that report a status (``LATEST_FIRST``), with its
    source, or None: that follow-up's date, summary and source, or else the report of
    the signing (with its own source when it goes beyond a signing)."""
    status = fact.get_current_status_display()
    if latest is not None:
        return (
            f"{status}: from the follow-up of {latest.dated_on_display} "
            f"(“{latest.summary[:80]}”, source: {latest.source})"
        )
    if fact.status_source_id:
        return f"{status}: as recorded, sourced to {fact.status_source}"
    return f"{status}: as the report of the signing says (no follow-up reports a status)"


def refresh_derived_of(mou_id):
    """``refresh_derived`` for one MoU, after it, a follow-up, check or commitment was
    saved; its search document is rewritten once, when the transaction commits (an admin
    save runs this for each row it saves)."""
    from .. import search
    from .mous import Mou

    refresh_derived(Mou.objects.filter(pk=mou_id), reindex=False)
    search.mark_stale([mou_id])


def months_after(day, precision, months):
    """The end of a term of ``months`` from a date known at ``precision``, at the same
    precision: a year-precision signing gives a year-precision end."""
    end = add_months(day, months)
    if precision == Precision.YEAR:
        return end.replace(month=1, day=1), Precision.YEAR
    if precision == Precision.MONTH:
        return end.replace(day=1), Precision.MONTH
    return end, Precision.DAY
