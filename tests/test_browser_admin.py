"""The admin in a real browser, as an Editor on a 1280 px screen: the MoU page, the MoU
list, the import pages and their previews, and the follow-up list fit the screen, with no
sideways scroll.

Playwright driving Debian's chromium against ``live_server``, like ``test_browser.py``,
on the registry's real fixtures. Each test saves a full-page screenshot under
``/tmp/admin-screenshots/`` for a person to look at.
"""

import re
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from test_browser import CHROMIUM, async_unsafe_allowed, overflow  # noqa: F401

from agreements.importing import format_signed_on, import_file
from agreements.models import FollowUp, Mou, Programme

SCREEN = {"width": 1280, "height": 800}
SCREENSHOTS = Path(tempfile.gettempdir()) / "admin-screenshots"
EXAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "example-import.csv"
FOLLOW_UPS_EXAMPLE = EXAMPLE.with_name("example-follow-ups.csv")

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no chromium at {CHROMIUM}"),
    # The live server needs a database emptied after each test, not rolled back; the
    # Editors group, which a migration makes, is made again (conftest.ensure_staff_groups).
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def chromium(async_unsafe_allowed):  # noqa: F811
    """A browser for one test, stopped before the next one's database is set up: while
    Playwright's event loop runs, Django reaches the database through another connection
    object."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"]
        )
        yield browser
        browser.close()


@pytest.fixture
def editor_page(chromium, live_server, editor):
    """``editor_page(path)``: a 1280x800 page at ``path``, logged in as an Editor, on the
    five articles' registry."""
    call_command("loaddata", "states", "vocabulary", "articles", verbosity=0)
    context = chromium.new_context(viewport=SCREEN)
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
        ),
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/$"))

    def open_(path):
        page.goto(live_server.url + path)
        return page

    yield open_
    context.close()


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def assert_fits(page):
    scroll_width, width, wide = overflow(page)
    assert scroll_width <= width, f"{page.url} is {scroll_width} px wide; sticking out: {wide}"


def right_edge(locator):
    box = locator.bounding_box()
    return box["x"] + box["width"]


def test_a_rich_mous_page_fits_the_screen_with_every_delete_box_on_it(editor_page):
    mou = Mou.objects.get(title__contains="Industries and Mines Department, Gujarat")
    page = editor_page(f"/admin/agreements/mou/{mou.pk}/change/")
    screenshot(page, "mou-change")
    assert_fits(page)
    parties = page.locator("#mouparty_set-group")
    deletes = parties.locator("input[type=checkbox][name$='-DELETE']")
    expect(deletes).to_have_count(mou.mouparty_set.count())
    for delete in deletes.all():
        assert right_edge(delete) <= SCREEN["width"]
    assert right_edge(parties) <= SCREEN["width"]
    # The title shows whole: its box spans the form, not a fixed 20 characters.
    title = page.get_by_role("textbox", name="Title:", exact=True)
    expect(title).to_have_value(mou.title)
    assert title.bounding_box()["width"] > SCREEN["width"] / 2
    # The date is one box, shown as precisely as it is recorded.
    date = format_signed_on(mou.signed_on, mou.signed_on_precision)
    assert date
    expect(page.get_by_role("textbox", name="Date:", exact=True)).to_have_value(date)
    # Rarely used parts are folded away, and open on a click.
    record = page.locator("details", has=page.get_by_role("heading", name="Record"))
    expect(record).not_to_have_attribute("open", "")
    expect(page.get_by_text("Created by import")).to_be_hidden()
    record.locator("summary").click()
    expect(page.get_by_text("Created by import")).to_be_visible()
    # Opened, every folded part fits too.
    folded = page.locator("details:not([open]) > summary")
    while folded.count():
        folded.first.click()
    screenshot(page, "mou-change-unfolded")
    assert_fits(page)


def test_a_programme_page_with_its_benefits_fits_the_screen(editor_page):
    programme = Programme.objects.get(name="Flipkart Samarth")
    page = editor_page(f"/admin/agreements/programme/{programme.pk}/change/")
    screenshot(page, "programme-change")
    assert_fits(page)
    benefits = page.locator("#benefits-group .inline-related:not(.empty-form)")
    expect(benefits).to_have_count(programme.benefits.count())


def test_the_mou_list_fits_the_screen(editor_page):
    page = editor_page("/admin/agreements/mou/")
    screenshot(page, "mou-list")
    assert_fits(page)
    expect(page.locator("#result_list tbody tr")).to_have_count(Mou.objects.count())
    actions = page.locator("select[name=action] option")
    expect(actions.filter(has_text=re.compile("^Publish selected MoUs$"))).to_have_count(1)


def test_the_import_page_explains_the_columns_and_offers_a_template(editor_page):
    page = editor_page("/admin/agreements/mou/import/")
    screenshot(page, "mou-import")
    assert_fits(page)
    columns = page.locator("table.import-columns tbody tr")
    expect(columns.first).to_contain_text("reference")
    expect(page.get_by_role("link", name="template")).to_be_visible()
    expect(page.get_by_role("link", name="example file")).to_be_visible()


def test_an_import_preview_shows_what_rows_matched_and_fits_the_screen(editor_page):
    page = editor_page("/admin/agreements/mou/import/")
    page.get_by_label("File to import").set_input_files(EXAMPLE)
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", name="Preview")).to_be_visible()
    screenshot(page, "mou-import-preview")
    assert_fits(page)
    first = page.locator("table.import-preview tbody tr").first
    # "OR" is shown as the state it matched, and a party the import creates is marked.
    expect(first).to_contain_text("Odisha")
    party = first.locator("li", has_text="Example Odisha State Handloom")
    expect(party.locator(".new-mark")).to_have_text("new")


def test_the_follow_up_import_page_preview_and_list_fit_the_screen(editor_page):
    page = editor_page("/admin/agreements/followup/import/")  # loads the registry first
    assert import_file(EXAMPLE.read_bytes(), "example-import.csv").ok
    page.reload()
    screenshot(page, "follow-up-import")
    assert_fits(page)
    expect(page.locator("table.import-columns tbody tr").first).to_contain_text("mou")
    page.get_by_label("File to import").set_input_files(FOLLOW_UPS_EXAMPLE)
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", name="Preview")).to_be_visible()
    screenshot(page, "follow-up-import-preview")
    assert_fits(page)
    first = page.locator("table.import-preview tbody tr").first
    expect(first).to_contain_text("Example: Flipkart and the Odisha handloom cooperative")
    expect(first).to_contain_text("Run cataloguing workshops in Sambalpur")
    expect(first.locator(".new-mark")).to_have_text("new")
    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_text("Import finished: 5 new, 0 unchanged, 0 errors")).to_be_visible()
    screenshot(page, "follow-up-list")
    assert_fits(page)
    expect(page.locator("#result_list tbody tr")).to_have_count(FollowUp.objects.count())
