"""
The public registry: server-rendered pages anyone can read without an account.

Views only select, filter, paginate and render. What a page loads lives on
``MouQuerySet`` (``for_list()``, ``for_detail()``, ``per_state()``...), so
every page runs a fixed number of queries whatever the number of MoUs; the
tests pin each count. Drafts never reach the public: every MoU query starts
from ``published()``, and a party, programme, sector or cluster only drafts name
has no page (staff who may view MoUs, Editors and Viewers, may preview both).
"""

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from . import exports
from .filters import MouFilter
from .models import Cluster, Mou, Party, Programme, Sector, State

PER_PAGE = 25
# Renames of states, parties or sectors reach the cached home page within this time.
OVERVIEW_CACHE_SECONDS = 600


def paginate(request, queryset):
    """The requested page; a page number past the end (or not a number) gives the
    nearest real page and a note for the template, never a 404.

    Costs two queries: a COUNT and the page's rows.
    """
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    asked = request.GET.get("page")
    note = ""
    if asked not in (None, "", str(page.number)):
        note = f"There is no page “{asked[:20]}”; showing page {page.number}."
    return page, note


def may_preview(request):
    """Whether the user may see drafts: staff with the view permission on MoUs (Editors,
    Viewers), not staff as such. Two queries for a signed-in user (their permissions,
    then cached on the user for the request), none for the public."""
    return request.user.has_perm("agreements.view_mou")


def shown(request, model):
    """The parties, programmes, sectors or clusters the request may see: for the public,
    none that only drafts name. One named by no MoU at all (a parent company, a body
    that only reacted) is curated, not drafted, and stays public."""
    if may_preview(request):
        return model.objects.all()
    return model.objects.filter(Mou.objects.published().naming(model) | ~Mou.objects.naming(model))


def filtered_mous(request):
    """The published MoUs the request's filters select; invalid filters are left out.

    Built once per request (the feed asks for it twice), so its choice lookups run once.
    """
    if not hasattr(request, "mou_filter"):
        request.mou_filter = MouFilter(request.GET, queryset=Mou.objects.published())
    return request.mou_filter


def refuse_bad_filters(filterset):
    """A 400 naming each filter that cannot be applied, or None when all can.

    Downloads and feeds are read by programs, which never see the list page's
    messages: a filter they cannot apply must not silently widen what they get.
    """
    if filterset.form.is_valid():
        return None
    lines = [f"{name}: {' '.join(errors)}" for name, errors in filterset.form.errors.items()]
    return HttpResponseBadRequest(
        "\n".join(["These filters cannot be applied:", *lines, ""]),
        content_type="text/plain; charset=utf-8",
    )


def home(request):
    """Counts, the two charts, the latest MoUs and the entry points.

    The counts and charts aggregate the whole registry, so they are cached until an
    MoU changes (see ``MouQuerySet.version()``): 6 queries when cached, 13 when not.
    """
    mous = Mou.objects.published()
    overview = cache.get_or_set(
        f"home-overview:{mous.version()}", mous.overview, OVERVIEW_CACHE_SECONDS
    )
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


def mou_list(request):
    """The filtered, ordered, paginated list: 10 queries, plus one per chosen filter object."""
    filterset = filtered_mous(request)
    page, page_note = paginate(request, filterset.qs.for_list())
    context = {"filter": filterset, "page": page, "page_note": page_note}
    return render(request, "agreements/mou_list.html", context)


def mou_detail(request, slug):
    """One MoU with everything it holds and its related MoUs: 17 queries
    (``for_detail()`` plus the related list's ``for_list()``). Editors and Viewers may
    preview drafts (see ``may_preview``)."""
    mous = Mou.objects.all() if may_preview(request) else Mou.objects.published()
    mou = get_object_or_404(mous.for_detail(), slug=slug)
    related = Mou.objects.published().related_to(mou).for_list()[:6]
    return render(
        request,
        "agreements/mou_detail.html",
        {"mou": mou, "sources": mou.numbered_sources, "related": related},
    )


def state_list(request):
    states = Mou.objects.published().per_state()
    return render(request, "agreements/state_list.html", {"states": states})


def state_detail(request, slug):
    """Any of the 36 states, even one no MoU names (zero counts are news too)."""
    state = get_object_or_404(State, slug=slug)
    mous = Mou.objects.published().filter(states=state)
    context = {
        "clusters": mous.counted(shown(request, Cluster).filter(state=state)).select_related(
            "sector"
        ),
        "parties": mous.ranked(Party.objects.all()),
        "filter_query": f"?state={state.slug}",
    }
    return _entity_page(request, "agreements/state_detail.html", state, mous, context)


def party_detail(request, slug):
    party = get_object_or_404(shown(request, Party).select_related("state", "parent"), slug=slug)
    mous = Mou.objects.published().filter(parties=party)
    context = {
        "programmes": shown(request, Programme).filter(owner=party),
        "children": shown(request, Party).filter(parent=party),
        "filter_query": f"?party={party.slug}",
    }
    return _entity_page(request, "agreements/party_detail.html", party, mous, context)


def programme_detail(request, slug):
    programme = get_object_or_404(shown(request, Programme).select_related("owner"), slug=slug)
    mous = Mou.objects.published().filter(programmes=programme)
    context = {"filter_query": f"?programme={programme.slug}"}
    return _entity_page(request, "agreements/programme_detail.html", programme, mous, context)


def cluster_detail(request, slug):
    cluster = get_object_or_404(
        shown(request, Cluster).select_related("state", "sector"), slug=slug
    )
    mous = Mou.objects.published().filter(clusters=cluster)
    context = {"filter_query": f"?cluster={cluster.slug}"}
    return _entity_page(request, "agreements/cluster_detail.html", cluster, mous, context)


def sector_detail(request, slug):
    sector = get_object_or_404(shown(request, Sector), slug=slug)
    mous = Mou.objects.published().filter(sectors=sector)
    context = {
        "clusters": shown(request, Cluster).filter(sector=sector).select_related("state"),
        "filter_query": f"?sector={sector.slug}",
    }
    return _entity_page(request, "agreements/sector_detail.html", sector, mous, context)


def _entity_page(request, template, obj, mous, context):
    """A state, party, programme, cluster or sector page: the object and a page of its MoUs."""
    page, page_note = paginate(request, mous.for_list())
    context.update({"object": obj, "page": page, "page_note": page_note})
    return render(request, template, context)


def mou_csv(request):
    """The filtered list in the CSV import's columns (formula-escaped by ``resources``),
    streamed: a fixed number of queries per chunk of MoUs (``MouQuerySet.in_chunks()``)."""
    filterset = filtered_mous(request)
    if refused := refuse_bad_filters(filterset):
        return refused
    rows = exports.iter_mous_csv(filterset.qs)
    return _download(rows, "text/csv; charset=utf-8", "mous.csv")


def mou_json(request):
    """The filtered list as plain JSON, published fields only (no import bookkeeping),
    streamed a chunk of MoUs at a time like the CSV."""
    filterset = filtered_mous(request)
    if refused := refuse_bad_filters(filterset):
        return refused
    mous = filterset.qs.for_list().prefetch_related("clusters", "sources")
    about = {
        "registry": settings.REGISTRY_NAME,
        "generated_at": timezone.now(),
        "query": request.GET.urlencode(),
    }
    items = (exports.mou_as_json(request, mou) for mou in mous.in_chunks())
    return _download(exports.iter_json(about, items), "application/json", "mous.json")


def _download(chunks, content_type, file_name):
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain; charset=utf-8")
