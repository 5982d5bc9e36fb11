"""Ways in: an index page for every kind of record, reached from the header; breadcrumbs
back from every entity page; /states/ by name or by count; a state page that rolls up
what its MoUs hold."""

import re

import pytest

from agreements.models import Cluster, Commitment, Party, Reaction, Sector, State

pytestmark = pytest.mark.django_db

INDEX_PAGES = ["/parties/", "/programmes/", "/sectors/", "/clusters/"]


def text(html):
    """The page's words, tags removed and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def breadcrumbs(html):
    nav = html[html.index('<nav class="breadcrumbs"') :]
    nav = nav[: nav.index("</nav>")]
    return [
        (href, re.sub(r"<[^>]+>", "", label))
        for href, label in re.findall(
            r'<li(?: aria-current="page")?>(?:<a href="([^"]*)">)?(.*?)(?:</a>)?</li>', nav, re.S
        )
    ]


def test_the_header_leads_to_every_index_page_not_back_to_the_home_page(client, db):
    header = client.get("/mous/").content.decode().split("</header>")[0]
    for url in ["/states/", *INDEX_PAGES]:
        assert f'href="{url}"' in header, url
    assert "#browse" not in header


@pytest.fixture
def kinds_of_party(gujarat_mou, make_mou, flipkart, assam):
    """Parties of every group: companies, government bodies of several kinds, a trade
    body that only reacted and an unclassified one."""
    government = Party.objects.create(name="Government of Assam", kind="state_government")
    coop = Party.objects.create(name="assam weavers' cooperative", kind="cooperative")
    make_mou("Flipkart in Assam", parties=[flipkart, government, coop], states=[assam])
    Party.objects.create(name="Confederation of Traders", kind="trade_body")
    Party.objects.create(name="Zed Unclassified", kind="unclassified")


def test_parties_are_grouped_companies_government_bodies_and_others_a_to_z_with_counts(
    client, kinds_of_party
):
    response = client.get("/parties/")
    groups = {
        group["heading"]: [(party.name, party.mou_count) for party in group["parties"]]
        for group in response.context["groups"]
    }
    assert groups == {
        "Companies and marketplaces": [("Amazon India", 1), ("Flipkart", 1)],
        "Government bodies": [
            ("assam weavers' cooperative", 1),
            ("Government of Assam", 1),
            ("Industries and Mines Department, Government of Gujarat", 1),
        ],
        "Trade bodies and others": [("Confederation of Traders", 0), ("Zed Unclassified", 0)],
    }
    page = text(response.content.decode())
    assert "Companies and marketplaces (2)" in page
    assert "Government of Assam State government · 1 MoU" in page
    assert "Confederation of Traders Trade body · no MoU" in page


def test_programmes_sectors_and_clusters_each_have_an_index_with_counts(
    client, gujarat_mou, handloom, gujarat
):
    gujarat_mou.sectors.add(handloom)
    patola = Cluster.objects.create(place="Patan", product="Patola", state=gujarat, sector=handloom)
    gujarat_mou.clusters.add(patola)
    Sector.objects.create(name="Ceramics")
    programmes = text(client.get("/programmes/").content.decode())
    assert "Amazon Global Selling run by Amazon India · 1 MoU" in programmes
    sectors = text(client.get("/sectors/").content.decode())
    assert "Ceramics no MoU" in sectors and "Handloom 1 MoU" in sectors
    clusters = client.get("/clusters/").content.decode()
    assert '<h2 id="gujarat">Gujarat' in clusters
    assert "Patan: Patola Handloom · 1 MoU" in text(clusters)


def test_index_pages_show_viewers_what_only_drafts_name(client, gujarat_mou, make_mou, viewer):
    hidden = Party.objects.create(name="Draftonly Traders", kind="company")
    make_mou("Draft", parties=[hidden], states=list(gujarat_mou.states.all()), published=False)
    assert "Draftonly Traders" not in client.get("/parties/").content.decode()
    client.force_login(viewer)
    assert "Draftonly Traders" in client.get("/parties/").content.decode()


def test_every_entity_page_has_breadcrumbs_back_to_its_index(client, gujarat_mou, handloom):
    amazon = Party.objects.get(name="Amazon India")
    amazon.parent = Party.objects.create(name="Amazon.com", kind="company")
    amazon.save()
    gujarat = State.objects.get(code="GJ")
    cluster = Cluster.objects.create(place="Patan", state=gujarat)
    expected = {
        "/states/gujarat/": [("/", "Home"), ("/states/", "States"), (None, "Gujarat")],
        "/parties/amazon-india/": [
            ("/", "Home"),
            ("/parties/", "Parties"),
            ("/parties/#companies", "Companies and marketplaces"),
            ("/parties/amazoncom/", "Amazon.com"),
            (None, "Amazon India"),
        ],
        "/programmes/amazon-global-selling/": [
            ("/", "Home"),
            ("/programmes/", "Programmes"),
            (None, "Amazon Global Selling"),
        ],
        "/sectors/handloom/": [("/", "Home"), ("/sectors/", "Sectors"), (None, "Handloom")],
        cluster.get_absolute_url(): [
            ("/", "Home"),
            ("/clusters/", "Clusters"),
            ("/clusters/#gujarat", "Gujarat"),
            (None, "Patan"),
        ],
    }
    for url, trail in expected.items():
        crumbs = breadcrumbs(client.get(url).content.decode())
        assert [(href or None, label) for href, label in crumbs] == trail, url


def test_states_are_listed_by_name_and_by_count_on_request_with_those_with_mous_marked(
    client, gujarat_mou, make_mou, amazon, assam
):
    chandigarh = State.objects.create(name="Chandigarh", code="CH", kind="ut")
    chhattisgarh = State.objects.create(name="Chhattisgarh", code="CG", kind="state")
    make_mou("Two states", parties=[amazon], states=[assam, chhattisgarh])
    make_mou("Assam again", parties=[amazon], states=[assam])
    by_name = client.get("/states/")
    assert [s.name for s in by_name.context["states"]] == [
        "Assam",
        "Chandigarh",
        "Chhattisgarh",
        "Gujarat",
    ]
    by_count = client.get("/states/?sort=count")
    assert [(s.name, s.mou_count) for s in by_count.context["states"]] == [
        ("Assam", 2),
        ("Chhattisgarh", 1),
        ("Gujarat", 1),
        ("Chandigarh", 0),
    ]
    html = by_name.content.decode()
    assert html.count('<tr class="has-mous">') == 3
    assert html.count('<tr class="zero">') == 1
    assert "3 of 4 have at least one" in text(html)
    assert client.get("/states/?sort=nonsense").context["sort"] == "name"
    assert chandigarh.get_absolute_url() in html


def test_a_state_page_rolls_up_its_mous_commitments_reactions_programmes_and_parties(
    client, rich_mou, gujarat, flipkart
):
    Reaction.objects.create(
        mou=rich_mou,
        party=flipkart,
        stance="opposition",
        summary="Opposed it.",
        source=rich_mou.sources.first(),
    )
    response = client.get(gujarat.get_absolute_url())
    page = text(response.content.decode())
    assert "Onboard MSME exporters to Global Selling" in page
    assert "In progress" in page
    assert "Reactions to its MoUs" in page
    assert "Welcomed the MoU." in page and "Opposed it." in page
    assert f"On {rich_mou.title}" in page
    assert [p.name for p in response.context["programmes"]] == ["Amazon Global Selling"]
    assert "Industries and Mines Department, Government of Gujarat" in {
        p.name for p in response.context["parties"]
    }


def test_a_state_page_shows_the_latest_ten_commitments_and_links_to_all(
    client, gujarat_mou, gujarat, amazon
):
    source = gujarat_mou.sources.first()
    Commitment.objects.bulk_create(
        Commitment(mou=gujarat_mou, party=amazon, description=f"Promise {n}", source=source)
        for n in range(12)
    )
    response = client.get(gujarat.get_absolute_url())
    assert len(response.context["commitments"]) == 10
    assert "All 12 commitments in the commitment list" in text(response.content.decode())
    assert 'href="/commitments/?state=gujarat"' in response.content.decode()


def test_the_sitemap_lists_the_index_pages(client, db):
    sitemap = client.get("/sitemap.xml").content.decode()
    for url in ["/states/", *INDEX_PAGES]:
        assert f"<loc>http://testserver{url}</loc>" in sitemap, url


def test_the_home_page_leads_to_every_index(client, gujarat_mou):
    html = client.get("/").content.decode()
    for url in ["/states/", *INDEX_PAGES]:
        assert f'href="{url}"' in html, url


@pytest.mark.parametrize(
    ("url", "budget"),
    [
        ("/states/?sort=count", 2),
        ("/parties/", 2),
        ("/programmes/", 2),
        ("/sectors/", 2),
        ("/clusters/", 2),
    ],
)
def test_each_index_page_costs_one_query_besides_the_data_version_whatever_the_rows(
    client, many_mous, url, budget, django_assert_max_num_queries
):
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200


def test_index_pages_cost_staff_only_the_session_user_permissions_and_data_version_more(
    client, many_mous, editor, django_assert_max_num_queries
):
    """The index's counts are cached under the data version, which the page cache reads
    for anonymous readers; staff pages read it themselves."""
    client.force_login(editor)
    for url in INDEX_PAGES:
        with django_assert_max_num_queries(1 + 4 + 1):
            client.get(url)


def test_ngos_and_unclassified_parties_are_listed_with_the_others(client, db):
    Party.objects.create(name="Some NGO", kind="ngo")
    Party.objects.create(name="Someone", kind="unclassified")
    groups = {g["anchor"]: g["parties"] for g in client.get("/parties/").context["groups"]}
    assert [p.name for p in groups["others"]] == ["Some NGO", "Someone"]
