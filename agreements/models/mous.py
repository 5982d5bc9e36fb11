"""The MoU itself, its parties and the page-shaped querysets every public page uses."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..formats import format_partial_date
from .entities import (
    Beneficiary,
    Cluster,
    Party,
    Precision,
    Programme,
    Sector,
    SluggedModel,
    Source,
    State,
    may_preview,
    publication_time,
)
from .facts import (
    Attendee,
    Benefit,
    Commitment,
    MouStatus,
    Reaction,
    ReportedFigure,
    derived_status_field,
    require_status_source,
    status_source_field,
)
from .followups import (
    LATEST_FIRST,
    FollowUp,
    NewsCheck,
    before_signing,
    explain_status,
    months_after,
    news_before_signing,
    no_news_cutoff,
    period_end,
    refresh_derived_of,
)


class MouQuerySet(models.QuerySet):
    """Page-shaped querysets: each says which related rows it loads, so pages stay at
    a fixed number of queries whatever the number of MoUs."""

    # MoUs per chunk of a download (``in_chunks()``).
    CHUNK_SIZE = 500

    def showing(self, *things):
        """The MoUs whose pages show any of ``things``: a party (by name, as a
        signatory's parent body, or as the party of a commitment, reaction, figure or
        person present), a programme, sector, state, cluster or beneficiary (by name, or
        what a figure is about), or a source (cited by any fact, a status, or the
        benefits of one of the MoU's programmes). Renaming or deleting one changes
        those pages: their search documents and their versions follow. One query, a
        subquery per kind of thing and path; none of ``things``, no MoU."""
        paths = {
            Party: ["parties", "parties__parent", "commitments__party", "reactions__party"]
            + ["figures__party", "attendees__party"],
            Programme: ["programmes", "figures__programme"],
            Sector: ["sectors", "figures__sector"],
            State: ["states", "clusters__state", "figures__state"],
            Cluster: ["clusters"],
            Beneficiary: ["beneficiaries"],
            Source: ["sources", "status_source", "commitments__source"]
            + ["commitments__status_source", "follow_ups__source", "figures__source"]
            + ["reactions__source", "attendees__source", "programmes__benefits__source"],
        }
        by_kind = {}
        for thing in things:
            by_kind.setdefault(type(thing), []).append(thing.pk)
        shown = Q(pk__in=[])
        for kind, pks in by_kind.items():
            for path in paths[kind]:
                shown |= Q(pk__in=Mou.objects.filter(**{f"{path}__in": pks}).values("pk"))
        return self.filter(shown)

    def published(self):
        """The MoUs the public may see."""
        return self.filter(published=True)

    def visible_to(self, user):
        """``published()``, except that staff who may preview drafts see them too."""
        return self.all() if may_preview(user) else self.published()

    def with_party_links(self):
        """Each MoU's parties in their order, as ``mou.party_links`` (``MouParty`` rows with
        their party): one query. The pages, the JSON and the CSV all read this list."""
        return self.prefetch_related(
            Prefetch(
                "mouparty_set",
                queryset=MouParty.objects.select_related("party").order_by("order", "pk"),
                to_attr="party_links",
            )
        )

    def for_list(self):
        """What a row of the public list shows: one query for the MoUs, plus one per
        prefetched relation (states, parties, programmes, sectors)."""
        return self.with_party_links().prefetch_related("states", "programmes", "sectors")

    def for_json(self):
        """What an MoU's JSON (``exports.mou_as_json``: the JSON download and the API's
        list) reads: ``for_list()`` plus its clusters and sources, one query each."""
        return self.for_list().prefetch_related("clusters", "sources")

    def in_chunks(self):
        """Iterate ``CHUNK_SIZE`` MoUs at a time, prefetching per chunk, for downloads
        of any size: one query for the MoUs (read in chunks, never all held at once), then
        one per prefetched relation per chunk, each with at most a chunk of ids (one
        ``IN (...)`` of every id failed past SQLite's 32,766 variables)."""
        return self.iterator(chunk_size=self.CHUNK_SIZE)

    def naming(self, model):
        """An ``Exists`` to filter ``model`` (``Party``, ``Programme``, ``Sector`` or ``Cluster``)
        by: true for a row one of these MoUs names. A subquery, so no extra query."""
        relation = model._meta.get_field("mous").field.name  # "parties", "programmes", ...
        return Exists(self.filter(**{relation: OuterRef("pk")}))

    def for_detail(self):
        """Everything the detail page shows: one query per prefetched relation, whatever
        the number of facts (the tests pin the page's total)."""
        return (
            self.for_list()
            .prefetch_related(
                Prefetch("clusters", queryset=Cluster.objects.select_related("state", "sector")),
                "beneficiaries",
                "sources",
                Prefetch(
                    "commitments",
                    queryset=Commitment.objects.select_related("party", "source", "status_source"),
                    to_attr="commitment_list",
                ),
                Prefetch(
                    "figures",
                    queryset=ReportedFigure.objects.select_related(
                        "party", "programme", "state", "sector", "source"
                    ),
                    to_attr="figure_list",
                ),
                Prefetch(
                    "reactions",
                    queryset=Reaction.objects.select_related("party", "source"),
                    to_attr="reaction_list",
                ),
                Prefetch(
                    "attendees",
                    queryset=Attendee.objects.select_related("party", "source"),
                    to_attr="attendee_list",
                ),
                Prefetch("programmes__benefits", queryset=Benefit.objects.select_related("source")),
                Prefetch(
                    "follow_ups",
                    queryset=FollowUp.objects.select_related("source"),
                    to_attr="follow_up_list",
                ),
                Prefetch("checks", queryset=NewsCheck.objects.all(), to_attr="check_list"),
            )
            .select_related("status_source", "created_by_import", "last_import")
        )

    def search(self, query):
        """The MoUs matching ``query`` (text, or a parsed ``agreements.search.Query``)
        anywhere their page shows it, annotated ``relevance``: a join with the search
        documents (FTS5 on SQLite, a tsvector on PostgreSQL). Given text, one query reads
        the vocabulary."""
        from .. import search

        return search.search(self, query)

    def per_year(self):
        """``{"year": ..., "count": ...}`` rows, oldest first, for MoUs whose year is known.

        One grouped query; MoUs with an unreported date are left out, not guessed.
        """
        return (
            self.exclude(signed_on=None)
            .annotate(year=ExtractYear("signed_on"))
            .values("year")
            .annotate(count=models.Count("pk", distinct=True))
            .order_by("year")
        )

    def counted(self, queryset):
        """Every row of ``queryset`` (states, parties, clusters, ...), annotated
        ``mou_count`` with how many of these MoUs name it, zeros included.

        One query (the MoUs are a subquery); call it on ``published()`` to keep drafts
        out of public counts.
        """
        return queryset.annotate(
            mou_count=models.Count("mous", filter=Q(mous__in=self.values("pk")), distinct=True)
        )

    def ranked(self, queryset):
        """The rows of ``queryset`` these MoUs name, annotated ``mou_count``, most first.

        Filtering through the relation before counting along it makes the count see
        only these MoUs, with no DISTINCT. One query.
        """
        return (
            queryset.filter(mous__in=self.values("pk"))
            .annotate(mou_count=models.Count("mous"))
            .order_by("-mou_count", *queryset.model._meta.ordering)
        )

    def per_state(self):
        """All 36 states and union territories with their counts: see ``counted()``."""
        return self.counted(State.objects.all())

    def overview(self):
        """The home page's headline counts and chart rows, as plain cacheable data.

        Aggregates over the whole registry, the slowest part of the home page at scale
        (``benchmarks/pages.py``), so the home page caches it (``freshness.cached``).
        Each ranking comes from ``ranked()``.
        """
        published_in = Exists(self.filter(pk=OuterRef("mou_id")))
        companies = list(self.ranked(Party.objects.filter(kind=Party.Kind.COMPANY)))
        states = list(self.per_state())
        return {
            "counts": {
                "mous": self.count(),
                "states": Mou.states.through.objects.filter(published_in)
                .values("state_id")
                .distinct()
                .count(),
                "companies": len(companies),
            },
            "per_state": [state for state in states if state.mou_count],
            "map_states": states,  # zeros included: the map draws every one
            "per_year": list(self.per_year()),
            "companies": companies[:12],
            "programmes": list(self.ranked(Programme.objects.all())[:12]),
            "sectors": list(self.ranked(Sector.objects.all())),
            "scorecard": Commitment.objects.filter(mou__in=self.values("pk")).scorecard(),
        }

    def related_to(self, mou):
        """Other MoUs in one of ``mou``'s states or signed by one of its companies.

        Reads ``mou.states`` and ``mou.party_links`` from the prefetch of ``for_list()``
        or ``for_detail()``, so it costs no query beyond its own.
        """
        state_ids = [state.pk for state in mou.states.all()]
        company_ids = [
            link.party_id for link in mou.party_links if link.party.kind == Party.Kind.COMPANY
        ]
        # Semi-joins rather than joins and DISTINCT: the database can then walk the
        # list's order index and stop at the page's end instead of hashing every MoU.
        in_states = Mou.states.through.objects.filter(state__in=state_ids).values("mou")
        by_companies = MouParty.objects.filter(party__in=company_ids).values("mou")
        return self.filter(Q(pk__in=in_states) | Q(pk__in=by_companies)).exclude(pk=mou.pk)


class Mou(SluggedModel):
    """A memorandum of understanding, as the sources report it."""

    Status = MouStatus

    class DateKind(models.TextChoices):
        SIGNED = "signed", _("Signed")
        ANNOUNCED = "announced", _("Announced")
        REPORTED = "reported", _("First reported")

    reference = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("A stable identifier, used to update this MoU from a CSV import."),
    )
    title = models.CharField(max_length=300)
    status = models.CharField(
        max_length=12,
        choices=Status.choices,
        default=Status.SIGNED,
        help_text=_(
            "Announced: said to be coming. Tie-up reported: the source reports a tie-up "
            "but not that a memorandum was signed. Active, expired and terminated need a source "
            "of their own."
        ),
    )
    status_source = status_source_field(
        _("The source that reports an active, expired or terminated status.")
    )
    signed_on = models.DateField(
        _("date"),
        null=True,
        blank=True,
        help_text=_(
            "The signing date, or the day the signing was announced or first reported "
            "(say which). YYYY-MM-DD, YYYY-MM or YYYY; empty when not reported."
        ),
    )
    date_kind = models.CharField(
        _("the date is when it was"),
        max_length=9,
        choices=DateKind.choices,
        default=DateKind.SIGNED,
        help_text=_(
            "Announced or first reported when the source gives only the day it reported "
            "the signing, not the signing date itself."
        ),
    )
    signed_on_precision = models.CharField(
        _("precision"), max_length=8, choices=Precision.choices, default=Precision.UNKNOWN
    )
    signed_on_note = models.CharField(
        _("about the date"),
        max_length=300,
        blank=True,
        help_text=_("What the source says about the date, e.g. 'in February', no year given."),
    )
    place = models.CharField(max_length=150, blank=True, help_text=_("Where it was signed."))
    occasion = models.CharField(
        max_length=200, blank=True, help_text=_("E.g. the ODOP Summit; a virtual ceremony.")
    )
    ends_on = models.DateField(null=True, blank=True)
    duration = models.CharField(
        max_length=100, blank=True, help_text=_("As reported, e.g. 'three years'.")
    )
    term_months = models.PositiveSmallIntegerField(
        _("term in months"),
        null=True,
        blank=True,
        help_text=_(
            "Only when a source gives a term ('valid for three years': 36). The "
            "expected end is computed from the date, at its precision."
        ),
    )
    current_status = derived_status_field(MouStatus, MouStatus.SIGNED)
    last_news_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "The last day that the latest of the date, the follow-ups and the checks for "
            "news can mean: news known only as '2022' counts as of 31 December 2022."
        ),
    )
    summary = models.TextField(blank=True)
    objectives = models.TextField(blank=True)
    beneficiaries = models.ManyToManyField(Beneficiary, blank=True, related_name="mous")
    parties = models.ManyToManyField(Party, through="MouParty", related_name="mous")
    states = models.ManyToManyField(State, related_name="mous")
    programmes = models.ManyToManyField(Programme, blank=True, related_name="mous")
    sectors = models.ManyToManyField(Sector, blank=True, related_name="mous")
    clusters = models.ManyToManyField(Cluster, blank=True, related_name="mous")
    sources = models.ManyToManyField(Source, related_name="mous")
    published = models.BooleanField(
        default=False, help_text="Only published MoUs appear on the public site."
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the MoU first appeared on the public site; orders the feeds."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by_import = models.ForeignKey(
        "ImportRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_mous",
        editable=False,
    )
    last_import = models.ForeignKey(
        "ImportRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changed_mous",
        editable=False,
        help_text="The import that last changed this MoU.",
    )

    objects = MouQuerySet.as_manager()

    class Meta:
        verbose_name = "MoU"
        verbose_name_plural = "MoUs"
        ordering = [models.F("signed_on").desc(nulls_last=True), "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["reference"], condition=~Q(reference=""), name="unique_mou_reference"
            ),
            models.CheckConstraint(
                condition=Q(signed_on__isnull=True, signed_on_precision=Precision.UNKNOWN)
                | (Q(signed_on__isnull=False) & ~Q(signed_on_precision=Precision.UNKNOWN)),
                name="mou_signed_on_matches_precision",
            ),
            models.CheckConstraint(
                condition=Q(status__in=MouStatus.from_signing()) | Q(status_source__isnull=False),
                name="mou_later_status_has_source",
            ),
        ]
        indexes = [
            # The public lists' default order, published MoUs only: lets SQLite read a
            # page (even page 400) off the index instead of sorting every MoU. (SQLite
            # puts NULLs last in a DESC index; it cannot store "NULLS LAST" itself.)
            models.Index(
                fields=["-signed_on", "title"],
                condition=Q(published=True),
                name="mou_public_order_idx",
            ),
            models.Index(fields=["status"]),
            models.Index(fields=["-published_at"]),
        ]

    def __str__(self):
        return self.title

    def slug_source(self):
        return self.title

    def get_absolute_url(self):
        return reverse("agreements:mou_detail", args=[self.slug])

    def save(self, *args, **kwargs):
        self.published_at = publication_time(self.published, self.published_at)
        super().save(*args, **kwargs)
        refresh_derived_of(self.pk)

    def status_explanation(self):
        """Why the status is what it is, for staff: the follow-up it comes from, or the
        report of the signing. One query."""
        reporting = self.follow_ups.filter(commitment=None).exclude(mou_status="")
        return explain_status(
            self, reporting.select_related("source").order_by(*LATEST_FIRST).first()
        )

    @property
    def expected_end(self):
        """(date, precision) its term ends on, or None: computed from the recorded date at
        its precision, only when a source gives a term."""
        if self.term_months is None or self.signed_on is None:
            return None
        return months_after(self.signed_on, self.signed_on_precision, self.term_months)

    @property
    def lifecycle_note(self):
        """ "Expired by its term in 2022 unless renewed" (or "Due to end by its term in
        2027"), until a source says otherwise: a status of expired or terminated, or a
        follow-up reporting any status dated from the end of its term on (in force in
        2023: renewed). One reported before then (in force in 2020) leaves the term
        standing. Empty otherwise. A term counted from an announcement or a first report
        ends no later than that. Needs ``for_detail()``; no query."""
        end = self.expected_end
        if end is None or self.current_status in (MouStatus.EXPIRED, MouStatus.TERMINATED):
            return ""
        day, precision = end
        reported = self.current_status_source
        if reported is not None and reported.dated_on >= day:
            return ""
        shown = {"date": format_partial_date(day, precision)}
        if period_end(day, precision) >= timezone.localdate():
            return gettext("Due to end by its term in %(date)s") % shown
        if self.date_kind != self.DateKind.SIGNED:
            return gettext("Expired by its term at the latest in %(date)s unless renewed") % shown
        return gettext("Expired by its term in %(date)s unless renewed") % shown

    @property
    def no_news_since(self):
        """Whether the page says "no news since": even the last day its latest news can
        mean (``last_news_on``) is older than the no-news cutoff (see
        ``followups.NO_NEWS_AFTER_MONTHS``). An undated signing and nothing since is no
        news."""
        return self.last_news_on is None or self.last_news_on < no_news_cutoff()

    @property
    def news_after_signing(self):
        """Whether any follow-up or check for news came after the signing. Needs
        ``for_detail()``; no query."""
        return bool(self.follow_up_list or self.check_list)

    @property
    def last_news_display(self):
        """The date of its last news only as precisely as it is known (a signing known as
        "September 2021" is not news of 1 September): the most precise of the timeline's
        dates that can mean ``last_news_on``. Needs ``for_detail()``; no query."""
        dated = [(self.signed_on, self.signed_on_precision)]
        dated += [(f.dated_on, f.dated_on_precision) for f in self.follow_up_list]
        dated += [(c.checked_on, Precision.DAY) for c in self.check_list]
        latest = [(d, p) for d, p in dated if d and period_end(d, p) == self.last_news_on]
        return format_partial_date(*max(latest, default=(self.last_news_on, Precision.DAY)))

    def clean(self):
        require_status_source(self)
        unknown = self.signed_on_precision == Precision.UNKNOWN
        if self.signed_on is None and not unknown:
            raise ValidationError(
                {"signed_on": "Enter the date, or set the precision to 'Not reported'."}
            )
        if self.signed_on is not None and unknown:
            raise ValidationError({"signed_on_precision": "Say how precise the date is."})
        if self.signed_on and self.signed_on_precision in (Precision.MONTH, Precision.YEAR):
            # Store a month or a year as its first day, so sorting and filtering agree.
            first = self.signed_on.replace(day=1)
            if self.signed_on_precision == Precision.YEAR:
                first = first.replace(month=1)
            self.signed_on = first
        if self.ends_on and self.signed_on and self.ends_on < self.signed_on:
            raise ValidationError({"ends_on": "An MoU cannot end before it was signed."})
        if self.pk and self.signed_on and self._date_changed():
            earlier = self.follow_ups.filter(dated_on__lt=self.signed_on).order_by("dated_on")
            for news in earlier:
                if before_signing(news.dated_on, news.dated_on_precision, self.signed_on):
                    raise ValidationError({"signed_on": news_before_signing(news.dated_on_display)})

    def _date_changed(self):
        """Whether the date differs from the stored one: a rule on dates binds a new
        date, not an edit of anything else in a record made before the rule."""
        stored = Mou.objects.filter(pk=self.pk).values_list("signed_on", "signed_on_precision")
        return stored.first() != (self.signed_on, self.signed_on_precision)

    @property
    def signed_on_display(self):
        return format_partial_date(self.signed_on, self.signed_on_precision)

    @property
    def date_display(self):
        """The date with what it is: "Signed 7 November 2019", or "Announced 7 November
        2019; signing date not reported" when the source dates only its announcement."""
        return Mou.describe_date(self.date_kind, self.signed_on, self.signed_on_precision)

    @staticmethod
    def describe_date(kind, day, precision):
        """``date_display`` from the three fields, for code that reads them as values."""
        if day is None or precision == Precision.UNKNOWN:
            return gettext("Date not reported")
        # Translators: what the date is ("Signed", "Announced"), then the date.
        text = gettext("%(kind)s %(date)s") % {
            "kind": Mou.DateKind(kind).label,
            "date": format_partial_date(day, precision),
        }
        if kind != Mou.DateKind.SIGNED:
            text = gettext("%(date)s; signing date not reported") % {"date": text}
        return text

    @cached_property
    def timeline(self):
        """What happened, oldest first: the signing (first even when undated), then each
        follow-up and check for news, by date. Needs ``for_detail()``; no query.

        Each entry is ``(date_display, what, entry)``: ``what`` is "signing",
        "follow_up" or "check", ``entry`` the MoU, the ``FollowUp`` or the ``NewsCheck``.
        """
        later = [(f.dated_on, "follow_up", f) for f in self.follow_up_list]
        later += [(c.checked_on, "check", c) for c in self.check_list]
        later.sort(key=lambda item: item[0])
        return [(self.date_display, "signing", self)] + [
            (entry.dated_on_display if what == "follow_up" else None, what, entry)
            for _day, what, entry in later
        ]

    @cached_property
    def commitments_with_history(self):
        """The commitments, each with ``history``: its follow-ups, oldest first (each
        follow-up's ``commitment`` set, so its progress reads without a query), and the
        count and latest date of them that ``CommitmentQuerySet.for_export()`` annotates,
        so ``exports.commitment_as_json`` reads them too. Needs ``for_detail()``; no
        query."""
        for commitment in self.commitment_list:
            commitment.history = []
        by_id = {commitment.pk: commitment for commitment in self.commitment_list}
        for follow_up in self.follow_up_list:
            if follow_up.commitment_id in by_id:
                follow_up.commitment = by_id[follow_up.commitment_id]
                follow_up.commitment.history.append(follow_up)
        for commitment in self.commitment_list:
            commitment.follow_up_count = len(commitment.history)
            commitment.last_follow_up_on = max(
                (follow_up.dated_on for follow_up in commitment.history), default=None
            )
        return self.commitment_list

    @property
    def current_status_source(self):
        """The follow-up the current status comes from, or None when it is the signing
        report's; needs ``for_detail()``."""
        reporting = [f for f in self.follow_up_list if not f.commitment_id and f.mou_status]
        return reporting[-1] if reporting else None

    @property
    def ordered_parties(self):
        """The parties in their order; needs ``for_list()`` (``party_links``)."""
        return [link.party for link in self.party_links]

    @cached_property
    def numbered_sources(self):
        """The MoU's sources, numbered 1, 2, ... so each fact can point to its source.

        Numbers the MoU's own sources first, then any other article a commitment,
        follow-up, figure, reaction, attendee or programme benefit cites (context figures
        cite only the MoU's own, and take their numbers from here), and sets ``number``
        on every ``Source`` instance it meets (the facts' select_related copies
        included), so templates print ``fact.source.number``. Needs ``for_detail()``:
        without its prefetches this costs a query per relation.
        """
        facts = [
            *self.commitment_list,
            *self.follow_up_list,
            *self.figure_list,
            *self.reaction_list,
            *self.attendee_list,
            *self.programme_benefits,
        ]
        statuses = [self, *self.commitment_list]
        sources = [
            *self.sources.all(),
            *(fact.source for fact in facts),
            *(fact.status_source for fact in statuses if fact.status_source),
        ]
        numbers, ordered = {}, []
        for source in sources:
            if source.pk not in numbers:
                numbers[source.pk] = len(ordered) + 1
                ordered.append(source)
            source.number = numbers[source.pk]
        return ordered

    @cached_property
    def context_figures(self):
        """The background the MoU's own sources give: their figures about its parties (and
        the organisations those belong to), the parties that reacted to it, its states,
        programmes and sectors, that are not about the MoU itself.

        Needs ``for_detail()``; one query.
        """
        parties = {link.party_id for link in self.party_links}
        parties |= {link.party.parent_id for link in self.party_links}
        parties |= {reaction.party_id for reaction in self.reaction_list}
        about = (
            Q(party__in=parties - {None})
            | Q(state__in=[state.pk for state in self.states.all()])
            | Q(programme__in=[programme.pk for programme in self.programmes.all()])
            | Q(sector__in=[sector.pk for sector in self.sectors.all()])
        )
        figures = ReportedFigure.objects.filter(
            about, mou=None, source__in=[source.pk for source in self.sources.all()]
        )
        figures = list(figures.select_related("party", "programme", "state", "sector", "source"))
        # They cite the MoU's own sources, numbered first by ``numbered_sources``.
        numbers = {source.pk: source.number for source in self.numbered_sources}
        for figure in figures:
            figure.source.number = numbers[figure.source_id]
        return figures

    @property
    def programme_benefits(self):
        """What the MoU's programmes offer everyone under them; needs ``for_detail()``."""
        return [b for programme in self.programmes.all() for b in programme.benefits.all()]


# Django makes the link between an MoU and its sources; the admin lists each link by
# its article (its inline loads the article with the link: no query per row).
Mou.sources.through.__str__ = lambda link: str(link.source)


class MouParty(models.Model):
    """A party's place in an MoU: its role and who signed for it."""

    class Role(models.TextChoices):
        MARKETPLACE = "marketplace", _("Marketplace")
        GOVERNMENT = "government", _("Government counterpart")
        SIGNATORY_BODY = "signatory_body", _("Signed on the government's behalf")
        COUNTERPART = "counterpart", _("Counterpart")
        PARTNER = "partner", _("Partner")

    mou = models.ForeignKey(Mou, on_delete=models.CASCADE)
    party = models.ForeignKey(Party, on_delete=models.PROTECT)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTNER)
    signatory = models.CharField(max_length=150, blank=True, help_text=_("Who signed for it."))
    signatory_title = models.CharField(max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "party to the MoU"
        verbose_name_plural = "parties to the MoU"
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["mou", "party"], name="unique_party_per_mou"),
        ]

    def __str__(self):
        return f"{self.party} ({self.get_role_display()})"
