"""
The public registry: server-rendered pages anyone can read without an account.

Views only select, filter, paginate and render. What a page loads lives on
``MouQuerySet`` (``for_list()``, ``for_detail()``, ``per_state()``...), so
every page runs a fixed number of queries whatever the number of MoUs; the
tests pin each count. Drafts never reach the public: every MoU query starts
from ``published()``, and a party, programme, sector or cluster only drafts name
has no page (staff who may view MoUs, Editors and Viewers, may preview both).
"""

import datetime
import functools

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.db.models.functions import Lower
from django.http import FileResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from mouregistry.i18n import in_default_language
from mouregistry.throttling import too_many

from . import dataset, dictionary, exports
from .filters import CommitmentFilter, MouFilter, filtered, refuse_bad_filters
from .formats import format_partial_date
from .forms import CorrectionForm
from .models import (
    Cluster,
    Commitment,
    CommitmentStatus,
    Mou,
    MouStatus,
    MouVersion,
    Party,
    Precision,
    Programme,
    Reaction,
    ReportedFigure,
    Sector,
    Source,
    State,
)
from .models.entities import in_hindi, marked_name
from .models.facts import STATUS_MEANINGS
from .models.freshness import cached, cached_count, cached_query, request_version
from .search import listing

PER_PAGE = 25


class CountCachedPaginator(Paginator):
    """A paginator whose COUNT is cached until the data changes (``cached_query``): at
    200,000 MoUs the count of a state's or a search's MoUs costs more than reading the
    page's rows, and the answer is the same for every page and every reader."""

    def __init__(self, request, queryset, per_page):
        super().__init__(queryset, per_page)
        self.request = request

    @cached_property
    def count(self):
        if not isinstance(self.object_list, QuerySet):
            return self.object_list.count()  # search.Ranked, which caches its own
        return cached_count(self.request, self.object_list)


def paginate(request, queryset):
    """The requested page; a page number past the end (or not a number) gives the
    nearest real page and a note for the template, never a 404.

    Costs two queries, a COUNT and the page's rows; the COUNT only on the first view of
    this list since the data changed.
    """
    page = CountCachedPaginator(request, queryset, PER_PAGE).get_page(request.GET.get("page"))
    asked = request.GET.get("page")
    note = ""
    if asked not in (None, "", str(page.number)):
        note = gettext("There is no page “%(asked)s”; showing page %(number)s.") % {
            "asked": asked[:20],
            "number": page.number,
        }
    return page, note


def home(request):
    """Counts, the two charts, the latest MoUs and the entry points.

    The counts and charts aggregate the whole registry, so they are cached until the
    data changes (``freshness.cached``).
    """
    mous = Mou.objects.published()
    overview = cached(request, "home-overview", mous.overview)
    list_url = reverse("agreements:mou_list")
    per_year = [
        {**row, "url": f"{list_url}?year_from={row['year']}&year_to={row['year']}"}
        for row in overview["per_year"]
    ]
    context = {
        **overview,
        "per_year": per_year,
        "latest": mous.for_list().order_by("-published_at", "-pk")[:6],
    }
    return render(request, "agreements/home.html", context)


def filtered_list(request, filterset_class, name, *, around_page=None, **context):
    """A filtered, paginated public list: a fixed number of queries, plus one per chosen
    filter object (to check it). ``name`` ("mou") names its template and its addresses:
    ``agreements:mou_list``, ``mou_csv``, ``mou_json`` and ``mou_feed``;
    ``around_page(filterset, page)`` gives what the page shows around its rows. A search
    counts against the address's rate limit."""
    if request.GET.get("q") and (limited := too_many(request, "search")):
        return limited
    filterset = filtered(request, filterset_class)
    page, page_note = paginate(request, filterset.page_rows())
    urls = {kind: reverse(f"agreements:{name}_{kind}") for kind in ("list", "csv", "json", "feed")}
    context.update({"filter": filterset, "page": page, "page_note": page_note, "urls": urls})
    if around_page:
        context.update(around_page(filterset, page))
    return render(request, f"agreements/{name}_list.html", context)


def mou_list(request):
    """The MoU list; searched, ranked best match first with why each row matched, and,
    searched or filtered, facets and ways to widen an empty result (``search.listing``)."""
    return filtered_list(
        request,
        MouFilter,
        "mou",
        around_page=listing.list_context,
        fact_tables=[(name, FACT_TABLE_LINKS[name]) for name in dataset.MOU_FACTS],
    )


# The list's links to its MoUs' facts as CSV tables (``dataset.MOU_FACTS``), worded in
# the page's language.
FACT_TABLE_LINKS = {
    "commitments": _("commitments"),
    "figures": _("figures"),
    "reactions": _("reactions"),
}


def commitment_list(request):
    """Every promise of a published MoU, with how the filtered ones stand now."""
    filterset = filtered(request, CommitmentFilter)
    query = filterset.query_without("page", "sort")
    scorecard = cached(request, "commitment-scorecard", filterset.qs.scorecard, query)
    # The scorecard's counts link to this list with their own status or follow-up filter.
    card_query = filterset.query_without("page", "sort", "status", "followed_up")
    return filtered_list(
        request, CommitmentFilter, "commitment", scorecard=scorecard, card_query=card_query
    )


def mou_detail(request, slug):
    """One MoU with everything it holds and its related MoUs (``for_detail()`` plus the
    related list's ``for_list()``). Editors and Viewers may preview drafts."""
    mou = get_object_or_404(Mou.objects.visible_to(request.user).for_detail(), slug=slug)
    # Ordering every MoU that shares a state or a party takes tens of milliseconds at
    # 200,000 MoUs; the answer changes only with the data.
    related = cached_query(request, "rows", Mou.objects.published().related_to(mou).for_list()[:6])
    context = {
        "mou": mou,
        "sources": mou.numbered_sources,
        "related": related,
        "version": mou.versions.order_by("-number").only("mou", "number", "created_at").first(),
    }
    return render(request, "agreements/mou_detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def report_error(request, slug):
    """A reader's report of an error or a missing fact in a published MoU, kept for
    Editors (never shown). Every POST from an anonymous address counts against
    ``CORRECTIONS_RATE_LIMIT``; a honeypot's report is thanked for like any other and
    dropped, so neither a bot nor a person learns anything from the answer."""
    mou = _reported_mou(slug)
    form = CorrectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if limited := too_many(request, "correction", settings.CORRECTIONS_RATE_LIMIT):
            return limited
        if form.is_valid():
            if not form.is_bot():
                form.instance.mou = mou
                form.save()
            return redirect("agreements:mou_report_sent", slug=mou.slug)
    return render(request, "agreements/report_error.html", {"mou": mou, "form": form})


def report_sent(request, slug):
    return render(request, "agreements/report_sent.html", {"mou": _reported_mou(slug)})


def _reported_mou(slug):
    return get_object_or_404(Mou.objects.published().only("pk", "slug", "title"), slug=slug)


def source_list(request):
    """Every source the visitor may see, newest first, each with how many public facts
    it supports: a page of them in two queries (the count, and the rows with a subquery
    per kind of fact)."""
    sources = (
        Source.objects.visible_to(request.user)
        .with_fact_count()
        .order_by(F("published_on").desc(nulls_last=True), "title", "pk")
    )
    page, page_note = paginate(request, sources)
    return render(request, "agreements/source_list.html", {"page": page, "page_note": page_note})


def source_detail(request, pk):
    """One source and every public fact it supports across the registry, each with its
    quote, so a reader can check the registry against the article: a query per kind."""
    source = get_object_or_404(Source.objects.visible_to(request.user), pk=pk)
    return render(
        request, "agreements/source_detail.html", {"source": source, "facts": source.facts()}
    )


def about(request):
    """What the registry is, how a record is made, what its words mean, the licence, how
    to cite and to report an error, and the current counts. The statuses and date
    precisions are listed from the models' choices, so a new one shows here; the counts
    come from the home page's cached overview, plus one for the sources."""
    overview = cached(request, "home-overview", Mou.objects.published().overview)
    example = datetime.date(2021, 2, 18)
    context = {
        "counts": {
            **overview["counts"],
            "commitments": overview["scorecard"]["total"],
            "sources": Source.objects.public().count(),
        },
        "statuses": [
            (heading, [(label, STATUS_MEANINGS[value]) for value, label in choices.choices])
            for heading, choices in (
                (_("An MoU"), MouStatus),
                (_("A commitment"), CommitmentStatus),
            )
        ],
        "precisions": [
            (label, format_partial_date(example, value)) for value, label in Precision.choices
        ],
        "licence": exports.DATA_LICENCE,
        "contact": settings.REGISTRY_CONTACT_EMAIL,
    }
    return render(request, "agreements/about.html", context)


def data_dictionary(request):
    """Every column and key of the downloads, described from the models themselves."""
    context = {
        "sections": dictionary.downloads(),
        "tables": dataset.TABLES,
        "licence": exports.DATA_LICENCE,
    }
    return render(request, "agreements/data_dictionary.html", context)


@never_cache  # it says whether the files are built, which changes without the data
def dataset_page(request):
    """The whole dataset: its files (size, when built, for which data version), its
    tables and its licence. One query, the data version, and a look at the files."""
    version = request_version(request)
    context = {
        "version": version,
        "files": dataset.built(version.number),
        "tables": dataset.TABLES,
        "licence": exports.DATA_LICENCE,
    }
    return render(request, "agreements/dataset.html", context)


def dataset_file(request, kind):
    """The current data version's ZIP or JSON (``kind``), built first if missing, then
    served from its file; rate limited like every download."""
    if limited := too_many(request, "download"):
        return limited
    file = dataset.open_current(request_version(request), kind)
    return FileResponse(file, as_attachment=True, content_type=dataset.KINDS[kind])


def mou_history(request, slug):
    """Every version of a published MoU, newest first, with what changed in words."""
    mou = get_object_or_404(Mou.objects.published().only("title", "slug"), slug=slug)
    versions = mou.versions.order_by("-number").defer("document")
    page, page_note = paginate(request, versions)
    context = {"mou": mou, "page": page, "page_note": page_note}
    return render(request, "agreements/mou_history.html", context)


def mou_version(request, slug, number):
    """The MoU's page as it was at version ``number``, from the record stored then."""
    version = get_object_or_404(
        MouVersion.objects.filter(mou__published=True).select_related("mou"),
        mou__slug=slug,
        number=number,
    )
    latest = version.mou.versions.order_by("-number").values_list("number", flat=True).first()
    context = {"version": version, "record": version.document, "latest": latest}
    return render(request, "agreements/mou_version.html", context)


def recent_changes(request):
    """Every version of every published MoU, newest first: the registry's change log."""
    versions = MouVersion.objects.public().defer("document").select_related("mou")
    page, page_note = paginate(request, versions)
    return render(request, "agreements/changes.html", {"page": page, "page_note": page_note})


# /states/ by name (the default) or by count, most first (?sort=count).
STATE_ORDERS = {"name": ("name",), "count": ("-mou_count", "name")}


def state_list(request):
    """Every state and union territory with its count, on the map and in the table beside
    it: one query."""
    sort = request.GET.get("sort")
    sort = sort if sort in STATE_ORDERS else "name"
    states = Mou.objects.published().per_state().order_by(*STATE_ORDERS[sort])
    states = cached_query(request, "rows", states)
    if sort == "name" and in_hindi():
        # A to Z as the page writes the names: in Devanagari's order on Hindi pages.
        states = sorted(states, key=lambda state: state.display_name)
    context = {
        "states": states,
        "sort": sort,
        "with_mous": sum(1 for state in states if state.mou_count),
    }
    return render(request, "agreements/state_list.html", context)


# How /parties/ groups parties by kind: (anchor, heading, kinds).
PARTY_GROUPS = [
    ("companies", _("Companies and marketplaces"), [Party.Kind.COMPANY]),
    (
        "government",
        _("Government bodies"),
        [
            Party.Kind.STATE_GOVERNMENT,
            Party.Kind.UT_ADMINISTRATION,
            Party.Kind.DEPARTMENT,
            Party.Kind.STATE_CORPORATION,
            Party.Kind.STATUTORY_BOARD,
            Party.Kind.COOPERATIVE,
        ],
    ),
    ("others", _("Trade bodies and others"), [Party.Kind.TRADE_BODY, Party.Kind.NGO]),
]


def party_group(kind):
    """(anchor, heading) of the /parties/ group of a party's ``kind``; unclassified parties
    go with the others."""
    for anchor, heading, kinds in PARTY_GROUPS:
        if kind in kinds:
            return anchor, heading
    return PARTY_GROUPS[-1][:2]


def counted_index(request, model, *select_related, order=None):
    """Every row of ``model`` the visitor may see (``visible_to``), A to Z (or in
    ``order``), each with ``mou_count``, its number of published MoUs (zeros included):
    one query, cached until the data changes."""
    rows = model.objects.visible_to(request.user).select_related(*select_related)
    order = order or [*(Lower(field) for field in model._meta.ordering), "pk"]
    return cached_query(request, "rows", Mou.objects.published().counted(rows).order_by(*order))


def party_list(request):
    """Every public party, grouped by kind, A to Z, with its count: one query."""
    groups = {anchor: [] for anchor, _heading, _kinds in PARTY_GROUPS}
    for party in counted_index(request, Party):
        groups[party_group(party.kind)[0]].append(party)
    context = {
        "groups": [
            {"anchor": anchor, "heading": heading, "parties": groups[anchor]}
            for anchor, heading, _kinds in PARTY_GROUPS
        ]
    }
    return render(request, "agreements/party_list.html", context)


def programme_list(request):
    programmes = counted_index(request, Programme, "owner")
    return render(request, "agreements/programme_list.html", {"programmes": programmes})


def sector_list(request):
    sectors = counted_index(request, Sector)
    return render(request, "agreements/sector_list.html", {"sectors": sectors})


def cluster_list(request):
    """Every public cluster by state, A to Z: one query."""
    order = ["state__name", Lower("place"), Lower("product"), "pk"]
    clusters = counted_index(request, Cluster, "state", "sector", order=order)
    return render(request, "agreements/cluster_list.html", {"clusters": clusters})


class EntityPage:
    """The page of one state, party, programme, cluster or sector: its facts, the
    figures reported about it and a page of its MoUs.

    Each kind is named by its filter on the MoU list (``MouFilter``), which gives the
    model, the relation to filter MoUs by and the "see these in the full list" links,
    so a page and the list's filter cannot disagree. ``more_context`` adds what one kind shows
    besides (a state's clusters, a programme's benefits). ``index`` names the kind's index
    page (``agreements:party_list``), the breadcrumbs' second step; ``trail`` gives any
    steps between it and the object, as (label, url) pairs (a party's group and parent).
    ``with_map`` adds a small map of where its MoUs are, when it has any (one query).
    """

    def __init__(
        self,
        filter_name,
        template,
        *,
        index,
        select_related=(),
        more_context=None,
        trail=None,
        with_map=False,
    ):
        choice = MouFilter.base_filters[filter_name]
        self.filter_name = filter_name
        self.model = choice.queryset.model
        self.relation = choice.field_name
        self.template = template
        self.index = index
        self.select_related = select_related
        self.more_context = more_context
        self.trail = trail
        self.with_map = with_map

    def breadcrumbs(self, obj):
        """Home, the kind's index and the steps to ``obj``, as (label, url) pairs."""
        index_url = reverse(self.index)
        steps = self.trail(obj, index_url) if self.trail else []
        home = (gettext("Home"), reverse("agreements:home"))
        return [home, (INDEX_NAMES[self.index], index_url), *steps]

    def __call__(self, request, slug):
        entities = self.model.objects.visible_to(request.user)
        obj = get_object_or_404(entities.select_related(*self.select_related), slug=slug)
        mous = Mou.objects.published().filter(**{self.relation: obj})
        page, page_note = paginate(request, mous.for_list())
        context = {
            "object": obj,
            "page": page,
            "page_note": page_note,
            "filter_query": "?" + urlencode({self.filter_name: obj.slug}),
            "breadcrumbs": self.breadcrumbs(obj),
            **(self.more_context(request, obj, mous) if self.more_context else {}),
        }
        if self.with_map and page.paginator.count:
            context["map_states"] = cached_query(request, "rows", mous.counted(State.objects.all()))
        if self.model in FIGURE_SUBJECTS:
            context["figures"] = ReportedFigure.objects.about(obj)
        if commitments := CommitmentFilter.base_filters.get(self.filter_name):
            promises = Commitment.objects.public().filter(**{commitments.field_name: obj})
            scorecard = promises.scorecard
            context["scorecard"] = cached(request, "scorecard", scorecard, self.model, obj.pk)
        return render(request, self.template, context)


# Each kind's index page, as the header and the breadcrumbs name it.
INDEX_NAMES = {
    "agreements:state_list": _("States"),
    "agreements:party_list": _("Parties"),
    "agreements:programme_list": _("Programmes"),
    "agreements:sector_list": _("Sectors"),
    "agreements:cluster_list": _("Clusters"),
}

# The kinds of entity a figure can be about (``ReportedFigure.subject``).
FIGURE_SUBJECTS = (State, Party, Programme, Sector)


# How many of a state's commitments and reactions its page shows; the commitment list
# and the MoUs' own pages hold the rest.
ROLL_UP = 10


def _state_context(request, state, mous):
    """What the state's MoUs hold, rolled up: their parties and programmes (most MoUs
    first), its clusters, and the latest of their commitments and reactions. One query
    each, cached until the data changes: each aggregates thousands of MoUs at scale."""
    clusters = Cluster.objects.visible_to(request.user).filter(state=state)
    commitments = Commitment.objects.public().filter(mou__states=state).for_list()
    reactions = (
        Reaction.objects.filter(mou__in=mous)
        .select_related("party", "source", "mou")
        .order_by(F("mou__signed_on").desc(nulls_last=True), "mou__title", "pk")
    )
    rows = functools.partial(cached_query, request, "rows")
    return {
        "clusters": rows(mous.counted(clusters).select_related("sector")),
        "parties": rows(mous.ranked(Party.objects.all())),
        "programmes": rows(mous.ranked(Programme.objects.all())),
        "commitments": rows(commitments[:ROLL_UP]),
        "reactions": rows(reactions[: ROLL_UP + 1]),
        "roll_up": ROLL_UP,
    }


def _party_context(request, party, mous):
    return {
        "programmes": Programme.objects.visible_to(request.user).filter(owner=party),
        "children": Party.objects.visible_to(request.user).filter(parent=party),
    }


def _programme_context(request, programme, mous):
    return {"benefits": programme.benefits.select_related("source")}


def _sector_context(request, sector, mous):
    clusters = Cluster.objects.visible_to(request.user).filter(sector=sector)
    return {"clusters": clusters.select_related("state")}


def _party_trail(party, index_url):
    anchor, heading = party_group(party.kind)
    steps = [(heading, f"{index_url}#{anchor}")]
    if party.parent:
        parent = party.parent
        steps.append((marked_name(parent.name, parent.name_hi), parent.get_absolute_url()))
    return steps


def _cluster_trail(cluster, index_url):
    state = cluster.state
    return [(marked_name(state.name, state.name_hi), f"{index_url}#{state.slug}")]


state_detail = EntityPage(
    "state",
    "agreements/state_detail.html",
    index="agreements:state_list",
    more_context=_state_context,
)
party_detail = EntityPage(
    "party",
    "agreements/party_detail.html",
    index="agreements:party_list",
    select_related=["state", "parent"],
    more_context=_party_context,
    trail=_party_trail,
    with_map=True,
)
programme_detail = EntityPage(
    "programme",
    "agreements/programme_detail.html",
    index="agreements:programme_list",
    select_related=["owner"],
    more_context=_programme_context,
    with_map=True,
)
cluster_detail = EntityPage(
    "cluster",
    "agreements/cluster_detail.html",
    index="agreements:cluster_list",
    select_related=["state", "sector"],
    trail=_cluster_trail,
)
sector_detail = EntityPage(
    "sector",
    "agreements/sector_detail.html",
    index="agreements:sector_list",
    more_context=_sector_context,
)


# Rows per download: a download of this many finishes well within 2 s on the benchmark
# registry (benchmarks/pages.py, "CSV filtered"), far from gunicorn's 30 s timeout,
# whatever the registry's size; more come as further parts (``?part=2``), each linked
# from the one before.
DOWNLOAD_ROWS = 1_000


class DownloadPart:
    """Which rows of a filtered download one response holds, and where the next are."""

    def __init__(self, request, total, number):
        self.request, self.total, self.number = request, total, number
        self.parts = max(1, -(-total // DOWNLOAD_ROWS))
        self.start = (number - 1) * DOWNLOAD_ROWS

    def next_url(self):
        if self.number >= self.parts:
            return None
        query = self.request.GET.copy()
        query["part"] = self.number + 1
        return self.request.build_absolute_uri(f"{self.request.path}?{query.urlencode()}")

    def about(self):
        """What a JSON download says of itself besides the registry and the query."""
        return {
            "total": self.total,
            "part": self.number,
            "parts": self.parts,
            "rows_per_part": DOWNLOAD_ROWS,
            "next": self.next_url(),
        }


@in_default_language
def download(request, filterset_class, write, file_name):
    """A filtered list streamed as a file: ``write(request, queryset, part)`` yields its
    text. At most ``DOWNLOAD_ROWS`` rows per response, so every download completes in
    bounded time: a bigger selection comes in parts, each with a ``Link: rel="next"`` to
    the one after (and in JSON a ``next``). Programs read downloads, so a filter or a
    part that cannot be applied is a 400 naming it."""
    if limited := too_many(request, "download"):
        return limited
    filterset = filtered(request, filterset_class)
    if refused := refuse_bad_filters(filterset):
        return refused
    number = request.GET.get("part", "1")
    # Length first: int() refuses (ValueError) numbers of over 4,300 digits.
    if not (number.isascii() and number.isdigit() and len(number) <= 6 and int(number) > 0):
        return _refused(f"part: {number[:20]!r} is not a part number (1, 2, ...).")
    queryset = filterset.qs
    part = DownloadPart(request, queryset.count(), int(number))
    if part.number > part.parts:
        return _refused(f"part: this download has {part.parts} part(s), not {part.number}.")
    if part.parts > 1:
        rows = queryset.values("pk")[part.start : part.start + DOWNLOAD_ROWS]
        queryset = queryset.filter(pk__in=rows)
    kind = "text/csv; charset=utf-8" if file_name.endswith(".csv") else "application/json"
    response = StreamingHttpResponse(write(request, queryset, part), content_type=kind)
    if part.parts > 1:
        stem, dot, extension = file_name.rpartition(".")
        file_name = f"{stem}-part-{part.number}-of-{part.parts}{dot}{extension}"
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["X-Total-Count"] = str(part.total)
    if next_url := part.next_url():
        response["Link"] = f'<{next_url}>; rel="next"'
    return response


def _refused(message):
    return HttpResponseBadRequest(message + "\n", content_type="text/plain; charset=utf-8")


def mou_csv(request):
    """The filtered list in the CSV import's columns, formula-escaped, so it re-imports;
    with ``?table=commitments`` (or figures, reactions), that table of the whole dataset
    for the same MoUs, in the same parts, each row led by its MoU's reference."""
    name = request.GET.get("table")
    if name is None:
        return download(
            request, MouFilter, lambda r, qs, part: exports.iter_mous_csv(qs), "mous.csv"
        )
    if (table := dataset.MOU_FACTS.get(name)) is None:
        return _refused(f"table: {name[:20]!r} is not one of {', '.join(dataset.MOU_FACTS)}.")

    def write(request, queryset, part):
        return dataset.iter_facts_csv(table, queryset)

    return download(request, MouFilter, write, f"mous-{name}.csv")


def mou_json(request):
    """The filtered list as JSON, each MoU with its commitments, figures and reactions."""
    return download(request, MouFilter, dataset.iter_mous_json, "mous.json")


def commitment_csv(request):
    return download(
        request,
        CommitmentFilter,
        lambda r, qs, part: exports.iter_commitments_csv(r, qs),
        "commitments.csv",
    )


def commitment_json(request):
    return download(request, CommitmentFilter, exports.iter_commitments_json, "commitments.json")


def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain; charset=utf-8")
