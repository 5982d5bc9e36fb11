"""The facts an MoU's sources report, each naming its source: commitments, figures,
reactions, people present and programme benefits."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..formats import format_partial_date, indian_number
from .entities import Party, Precision, Programme, Sector, Source, State, marked_name


class MouStatus(models.TextChoices):
    ANNOUNCED = "announced", _("Announced")
    REPORTED = "reported", _("Tie-up reported")
    SIGNED = "signed", _("Signed")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")
    DORMANT = "dormant", _("Reported dormant")

    @classmethod
    def from_signing(cls):
        """What a report of the signing itself can say. Anything later (in force, expired,
        ended) is news of its own and needs a source of its own."""
        return [cls.ANNOUNCED, cls.REPORTED, cls.SIGNED]


class CommitmentStatus(models.TextChoices):
    PLEDGED = "pledged", _("Pledged")
    IN_PROGRESS = "in_progress", _("In progress")
    FULFILLED = "fulfilled", _("Fulfilled")
    LAPSED = "lapsed", _("Lapsed")
    UNKNOWN = "unknown", _("Unknown")

    @classmethod
    def from_signing(cls):
        """What a report of the signing can say of a promise: that it was made, or nothing
        about its progress. Progress is news of its own and needs a source of its own."""
        return [cls.PLEDGED, cls.UNKNOWN]


# What each status means, for readers (/about/, which lists the statuses from the
# choices themselves): a status added without a meaning fails a test.
STATUS_MEANINGS = {
    MouStatus.ANNOUNCED: _("A party said the MoU is coming; no source yet says it was signed."),
    MouStatus.REPORTED: _("A source reports a tie-up, but not that a memorandum was signed."),
    MouStatus.SIGNED: _("A source says the MoU was signed."),
    MouStatus.ACTIVE: _("A later source reports the MoU in force."),
    MouStatus.EXPIRED: _("A later source reports that its term has ended."),
    MouStatus.TERMINATED: _("A later source reports that it was ended."),
    MouStatus.DORMANT: _("A later source reports that nothing is happening under it."),
    CommitmentStatus.PLEDGED: _("The report of the signing says it was promised."),
    CommitmentStatus.IN_PROGRESS: _("A later source reports work on it under way."),
    CommitmentStatus.FULFILLED: _("A later source reports it done."),
    CommitmentStatus.LAPSED: _("A later source reports that it lapsed without being done."),
    CommitmentStatus.UNKNOWN: _("No source says how it stands."),
}


class SourcedModel(models.Model):
    """A fact taken from an article: it names the article and may quote it."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    quote = models.TextField(blank=True, help_text=_("A short quote from the source."))

    class Meta:
        abstract = True


def require_status_source(fact):
    """The rule shared by MoUs and commitments: a status beyond what a report of the
    signing can say (``Status.from_signing()``) names the source that reports it."""
    if fact.status not in fact.Status.from_signing() and fact.status_source_id is None:
        raise ValidationError(
            {
                "status_source": f"“{fact.get_status_display()}” is more than a report of the "
                "signing can say: name the source that reports it."
            }
        )


def derived_status_field(status, default):
    """The ``current_status`` of an MoU or a commitment, kept by
    ``followups.refresh_derived``: never edited, never asserted without a source."""
    return models.CharField(
        max_length=12,
        choices=status.choices,
        default=default,
        editable=False,
        help_text=_("The status the latest dated follow-up reports, else the status above."),
    )


def status_source_field(help_text):
    """The source of a status beyond what a report of the signing can say
    (``require_status_source``); ``help_text`` names those statuses."""
    return models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=help_text,
    )


def overdue_condition():
    """A commitment past the end of its period that no follow-up reports fulfilled, as a
    condition (``CommitmentQuerySet.overdue()``, and counted inside an aggregate)."""
    return Q(due_on__lt=timezone.localdate()) & ~Q(current_status=CommitmentStatus.FULFILLED)


class CommitmentQuerySet(models.QuerySet):
    def public(self):
        """The commitments of published MoUs: the only ones the public sees."""
        return self.filter(mou__published=True)

    def overdue(self):
        """Past the end of their period, and no follow-up reports them fulfilled."""
        return self.filter(overdue_condition())

    def with_status_reports(self):
        """Each one's follow-ups that report a status, latest first and with their
        sources, as ``status_reports``: what ``Commitment.status_explanation`` reads, in
        one query for them all (the admin's MoU page lists every commitment)."""
        from .followups import LATEST_FIRST, FollowUp

        reports = FollowUp.objects.exclude(commitment_status="").select_related("source")
        return self.prefetch_related(
            models.Prefetch("follow_ups", reports.order_by(*LATEST_FIRST), to_attr="status_reports")
        )

    def followed_up(self, yes=True):
        """With (or, ``yes=False``, without) any follow-up."""
        return self.filter(followed_up=yes)

    def for_list(self):
        """What a row of the commitment list shows: one query, the MoU and the party
        joined."""
        return self.select_related("mou", "party").order_by(
            models.F("mou__signed_on").desc(nulls_last=True), "mou__title", "pk"
        )

    def for_export(self):
        """What a download row holds: the MoU, party and source joined, and the count and
        latest date of its follow-ups. One query (per chunk when iterated)."""
        return (
            self.select_related("mou", "party", "source")
            .annotate(
                follow_up_count=models.Count("follow_ups"),
                last_follow_up_on=models.Max("follow_ups__dated_on"),
            )
            .order_by("mou__reference", "mou__pk", "pk")
        )

    def scorecard(self):
        """How these promises stand: the count by current status, how many any
        follow-up concerns, how many are overdue (one aggregate query), and the MoU whose
        record has gone longest without news (one query). Plain data, to cache."""
        counts = self.aggregate(
            total=models.Count("pk"),
            followed_up=models.Count("pk", filter=Q(followed_up=True)),
            overdue=models.Count("pk", filter=overdue_condition()),
            **{
                status: models.Count("pk", filter=Q(current_status=status))
                for status in CommitmentStatus.values
            },
        )
        counts["never_followed_up"] = counts["total"] - counts["followed_up"]
        mous = self.model.mou.field.related_model.objects.filter(pk__in=self.values("mou"))
        counts["longest_unchecked"] = (
            mous.order_by(models.F("last_news_on").asc(nulls_first=True), "pk")
            .values("title", "slug", "last_news_on")
            .first()
        )
        counts["by_status"] = [
            (value, label, counts[value]) for value, label in CommitmentStatus.choices
        ]
        return counts


class Commitment(SourcedModel):
    """What a party undertakes under an MoU."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        ONBOARDING = "onboarding", _("Onboarding")
        CATALOGUING = "cataloguing", _("Cataloguing")
        MARKETING = "marketing", _("Marketing or promotion")
        ACCOUNT_MANAGEMENT = "account_management", _("Account management")
        LOGISTICS = "logistics", _("Logistics or warehousing")
        FEE_WAIVER = "fee_waiver", _("Fee or commission waiver")
        SUPPLY = "supply", _("Supplier linkage")
        OTHER = "other", _("Other")

    Status = CommitmentStatus

    mou = models.ForeignKey("Mou", on_delete=models.CASCADE, related_name="commitments")
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, null=True, blank=True, related_name="commitments"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField()
    target_value = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    target_unit = models.CharField(max_length=100, blank=True, help_text=_("E.g. MSME sellers."))
    period = models.CharField(max_length=100, blank=True, help_text=_("E.g. the first six months."))
    period_months = models.PositiveSmallIntegerField(
        _("period in months"),
        null=True,
        blank=True,
        help_text=_(
            "Only when the source gives the period ('the first six months': 6). It "
            "falls due that long after the MoU's date; unfulfilled by then, it is overdue."
        ),
    )
    status = models.CharField(
        max_length=12,
        choices=Status.choices,
        default=Status.PLEDGED,
        help_text=_(
            "Pledged, or Unknown when the source says nothing of its progress. In "
            "progress, fulfilled and lapsed need a source of their own."
        ),
    )
    status_source = status_source_field(
        _("The source that reports an in-progress, fulfilled or lapsed status.")
    )
    current_status = derived_status_field(Status, Status.PLEDGED)
    due_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("The end of its period, from the MoU's date (the last day it can mean)."),
    )
    followed_up = models.BooleanField(
        default=False,
        editable=False,
        help_text=_("Whether any follow-up concerns it, kept by refresh_derived()."),
    )
    news_at = models.DateTimeField(
        null=True,
        editable=False,
        help_text="When its latest follow-up was recorded, else when its MoU was first "
        "published: the commitments feed's order, kept by refresh_derived().",
    )

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["mou", "pk"]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["current_status"]),
            # The feed reads the newest 50 off this instead of sorting every commitment.
            models.Index(fields=["-news_at", "-id"], name="commitment_news_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_value__isnull=True) | ~Q(target_unit=""),
                name="commitment_target_has_unit",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CommitmentStatus.from_signing())
                | Q(status_source__isnull=False),
                name="commitment_later_status_has_source",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.description[:60]}"

    def save(self, *args, **kwargs):
        from .followups import refresh_derived_of

        super().save(*args, **kwargs)
        refresh_derived_of(self.mou_id)

    def status_explanation(self):
        """Why the status is what it is, for staff (see ``followups.explain_status``).
        Needs ``CommitmentQuerySet.with_status_reports()``; no query."""
        from .followups import explain_status

        return explain_status(self, next(iter(self.status_reports), None))

    def computed_due_on(self):
        """The last day its period can end on, from the MoU's date at its precision, or
        None without a period or a date."""
        from .followups import months_after, period_end

        mou = self.mou
        if self.period_months is None or mou.signed_on is None:
            return None
        return period_end(*months_after(mou.signed_on, mou.signed_on_precision, self.period_months))

    @property
    def is_overdue(self):
        """Its period has ended and no follow-up reports it fulfilled."""
        return (
            self.due_on is not None
            and self.due_on < timezone.localdate()
            and self.current_status != self.Status.FULFILLED
        )

    def get_absolute_url(self):
        return f"{self.mou.get_absolute_url()}#commitment-{self.pk}"

    @property
    def target_display(self):
        """The target as "300 MSME sellers", grouped the Indian way; empty when none is given."""
        return Commitment.describe_target(self.target_value, self.target_unit)

    @staticmethod
    def describe_target(value, unit):
        """``target_display`` from the two fields, for code that reads them as values."""
        return "" if value is None else f"{indian_number(value)} {unit}"

    def clean(self):
        require_status_source(self)
        if self.target_value is not None and not self.target_unit:
            raise ValidationError({"target_unit": "A target needs a unit."})


class ReportedFigureQuerySet(models.QuerySet):
    def public(self):
        """Figures the public may see: none that a draft MoU holds."""
        return self.filter(Q(mou=None) | Q(mou__published=True))

    def about(self, obj):
        """The public figures about ``obj`` (a party, programme, state or sector), newest
        first, for its page: one query with their sources."""
        field = type(obj)._meta.model_name  # "party", "programme", "state", "sector"
        return (
            self.public()
            .filter(**{field: obj})
            .select_related("party", "programme", "state", "sector", "source")
            .order_by(models.F("as_of").desc(nulls_last=True), "pk")
        )


class ReportedFigure(SourcedModel):
    """A number a source reports about a party, programme, state or sector.

    Most figures in a report of an MoU describe the marketplace, the state or the
    programme, not the MoU: they are stored without an MoU, and an MoU's page shows the
    ones its own sources give about its parties, states, programmes and sectors as
    context (``Mou.context_figures()``). Only a figure about the MoU itself names it.
    """

    class Qualifier(models.TextChoices):
        EXACT = "", pgettext_lazy("qualifier", "Exactly")
        ABOUT = "about", pgettext_lazy("qualifier", "About")
        OVER = "over", pgettext_lazy("qualifier", "Over")
        UP_TO = "up_to", pgettext_lazy("qualifier", "Up to")

    # The qualifier with the number, in the page's language ("7.50 लाख से अधिक").
    QUALIFIED = {
        "about": _("about %(number)s"),
        "over": _("over %(number)s"),
        "up_to": _("up to %(number)s"),
    }

    mou = models.ForeignKey(
        "Mou",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="figures",
        help_text=_(
            "Only for a figure about this MoU itself (the districts it covers). Leave "
            "empty for a figure about a company, programme, state or sector, even when an MoU's "
            "report gives it: the MoU's page shows it as context."
        ),
    )
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, null=True, blank=True, related_name="figures"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, null=True, blank=True, related_name="figures"
    )
    state = models.ForeignKey(
        State, on_delete=models.PROTECT, null=True, blank=True, related_name="figures"
    )
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, null=True, blank=True, related_name="figures"
    )
    description = models.CharField(max_length=300, help_text=_("What is counted."))
    qualifier = models.CharField(max_length=6, choices=Qualifier.choices, blank=True)
    value = models.DecimalField(max_digits=20, decimal_places=2)
    unit = models.CharField(max_length=50, help_text=_("E.g. sellers, USD, artisans."))
    value_as_written = models.CharField(
        max_length=60, blank=True, help_text=_("The figure as the source writes it: 7.50 lakh.")
    )
    as_of = models.DateField(null=True, blank=True)
    as_of_precision = models.CharField(
        max_length=8, choices=Precision.choices, default=Precision.UNKNOWN
    )

    objects = ReportedFigureQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(party__isnull=False)
                | Q(programme__isnull=False)
                | Q(state__isnull=False)
                | Q(sector__isnull=False),
                name="figure_has_subject",
            ),
        ]

    def __str__(self):
        return f"{self.display_value} {self.description}"

    def clean(self):
        if not (self.party_id or self.programme_id or self.state_id or self.sector_id):
            raise ValidationError(
                "Say what the figure is about: a party, programme, state or sector."
            )

    @property
    def display_value(self):
        """ "over 7.50 lakh" as the source writes it, else the value grouped the Indian way
        with its unit ("about 2,50,000 sellers")."""
        return ReportedFigure.describe_value(
            self.value_as_written, self.value, self.unit, self.qualifier
        )

    @staticmethod
    def describe_value(as_written, value, unit, qualifier):
        """``display_value`` from the four fields, for code that reads them as values."""
        return ReportedFigure.qualify(ReportedFigure.number(as_written, value, unit), qualifier)

    @staticmethod
    def number(as_written, value, unit):
        """The figure without its qualifier: as the source writes it, else the value
        grouped the Indian way with its unit."""
        return as_written or f"{indian_number(value)} {unit}"

    @staticmethod
    def qualify(number, qualifier):
        """``number`` with its qualifier ("over 7.50 lakh"), in the page's language."""
        if not qualifier:
            return number
        return str(ReportedFigure.QUALIFIED[qualifier]) % {"number": number}

    @property
    def marked_value(self):
        """``display_value`` for a page: on Hindi pages the number as the source writes
        it, unit included, marked ``lang="en"`` within the Hindi qualifier. Escaped."""
        number = ReportedFigure.number(self.value_as_written, self.value, self.unit)
        number = conditional_escape(marked_name(number, ""))
        return mark_safe(ReportedFigure.qualify(number, self.qualifier))  # noqa: S308

    @property
    def subject(self):
        """What the figure is about, for its link: the party, else the programme, state
        or sector."""
        return self.party or self.programme or self.state or self.sector

    @property
    def as_of_display(self):
        return format_partial_date(self.as_of, self.as_of_precision)


class Reaction(SourcedModel):
    """A public response to an MoU: a party's or a person's statement, with its stance."""

    class Stance(models.TextChoices):
        SUPPORT = "support", _("Support")
        NEUTRAL = "neutral", _("Neutral")
        CONCERN = "concern", _("Concern")
        OPPOSITION = "opposition", _("Opposition")

    mou = models.ForeignKey("Mou", on_delete=models.CASCADE, related_name="reactions")
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, null=True, blank=True, related_name="reactions"
    )
    speaker = models.CharField(max_length=200, blank=True, help_text=_("Who spoke, if a person."))
    speaker_title = models.CharField(max_length=200, blank=True)

    class Speech(models.TextChoices):
        DIRECT = "direct", _("Quoted in their own words")
        REPORTED = "reported", _("Reported speech (the source's words)")

    stance = models.CharField(max_length=12, choices=Stance.choices)
    summary = models.TextField()
    speech = models.CharField(
        max_length=8,
        choices=Speech.choices,
        default=Speech.DIRECT,
        help_text=_(
            "Reported speech (“X said that ...”) is shown as the source's words, never "
            "as the speaker's."
        ),
    )
    announced_actions = models.TextField(
        blank=True, help_text=_("What they said they would do, one action per line.")
    )

    class Meta:
        ordering = ["mou", "pk"]

    def __str__(self):
        who = self.speaker or self.party or "Unnamed"
        return f"{who}: {self.get_stance_display()}"

    @property
    def speaker_display(self):
        """Who spoke, as "Amit Agarwal, SVP and Country Manager, Amazon India"; empty for a
        party's statement."""
        return Reaction.describe_speaker(self.speaker, self.speaker_title)

    @staticmethod
    def describe_speaker(speaker, title):
        return ", ".join(part for part in (speaker, title) if part)

    @property
    def actions(self):
        return Reaction.split_actions(self.announced_actions)

    @staticmethod
    def split_actions(text):
        return [line.strip() for line in text.splitlines() if line.strip()]


class Attendee(SourcedModel):
    """Someone the source says was present at the signing."""

    mou = models.ForeignKey("Mou", on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True)
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["mou", "pk"]

    def __str__(self):
        return Attendee.describe(self.name, self.title)

    @staticmethod
    def describe(name, title):
        return f"{name}, {title}" if title else name


class Benefit(SourcedModel):
    """What a programme offers everyone under it (a commission waiver, incubation
    support), as opposed to what one MoU commits to; MoU pages under the programme show
    its benefits as context."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="benefits")
    kind = models.CharField(
        max_length=20, choices=Commitment.Kind.choices, default=Commitment.Kind.OTHER
    )
    description = models.TextField()
    period = models.CharField(max_length=100, blank=True, help_text=_("E.g. the first six months."))

    class Meta:
        ordering = ["programme", "pk"]

    def __str__(self):
        return f"{self.programme}: {self.description[:60]}"
