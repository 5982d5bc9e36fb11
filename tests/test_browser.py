"""The public pages in a real browser: Playwright (sync API) driving Debian's chromium
against pytest-django's ``live_server``, on the registry's real fixtures.

Run with ``.venv/bin/pytest tests/test_browser.py -q`` (or ``-m browser``). Each step
saves a screenshot under ``artifacts/screenshots/`` for a person to look at. Requests
to anything but the live server are aborted: the tests never leave the site.
"""

import os
import re
from pathlib import Path

import pytest

from agreements.management.commands.bootstrap import load_founding_records

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no chromium at {CHROMIUM}"),
]
expect = sync_api.expect

UTTAR_PRADESH_ODOP = (
    "Amazon India MoU with the Uttar Pradesh government on One District One Product"
)
HIMCRAFTS = "Amazon India MoU with HIMCRAFTS, Himachal Pradesh"
MONEYCONTROL_URL = (
    "https://www.moneycontrol.com/news/business/amazon-inks-4-mous-with-himachal-pradesh-govt"
    "-4617201.html"
)


@pytest.fixture(scope="module")
def async_unsafe_allowed():
    """The sync Playwright API runs an event loop in this thread, which Django's ORM
    would refuse to share; allow it for this test process only."""
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if before is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(scope="module")
def browser(async_unsafe_allowed):
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def registry(transactional_db, async_unsafe_allowed):
    """The five articles' MoUs at version 1, as ``make run`` starts; live_server tests
    need the transactional database."""
    load_founding_records()


@pytest.fixture
def open_page(browser, live_server, registry):
    """``open_page(path, viewport=DESKTOP)``: a fresh page at ``path`` on the live server."""
    contexts = []

    def stay_on_site(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            route.abort()

    def open_(path, viewport=DESKTOP):
        context = browser.new_context(viewport=viewport)
        context.route("**/*", stay_on_site)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(live_server.url + path)
        return page

    yield open_
    for context in contexts:
        context.close()


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def overflow(page):
    """The page's scroll width, the viewport's width, and the elements sticking out."""
    return page.evaluate(
        """() => {
            const width = window.innerWidth;
            const wide = [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > width + 1)
                .slice(0, 5)
                .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
            return [document.documentElement.scrollWidth, width, wide];
        }"""
    )


def test_a_reader_filters_the_list_by_state(open_page):
    page = open_page("/mous/")
    screenshot(page, "a1-list")
    page.get_by_label("State or UT", exact=True).select_option(label="Uttar Pradesh")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"[?&]state=uttar-pradesh"))
    screenshot(page, "a2-list-uttar-pradesh")

    expect(page.get_by_role("heading", level=1)).to_have_text("MoUs: Uttar Pradesh")
    rows = page.locator(".mou-row")
    expect(rows).to_have_count(2)
    for row in rows.all():
        expect(row.locator(".meta")).to_contain_text("Uttar Pradesh")
    chips = page.get_by_role("list", name="Active filters")
    expect(chips).to_contain_text("State or UT: Uttar Pradesh")
    expect(page.get_by_label("State or UT", exact=True)).to_have_value("uttar-pradesh")

    # Beside the results the form stays unfolded, so the reader narrows further.
    sector = page.get_by_label("Sector", exact=True)
    expect(sector).to_be_visible()
    sector.select_option(label="Khadi and village industries")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"[?&]sector=khadi"))
    expect(page.locator(".mou-row")).to_have_count(1)


def test_after_filtering_a_phone_shows_the_results_first(open_page):
    page = open_page("/mous/?state=uttar-pradesh", viewport=PHONE)
    screenshot(page, "a3-phone-filtered")
    expect(page.get_by_label("State or UT", exact=True)).to_be_hidden()
    first_result = page.locator(".mou-row").first.bounding_box()
    assert first_result["y"] < PHONE["height"], "the first result is below the first screen"
    page.get_by_text("Filters (1)").click()
    expect(page.get_by_label("State or UT", exact=True)).to_be_visible()


def test_on_a_phone_the_results_come_before_the_folded_filter_panel(open_page):
    page = open_page("/mous/", viewport=PHONE)
    screenshot(page, "a4-phone-list-folded")
    summary = page.locator(".filters summary")
    expect(summary).to_have_text("Filters")
    expect(page.get_by_label("State or UT", exact=True)).to_be_hidden()
    first_result = page.locator(".mou-row").first.bounding_box()
    assert first_result["y"] + 40 < PHONE["height"], "the first result is below the first screen"
    assert summary.bounding_box()["height"] >= 44
    summary.click()
    expect(page.get_by_label("State or UT", exact=True)).to_be_visible()
    screenshot(page, "a5-phone-list-unfolded")


def test_a_reader_searches_from_the_header_and_follows_a_facet(open_page):
    page = open_page("/")
    box = page.get_by_role("search").get_by_label("Search MoUs")
    box.fill("weavers")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/mous/\?q=weavers$"))
    screenshot(page, "h1-searched-weavers")
    expect(page.get_by_role("heading", level=1)).to_have_text("MoUs: weavers")
    expect(page.locator(".search-summary")).to_contain_text("“weavers” also finds handloom")
    expect(page.get_by_label("Order")).to_have_value("relevance")
    # Each result says why it matched, its words marked.
    rows = page.locator(".mou-row")
    expect(rows.first.locator(".why mark").first).to_be_visible()
    assam = rows.filter(has_text="Flipkart MoU with the Government of Assam")
    expect(assam.locator(".why")).to_contain_text("handloom")  # it never says "weavers"

    facets = page.get_by_role("complementary", name=re.compile("Narrow these"))
    facets.get_by_role("region", name="By state or UT").get_by_role("link", name="Assam").click()
    page.wait_for_url(re.compile(r"\?q=weavers&state=assam$"))
    screenshot(page, "h2-searched-weavers-in-assam")
    expect(page.locator(".mou-row")).to_have_count(1)
    expect(page.get_by_role("list", name="Active filters")).to_contain_text("State or UT: Assam")
    expect(page.get_by_role("search").get_by_label("Search MoUs")).to_have_value("weavers")


def test_a_search_that_finds_nothing_says_what_to_remove(open_page):
    page = open_page("/mous/?q=flipcart&state=gujarat")
    screenshot(page, "h3-nothing-found")
    expect(page.locator(".no-results")).to_contain_text("No published MoU matches")
    page.get_by_role("link", name="flipkart", exact=True).click()
    page.wait_for_url(re.compile(r"q=flipkart"))
    expect(page.locator(".no-results")).to_contain_text("Without State or UT: Gujarat")


def test_a_reader_opens_an_mou_from_the_list_and_sees_its_sources(open_page):
    page = open_page("/mous/?state=uttar-pradesh")
    page.get_by_role("link", name=UTTAR_PRADESH_ODOP).click()
    page.wait_for_url(re.compile(r"/mous/amazon-india-mou-with-the-uttar-pradesh-government"))
    screenshot(page, "b1-mou-detail")

    expect(page.get_by_role("heading", level=1)).to_have_text(UTTAR_PRADESH_ODOP)
    parties = page.locator(".parties-list > li")
    expect(parties).to_have_count(2)
    expect(parties.nth(0)).to_contain_text("Amazon India")
    expect(parties.nth(0)).to_contain_text("Marketplace")
    expect(parties.nth(1)).to_contain_text("Government of Uttar Pradesh")

    commitments = page.get_by_role("region", name="Commitments").locator("tbody tr")
    expect(commitments).to_have_count(4)
    expect(commitments.first).to_contain_text("Training for MSME sellers")
    expect(commitments.first.locator(".source-ref a")).to_have_text("[1]")

    sources = page.locator("ol.sources > li")
    expect(sources).to_have_count(1)
    expect(sources.first).to_have_attribute("id", "source-1")
    expect(sources.first).to_have_attribute("value", "1")


def test_a_source_reference_leads_to_the_articles_link(open_page):
    page = open_page("/mous/amazon-india-mou-with-himcrafts-himachal-pradesh/")
    expect(page.get_by_role("heading", level=1)).to_have_text(HIMCRAFTS)
    # The in-page reference jumps to the numbered source...
    page.locator("dl.facts").get_by_role("link", name="[1]").click()
    page.wait_for_url(re.compile(r"#source-1$"))
    source = page.locator("#source-1")
    expect(source).to_be_in_viewport()
    screenshot(page, "c1-source-with-url")
    # ...which links out to the article (not followed: there is no internet here), and
    # to the source's page in the registry.
    link = source.get_by_role("link", name=re.compile("Amazon inks 4 MoUs"))
    expect(link).to_have_attribute("href", MONEYCONTROL_URL)
    expect(link).to_contain_text("Amazon inks 4 MoUs with Himachal Pradesh govt")
    own_page = source.get_by_role("link", name="Everything the registry takes from it")
    expect(own_page).to_have_attribute("href", re.compile(r"^/sources/\d+/$"))

    # An untitled article the registry has no URL for is named, not linked.
    page = open_page(
        "/mous/amazon-india-mou-with-the-uttar-pradesh-government-on-one-district-one-product/"
    )
    source = page.locator("#source-1")
    expect(source).to_contain_text("[Untitled article:")
    # Named, not linked out: its only link is to its page in the registry.
    expect(source.get_by_role("link")).to_have_count(1)
    expect(source.get_by_role("link")).to_have_text("Everything the registry takes from it")
    source.scroll_into_view_if_needed()
    screenshot(page, "c2-source-without-url")


@pytest.mark.parametrize(
    "path, name",
    [
        ("/mous/", "d1-phone-list"),
        (
            "/mous/amazon-india-mou-with-the-industries-and-mines-department-gujarat/",
            "d2-phone-mou",
        ),
        ("/states/", "d3-phone-states"),
        ("/", "d4-phone-home"),
        ("/states/uttar-pradesh/", "d7-phone-state"),
        ("/parties/", "d8-phone-parties"),
        ("/parties/amazon-india/", "d9-phone-party"),
        ("/programmes/", "d10-phone-programmes"),
        ("/sectors/", "d11-phone-sectors"),
        ("/clusters/", "d12-phone-clusters"),
        ("/data/", "d13-phone-data"),
        ("/api/v1/", "d14-phone-api"),
    ],
)
def test_pages_do_not_scroll_sideways_on_a_phone(open_page, path, name):
    page = open_page(path, viewport=PHONE)
    screenshot(page, name)
    scroll_width, width, wide = overflow(page)
    assert scroll_width <= width, f"{path} scrolls sideways; too wide: {wide}"


def test_the_filter_form_works_on_a_phone(open_page):
    page = open_page("/mous/", viewport=PHONE)
    page.get_by_text("Filters", exact=True).click()
    state = page.get_by_label("State or UT", exact=True)
    state.scroll_into_view_if_needed()
    box = state.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    assert box["height"] >= 24, "the select is too small to tap"
    state.select_option(label="Gujarat")
    page.get_by_label("Sector", exact=True).select_option(label="Handicrafts")
    button = page.get_by_role("button", name="Apply filters")
    button.scroll_into_view_if_needed()
    expect(button).to_be_in_viewport()
    screenshot(page, "d5-phone-filter-form")
    button.click()
    page.wait_for_url(re.compile(r"state=gujarat"))
    screenshot(page, "d6-phone-filtered")
    expect(page.get_by_role("list", name="Active filters")).to_contain_text("Gujarat")
    scroll_width, width, wide = overflow(page)
    assert scroll_width <= width, f"filtered list scrolls sideways; too wide: {wide}"


def test_keyboard_focus_is_visible_on_links(open_page):
    page = open_page("/mous/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    expect(page.get_by_role("link", name="Skip to content")).to_be_in_viewport()
    screenshot(page, "e1-focus-skip-link")
    links_seen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const el = document.activeElement, style = getComputedStyle(el);
                return {tag: el.tagName, text: el.textContent.trim().slice(0, 40),
                        outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
                        shadow: style.boxShadow, inResults: !!el.closest('.mou-row')};
            }"""
        )
        if focused["tag"] != "A":
            continue
        links_seen.append(focused["text"])
        visible = focused["outline"] != "none" and focused["width"] > 0
        assert visible or focused["shadow"] != "none", f"no focus indicator on {focused}"
        if focused["inResults"]:
            break
    else:
        pytest.fail(f"40 Tabs never reached a result; links focused: {links_seen}")
    screenshot(page, "e2-focus-result-link")


ENGLISH_PAGES = [
    "/",
    "/mous/",
    "/mous/?state=XX&year_from=abc",
    "/mous/?state=uttar-pradesh",
    "/mous/?q=weavers",  # ranked, with snippets and facets
    "/mous/?q=flipcart&state=gujarat",  # nothing found: what to remove, the nearest names
    "/mous/flipkart-mou-with-the-government-of-jammu-and-kashmir/",
    "/states/",
    "/states/?sort=count",
    "/states/uttar-pradesh/",
    "/parties/",
    "/programmes/",
    "/sectors/",
    "/clusters/",
    "/parties/amazon-india/",
    "/parties/flipkart/",
    "/programmes/flipkart-samarth/",
    "/clusters/moradabad-brassware/",
    "/sectors/handloom/",
    "/commitments/",
    "/commitments/?status=done",
    "/changes/",
    "/mous/flipkart-mou-with-the-government-of-jammu-and-kashmir/history/",
    "/mous/flipkart-mou-with-the-government-of-jammu-and-kashmir/v/1/",
    "/mous/flipkart-mou-with-the-government-of-jammu-and-kashmir/report/",
    "/sources/",
    "/sources/1/",
    "/about/",
    "/about/data/",
    "/data/",
    "/api/v1/",
    "/no-such-page/",
]

# Every public page in Hindi as well (the API's reference is English only).
ACCESSIBILITY_PAGES = [
    *ENGLISH_PAGES,
    *(f"/hi{path}" for path in ENGLISH_PAGES if not path.startswith("/api/")),
    "/hi/mous/?q=हस्तशिल्प",
]

JK = "/hi/mous/flipkart-mou-with-the-government-of-jammu-and-kashmir/"

# The Hindi pages to look at, one of each kind, by the screenshot's name.
HINDI_SCREENSHOTS = {
    "hi01-home": "/hi/",
    "hi02-list-uttar-pradesh": "/hi/mous/?state=uttar-pradesh",
    "hi03-searched-handicrafts": "/hi/mous/?q=हस्तशिल्प",
    "hi04-nothing-found": "/hi/mous/?q=flipcart&state=gujarat",
    "hi05-bad-filter": "/hi/mous/?state=XX&year_from=abc",
    "hi06-detail": "/hi/mous/amazon-india-mou-with-the-industries-and-mines-department-gujarat/",
    "hi07-history": f"{JK}history/",
    "hi08-version": f"{JK}v/1/",
    "hi09-report": f"{JK}report/",
    "hi10-states": "/hi/states/",
    "hi11-state": "/hi/states/uttar-pradesh/",
    "hi12-parties": "/hi/parties/",
    "hi13-party": "/hi/parties/amazon-india/",
    "hi14-programme": "/hi/programmes/flipkart-samarth/",
    "hi15-sector": "/hi/sectors/handloom/",
    "hi16-cluster": "/hi/clusters/moradabad-brassware/",
    "hi17-commitments": "/hi/commitments/",
    "hi18-changes": "/hi/changes/",
    "hi19-sources": "/hi/sources/",
    "hi20-source": "/hi/sources/1/",
    "hi21-about": "/hi/about/",
    "hi22-data-dictionary": "/hi/about/data/",
    "hi23-data": "/hi/data/",
    "hi24-not-found": "/hi/no-such-page/",
}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("name", HINDI_SCREENSHOTS)
def test_a_hindi_page_reads_in_hindi_at_both_widths(open_page, name, viewport):
    """Each Hindi page kind in Devanagari (Noto Sans Devanagari, fonts-noto-core), no
    wider than the screen, with a way back to its English twin."""
    page = open_page(HINDI_SCREENSHOTS[name], viewport=viewport)
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    expect(page.get_by_role("link", name="English")).to_be_visible()
    scroll_width, width, wide = overflow(page)
    assert scroll_width <= width, wide
    screenshot(page, f"{name}-{'phone' if viewport is PHONE else 'desktop'}")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("path", ACCESSIBILITY_PAGES)
def test_pages_pass_the_axe_accessibility_checks(open_page, path, viewport):
    """axe-core (contrast, labels, landmarks, names, nesting, ...) finds no violation."""
    axe_api = pytest.importorskip("axe_playwright_python.sync_playwright")
    page = open_page(path, viewport=viewport)
    results = axe_api.Axe().run(page)
    problems = [
        f"{rule['id']} ({rule['impact']}): {rule['help']} at "
        f"{[node['target'] for node in rule['nodes']][:3]}"
        for rule in results.response["violations"]
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_reader_reports_an_error_from_an_mous_page(open_page, viewport):
    from agreements.models import Correction

    size = "phone" if viewport is PHONE else "desktop"
    page = open_page(
        "/mous/flipkart-mou-with-the-government-of-jammu-and-kashmir/", viewport=viewport
    )
    page.get_by_role("link", name="Report an error or a missing fact").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report an error or a missing fact")
    expect(page.get_by_label("Leave this empty")).to_be_hidden()
    page.get_by_label("A source that says so (link, optional)").fill("not a link")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("alert").first).to_contain_text("This field is required")
    screenshot(page, f"f1-report-errors-{size}")
    scroll_width, width, wide = overflow(page)
    assert scroll_width <= width, f"the report form scrolls sideways; too wide: {wide}"
    page.get_by_label("What is wrong or missing?").fill("The signing was in Srinagar.")
    page.get_by_label("A source that says so (link, optional)").fill("https://example.org/a")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    screenshot(page, f"f2-report-sent-{size}")
    assert Correction.objects.get().message == "The signing was in Srinagar."


def test_a_journalist_follows_a_citation_to_the_version_it_cites(open_page):
    """The citation names a version's permanent address; after the record changes, that
    address still shows what was cited, marked as an earlier version."""
    from agreements.models import Mou, record_versions

    page = open_page("/mous/flipkart-mou-with-the-government-of-jammu-and-kashmir/")
    citation = page.locator(".citation").inner_text()
    cited = re.search(r"http://\S+/v/1/", citation).group(0)
    Mou.objects.filter(reference="jk-2020-samarth").update(place="Srinagar")
    record_versions(Mou.objects.filter(reference="jk-2020-samarth"), "Added the place")
    page.goto(cited)
    screenshot(page, "f1-cited-version")
    expect(page.get_by_role("note")).to_contain_text("an earlier version")
    expect(page.locator("article")).not_to_contain_text("Srinagar")
    page.get_by_role("link", name="See the current record").click()
    expect(page.locator("dl.facts")).to_contain_text("Srinagar")
    page.get_by_role("link", name="History of this record").click()
    expect(page.locator(".versions")).to_contain_text("place: (none) → Srinagar")
    screenshot(page, "f2-history")


# --- The map and the ways in (issue 9) ---------------------------------------------


def test_a_reader_follows_the_map_to_a_state(open_page):
    page = open_page("/states/")
    screenshot(page, "g1-states-map")
    shape = page.locator("figure.india-map").get_by_role("link", name="Uttar Pradesh: 2 MoUs")
    expect(shape).to_have_count(1)
    shape.click()
    page.wait_for_url(re.compile(r"/states/uttar-pradesh/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Uttar Pradesh")
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    expect(crumbs).to_contain_text("Home")
    crumbs.get_by_role("link", name="States").click()
    page.wait_for_url(re.compile(r"/states/$"))


def test_the_map_on_the_home_page_leads_to_a_state_and_names_ladakhs_place(open_page):
    page = open_page("/")
    figure = page.locator("figure.india-map")
    expect(figure.locator(".map-notes")).to_contain_text("has no shape of its own")
    jk = figure.get_by_role("link", name=re.compile(r"^Jammu and Kashmir: 1 MoU\. .*Ladakh"))
    expect(jk).to_have_count(1)
    dh = figure.get_by_role("link", name=re.compile(r"^Dadra and Nagar Haveli and Daman and Diu"))
    expect(dh.locator("path")).to_have_count(2)
    figure.get_by_role("link", name="Himachal Pradesh: 4 MoUs").click()
    page.wait_for_url(re.compile(r"/states/himachal-pradesh/$"))


def test_states_sort_by_count_with_the_states_with_mous_marked(open_page):
    page = open_page("/states/")
    page.get_by_role("link", name="number of MoUs").click()
    page.wait_for_url(re.compile(r"\?sort=count$"))
    first = page.locator(".state-table tbody tr").first
    expect(first).to_contain_text("Himachal Pradesh")
    expect(first).to_have_class("has-mous")
    expect(page.locator(".state-table tr.has-mous")).to_have_count(6)
    screenshot(page, "g2-states-by-count")


def test_a_reader_finds_a_party_programme_sector_and_cluster_from_the_header(open_page):
    page = open_page("/")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Parties").click()
    page.wait_for_url(re.compile(r"/parties/$"))
    screenshot(page, "g3-parties")
    for heading in ["Companies and marketplaces", "Government bodies", "Trade bodies and others"]:
        expect(page.get_by_role("heading", level=2, name=re.compile(heading))).to_be_visible()
    page.get_by_role("link", name="Flipkart", exact=True).click()
    page.wait_for_url(re.compile(r"/parties/flipkart/$"))
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_contain_text(
        "Companies and marketplaces"
    )
    for name, path, example in [
        ("Programmes", "/programmes/", "Flipkart Samarth"),
        ("Sectors", "/sectors/", "Handloom"),
        ("Clusters", "/clusters/", "Moradabad: Brassware"),
    ]:
        page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()
        page.wait_for_url(re.compile(re.escape(path) + "$"))
        screenshot(page, f"g4-index-{name.lower()}")
        page.get_by_role("link", name=example, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(example.split(":")[0])


# Controls a thumb must hit: not links inside running text.
TAP_TARGETS = (
    ".nav a, nav.breadcrumbs a, .filters summary, button, select, input, .chips a, "
    ".pagination a, .sort-links a, .jump-links a, .count-list a, .index-list a"
)


@pytest.mark.parametrize(
    "path", ["/", "/mous/?state=uttar-pradesh", "/states/", "/parties/", "/states/gujarat/"]
)
def test_on_a_phone_every_control_is_at_least_44px_tall_and_labels_14px(open_page, path):
    page = open_page(path, viewport=PHONE)
    small = page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)]
            .filter(el => el.getClientRects().length)
            .map(el => [el.tagName + ' ' + el.textContent.trim().slice(0, 30),
                        el.getBoundingClientRect().height])
            .filter(([, height]) => height < 44)""",
        TAP_TARGETS,
    )
    assert not small, f"tap targets under 44 px on {path}: {small[:5]}"
    tiny = page.evaluate(
        """() => [...document.querySelectorAll(
                '.bar-chart th, .bar-chart td, .map-legend, .map-notes p, .india-map figcaption')]
            .map(el => [el.textContent.trim().slice(0, 30),
                        parseFloat(getComputedStyle(el).fontSize)])
            .filter(([, size]) => size < 14)"""
    )
    assert not tiny, f"chart or map labels under 14 px on {path}: {tiny[:5]}"
