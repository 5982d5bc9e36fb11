"""What MoUs name: states, parties, programmes, sectors, beneficiary groups, clusters and
the sources that report them, with the one rule of what the public may see of them."""

import datetime

from django.apps import apps
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from ..formats import format_partial_date


class Precision(models.TextChoices):
    """How much of a date the source actually gives."""

    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")
    UNKNOWN = "unknown", _("Not reported")


# The earliest year of any date in the registry: no state government of India signed
# anything before independence.
EARLIEST_YEAR = 1947


def unreported_date(day):
    """Why ``day`` cannot be a date in the registry (a signing, a follow-up, a figure, a
    check, a source's publication or its link's check), or None: before
    ``EARLIEST_YEAR``, or after today. One rule for the admin's forms and the imports: a
    typed 0202 or 2062 would otherwise stand as the registry's word."""
    if day.year < EARLIEST_YEAR:
        return (
            f"is before {EARLIEST_YEAR}: the registry holds nothing older than India's independence"
        )
    # Today where the registry is (TIME_ZONE) only for a date near the machine's own
    # today, which is never two days apart from it: an import asks about 22,000 dates,
    # and the time zone's arithmetic for each took a tenth of the import.
    recent = day > datetime.date.today() - datetime.timedelta(days=2)
    if recent and day > timezone.localdate():
        return "is in the future: the registry records what has happened"
    return None


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


def publication_time(published, published_at, now=None):
    """When an MoU was first published, given whether it is and when it was first
    (``published_at``, None if never): kept once set, stamped on first publication.

    Shared by ``Mou.save()`` and the bulk import, which bypasses ``save()`` and works
    on plain values, not instances.
    """
    if published and published_at is None:
        return now or timezone.now()
    return published_at


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
        mous = apps.get_model("agreements", "Mou").objects
        return self.filter(mous.published().naming(self.model) | ~mous.naming(self.model))

    def visible_to(self, user):
        """``public()``, except that staff who may preview drafts (``may_preview``) see all."""
        return self.all() if may_preview(user) else self.public()


class StateQuerySet(PublicQuerySet):
    def public(self):
        """Every state and union territory, whatever its MoUs: a zero is news too."""
        return self.all()


def in_hindi():
    """Whether the page being made is the Hindi one (mouregistry.i18n)."""
    return translation.get_language() == "hi"


def localized_name(name, name_hi):
    """The one rule for the name to show: the Hindi name on Hindi pages where the record
    has one, else the English name. Also for names read as values, not objects."""
    return name_hi if name_hi and in_hindi() else name


def marked_name(name, name_hi):
    """``localized_name`` for a page: marked ``lang="en"`` where a Hindi page shows the
    English name, so that screen readers say it in English. Escaped."""
    shown = localized_name(name, name_hi)
    if in_hindi() and shown != name_hi:
        return format_html('<span lang="en">{}</span>', shown)
    return shown


class HindiNamed(models.Model):
    """A record whose name may have an official Hindi form beside the English one.

    A plain field per model rather than django-modeltranslation: five models, one name
    each, one language, and nothing patched into the models or their managers; the
    English ``name`` stays the one every import, download and version reads.
    """

    name_hi = models.CharField(
        "name in Hindi",
        max_length=200,
        blank=True,
        help_text="Its official Hindi name, in Devanagari, where one is in official use "
        "(उत्तर प्रदेश, हथकरघा). Leave empty rather than translate it: Hindi pages then show "
        "the English name.",
    )

    class Meta:
        abstract = True

    @property
    def display_name(self):
        return localized_name(self.name, self.name_hi)


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


class State(SluggedModel, HindiNamed):
    """A state or union territory of India, as ISO 3166-2:IN lists it."""

    class Kind(models.TextChoices):
        STATE = "state", _("State")
        UNION_TERRITORY = "ut", _("Union territory")

    name = models.CharField(max_length=100, unique=True)
    code = models.CharField(
        max_length=2,
        unique=True,
        help_text=_("ISO 3166-2:IN subdivision code without the IN- prefix, e.g. GJ."),
    )
    former_codes = models.CharField(
        max_length=20,
        blank=True,
        help_text=_("Codes used before the latest ISO revision, comma-separated (OR for Odisha)."),
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


class Party(SluggedModel, HindiNamed):
    """An organisation that signs, implements or responds to MoUs."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Marketplace or company")
        STATE_GOVERNMENT = "state_government", _("State government")
        UT_ADMINISTRATION = "ut_administration", _("Union territory administration")
        DEPARTMENT = "department", _("Government department or agency")
        STATE_CORPORATION = "state_corporation", _("State corporation")
        COOPERATIVE = "cooperative", _("Cooperative federation")
        STATUTORY_BOARD = "statutory_board", _("Statutory board")
        TRADE_BODY = "trade_body", _("Trade body")
        NGO = "ngo", _("NGO")
        UNCLASSIFIED = "unclassified", _("Unclassified")

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(
        max_length=50, blank=True, help_text=_("Acronym or short name, e.g. HIMCRAFTS.")
    )
    other_names = models.TextField(
        blank=True, help_text=_("Other names the organisation is known by, one per line.")
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
        help_text=_(
            "The organisation this one belongs to (HIMCRAFTS to the Government of "
            "Himachal Pradesh)."
        ),
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


class Programme(SluggedModel, HindiNamed):
    """A marketplace or government programme MoUs are signed under."""

    name = models.CharField(max_length=150, unique=True)
    owner = models.ForeignKey(
        Party, on_delete=models.PROTECT, null=True, blank=True, related_name="programmes"
    )
    description = models.TextField(blank=True)
    launched_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Leave empty when the sources do not say.")
    )

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("agreements:programme_detail", args=[self.slug])


class Sector(SluggedModel, HindiNamed):
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


class Beneficiary(HindiNamed):
    """A group an MoU means to help: artisans, weavers, MSMEs, ..."""

    name = models.CharField(max_length=100, unique=True)

    objects = PublicQuerySet.as_manager()

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
        max_length=150,
        blank=True,
        help_text=_("Leave empty when the source names only the place."),
    )
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, null=True, blank=True, related_name="clusters"
    )
    gi_tag = models.BooleanField(
        _("GI tag"),
        default=False,
        help_text=_("Tick only when a source says the product is GI-tagged."),
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
        return Cluster.describe(self.place, self.product)

    @staticmethod
    def describe(place, product):
        return f"{place}: {product}" if product else place

    def get_absolute_url(self):
        return reverse("agreements:cluster_detail", args=[self.slug])


class SourceQuerySet(PublicQuerySet):
    def with_fact_count(self):
        """Annotate ``fact_count``: how many public facts each source supports (see
        ``Source.facts``), one subquery per kind of fact, so no extra query."""
        counts = [
            Coalesce(
                Subquery(
                    facts.filter(**{field: OuterRef("pk")})
                    .order_by()
                    .values(field)
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            )
            for _kind, field, facts in Source.fact_querysets()
        ]
        return self.annotate(fact_count=sum(counts[1:], counts[0]))


class Source(models.Model):
    """A published article that reports one or more MoUs."""

    title = models.CharField(
        max_length=300,
        help_text=_(
            "The article's headline; a title in [square brackets] is the registry's own "
            "description of an untitled article."
        ),
    )
    publisher = models.CharField(max_length=150, blank=True)
    author = models.CharField(max_length=150, blank=True)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    published_on = models.DateField(null=True, blank=True)
    archive_url = models.URLField(
        _("archived copy"),
        max_length=500,
        blank=True,
        help_text=_(
            "A copy kept by a web archive (https://web.archive.org/...), for when the "
            "URL stops working."
        ),
    )
    url_checked_on = models.DateField(
        _("URL last seen working"),
        null=True,
        blank=True,
        help_text=_("When an editor last opened the URL and found the article there."),
    )
    public_note = models.TextField(
        _("public note"),
        blank=True,
        help_text=_(
            "Shown with the source on public pages: what the source leaves unclear or "
            "leaves out, and how the registry reads it."
        ),
    )
    internal_note = models.TextField(
        "internal note",
        blank=True,
        help_text="For editors only, never shown to the public: where the registry's copy "
        "is, its state, spellings to watch for.",
    )

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "title"]
        indexes = [models.Index(fields=["url"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("agreements:source_detail", args=[self.pk])

    @staticmethod
    def fact_querysets():
        """``(kind, field naming the source, public facts)`` for every kind of fact a
        source can support: the one list behind a source's page and its count of facts.
        Only what the public sees of each: published MoUs' facts, public programmes'
        benefits. An MoU or a commitment whose later status a source reports counts
        once more for it."""
        model = apps.get_model
        mous = model("agreements", "Mou").objects.published().order_by("title")
        commitments = model("agreements", "Commitment").objects.public().select_related("mou")
        on_mous = {"mou__in": mous.values("pk")}
        return [
            ("mous", "sources", mous.for_list()),
            ("mou_statuses", "status_source", mous),
            ("commitments", "source", commitments),
            ("commitment_statuses", "status_source", commitments),
            (
                "figures",
                "source",
                model("agreements", "ReportedFigure")
                .objects.public()
                .select_related("mou", "party", "programme", "state", "sector", "source"),
            ),
            (
                "reactions",
                "source",
                model("agreements", "Reaction")
                .objects.filter(**on_mous)
                .select_related("mou", "party", "source"),
            ),
            (
                "attendees",
                "source",
                model("agreements", "Attendee")
                .objects.filter(**on_mous)
                .select_related("mou", "party"),
            ),
            (
                "follow_ups",
                "source",
                model("agreements", "FollowUp")
                .objects.filter(**on_mous)
                .select_related("mou", "commitment"),
            ),
            (
                "benefits",
                "source",
                model("agreements", "Benefit")
                .objects.filter(programme__in=model("agreements", "Programme").objects.public())
                .select_related("programme", "source"),
            ),
        ]

    def facts(self):
        """``{kind: [fact, ...]}`` of every public fact the source supports, for its
        page: one query per kind, whatever their number."""
        return {
            kind: list(facts.filter(**{field: self}))
            for kind, field, facts in Source.fact_querysets()
        }

    @property
    def published_on_display(self):
        return Source.describe_published_on(self.published_on)

    @staticmethod
    def describe_published_on(day):
        return format_partial_date(day, Precision.UNKNOWN if day is None else Precision.DAY)
