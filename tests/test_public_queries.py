"""Every public page runs a fixed number of queries, whatever the data size: each is pinned
on a database of 250 MoUs (240 published). A page that grew a query per row would need
hundreds here."""

import pytest

from agreements.models import FollowUp, NewsCheck, Source

pytestmark = pytest.mark.django_db

# Measured counts for an anonymous visitor's first (uncached) request, the data version
# read by the page cache (mouregistry.pagecache) included, which a cached scorecard or
# overview reuses (freshness.cached: two queries fewer once cached); a staff visitor
# reads the version for those instead and adds 4 (session, user and the user's two
# permission queries, which decide on drafts and the admin link).
BUDGETS = [
    ("/", 15),
    ("/mous/", 12),  # its choices include "meant to help"
    # Searched or filtered, one query counts every facet (tests/test_search.py pins more).
    ("/mous/?q=bulk+train&state=state-01&party=party-1&sort=title&page=2", 17),
    ("/mous/?state=state-01&programme=programme-1&sector=sector-1&status=signed", 16),
    ("/mous/?cluster=place-1&year_from=2016&year_to=2020", 15),
    ("/mous/?year_from=abc&state=XX&page=999", 13),
    ("/mous/bulk-mou-001/", 23),
    ("/states/", 2),
    ("/states/state-01/", 16),
    ("/parties/party-1/", 14),
    ("/programmes/programme-1/", 13),
    ("/sectors/sector-1/", 10),
    ("/clusters/place-1/", 8),
    ("/mous/export.csv?cluster=place-1", 11),
    ("/mous/export.csv", 10),
    ("/mous/export.csv?state=state-01", 11),
    ("/mous/export.json", 12),  # with each MoU's commitments, figures and reactions
    ("/mous/export.csv?table=commitments&state=state-01", 4),
    ("/data/", 1),
    ("/mous/feed.atom", 4),
    ("/mous/feed.atom?party=party-1", 5),
    ("/commitments/", 8),
    ("/commitments/?status=overdue&state=state-01&party=party-1&followed_up=no&page=2", 9),
    ("/commitments/export.csv?programme=programme-1", 4),
    ("/commitments/export.json", 3),
    ("/commitments/feed.atom?kind=other", 2),
    ("/sitemap.xml", 15),
    ("/robots.txt", 1),
    ("/about/", 12),  # the home page's overview (then cached) and the sources
    ("/about/data/", 1),
]


@pytest.mark.parametrize(("url", "budget"), BUDGETS)
def test_each_page_has_a_fixed_query_budget(
    client, many_mous, url, budget, django_assert_max_num_queries
):
    with django_assert_max_num_queries(budget):
        response = client.get(url)
        response.getvalue()  # a streamed download queries as it is read
    assert response.status_code == 200


def test_the_big_list_really_is_big(client, many_mous):
    response = client.get("/mous/")
    assert response.context["page"].paginator.count == 240
    assert len(response.context["page"]) == 25


def test_the_big_registry_has_news_for_the_budgets_to_see(client, many_mous):
    """Follow-ups and checks, so that a page reading them per row would break its budget."""
    assert FollowUp.objects.count() == 166 + 84 and NewsCheck.objects.count() == 50
    html = client.get("/mous/bulk-mou-001/").content.decode()
    assert "1 sellers trained" in html and "1 of 300 sellers" in html


def test_the_detail_page_budget_holds_with_everything_filled_in(
    client, many_mous, rich_mou, django_assert_max_num_queries
):
    with django_assert_max_num_queries(22):
        response = client.get(rich_mou.get_absolute_url())
    assert response.status_code == 200


def test_staff_pages_cost_only_the_session_user_permissions_and_data_version_more(
    client, many_mous, editor, django_assert_max_num_queries
):
    """Four for the session, the user and the permissions, and one for the data version
    the page's cached parts (a list's COUNT, an MoU's related MoUs) hang on: the page
    cache reads it for anonymous readers, and staff pages are not page-cached."""
    client.force_login(editor)
    with django_assert_max_num_queries(22 + 4 + 1):
        client.get("/mous/bulk-mou-001/")
    with django_assert_max_num_queries(11 + 4 + 1):
        client.get("/mous/")
    with django_assert_max_num_queries(7 + 4 + 1):
        client.get("/clusters/place-1/")


@pytest.fixture
def many_versions(many_mous):
    """Every published MoU at version 1, and bulk-mou-001 at version 5."""
    from agreements.models import Mou, record_versions

    record_versions(Mou.objects.all(), "First published")
    for n in range(4):
        Mou.objects.filter(slug="bulk-mou-001").update(place=f"Place {n}")
        record_versions(Mou.objects.filter(slug="bulk-mou-001"), f"Change {n}")


@pytest.mark.parametrize(
    ("url", "budget"),
    [
        ("/mous/bulk-mou-001/history/", 4),
        ("/mous/bulk-mou-001/v/2/", 3),
        ("/mous/bulk-mou-001/changes.atom", 3),
        ("/changes/", 3),
        ("/changes/?page=5", 3),
        ("/changes/feed.atom", 2),
    ],
)
def test_history_pages_have_a_fixed_query_budget(
    client, many_versions, url, budget, django_assert_max_num_queries
):
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200


def test_source_pages_have_a_fixed_query_budget(
    client, many_mous, rich_mou, django_assert_max_num_queries
):
    """Past the data version: the list, a COUNT and the page's rows (each with a subquery
    per kind of fact); a source's page, the source, then a query per kind of fact (the
    MoUs' with their list's prefetches), here for one behind 240 MoUs and commitments."""
    with django_assert_max_num_queries(3):
        assert client.get("/sources/").status_code == 200
    bulk = many_mous[0].sources.get()
    with django_assert_max_num_queries(15):
        assert client.get(bulk.get_absolute_url()).status_code == 200
    for source in Source.objects.exclude(pk=bulk.pk):  # the rich MoU's two articles
        with django_assert_max_num_queries(15):
            assert client.get(source.get_absolute_url()).status_code == 200
