"""Every public page renders what the record holds, links names to their pages, and
errors are styled."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from agreements.models import Cluster, Mou, Party, Precision, State
from agreements.templatetags.registry import indian_number
from mouregistry import urls

pytestmark = pytest.mark.django_db


def test_the_home_page_shows_counts_the_map_charts_latest_mous_and_entry_points(
    client, gujarat_mou
):
    response = client.get(reverse("agreements:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["counts"] == {"mous": 1, "states": 1, "companies": 1}
    assert html.count('<figure class="india-map') == 1
    assert html.count('<figure class="chart">') == 2
    assert gujarat_mou.title in html
    for url in ("/states/", "/parties/amazon-india/", "/programmes/amazon-global-selling/"):
        assert url in html


def test_the_home_page_counts_change_as_soon_as_an_mou_is_published(
    client, gujarat_mou, make_mou, flipkart, assam
):
    assert client.get("/").context["counts"]["mous"] == 1
    draft = make_mou("Flipkart in Assam", parties=[flipkart], states=[assam], published=False)
    assert client.get("/").context["counts"]["mous"] == 1
    draft.published = True
    draft.save()
    counts = client.get("/").context["counts"]
    assert counts == {"mous": 2, "states": 2, "companies": 2}


def test_the_home_page_runs_fewer_queries_once_its_overview_is_cached(
    client, gujarat_mou, django_assert_max_num_queries
):
    client.get("/")
    with django_assert_max_num_queries(6):
        client.get("/")


def test_the_chart_escapes_names_and_links_to_filtered_lists(client, make_mou, amazon):
    evil = State.objects.create(name="<script>x</script>", code="ZZ", kind="state")
    make_mou(parties=[amazon], states=[evil], signed_on=datetime.date(2019, 3, 4))
    html = client.get("/").content.decode()
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "/mous/?year_from=2019&amp;year_to=2019" in html


def test_the_detail_page_shows_everything_with_numbered_sources(client, rich_mou):
    response = client.get(rich_mou.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "September 2021" in html
    for text in (
        "Amazon India",
        "Partner",
        "Patan: Patola sarees",
        "Handloom",
        "Onboard MSME exporters to Global Selling",
        "7,50,000 sellers",
        "over 7.50 lakh",
        "Welcomed the MoU.",
        "Chief Minister of Gujarat",
        "Weavers",
        "Example News",
    ):
        assert text in html, text
    # The MoU's own article is [1]; the follow-up the figure cites is [2].
    assert [source.number for source in response.context["sources"]] == [1, 2]
    assert 'id="source-2"' in html
    assert html.count('href="#source-2"') >= 2  # the sources line and the figure


def test_the_date_shows_only_the_precision_the_source_gives(client, make_mou, amazon, gujarat):
    day = make_mou(
        "Day",
        parties=[amazon],
        states=[gujarat],
        signed_on=datetime.date(2019, 11, 7),
        signed_on_precision=Precision.DAY,
    )
    unknown = make_mou("Unknown", parties=[amazon], states=[gujarat], signed_on=None)
    assert "Signed 7 November 2019" in client.get(day.get_absolute_url()).content.decode()
    assert "Date not reported" in client.get(unknown.get_absolute_url()).content.decode()


def test_an_announcement_date_is_never_shown_as_a_signing_date(client, make_mou, amazon, gujarat):
    announced = make_mou(
        "Announced",
        parties=[amazon],
        states=[gujarat],
        signed_on=datetime.date(2019, 11, 7),
        signed_on_precision=Precision.DAY,
        date_kind=Mou.DateKind.ANNOUNCED,
    )
    expected = "Announced 7 November 2019; signing date not reported"
    for url in [announced.get_absolute_url(), "/mous/", "/mous/feed.atom", "/mous/export.json"]:
        text = client.get(url).getvalue().decode()
        assert expected in text, url
        assert "Signed: 7 November 2019" not in text and "Signed 7 November" not in text, url


def test_an_mou_without_a_version_is_cited_by_its_own_address(client, gujarat_mou, settings):
    settings.REGISTRY_NAME = "Test Registry"
    html = client.get(gujarat_mou.get_absolute_url()).content.decode()
    citation = html[html.index('class="citation"') :]
    assert gujarat_mou.title in citation
    assert "Test Registry" in citation
    assert f"http://testserver{gujarat_mou.get_absolute_url()}" in citation
    assert f"Retrieved {datetime.date.today():%-d %B %Y}" in citation


def test_related_mous_share_a_state_or_a_company(
    client, make_mou, gujarat_mou, amazon, assam, flipkart, gujarat
):
    same_company = make_mou("Amazon in Assam", parties=[amazon], states=[assam])
    same_state = make_mou("Flipkart in Gujarat", parties=[flipkart], states=[gujarat])
    unrelated = make_mou("Flipkart in Assam", parties=[flipkart], states=[assam])
    related = list(client.get(gujarat_mou.get_absolute_url()).context["related"])
    assert set(related) == {same_company, same_state}
    assert unrelated not in related


def test_the_state_list_shows_every_state_with_its_count_zero_included(client, gujarat_mou, assam):
    response = client.get(reverse("agreements:state_list"))
    counts = {state.name: state.mou_count for state in response.context["states"]}
    assert counts == {"Assam": 0, "Gujarat": 1}
    assert "/states/assam/" in response.content.decode()


def test_a_state_page_lists_its_mous_clusters_and_parties(client, rich_mou, gujarat):
    response = client.get(gujarat.get_absolute_url())
    html = response.content.decode()
    assert list(response.context["page"]) == [rich_mou]
    assert "Patan: Patola sarees" in html
    assert "Amazon India" in html
    assert "/mous/?state=gujarat" in html


@pytest.mark.parametrize(
    "url",
    [
        "/parties/amazon-india/",
        "/programmes/amazon-global-selling/",
        "/sectors/handloom/",
        "/clusters/patan-patola-sarees/",
    ],
)
def test_party_programme_sector_and_cluster_pages_list_their_mous(client, rich_mou, url):
    response = client.get(url)
    assert response.status_code == 200
    assert list(response.context["page"]) == [rich_mou]
    assert rich_mou.get_absolute_url() in response.content.decode()


def test_names_on_the_detail_page_link_to_their_pages(client, rich_mou):
    html = client.get(rich_mou.get_absolute_url()).content.decode()
    cluster = Cluster.objects.get()
    for url in (
        "/states/gujarat/",
        "/parties/amazon-india/",
        "/programmes/amazon-global-selling/",
        "/sectors/handloom/",
        cluster.get_absolute_url(),
    ):
        assert f'href="{url}"' in html, url


@pytest.mark.parametrize(
    "url",
    [
        "/mous/no-such-mou/",
        "/states/atlantis/",
        "/parties/x/",
        "/programmes/x/",
        "/clusters/x/",
        "/sectors/x/",
        "/no/such/page/",
    ],
)
def test_unknown_slugs_give_the_styled_404(client, settings, url, db):
    settings.DEBUG = False
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "css/site.css" in response.content.decode()


def test_an_error_in_a_view_gives_the_styled_500_under_the_registrys_own_name(
    settings, monkeypatch, db
):
    settings.DEBUG = False
    settings.REGISTRY_NAME = "Karigar MoU Watch"

    def broken(request):
        raise RuntimeError("the view broke")

    (pattern,) = [p for p in urls.urlpatterns if getattr(p, "name", None) == "robots_txt"]
    monkeypatch.setattr(pattern, "callback", broken)
    response = Client(raise_request_exception=False).get("/robots.txt")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "css/site.css" in html
    assert "Karigar MoU Watch" in html and "MoU Registry" not in html


def test_every_page_has_its_own_title_and_description(client, rich_mou, gujarat):
    titles = set()
    for url in (
        "/",
        "/mous/",
        rich_mou.get_absolute_url(),
        "/states/",
        gujarat.get_absolute_url(),
        "/parties/amazon-india/",
        "/sectors/handloom/",
    ):
        html = client.get(url).content.decode()
        title = html[html.index("<title>") + 7 : html.index("</title>")]
        assert '<meta name="description" content="' in html
        titles.add(title)
    assert len(titles) == 7


def test_staff_see_an_edit_in_admin_link_and_the_public_does_not(client, gujarat_mou, editor):
    assert "Edit in admin" not in client.get(gujarat_mou.get_absolute_url()).content.decode()
    client.force_login(editor)
    html = client.get(gujarat_mou.get_absolute_url()).content.decode()
    assert "Edit in admin" in html
    assert f"/admin/agreements/mou/{gujarat_mou.pk}/change/" in html
    for url in ("/", "/mous/", "/states/", "/states/gujarat/", "/parties/amazon-india/"):
        assert "Edit in admin" in client.get(url).content.decode(), url


@pytest.mark.parametrize("user", ["editor", "viewer"])
def test_editors_and_viewers_may_preview_a_draft_which_says_so(
    client, make_mou, amazon, gujarat, user, request
):
    draft = make_mou("Secret draft", parties=[amazon], states=[gujarat], published=False)
    client.force_login(request.getfixturevalue(user))
    html = client.get(draft.get_absolute_url()).content.decode()
    assert "Draft: only staff can see this page." in html
    assert f"/admin/agreements/mou/{draft.pk}/change/" in html


def test_staff_in_neither_group_see_no_draft_and_no_admin_link(
    client, make_mou, gujarat_mou, amazon, gujarat, outsider
):
    draft = make_mou("Secret draft", parties=[amazon], states=[gujarat], published=False)
    client.force_login(outsider)
    assert client.get(draft.get_absolute_url()).status_code == 404
    for url in ("/", "/mous/", gujarat_mou.get_absolute_url(), "/parties/amazon-india/"):
        assert "Edit in admin" not in client.get(url).content.decode(), url


def test_pages_work_without_javascript_and_have_landmarks(client, gujarat_mou):
    html = client.get("/mous/").content.decode()
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in html
    assert '<label for="id_state">' in html


def test_a_party_name_with_markup_is_shown_escaped(client, make_mou, gujarat):
    evil = Party.objects.create(name='<script>alert("x")</script> & Co', kind="company")
    mou = make_mou("Escaping", parties=[evil], states=[gujarat])
    for url in (mou.get_absolute_url(), "/mous/", evil.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in html, url
        assert "<script" not in html, url


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (750000, "7,50,000"),
        (12345678, "1,23,45,678"),
        (999, "999"),
        ("12.50", "12.5"),
        (-1500, "-1,500"),
        ("n/a", "n/a"),
    ],
)
def test_numbers_are_grouped_the_indian_way(value, written):
    assert indian_number(value) == written


def test_a_mou_titled_feed_does_not_shadow_the_feed(client, make_mou, amazon, gujarat):
    mou = make_mou("Feed", parties=[amazon], states=[gujarat])
    assert mou.slug == "feed"
    assert client.get("/mous/feed/").context["mou"] == mou
    assert client.get("/mous/feed.atom")["Content-Type"].startswith("application/atom+xml")
    assert Mou.objects.count() == 1
