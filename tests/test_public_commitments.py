"""/commitments/: every promise of a published MoU, filtered like /mous/ (a bad value is
shown and not applied; downloads and the feed refuse it), with how the selection stands
now, and the same scorecard on the home, state, party and programme pages."""

import csv
import datetime
import io
import json
import re

import pytest

from agreements.models import Commitment, FollowUp, Mou, NewsCheck, Precision

pytestmark = pytest.mark.django_db

LIST = "/commitments/"


@pytest.fixture
def promises(gujarat_mou, make_mou, flipkart, assam, article, amazon):
    """Three promises: Amazon's in Gujarat (fulfilled, by a follow-up), Amazon's overdue
    one in Gujarat (six months from September 2021), Flipkart's in Assam (never followed
    up), and one of a draft MoU."""
    fulfilled = Commitment.objects.create(
        mou=gujarat_mou, party=amazon, kind="training", description="Train weavers", source=article
    )
    FollowUp.objects.create(
        mou=gujarat_mou,
        commitment=fulfilled,
        dated_on=datetime.date(2022, 6, 1),
        summary="Training done",
        commitment_status=Commitment.Status.FULFILLED,
        source=article,
    )
    overdue = Commitment.objects.create(
        mou=gujarat_mou,
        party=amazon,
        kind="onboarding",
        description="=Onboard 300 sellers",
        target_value=300,
        target_unit="sellers",
        period_months=6,
        source=article,
    )
    assam_mou = make_mou("Flipkart Assam", parties=[flipkart], states=[assam])
    Commitment.objects.create(
        mou=assam_mou, party=flipkart, description="Catalogue", source=article
    )
    draft = make_mou("Draft MoU", parties=[flipkart], states=[assam], published=False)
    Commitment.objects.create(
        mou=draft, party=flipkart, description="Secret promise", source=article
    )
    return fulfilled, overdue


def described(response):
    return {c.description for c in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Train weavers", "=Onboard 300 sellers", "Catalogue"}),
        ("?status=fulfilled", {"Train weavers"}),
        ("?status=overdue", {"=Onboard 300 sellers"}),
        ("?status=pledged", {"=Onboard 300 sellers", "Catalogue"}),
        ("?followed_up=no", {"=Onboard 300 sellers", "Catalogue"}),
        ("?followed_up=yes", {"Train weavers"}),
        ("?party=flipkart", {"Catalogue"}),
        ("?state=assam", {"Catalogue"}),
        ("?programme=amazon-global-selling", {"Train weavers", "=Onboard 300 sellers"}),
        ("?kind=training", {"Train weavers"}),
        ("?year_from=2022", set()),
        ("?year_from=2021&year_to=2021", {"Train weavers", "=Onboard 300 sellers", "Catalogue"}),
        ("?year_to=2020", set()),
    ],
)
def test_commitments_are_filtered_by_status_now_party_state_programme_kind_and_year(
    client, promises, query, expected
):
    assert described(client.get(LIST + query)) == expected


def test_a_bad_filter_is_shown_and_not_applied(client, promises):
    response = client.get(LIST + "?status=done&year_from=abc")
    assert response.status_code == 200
    assert set(response.context["filter"].form.errors) == {"status", "year_from"}
    assert len(described(response)) == 3
    assert "This filter is not applied" in response.content.decode()


@pytest.mark.parametrize("path", ["export.csv", "export.json", "feed.atom"])
def test_downloads_and_the_feed_refuse_a_bad_filter(client, promises, path):
    response = client.get(f"{LIST}{path}?status=done")
    assert response.status_code == 400
    assert "status:" in response.content.decode()


def test_the_chips_name_the_status_by_its_label(client, promises):
    chips = client.get(LIST + "?status=overdue").context["filter"].active_filters
    assert [(label, value) for label, value, _ in chips] == [("Status now", "Overdue")]


def test_the_list_says_how_the_selection_stands(client, promises):
    html = client.get(LIST).content.decode()
    assert "Of <strong>3</strong> commitments" in html
    assert "1 reported fulfilled" in html
    assert "2 never followed up" in html
    assert "1 overdue" in html


def test_the_csv_download_holds_each_commitment_formula_escaped(client, promises):
    response = client.get(LIST + "export.csv")
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    assert {row["description"] for row in rows} == {
        "Train weavers",
        "'=Onboard 300 sellers",
        "Catalogue",
    }
    onboard = next(row for row in rows if row["kind"] == "onboarding")
    assert (onboard["overdue"], onboard["due_on"], onboard["follow_ups"]) == (
        "yes",
        "2022-03-31",
        "0",
    )
    train = next(row for row in rows if row["kind"] == "training")
    assert (train["current_status"], train["status_at_signing"]) == ("fulfilled", "pledged")
    assert train["last_follow_up_on"] == "2022-06-01"


def test_the_json_download_holds_only_published_commitments(client, promises):
    data = json.loads(client.get(LIST + "export.json?party=flipkart").getvalue())
    assert [c["description"] for c in data["commitments"]] == ["Catalogue"]
    assert data["query"] == "party=flipkart"


def test_the_feed_puts_the_newest_news_first(client, promises):
    xml = client.get(LIST + "feed.atom").content.decode()
    assert "Fulfilled: Train weavers" in xml
    assert "Secret promise" not in xml


def test_home_state_party_and_programme_pages_show_their_scorecards(
    client, promises, gujarat, global_selling
):
    pages = ["/", gujarat.get_absolute_url(), "/parties/amazon-india/"]
    for url in [*pages, global_selling.get_absolute_url()]:
        html = client.get(url).content.decode()
        assert "reported fulfilled" in html, url
    assert "Of <strong>3</strong> commitments" in client.get("/").content.decode()
    gujarat_card = client.get(gujarat.get_absolute_url()).content.decode()
    assert "Of <strong>2</strong> commitments" in gujarat_card
    assert f"{LIST}?state=gujarat&amp;status=overdue" in gujarat_card
    programme_card = client.get(global_selling.get_absolute_url()).content.decode()
    assert "Of <strong>2</strong> commitments" in programme_card


def test_each_status_count_of_a_scorecard_links_to_its_list(client, promises, gujarat):
    card = client.get(gujarat.get_absolute_url()).content.decode()
    by_status = card[card.index('<ul class="score-by-status">') :]
    by_status = by_status[: by_status.index("</ul>")]
    badge = r'href="([^"]+)"><span class="status status-\w+">([^<]+)</span> (\d+)</a>'
    assert re.findall(badge, by_status) == [
        (f"{LIST}?state=gujarat&amp;status=pledged", "Pledged", "1"),
        (f"{LIST}?state=gujarat&amp;status=fulfilled", "Fulfilled", "1"),
    ]
    response = client.get(f"{LIST}?state=gujarat&status=fulfilled")
    assert described(response) == {"Train weavers"}


def test_the_commitment_lists_scorecard_links_keep_its_filters(client, promises):
    html = client.get(f"{LIST}?state=gujarat&status=pledged&page=1").content.decode()
    assert f'href="{LIST}?state=gujarat&amp;status=fulfilled"' in html
    assert f'href="{LIST}?state=gujarat&amp;followed_up=no"' in html


def test_the_fixture_registry_says_how_many_promises_were_never_followed_up(
    client, founding_articles
):
    html = client.get("/").content.decode()
    total = Commitment.objects.public().count()
    assert f"Of <strong>{total}</strong> commitments" in html
    assert "0 reported fulfilled" in html
    assert f"{total} never followed up" in html
    assert Mou.objects.published().exists()


def test_scorecards_name_the_mou_longest_without_news(client, promises, assam):
    html = client.get(assam.get_absolute_url()).content.decode()
    assert "Longest without news:" in html
    # Dated by its year only: the last news may be known no better (here, September 2021).
    assert "Flipkart Assam</a>, nothing recorded since 2021." in html


def test_scorecards_and_exports_date_news_by_the_last_day_it_can_mean(
    client, promises, assam, gujarat_mou, article
):
    FollowUp.objects.create(
        mou=gujarat_mou,
        dated_on=datetime.date(2022, 1, 1),
        dated_on_precision=Precision.YEAR,
        summary="Came into force",
        source=article,
    )
    assam_mou = Mou.objects.get(title="Flipkart Assam")
    NewsCheck.objects.create(mou=assam_mou, checked_on=datetime.date(2022, 10, 1), note="Search")
    # Gujarat's news of "2022" can be of December, after Assam's check of October.
    html = client.get(assam.get_absolute_url()).content.decode()
    assert "Flipkart Assam</a>, nothing recorded since 2022." in html
    mous = json.loads(client.get("/mous/export.json?sort=title").getvalue())["mous"]
    last_news = {mou["title"]: mou["last_news_on"] for mou in mous}
    assert last_news[gujarat_mou.title] == "2022-12-31"
    assert last_news["Flipkart Assam"] == "2022-10-01"
