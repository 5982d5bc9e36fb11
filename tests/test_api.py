"""The read-only API, /api/v1/: what a program reading it notices. It gives the same MoUs
as the list and its downloads for the same filters, under the downloads' field names;
never a draft nor a source's internal note; pages in a stable order linked by ``next``;
a JSON 400 naming a filter it cannot apply; 429 with Retry-After past the rate limit;
CORS for GET; the licence on every answer; and an OpenAPI document and a reference page
that list every endpoint. Its query counts do not grow with the page size."""

import json

import pytest
from test_public_drafts import DRAFT_ONLY_NAMES, DRAFT_ONLY_PAGES, draft  # noqa: F401
from test_source_notes import leaked

from agreements.models import Commitment, Mou, Source

pytestmark = pytest.mark.django_db

GUJARAT = "amazon-india-mou-with-the-industries-and-mines-department-gujarat"
LICENCE = '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'

ENDPOINTS = ["mous", "commitments", "states", "parties", "programmes", "sectors", "clusters"]
ENDPOINTS += ["sources"]


def api(client, url, status=200, kind="application/json"):
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:500])
    assert response["Content-Type"] == kind
    return response.json()


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return json.loads(b"".join(response.streaming_content))


def every_page(client, url):
    """The rows of every page of a list, following ``next``."""
    rows = []
    while url:
        page = api(client, url)
        rows += page["results"]
        url = page["next"]
    return rows


# --- MoUs: the list's filters and search, the downloads' fields -------------------------


@pytest.mark.usefixtures("founding_articles")
@pytest.mark.parametrize(
    "query",
    [
        "",
        "state=himachal-pradesh",
        "party=flipkart",
        "programme=one-district-one-product",
        "year_from=2021&year_to=2022",
        "undated=only",
        "status=signed&sort=title",
        "q=weavers",
        "q=handicrafts&state=uttar-pradesh",
        "sort=oldest",
    ],
)
def test_the_mou_list_gives_the_mous_the_download_gives_for_the_same_filters(client, query):
    rows = every_page(client, f"/api/v1/mous/?{query}")
    downloaded = download(client, f"/mous/export.json?{query}")["mous"]
    assert [row["slug"] for row in rows] == [row["slug"] for row in downloaded]
    # Each row is the download's, under its names, less the facts it nests (the
    # detail has them).
    assert rows == [{key: row[key] for key in rows[0]} for row in downloaded]


@pytest.mark.usefixtures("founding_articles")
def test_a_search_finds_mous_by_words_on_their_pages_best_match_first(client):
    rows = api(client, "/api/v1/mous/?q=mines")["results"]
    assert [row["slug"] for row in rows] == [GUJARAT]
    assert api(client, "/api/v1/mous/?q=zzyzxnothing")["results"] == []


@pytest.mark.usefixtures("founding_articles")
@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("state=nowhere", "state"),
        ("year_from=twenty", "year_from"),
        ("year_from=2022&year_to=2020", "year_to"),
        ("sort=random", "sort"),
        ("status=forgotten", "status"),
    ],
)
def test_a_filter_that_cannot_be_applied_is_a_400_naming_it(client, query, parameter):
    body = api(client, f"/api/v1/mous/?{query}", status=400)
    assert body["detail"] == "These parameters cannot be applied."
    assert parameter in body["errors"]


def test_a_commitment_filter_that_cannot_be_applied_is_a_400_naming_it(client):
    body = api(client, "/api/v1/commitments/?status=someday", status=400)
    assert list(body["errors"]) == ["status"]


@pytest.mark.usefixtures("founding_articles")
def test_an_mou_holds_everything_its_page_shows_each_fact_with_quote_and_source(client):
    mou = api(client, f"/api/v1/mous/{GUJARAT}/")
    listed = api(client, "/api/v1/mous/?q=mines")["results"][0]
    assert {key: mou[key] for key in listed} == listed  # the download's row, then more
    assert [party["role"] for party in mou["parties"]] == [
        "marketplace",
        "government",
        "signatory_body",
    ]
    assert mou["states"] == ["Gujarat"]
    assert mou["commitments"] and mou["reactions"]
    for fact in [*mou["figures"], *mou["reactions"], *mou["attendees"]]:
        assert fact["source"]["title"]
        assert "quote" in fact
    commitment = mou["commitments"][0]
    assert commitment["current_status"] in Commitment.Status.values
    assert commitment["history"] == []
    assert commitment == {
        **api(client, f"/api/v1/commitments/{commitment['id']}/"),
        "history": [],
    }


def test_an_mous_follow_ups_show_under_it_and_under_their_commitments(client, rich_mou):
    mou = api(client, f"/api/v1/mous/{rich_mou.slug}/")
    assert [f["summary"] for f in mou["follow_ups"]] == ["News of month 1", "News of month 9"]
    (commitment,) = mou["commitments"]
    assert [f["summary"] for f in commitment["history"]] == ["News of month 6"]
    assert commitment["follow_ups"] == 1
    assert commitment["history"][0]["commitment_status"] == "in_progress"
    assert commitment["history"][0]["source"]["publisher"] == "Follow-up Times"
    assert mou["figures"][0]["value"] == "750000.00"  # as the downloads write decimals
    assert mou["attendees"][0]["name"] == "Chief Minister of Gujarat"
    assert mou["checks"] == [{"checked_on": "2023-01-05", "note": "Search"}]
    assert mou["beneficiaries"] == ["Weavers"]


# --- What the public may not see --------------------------------------------------------


@pytest.mark.usefixtures("draft")
def test_drafts_never_appear_in_any_list_or_detail(client):
    secret = Mou.objects.get(published=False)
    urls = [f"/api/v1/{name}/?page_size=200" for name in ENDPOINTS]
    urls += ["/api/v1/states/assam/", "/api/v1/parties/amazon-india/"]
    urls += ["/api/v1/mous/?state=assam", "/api/v1/commitments/?state=assam"]
    for url in urls:
        content = client.get(url).content.decode()
        for text in [*DRAFT_ONLY_NAMES, secret.slug, "draftonlyword"]:
            assert text not in content, (url, text)
    assert api(client, "/api/v1/mous/?q=draftonlyword")["results"] == []
    assert api(client, "/api/v1/states/assam/")["mou_count"] == 0
    assert api(client, "/api/v1/mous/?state=assam")["total"] == 0


@pytest.mark.usefixtures("draft")
@pytest.mark.parametrize("page", ["/mous/secret-draft-mou/", *DRAFT_ONLY_PAGES])
def test_a_draft_and_what_only_drafts_name_have_no_detail(client, page):
    assert api(client, f"/api/v1{page}", status=404)["detail"]


@pytest.mark.usefixtures("draft")
def test_a_draft_s_commitment_has_no_detail(client):
    commitment = Commitment.objects.create(
        mou=Mou.objects.get(published=False),
        description="A secret promise",
        source=Source.objects.get(),
    )
    api(client, f"/api/v1/commitments/{commitment.pk}/", status=404)


@pytest.mark.usefixtures("founding_articles")
def test_no_internal_note_appears_in_any_source_or_mou_list_or_detail(client):
    assert Source.objects.exclude(internal_note="").count() >= 5  # the test means something
    urls = ["/api/v1/sources/", "/api/v1/mous/?page_size=200", "/api/v1/commitments/"]
    urls += [f"/api/v1/sources/{pk}/" for pk in Source.objects.values_list("pk", flat=True)]
    urls += [f"/api/v1/mous/{slug}/" for slug in Mou.objects.values_list("slug", flat=True)]
    for url in urls:
        assert leaked("\n".join(texts(api(client, url)))) == [], url


def texts(data):
    """Every string in a JSON document, keys and values."""
    if isinstance(data, dict):
        return [text for key, value in data.items() for text in [key, *texts(value)]]
    if isinstance(data, list):
        return [text for item in data for text in texts(item)]
    return [data] if isinstance(data, str) else []


@pytest.mark.usefixtures("founding_articles")
@pytest.mark.parametrize("url", ["/api/v1/parties/flipkart/", "/api/v1/states/assam/"])
def test_a_party_or_state_links_to_its_published_mous(client, url):
    named = api(client, url)
    rows = every_page(client, named["mous"])
    assert len(rows) == named["mou_count"] > 0
    assert all(
        named["name"] in [*row["states"], *(p["name"] for p in row["parties"])] for row in rows
    )


@pytest.mark.usefixtures("founding_articles")
def test_a_source_shows_its_public_note_and_how_many_facts_it_supports(client):
    noted = Source.objects.exclude(public_note="").first()
    source = api(client, f"/api/v1/sources/{noted.pk}/")
    assert source["public_note"] == noted.public_note
    assert source["fact_count"] > 0
    assert "internal_note" not in source


# --- Pages, order, errors, licence --------------------------------------------------------


def test_pages_follow_each_other_in_a_stable_order_without_repeating_a_row(client, many_mous):
    rows = every_page(client, "/api/v1/mous/?page_size=70&sort=title")
    assert len(rows) == 240
    assert [row["title"] for row in rows] == sorted(row["title"] for row in rows)
    # Every MoU has a date in one of ten years: ties everywhere, still a stable order.
    first = [row["slug"] for row in every_page(client, "/api/v1/mous/?page_size=70")]
    second = [row["slug"] for row in every_page(client, "/api/v1/mous/?page_size=30")]
    assert first == second and len(set(first)) == 240


def test_a_page_links_to_the_next_in_its_envelope_and_a_link_header(client, many_mous):
    response = client.get("/api/v1/mous/?page_size=100&state=state-01")
    page = response.json()
    assert (page["total"], page["page"], page["pages"]) == (20, 1, 1)
    response = client.get("/api/v1/mous/?page_size=100")
    page = response.json()
    assert (page["total"], page["pages"], page["previous"]) == (240, 3, None)
    assert page["next"] == "http://testserver/api/v1/mous/?page=2&page_size=100"
    assert response["Link"] == f'<{page["next"]}>; rel="next", {LICENCE}'
    assert page["licence"]["name"] == "CC BY 4.0"


def test_a_page_holds_50_rows_unless_asked_and_up_to_200(client, many_mous):
    assert len(api(client, "/api/v1/mous/")["results"]) == 50
    assert len(api(client, "/api/v1/mous/?page_size=200")["results"]) == 200


@pytest.mark.parametrize("size", ["201", "0", "-5", "ten", "", "9" * 5000])
def test_a_page_size_out_of_bounds_is_a_400_saying_so(client, size):
    body = api(client, f"/api/v1/states/?page_size={size}", status=400)
    assert "from 1 to 200" in body["errors"]["page_size"][0]


@pytest.mark.parametrize("page", ["99", "0", "-1", "two", "", "9" * 5000])
def test_a_page_that_is_not_there_is_a_404_saying_so(client, many_mous, page):
    assert api(client, f"/api/v1/mous/?page={page}", status=404)["detail"]


@pytest.mark.usefixtures("founding_articles")
@pytest.mark.parametrize(
    "url", ["/api/v1/states/", f"/api/v1/mous/{GUJARAT}/", "/api/v1/mous/nothing/"]
)
def test_every_answer_names_the_data_s_licence(client, url):
    assert LICENCE in client.get(url)["Link"]


# --- Rate limit, CORS ---------------------------------------------------------------------


def test_an_address_past_the_rate_limit_gets_a_json_429_with_retry_after(client, settings):
    settings.API_RATE_LIMIT = "3/m"
    # A different URL each time, so no answer comes from the page cache.
    statuses = [client.get(f"/api/v1/states/?page={n}").status_code for n in (1, 2, 3, 4)]
    assert statuses == [200, 404, 404, 429]
    refused = client.get("/api/v1/sectors/")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "throttled" in refused.json()["detail"]
    other = client.get("/api/v1/sectors/", REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 200


def test_browser_tools_on_other_sites_may_read_the_api_and_only_the_api(client):
    origin = {"HTTP_ORIGIN": "https://tools.example.org"}
    assert client.get("/api/v1/states/", **origin)["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/api/v1/mous/", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET", **origin)
    assert preflight.status_code == 200
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Origin" not in client.get("/states/", **origin)


# --- The OpenAPI document and the reference page ------------------------------------------

PATHS = [f"/api/v1/{name}/" for name in ENDPOINTS]
PATHS += [
    f"/api/v1/{name}/{{{'id' if name in ('commitments', 'sources') else 'slug'}}}/"
    for name in ENDPOINTS
]


def test_the_openapi_document_is_valid_and_lists_every_endpoint(client):
    from drf_spectacular.validation import validate_schema

    document = api(client, "/api/v1/openapi.json", kind="application/vnd.oai.openapi+json")
    validate_schema(document)
    assert sorted(document["paths"]) == sorted(PATHS)
    assert document["info"]["license"]["name"] == "CC BY 4.0"
    filters = {p["name"] for p in document["paths"]["/api/v1/mous/"]["get"]["parameters"]}
    assert {"q", "state", "party", "year_from", "undated", "sort", "page"} <= filters


def test_the_reference_page_lists_every_endpoint_and_is_linked_from_the_about_page(client):
    response = client.get("/api/v1/")
    assert response.status_code == 200
    page = response.content.decode()
    for path in PATHS:
        assert f"GET {path}" in page
    assert "<script" not in page
    assert 'href="/api/v1/"' in client.get("/about/").content.decode()


# --- Query budgets --------------------------------------------------------------------------

# The most queries a page of each list may run, whatever its size: the data version (the
# page cache), the count, the rows, then one per relation the rows show (an MoU's
# parties, states, programmes, sectors, clusters and sources).
LIST_QUERIES = {"mous": 9, "commitments": 3, "sources": 3}


@pytest.mark.parametrize("name", ENDPOINTS)
def test_a_list_s_queries_do_not_grow_with_the_page_size(
    client, many_mous, name, django_assert_max_num_queries
):
    for size in (5, 50, 200):
        with django_assert_max_num_queries(LIST_QUERIES.get(name, 3)):
            assert api(client, f"/api/v1/{name}/?page_size={size}")["results"]


def test_a_filtered_search_costs_a_query_per_filter_and_one_for_the_search(
    client, many_mous, django_assert_max_num_queries
):
    with django_assert_max_num_queries(LIST_QUERIES["mous"] + 3):
        api(client, "/api/v1/mous/?q=bulk&state=state-01&party=party-1&page_size=200")


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/api/v1/mous/{mou.slug}/", 16),
        ("/api/v1/commitments/{commitment.pk}/", 2),
        ("/api/v1/states/gujarat/", 2),
        ("/api/v1/parties/amazon-india/", 2),
        ("/api/v1/sources/{source.pk}/", 2),
    ],
)
def test_a_detail_costs_a_fixed_number_of_queries(
    client, rich_mou, url, queries, django_assert_max_num_queries
):
    context = {
        "mou": rich_mou,
        "commitment": rich_mou.commitments.get(),
        "source": rich_mou.sources.get(),
    }
    with django_assert_max_num_queries(queries):
        api(client, url.format(**context))
