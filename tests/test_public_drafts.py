"""Drafts never reach the public: no page, count, chart, export, feed or sitemap shows them."""

import datetime
import json

import pytest

from agreements.models import Cluster, Programme, Sector

pytestmark = pytest.mark.django_db

SECRET = "Secret draft MoU"


@pytest.fixture
def draft(make_mou, flipkart, assam, gujarat_mou):
    """An unpublished MoU in its own state, party, programme, sector, cluster and year,
    beside one published MoU."""
    mou = make_mou(
        SECRET,
        parties=[flipkart],
        states=[assam],
        published=False,
        signed_on=datetime.date(2012, 1, 1),
        summary="draftonlyword",
    )
    mou.programmes.add(Programme.objects.create(name="Draft programme"))
    mou.sectors.add(Sector.objects.create(name="Draft sector"))
    mou.clusters.add(Cluster.objects.create(place="Draftpur", state=assam))
    return mou


PUBLIC_URLS = [
    "/",
    "/mous/",
    "/mous/?q=draftonlyword",
    "/mous/?state=assam",
    "/mous/?party=flipkart",
    "/mous/?programme=draft-programme",
    "/mous/?sector=draft-sector",
    "/mous/?year_to=2015",
    "/states/",
    "/states/assam/",
    "/states/gujarat/",
    "/parties/flipkart/",
    "/parties/amazon-india/",
    "/programmes/draft-programme/",
    "/sectors/draft-sector/",
    "/clusters/draftpur/",
    "/mous/export.csv",
    "/mous/export.csv?state=assam",
    "/mous/export.json",
    "/mous/feed.atom",
    "/mous/feed.atom?party=flipkart",
    "/sitemap.xml",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_drafts_never_reach_a_public_page_export_or_feed(client, draft, url):
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert SECRET not in content
    assert draft.slug not in content


def test_a_draft_has_no_public_page(client, draft):
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_drafts_are_not_counted(client, draft):
    home = client.get("/").context
    assert home["counts"] == {"mous": 1, "states": 1, "companies": 1}
    assert [state.name for state in home["per_state"]] == ["Gujarat"]
    assert [row["year"] for row in home["per_year"]] == [2021]
    assert [party.name for party in home["companies"]] == ["Amazon India"]
    assert not any(sector.name == "Draft sector" for sector in home["sectors"])
    counts = {state.name: state.mou_count for state in client.get("/states/").context["states"]}
    assert counts == {"Assam": 0, "Gujarat": 1}
    assert client.get("/mous/?state=assam").context["page"].paginator.count == 0


def test_drafts_are_not_related_mous(client, draft, gujarat_mou, flipkart):
    gujarat_mou.states.add(draft.states.get())
    assert list(client.get(gujarat_mou.get_absolute_url()).context["related"]) == []


def test_the_json_export_of_everything_holds_only_published_mous(client, draft, gujarat_mou):
    data = json.loads(client.get("/mous/export.json").content)
    assert [mou["slug"] for mou in data["mous"]] == [gujarat_mou.slug]
