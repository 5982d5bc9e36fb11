"""The MoU list: each filter narrows it, filters combine, ordering and pagination keep
them, and bad values show a message instead of an empty list or a 500."""

import datetime

import pytest
from django.urls import reverse

from agreements.models import Cluster, Commitment, Mou, Precision

pytestmark = pytest.mark.django_db

LIST = reverse("agreements:mou_list")


def titles(response):
    return [mou.title for mou in response.context["page"]]


@pytest.fixture
def four_mous(
    make_mou,
    amazon,
    flipkart,
    gujarat_industries,
    gujarat,
    assam,
    handloom,
    global_selling,
    article,
):
    """Amazon/Gujarat 2021 (Global Selling, handloom, Patan cluster), Flipkart/Assam 2020
    (active), Flipkart/Gujarat 2018, Amazon/Assam with no date."""
    a = make_mou(
        "Amazon Gujarat",
        parties=[amazon, gujarat_industries],
        states=[gujarat],
        summary="Weavers of Patan go online",
    )
    a.programmes.add(global_selling)
    a.sectors.add(handloom)
    a.clusters.add(Cluster.objects.create(place="Patan", product="Patola", state=gujarat))
    b = make_mou(
        "Flipkart Assam",
        parties=[flipkart],
        states=[assam],
        signed_on=datetime.date(2020, 1, 1),
        signed_on_precision=Precision.YEAR,
        status=Mou.Status.ACTIVE,
        status_source=article,
    )
    c = make_mou(
        "Flipkart Gujarat",
        parties=[flipkart],
        states=[gujarat],
        signed_on=datetime.date(2018, 5, 1),
    )
    d = make_mou("Amazon Assam", parties=[amazon], states=[assam], signed_on=None)
    flipkart.other_names = "Flipkart Internet Private Limited\nBharat Bazaar"
    flipkart.save()
    Commitment.objects.create(mou=c, description="Cataloguing for bandhani makers", source=article)
    return a, b, c, d


def test_the_unfiltered_list_shows_all_published_mous_newest_first(client, four_mous):
    response = client.get(LIST)
    assert titles(response) == [
        "Amazon Gujarat",
        "Flipkart Assam",
        "Flipkart Gujarat",
        "Amazon Assam",
    ]
    assert "4 MoUs" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=assam", {"Flipkart Assam", "Amazon Assam"}),
        ("party=flipkart", {"Flipkart Assam", "Flipkart Gujarat"}),
        ("party=industries-and-mines-department-government-of-gujarat", {"Amazon Gujarat"}),
        ("programme=amazon-global-selling", {"Amazon Gujarat"}),
        ("sector=handloom", {"Amazon Gujarat"}),
        ("cluster=patan-patola", {"Amazon Gujarat"}),
        ("status=active", {"Flipkart Assam"}),
        ("year_from=2020", {"Amazon Gujarat", "Flipkart Assam"}),
        ("year_to=2020", {"Flipkart Assam", "Flipkart Gujarat"}),
        ("year_from=2019&year_to=2020", {"Flipkart Assam"}),
        ("q=patan", {"Amazon Gujarat"}),
        ("q=bandhani", {"Flipkart Gujarat"}),
        ("q=flipkart", {"Flipkart Assam", "Flipkart Gujarat"}),
        ("q=amazon+patan", {"Amazon Gujarat"}),
        ("q=bharat", {"Flipkart Assam", "Flipkart Gujarat"}),
        ("state=gujarat&party=flipkart", {"Flipkart Gujarat"}),
        ("state=assam&party=amazon-india&status=signed", {"Amazon Assam"}),
        ("sector=handloom&year_from=2020&state=gujarat", {"Amazon Gujarat"}),
        ("state=assam&party=flipkart&q=nothing-matches", set()),
    ],
)
def test_each_filter_narrows_the_list_and_filters_combine(client, four_mous, query, expected):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert set(titles(response)) == expected
    assert response.context["page"].paginator.count == len(expected)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", ["Amazon Gujarat", "Flipkart Assam", "Flipkart Gujarat", "Amazon Assam"]),
        ("oldest", ["Flipkart Gujarat", "Flipkart Assam", "Amazon Gujarat", "Amazon Assam"]),
        ("title", ["Amazon Assam", "Amazon Gujarat", "Flipkart Assam", "Flipkart Gujarat"]),
    ],
)
def test_the_list_can_be_ordered(client, four_mous, sort, expected):
    assert titles(client.get(f"{LIST}?sort={sort}")) == expected


def test_a_search_matching_several_relations_lists_each_mou_once(client, four_mous, article):
    flipkart_gujarat = four_mous[2]
    Commitment.objects.create(mou=flipkart_gujarat, description="Flipkart trains", source=article)
    response = client.get(f"{LIST}?q=flipkart")
    assert sorted(titles(response)) == ["Flipkart Assam", "Flipkart Gujarat"]


def test_pages_hold_25_and_pagination_links_keep_the_filters(
    client, make_mou, amazon, gujarat, assam
):
    for n in range(30):
        make_mou(f"Gujarat {n:02d}", parties=[amazon], states=[gujarat])
    make_mou("Assam only", parties=[amazon], states=[assam])
    response = client.get(f"{LIST}?state=gujarat&sort=title")
    page = response.context["page"]
    assert len(page) == 25 and page.paginator.count == 30
    html = response.content.decode()
    assert "30 MoUs" in html
    assert 'href="?state=gujarat&amp;sort=title&amp;page=2"' in html
    second = client.get(f"{LIST}?state=gujarat&sort=title&page=2")
    assert titles(second) == [f"Gujarat {n:02d}" for n in range(25, 30)]
    assert 'href="?state=gujarat&amp;sort=title&amp;page=1"' in second.content.decode()


def test_the_form_is_a_get_form_showing_the_chosen_values(client, four_mous):
    html = client.get(f"{LIST}?state=assam&q=weavers").content.decode()
    assert 'method="get"' in html
    assert '<option value="assam" selected>' in html
    assert 'value="weavers"' in html


def test_active_filters_are_shown_and_removable_one_by_one(client, four_mous):
    response = client.get(f"{LIST}?state=gujarat&party=flipkart&page=1")
    chips = response.context["filter"].active_filters
    assert [(label, str(value)) for label, value, _ in chips] == [
        ("State or UT", "Gujarat"),
        ("Company or government body", "Flipkart"),
    ]
    remove_state = chips[0][2]
    assert remove_state == "?party=flipkart"
    html = response.content.decode()
    assert f'href="{LIST}?party=flipkart"' in html
    assert set(titles(client.get(LIST + remove_state))) == {"Flipkart Assam", "Flipkart Gujarat"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("year_from=abc", "year_from"),
        ("year_to=20.5", "year_to"),
        ("year_from=99999", "year_from"),
        ("state=XX", "state"),
        ("party=nobody", "party"),
        ("programme=nope", "programme"),
        ("sector=nope", "sector"),
        ("cluster=nope", "cluster"),
        ("status=lost", "status"),
        ("sort=random", "sort"),
    ],
)
def test_a_bad_filter_value_shows_its_message_and_is_not_applied(client, four_mous, query, field):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert field in response.context["filter"].form.errors
    assert len(titles(response)) == 4  # unfiltered by the bad field, never empty
    assert "This filter is not applied." in response.content.decode()


def test_years_the_wrong_way_round_show_a_message_and_are_not_applied(client, four_mous):
    response = client.get(f"{LIST}?year_from=2021&year_to=2018&state=gujarat")
    errors = response.context["filter"].form.errors
    assert set(errors) == {"year_from", "year_to"}
    assert "2021 to 2018 ends before it starts" in errors["year_from"][0]
    assert set(titles(response)) == {"Amazon Gujarat", "Flipkart Gujarat"}  # state applies
    html = response.content.decode()
    assert 'id="id_year_from_error"' in html and 'id="id_year_to_error"' in html


def test_a_bad_filter_leaves_the_good_ones_applied(client, four_mous):
    response = client.get(f"{LIST}?state=XX&party=flipkart&year_from=abc")
    assert set(titles(response)) == {"Flipkart Assam", "Flipkart Gujarat"}
    assert set(response.context["filter"].form.errors) == {"state", "year_from"}


@pytest.mark.parametrize("page", ["999", "abc", "0", "-1"])
def test_a_page_past_the_end_shows_the_nearest_page_with_a_note(client, four_mous, page):
    response = client.get(f"{LIST}?page={page}")
    assert response.status_code == 200
    assert len(titles(response)) == 4
    assert "showing page 1" in response.content.decode()


def test_an_empty_result_says_so(client, four_mous):
    html = client.get(f"{LIST}?q=zzzz").content.decode()
    assert "No published MoU matches these filters" in html


def test_an_invalid_field_is_marked_for_screen_readers(client, four_mous):
    html = client.get(f"{LIST}?year_from=abc").content.decode()
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_year_from_error"' in html
    assert 'id="id_year_from_error"' in html
