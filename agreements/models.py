"""
The registry's data model.

An MoU (``Mou``) joins two or more organisations (``Party``) in one or more
states (``State``), may run under marketplace or government programmes
(``Programme``), covers sectors (``Sector``) and product clusters
(``Cluster``), and carries what each side undertakes (``Commitment``). Every
MoU, commitment, figure and reaction names the article it comes from
(``Source``): the registry records what was reported, and leaves unknown
what was not.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify

from .formats import format_partial_date, indian_number


class Precision(models.TextChoices):
    """How much of a date the source actually gives."""

    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
    UNKNOWN = "unknown", "Not reported"


def unique_slug(instance, text, max_length=80):
    """A slug for ``text`` that no other row of the instance's model uses yet.

    Costs one query per collision; only called when a slug is left blank.
    """
    base = slugify(text)[:max_length].strip("-") or "item"
    slug, n = base, 2
    others = type(instance)._default_manager.exclude(pk=instance.pk)
    while others.filter(slug=slug).exists():
        suffix = f"-{n}"
        slug = f"{base[: max_length - len(suffix)]}{suffix}"
        n += 1
    return slug


def publication_time(mou, now=None):
    """When ``mou`` was first published: kept once set, stamped on first publication.

    Shared by ``Mou.save()`` and the bulk import, which bypasses ``save()``.
    """
    if mou.published and mou.published_at is None:
        return now or timezone.now()
    return mou.published_at


def may_preview(user):
    """Whether ``user`` may see drafts: staff with the view permission on MoUs (Editors,
    Viewers), not staff as such. The permission check is cached on the user for the
    request; an anonymous user costs no query."""
    return user.has_perm("agreements.view_mou")


class PublicQuerySet(models.QuerySet):
    """What the public may see of the things MoUs name: parties, programmes, sectors and
    clusters. The one definition used by every page, filter, sitemap, feed and export."""

    def public(self):
        """Those a published MoU names, and those no MoU names at all (a parent company,
        a body that only reacted: curated, not drafted). Hidden: those only drafts name.
        A subquery per row, so no extra query."""
        mous = Mou.objects
        return self.filter(mous.published().naming(self.model) | ~mous.naming(self.model))

    def visible_to(self, user):
        """``public()``, except that staff who may preview drafts (``may_preview``) see all."""
        return self.all() if may_preview(user) else self.public()


class StateQuerySet(PublicQuerySet):
    def public(self):
        """Every state and union territory, whatever its MoUs: a zero is news too."""
        return self.all()


class SluggedModel(models.Model):
    """A model with a unique public slug, filled in from its name on first save."""

    slug = models.SlugField(max_length=80, unique=True, blank=True)

    class Meta:
        abstract = True

    def slug_source(self):
        return str(self)

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.slug_source())
        super().save(*args, **kwargs)


class State(SluggedModel):
    """A state or union territory of India, as ISO 3166-2:IN lists it."""

    class Kind(models.TextChoices):
        STATE = "state", "State"
        UNION_TERRITORY = "ut", "Union territory"

    name = models.CharField(max_length=100, unique=True)
    code = models.CharField(
        max_length=2,
        unique=True,
        help_text="ISO 3166-2:IN subdivision code without the IN- prefix, e.g. GJ.",
    )
    former_codes = models.CharField(
        max_length=20,
        blank=True,
        help_text="Codes used before the latest ISO revision, comma-separated (OR for Odisha).",
    )
    kind = models.CharField(max_length=5, choices=Kind.choices)

    objects = StateQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{2}$"), name="state_code_two_capitals"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("agreements:state_detail", args=[self.slug])

    @property
    def iso_code(self):
        return f"IN-{self.code}"


class Party(SluggedModel):
    """An organisation that signs, implements or responds to MoUs."""

    class Kind(models.TextChoices):
        COMPANY = "company", "Marketplace or company"
        STATE_GOVERNMENT = "state_government", "State government"
        UT_ADMINISTRATION = "ut_administration", "Union territory administration"
        DEPARTMENT = "department", "Government department or agency"
        STATE_CORPORATION = "state_corporation", "State corporation"
        COOPERATIVE = "cooperative", "Cooperative federation"
        STATUTORY_BOARD = "statutory_board", "Statutory board"
        TRADE_BODY = "trade_body", "Trade body"
        NGO = "ngo", "NGO"
        UNCLASSIFIED = "unclassified", "Unclassified"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(
        max_length=50, blank=True, help_text="Acronym or short name, e.g. HIMCRAFTS."
    )
    other_names = models.TextField(
        blank=True, help_text="Other names the organisation is known by, one per line."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.UNCLASSIFIED)
    state = models.ForeignKey(
        State, on_delete=models.PROTECT, null=True, blank=True, related_name="parties"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The organisation this one belongs to (HIMCRAFTS to the Government of "
        "Himachal Pradesh).",
    )
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "parties"
        indexes = [models.Index(fields=["kind"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("agreements:party_detail", args=[self.slug])

    @property
    def aliases(self):
        """Every name the party answers to, for matching imported names."""
        names = [self.name, self.short_name, *self.other_names.splitlines()]
        return [name.strip() for name in names if name.strip()]


class Programme(SluggedModel):
    """A marketplace or government programme MoUs are signed under."""

    name = models.CharField(max_length=150, unique=True)
    owner = models.ForeignKey(
        Party, on_delete=models.PROTECT, null=True, blank=True, related_name="programmes"
    )
    description = models.TextField(blank=True)
    launched_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Leave empty when the sources do not say."
    )

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("agreements:programme_detail", args=[self.slug])


class Sector(SluggedModel):
    """An entry of the controlled vocabulary of sectors; staff curate it, imports do not."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("agreements:sector_detail", args=[self.slug])


class Beneficiary(models.Model):
    """A group an MoU means to help: artisans, weavers, MSMEs, ..."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "beneficiaries"

    def __str__(self):
        return self.name


class Cluster(SluggedModel):
    """A place known for a product: Moradabad brassware, Bhadohi carpets, Baddi."""

    place = models.CharField(max_length=100)
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="clusters")
    product = models.CharField(
        max_length=150, blank=True, help_text="Leave empty when the source names only the place."
    )
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, null=True, blank=True, related_name="clusters"
    )
    gi_tag = models.BooleanField(
        "GI tag", default=False, help_text="Tick only when a source says the product is GI-tagged."
    )

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["place", "product"]
        constraints = [
            models.UniqueConstraint(
                fields=["state", "place", "product"], name="unique_cluster_per_state"
            ),
        ]

    def __str__(self):
        return f"{self.place}: {self.product}" if self.product else self.place

    def get_absolute_url(self):
        return reverse("agreements:cluster_detail", args=[self.slug])


class Source(models.Model):
    """A published article that reports one or more MoUs."""

    title = models.CharField(
        max_length=300,
        help_text="The article's headline; a title in [square brackets] is the registry's own "
        "description of an untitled article.",
    )
    publisher = models.CharField(max_length=150, blank=True)
    author = models.CharField(max_length=150, blank=True)
    url = models.URLField("URL", max_length=500, blank=True)
    published_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True, help_text="Where the registry's copy is, what is missing.")

    class Meta:
        ordering = ["-published_on", "title"]
        indexes = [models.Index(fields=["url"])]

    def __str__(self):
        return self.title

    @property
    def published_on_display(self):
        precision = Precision.UNKNOWN if self.published_on is None else Precision.DAY
        return format_partial_date(self.published_on, precision)


class MouQuerySet(models.QuerySet):
    """Page-shaped querysets: each says which related rows it loads, so pages stay at
    a fixed number of queries whatever the number of MoUs."""

    # MoUs per chunk of a download (``in_chunks()``).
    CHUNK_SIZE = 500

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
            )
            .select_related("status_source", "created_by_import", "last_import")
        )

    def search(self, text):
        """Free-text search across titles, summaries, parties (any of their names),
        clusters and commitments.

        Each related table is searched in its own ``pk__in`` subquery rather than
        joined, so no ``distinct()`` is needed and the cost stays linear: joining
        parties, clusters and commitments multiplied the rows (and, per extra word,
        multiplied them again) before a DISTINCT over every column.
        """
        query = self
        for word in text.split():
            parties = Party.objects.filter(
                Q(name__icontains=word)
                | Q(short_name__icontains=word)
                | Q(other_names__icontains=word)
            )
            clusters = Cluster.objects.filter(Q(place__icontains=word) | Q(product__icontains=word))
            query = query.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(objectives__icontains=word)
                | Q(pk__in=MouParty.objects.filter(party__in=parties).values("mou"))
                | Q(pk__in=Mou.clusters.through.objects.filter(cluster__in=clusters).values("mou"))
                | Q(pk__in=Commitment.objects.filter(description__icontains=word).values("mou"))
            )
        return query

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

    def version(self):
        """A key that changes whenever these MoUs change (their number, or any save or
        import, which bumps ``updated_at``): one aggregate query, for cache keys."""
        stats = self.aggregate(count=models.Count("pk"), last=models.Max("updated_at"))
        last = stats["last"].timestamp() if stats["last"] else 0
        return f"{stats['count']}-{last}"

    def overview(self):
        """The home page's headline counts and chart rows, as plain cacheable data.

        Aggregates over the whole registry, the slowest part of the home page at scale
        (``benchmarks/pages.py``), so the home page caches the result under ``version()``.
        Each ranking comes from ``ranked()``.
        """
        published_in = Exists(self.filter(pk=OuterRef("mou_id")))
        companies = list(self.ranked(Party.objects.filter(kind=Party.Kind.COMPANY)))
        return {
            "counts": {
                "mous": self.count(),
                "states": Mou.states.through.objects.filter(published_in)
                .values("state_id")
                .distinct()
                .count(),
                "companies": len(companies),
            },
            "per_state": [state for state in self.per_state() if state.mou_count],
            "per_year": list(self.per_year()),
            "companies": companies[:12],
            "programmes": list(self.ranked(Programme.objects.all())[:12]),
            "sectors": list(self.ranked(Sector.objects.all())),
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
        return (
            self.filter(Q(states__in=state_ids) | Q(parties__in=company_ids))
            .exclude(pk=mou.pk)
            .distinct()
        )


class MouStatus(models.TextChoices):
    ANNOUNCED = "announced", "Announced"
    REPORTED = "reported", "Tie-up reported"
    SIGNED = "signed", "Signed"
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"

    @classmethod
    def from_signing(cls):
        """What a report of the signing itself can say. Anything later (in force, expired,
        ended) is news of its own and needs a source of its own."""
        return [cls.ANNOUNCED, cls.REPORTED, cls.SIGNED]


class CommitmentStatus(models.TextChoices):
    PLEDGED = "pledged", "Pledged"
    IN_PROGRESS = "in_progress", "In progress"
    FULFILLED = "fulfilled", "Fulfilled"
    LAPSED = "lapsed", "Lapsed"
    UNKNOWN = "unknown", "Unknown"

    @classmethod
    def from_signing(cls):
        """What a report of the signing can say of a promise: that it was made, or nothing
        about its progress. Progress is news of its own and needs a source of its own."""
        return [cls.PLEDGED, cls.UNKNOWN]


class Mou(SluggedModel):
    """A memorandum of understanding, as the sources report it."""

    Status = MouStatus

    class DateKind(models.TextChoices):
        SIGNED = "signed", "Signed"
        ANNOUNCED = "announced", "Announced"
        REPORTED = "reported", "First reported"

    reference = models.CharField(
        max_length=100,
        blank=True,
        help_text="A stable identifier, used to update this MoU from a CSV import.",
    )
    title = models.CharField(max_length=300)
    status = models.CharField(
        max_length=12,
        choices=Status.choices,
        default=Status.SIGNED,
        help_text="Announced: said to be coming. Tie-up reported: the source reports a tie-up "
        "but not that a memorandum was signed. Active, expired and terminated need a source "
        "of their own.",
    )
    status_source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The source that reports an active, expired or terminated status.",
    )
    signed_on = models.DateField(
        "date",
        null=True,
        blank=True,
        help_text="The signing date, or the day the signing was announced or first reported "
        "(say which below). For a month or a year, enter its first day and set the precision.",
    )
    date_kind = models.CharField(
        "the date is when it was",
        max_length=9,
        choices=DateKind.choices,
        default=DateKind.SIGNED,
        help_text="Announced or first reported when the source gives only the day it reported "
        "the signing, not the signing date itself.",
    )
    signed_on_precision = models.CharField(
        "precision", max_length=8, choices=Precision.choices, default=Precision.UNKNOWN
    )
    signed_on_note = models.CharField(
        "about the date",
        max_length=300,
        blank=True,
        help_text="What the source says about the date, e.g. 'in February', no year given.",
    )
    place = models.CharField(max_length=150, blank=True, help_text="Where it was signed.")
    occasion = models.CharField(
        max_length=200, blank=True, help_text="E.g. the ODOP Summit; a virtual ceremony."
    )
    ends_on = models.DateField(null=True, blank=True)
    duration = models.CharField(
        max_length=100, blank=True, help_text="As reported, e.g. 'three years'."
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
        help_text="When the MoU first appeared on the public site; orders the feeds.",
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
        self.published_at = publication_time(self)
        super().save(*args, **kwargs)

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

    @property
    def signed_on_display(self):
        return format_partial_date(self.signed_on, self.signed_on_precision)

    @property
    def date_display(self):
        """The date with what it is: "Signed 7 November 2019", or "Announced 7 November
        2019; signing date not reported" when the source dates only its announcement."""
        if self.signed_on is None or self.signed_on_precision == Precision.UNKNOWN:
            return "Date not reported"
        text = f"{self.get_date_kind_display()} {self.signed_on_display}"
        if self.date_kind != self.DateKind.SIGNED:
            text += "; signing date not reported"
        return text

    @property
    def ordered_parties(self):
        """The parties in their order; needs ``for_list()`` (``party_links``)."""
        return [link.party for link in self.party_links]

    @cached_property
    def numbered_sources(self):
        """The MoU's sources, numbered 1, 2, ... so each fact can point to its source.

        Numbers the MoU's own sources first, then any other article a commitment,
        figure, reaction or attendee cites, and sets ``number`` on every ``Source``
        instance it meets (the facts' select_related copies included), so templates
        print ``fact.source.number``. Needs ``for_detail()``: without its prefetches
        this costs a query per relation.
        """
        facts = [
            *self.commitment_list,
            *self.figure_list,
            *self.reaction_list,
            *self.attendee_list,
            *self.context_figures,
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
        return list(figures.select_related("party", "programme", "state", "sector", "source"))

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
        MARKETPLACE = "marketplace", "Marketplace"
        GOVERNMENT = "government", "Government counterpart"
        SIGNATORY_BODY = "signatory_body", "Signed on the government's behalf"
        COUNTERPART = "counterpart", "Counterpart"
        PARTNER = "partner", "Partner"

    mou = models.ForeignKey(Mou, on_delete=models.CASCADE)
    party = models.ForeignKey(Party, on_delete=models.PROTECT)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTNER)
    signatory = models.CharField(max_length=150, blank=True, help_text="Who signed for it.")
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


class SourcedModel(models.Model):
    """A fact taken from an article: it names the article and may quote it."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    quote = models.TextField(blank=True, help_text="A short quote from the source.")

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


class Commitment(SourcedModel):
    """What a party undertakes under an MoU."""

    class Kind(models.TextChoices):
        TRAINING = "training", "Training"
        ONBOARDING = "onboarding", "Onboarding"
        CATALOGUING = "cataloguing", "Cataloguing"
        MARKETING = "marketing", "Marketing or promotion"
        ACCOUNT_MANAGEMENT = "account_management", "Account management"
        LOGISTICS = "logistics", "Logistics or warehousing"
        FEE_WAIVER = "fee_waiver", "Fee or commission waiver"
        SUPPLY = "supply", "Supplier linkage"
        OTHER = "other", "Other"

    Status = CommitmentStatus

    mou = models.ForeignKey(Mou, on_delete=models.CASCADE, related_name="commitments")
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, null=True, blank=True, related_name="commitments"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField()
    target_value = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    target_unit = models.CharField(max_length=100, blank=True, help_text="E.g. MSME sellers.")
    period = models.CharField(max_length=100, blank=True, help_text="E.g. the first six months.")
    status = models.CharField(
        max_length=12,
        choices=Status.choices,
        default=Status.PLEDGED,
        help_text="Pledged, or Unknown when the source says nothing of its progress. In "
        "progress, fulfilled and lapsed need a source of their own.",
    )
    status_source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The source that reports an in-progress, fulfilled or lapsed status.",
    )

    class Meta:
        ordering = ["mou", "pk"]
        indexes = [models.Index(fields=["status"])]
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

    @property
    def target_display(self):
        """The target as "300 MSME sellers", grouped the Indian way; empty when none is given."""
        if self.target_value is None:
            return ""
        return f"{indian_number(self.target_value)} {self.target_unit}"

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
        EXACT = "", "Exactly"
        ABOUT = "about", "About"
        OVER = "over", "Over"
        UP_TO = "up_to", "Up to"

    mou = models.ForeignKey(
        Mou,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="figures",
        help_text="Only for a figure about this MoU itself (the districts it covers). Leave "
        "empty for a figure about a company, programme, state or sector, even when an MoU's "
        "report gives it: the MoU's page shows it as context.",
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
    description = models.CharField(max_length=300, help_text="What is counted.")
    qualifier = models.CharField(max_length=6, choices=Qualifier.choices, blank=True)
    value = models.DecimalField(max_digits=20, decimal_places=2)
    unit = models.CharField(max_length=50, help_text="E.g. sellers, USD, artisans.")
    value_as_written = models.CharField(
        max_length=60, blank=True, help_text="The figure as the source writes it: 7.50 lakh."
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
        number = self.value_as_written or f"{indian_number(self.value)} {self.unit}"
        qualifier = self.get_qualifier_display().lower() if self.qualifier else ""
        return f"{qualifier} {number}".strip()

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
        SUPPORT = "support", "Support"
        NEUTRAL = "neutral", "Neutral"
        CONCERN = "concern", "Concern"
        OPPOSITION = "opposition", "Opposition"

    mou = models.ForeignKey(Mou, on_delete=models.CASCADE, related_name="reactions")
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, null=True, blank=True, related_name="reactions"
    )
    speaker = models.CharField(max_length=200, blank=True, help_text="Who spoke, if a person.")
    speaker_title = models.CharField(max_length=200, blank=True)

    class Speech(models.TextChoices):
        DIRECT = "direct", "Quoted in their own words"
        REPORTED = "reported", "Reported speech (the source's words)"

    stance = models.CharField(max_length=12, choices=Stance.choices)
    summary = models.TextField()
    speech = models.CharField(
        max_length=8,
        choices=Speech.choices,
        default=Speech.DIRECT,
        help_text="Reported speech (“X said that ...”) is shown as the source's words, never "
        "as the speaker's.",
    )
    announced_actions = models.TextField(
        blank=True, help_text="What they said they would do, one action per line."
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
        return ", ".join(part for part in (self.speaker, self.speaker_title) if part)

    @property
    def actions(self):
        return [line.strip() for line in self.announced_actions.splitlines() if line.strip()]


class Attendee(SourcedModel):
    """Someone the source says was present at the signing."""

    mou = models.ForeignKey(Mou, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True)
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["mou", "pk"]

    def __str__(self):
        return f"{self.name}, {self.title}" if self.title else self.name


class Benefit(SourcedModel):
    """What a programme offers everyone under it (a commission waiver, incubation
    support), as opposed to what one MoU commits to; MoU pages under the programme show
    its benefits as context."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="benefits")
    kind = models.CharField(
        max_length=20, choices=Commitment.Kind.choices, default=Commitment.Kind.OTHER
    )
    description = models.TextField()
    period = models.CharField(max_length=100, blank=True, help_text="E.g. the first six months.")

    class Meta:
        ordering = ["programme", "pk"]

    def __str__(self):
        return f"{self.programme}: {self.description[:60]}"


class ImportRecord(models.Model):
    """One CSV or XLSX import that wrote to the registry: who, when, what file, what changed."""

    class Via(models.TextChoices):
        ADMIN = "admin", "Admin"
        COMMAND = "command", "Command line"

    created_at = models.DateTimeField(default=timezone.now)
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
