"""Downloads and following: CSV and JSON of the filtered list, the Atom feed, the
sitemap and robots.txt."""

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest

from agreements import views
from agreements.models import Cluster, Mou, MouQuerySet

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def three_mous(make_mou, amazon, flipkart, gujarat, assam):
    return (
        make_mou("Flipkart in Assam", parties=[flipkart], states=[assam]),
        make_mou("Amazon in Assam", parties=[amazon], states=[assam]),
        make_mou("Flipkart in Gujarat", parties=[flipkart], states=[gujarat]),
    )


def parse_xml(content):
    """Parse the site's own output (trusted, so the stdlib parser is fine); raises if invalid."""
    return ET.fromstring(content)  # noqa: S314


def read_csv(response):
    return list(csv.DictReader(io.StringIO(response.getvalue().decode())))


def read_json(response):
    return json.loads(response.getvalue())


def test_the_csv_download_holds_exactly_the_filtered_rows(client, three_mous):
    response = client.get("/mous/export.csv?party=flipkart&state=assam")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert [row["title"] for row in read_csv(response)] == ["Flipkart in Assam"]


def test_the_csv_download_uses_the_import_columns(client, three_mous):
    header = client.get("/mous/export.csv").getvalue().decode().splitlines()[0]
    assert header.split(",") == [
        "reference", "title", "signed_on", "date_kind", "states", "parties", "programmes",
        "sectors", "clusters", "commitments", "status", "summary", "source_url", "source_title",
        "source_publisher", "source_published_on", "published",
    ]  # fmt: skip


def test_spreadsheet_formulas_are_escaped_in_the_csv(client, make_mou, amazon, gujarat):
    make_mou(
        '=HYPERLINK("http://evil.example","click")',
        parties=[amazon],
        states=[gujarat],
        summary="@SUM(1+1)",
    )
    (row,) = read_csv(client.get("/mous/export.csv"))
    assert not row["title"].startswith("=")
    assert "HYPERLINK" in row["title"]
    assert not row["summary"].startswith("@")


def test_the_json_download_holds_exactly_the_filtered_rows(client, three_mous):
    response = client.get("/mous/export.json?state=assam&sort=title")
    data = read_json(response)
    assert [mou["title"] for mou in data["mous"]] == ["Amazon in Assam", "Flipkart in Assam"]
    first = data["mous"][0]
    assert first["states"] == ["Assam"]
    assert first["parties"][0]["name"] == "Amazon India"
    assert first["signed_on"] == "2021-09-01"
    assert first["signed_on_display"] == "September 2021"
    assert first["url"] == "http://testserver/mous/amazon-in-assam/"
    assert first["sources"][0]["url"] == "https://news.example.com/amazon-gujarat"


def test_the_json_download_holds_published_fields_only(client, three_mous):
    (mou, *_) = read_json(client.get("/mous/export.json"))["mous"]
    assert "published" not in mou
    assert "created_by_import" not in mou and "last_import" not in mou


@pytest.mark.parametrize(
    ("url", "read", "queries_per_chunk"),
    [
        # The MoUs, then per chunk: states, parties, programmes, sectors, clusters,
        # commitments and sources (CSV); the same less commitments, plus the nested
        # commitments, figures and reactions (JSON).
        ("/mous/export.csv", lambda response: [row["title"] for row in read_csv(response)], 7),
        (
            "/mous/export.json",
            lambda response: [m["title"] for m in read_json(response)["mous"]],
            9,
        ),
    ],
)
def test_a_download_bigger_than_a_chunk_streams_every_mou_in_order_in_bounded_queries(
    client, many_mous, monkeypatch, django_assert_max_num_queries, url, read, queries_per_chunk
):
    monkeypatch.setattr(MouQuerySet, "CHUNK_SIZE", 100)  # 240 published MoUs: 3 chunks
    # The data version (mouregistry.pagecache), the count (views.DownloadPart) and one
    # read before the chunks, then each chunk's reads.
    with django_assert_max_num_queries(3 + 3 * queries_per_chunk):
        response = client.get(url)
        titles = read(response)
    assert response.streaming
    assert titles == [mou.title for mou in Mou.objects.published()]
    assert len(titles) == 240


def test_the_json_download_of_nothing_is_still_valid_json(client, db):
    data = read_json(client.get("/mous/export.json?q=nothing"))
    assert data["mous"] == [] and data["query"] == "q=nothing"


def test_the_list_page_links_its_downloads_and_feed_with_the_filters(client, three_mous):
    html = client.get("/mous/?state=assam&page=1").content.decode()
    assert 'href="/mous/export.csv?state=assam"' in html
    assert 'href="/mous/export.json?state=assam"' in html
    assert 'href="/mous/feed.atom?state=assam"' in html


def test_the_feed_is_valid_atom_of_the_filtered_list(client, three_mous):
    response = client.get("/mous/feed.atom?party=flipkart&state=assam")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = parse_xml(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert "Flipkart" in feed.find(f"{ATOM}title").text
    assert "Assam" in feed.find(f"{ATOM}title").text
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.find(f"{ATOM}title").text for entry in entries] == ["Flipkart in Assam"]
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link == "http://testserver/mous/flipkart-in-assam/"
    assert entries[0].find(f"{ATOM}updated").text
    assert entries[0].find(f"{ATOM}id").text


def test_the_feed_links_to_its_list_without_page_or_order(client, three_mous):
    feed = parse_xml(client.get("/mous/feed.atom?state=assam&sort=title&page=2").content)
    link = feed.find(f"{ATOM}link[@rel='alternate']").get("href")
    assert link == "http://testserver/mous/?state=assam"


def test_a_cluster_page_links_its_filtered_list_downloads_and_feed(client, rich_mou):
    cluster = Cluster.objects.get()
    html = client.get(cluster.get_absolute_url()).content.decode()
    query = f"?cluster={cluster.slug}"
    for url in ("/mous/", "/mous/export.csv", "/mous/export.json", "/mous/feed.atom"):
        assert f'href="{url}{query}"' in html, url
    assert [row["title"] for row in read_csv(client.get(f"/mous/export.csv{query}"))] == [
        rich_mou.title
    ]


def test_the_feed_lists_the_newest_additions_first(client, three_mous):
    feed = parse_xml(client.get("/mous/feed.atom").content)
    titles = [entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")]
    assert titles == ["Flipkart in Gujarat", "Amazon in Assam", "Flipkart in Assam"]


@pytest.mark.parametrize(
    "url", ["/mous/export.csv", "/mous/export.json", "/mous/feed.atom"], ids=["csv", "json", "atom"]
)
def test_downloads_and_feeds_refuse_filters_they_cannot_apply(client, three_mous, url):
    response = client.get(url, {"state": "XX", "year_from": "abc", "party": "flipkart"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "state:" in text
    assert "year_from:" in text
    assert "party:" not in text
    assert "Flipkart in Assam" not in text


def test_a_draft_published_later_tops_the_feed(client, three_mous, make_mou, amazon, assam):
    draft = make_mou(
        "Old draft, published today", parties=[amazon], states=[assam], published=False
    )
    Mou.objects.filter(pk=draft.pk).update(created_at=draft.created_at.replace(year=2000))
    draft.refresh_from_db()
    draft.published = True
    draft.save()
    feed = parse_xml(client.get("/mous/feed.atom").content)
    first = feed.find(f"{ATOM}entry").find(f"{ATOM}title").text
    assert first == "Old draft, published today"


def test_the_sitemap_is_valid_and_lists_public_pages(client, three_mous, gujarat_mou):
    response = client.get("/sitemap.xml")
    urlset = parse_xml(response.content)
    assert urlset.tag == f"{SITEMAP}urlset"
    locations = {url.find(f"{SITEMAP}loc").text for url in urlset}
    expected = {
        "http://testserver/",
        "http://testserver/mous/",
        "http://testserver/states/",
        "http://testserver/states/assam/",
        "http://testserver/parties/flipkart/",
        "http://testserver/programmes/amazon-global-selling/",
        *(f"http://testserver{mou.get_absolute_url()}" for mou in Mou.objects.all()),
    }
    assert expected <= locations


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "User-agent: *" in text
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_a_big_download_comes_in_linked_parts_that_together_hold_every_row(
    client, many_mous, monkeypatch
):
    monkeypatch.setattr(views, "DOWNLOAD_ROWS", 100)  # 240 published MoUs: 3 parts
    titles, url = [], "/mous/export.json?sort=title"
    while url:
        response = client.get(url)
        assert response.status_code == 200
        document = json.loads(b"".join(response.streaming_content))
        assert document["total"] == 240 and document["parts"] == 3
        assert response["X-Total-Count"] == "240"
        titles += [mou["title"] for mou in document["mous"]]
        url = document["next"]
        if url:
            assert response["Link"] == f'<{url}>; rel="next"'
    assert titles == [mou.title for mou in Mou.objects.published().order_by("title")]
    assert "part-3-of-3" in response["Content-Disposition"]


@pytest.mark.parametrize("part", ["0", "4", "abc", "1" * 30, "9" * 5000, "\u0661", "-1"])
def test_a_part_that_does_not_exist_is_a_400_saying_so(client, many_mous, monkeypatch, part):
    monkeypatch.setattr(views, "DOWNLOAD_ROWS", 100)
    response = client.get(f"/mous/export.csv?part={part}")
    assert response.status_code == 400
    assert response.content.startswith(b"part: ")
