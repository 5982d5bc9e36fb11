"""Drafts never reach the public: no page, count, chart, dropdown, export, feed or sitemap
shows them, nor the parties, programmes, sectors and clusters only drafts name."""

import datetime
import json

import pytest

from agreements.models import Cluster, Party, Programme, Sector

pytestmark = pytest.mark.django_db

SECRET = "Secret draft MoU"
# The names only the draft uses: its own, its party's, programme's, sector's and cluster's.
DRAFT_ONLY_NAMES = [SECRET, "Draftonly Traders", "Draft programme", "Draft sector", "Draftpur"]
DRAFT_ONLY_PAGES = [
    "/parties/draftonly-traders/",
    "/programmes/draft-programme/",
    "/sectors/draft-sector/",
    "/clusters/draftpur/",
]


@pytest.fixture
def draft(make_mou, amazon, assam, gujarat_mou, handloom):
    """An unpublished MoU in its own state, party, programme, sector, cluster and year,
    beside one published MoU. Its party and programme hang off Amazon India and its
    cluster is in the published handloom sector, so the pages of those list them unless
    they filter them out."""
    gujarat_mou.sectors.add(handloom)
    mou = make_mou(
        SECRET,
        parties=[Party.objects.create(name="Draftonly Traders", kind="company", parent=amazon)],
        states=[assam],
        published=False,
        signed_on=datetime.date(2012, 1, 1),
        summary="draftonlyword",
    )
    mou.programmes.add(Programme.objects.create(name="Draft programme", owner=amazon))
    mou.sectors.add(Sector.objects.create(name="Draft sector"))
    mou.clusters.add(Cluster.objects.create(place="Draftpur", state=assam, sector=handloom))
    return mou


PUBLIC_URLS = [
    "/",
    "/mous/",
    "/mous/?q=draftonlyword",
    "/mous/?state=assam",
    "/mous/?party=draftonly-traders",
    "/mous/?programme=draft-programme",
    "/mous/?sector=draft-sector",
    "/mous/?cluster=draftpur",
    "/mous/?year_to=2015",
    "/states/",
    "/states/?sort=count",
    "/states/assam/",
    "/states/gujarat/",
    "/parties/",
    "/programmes/",
    "/sectors/",
    "/clusters/",
    "/parties/amazon-india/",
    "/programmes/amazon-global-selling/",
    "/sectors/handloom/",
    "/mous/export.csv",
    "/mous/export.csv?state=assam",
    "/mous/export.csv?cluster=draftpur",
    "/mous/export.json",
    "/mous/export.json?party=draftonly-traders",
    "/mous/feed.atom",
    "/mous/feed.atom?party=draftonly-traders",
    "/mous/feed.atom?sector=draft-sector",
    "/sitemap.xml",
]


# A download or feed filtered by what only drafts name is refused (400), like any
# filter it cannot apply; the list page shows the message instead.
REFUSED_URLS = {
    "/mous/export.csv?cluster=draftpur",
    "/mous/export.json?party=draftonly-traders",
    "/mous/feed.atom?party=draftonly-traders",
    "/mous/feed.atom?sector=draft-sector",
}


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_drafts_never_reach_a_public_page_export_or_feed(client, draft, url):
    response = client.get(url)
    assert response.status_code == (400 if url in REFUSED_URLS else 200)
    content = response.getvalue().decode()
    for name in DRAFT_ONLY_NAMES:
        assert name not in content, name
    for path in [draft.get_absolute_url(), *DRAFT_ONLY_PAGES]:
        assert path not in content, path


def test_a_draft_has_no_public_page(client, draft):
    assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("url", DRAFT_ONLY_PAGES)
def test_what_only_drafts_name_has_no_public_page(client, draft, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", DRAFT_ONLY_PAGES)
def test_staff_in_neither_group_cannot_see_what_only_drafts_name(client, draft, outsider, url):
    client.force_login(outsider)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", DRAFT_ONLY_PAGES)
def test_viewers_see_the_pages_of_what_only_drafts_name(client, draft, viewer, url):
    client.force_login(viewer)
    assert client.get(url).status_code == 200


def test_what_no_mou_names_keeps_its_page(client, draft):
    """A party no MoU names, such as a parent company, was curated, not drafted."""
    parent = Party.objects.create(name="Amazon", kind="company")
    assert client.get(parent.get_absolute_url()).status_code == 200


KINDS = {"party": Party, "programme": Programme, "sector": Sector, "cluster": Cluster}


@pytest.fixture
def curated(draft, amazon):
    """Beside the draft's names: a parent company, a programme, a sector and a cluster
    that no MoU names. Curated, not drafted, so public."""
    parent = Party.objects.create(name="Amazon Parent", kind="company")
    amazon.parent = parent
    amazon.save()
    Programme.objects.create(name="Curated programme", owner=parent)
    Sector.objects.create(name="Curated sector")
    Cluster.objects.create(place="Curatedpur", state=draft.states.get())


def test_the_public_rule_is_the_same_for_pages_dropdowns_and_the_sitemap(client, curated):
    """``public()`` is the one definition; every public output agrees with it."""
    form = client.get("/mous/").context["filter"].form
    sitemap = client.get("/sitemap.xml").content.decode()
    for name, model in KINDS.items():
        public = set(model.objects.public())
        assert public, name
        assert public < set(model.objects.all()), name
        offered = {value for value, _label in form.fields[name].choices if value}
        assert offered == {obj.slug for obj in public}, name
        for obj in model.objects.all():
            status = client.get(obj.get_absolute_url()).status_code
            in_sitemap = f"http://testserver{obj.get_absolute_url()}<" in sitemap
            assert (status == 200) == in_sitemap == (obj in public), (name, obj)


def test_the_public_rule_hides_only_what_only_drafts_name(curated):
    hidden = {
        name: sorted(str(obj) for obj in model.objects.exclude(pk__in=model.objects.public()))
        for name, model in KINDS.items()
    }
    assert hidden == {
        "party": ["Draftonly Traders"],
        "programme": ["Draft programme"],
        "sector": ["Draft sector"],
        "cluster": ["Draftpur"],
    }
    assert "Amazon Parent" in {str(party) for party in Party.objects.public()}


@pytest.mark.parametrize("name", ["party", "programme", "sector", "cluster"])
def test_filtering_by_what_only_drafts_name_is_refused(client, draft, name):
    slug = {"party": "draftonly-traders", "cluster": "draftpur"}.get(name, f"draft-{name}")
    response = client.get(f"/mous/?{name}={slug}")
    assert name in response.context["filter"].form.errors
    assert response.context["page"].paginator.count == 1  # unfiltered, never the draft


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


def test_drafts_are_not_related_mous(client, draft, gujarat_mou):
    gujarat_mou.states.add(draft.states.get())
    assert list(client.get(gujarat_mou.get_absolute_url()).context["related"]) == []


def test_the_json_export_of_everything_holds_only_published_mous(client, draft, gujarat_mou):
    data = json.loads(client.get("/mous/export.json").getvalue())
    assert [mou["slug"] for mou in data["mous"]] == [gujarat_mou.slug]
