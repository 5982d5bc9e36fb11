"""Under the production Content Security Policy, enforced, chromium blocks nothing on the
public pages or in the admin, and the admin's scripts still work: the MoU page's inlines
and autocompletes, the import page, and the export page's "Select all".

Like ``test_browser_admin.py``: Playwright driving Debian's chromium against
``live_server`` on the registry's real fixtures, as an Editor for the admin.
"""

import re

import pytest
from django.core.management import call_command
from test_browser import CHROMIUM, async_unsafe_allowed  # noqa: F401

from agreements.models import Mou

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no chromium at {CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def enforced(settings):
    """The policy as production sends it (tests run in development, report-only)."""
    settings.CONTENT_SECURITY_POLICY = settings.CONTENT_SECURITY_POLICY_REPORT_ONLY
    del settings.CONTENT_SECURITY_POLICY_REPORT_ONLY


@pytest.fixture
def site(async_unsafe_allowed, live_server, enforced, editor):  # noqa: F811
    """``site(path, log_in=False)``: a page at ``path`` and the list of what the browser
    blocked on it (its console's Content Security Policy messages)."""
    call_command("loaddata", "states", "vocabulary", "articles", verbosity=0)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"]
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(live_server.url)
                else route.abort()
            ),
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        blocked = []
        page.on(
            "console",
            lambda message: (
                blocked.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        page.goto(f"{live_server.url}/admin/login/")
        page.get_by_label("Username").fill("editor")
        page.get_by_label("Password").fill("pw")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(re.compile(r"/admin/$"))

        def open_(path):
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            return page

        yield open_, blocked
        browser.close()


PUBLIC = ["/", "/mous/", "/mous/?q=weavers", "/states/", "/states/uttar-pradesh/", "/parties/"]


def test_the_public_pages_need_nothing_the_policy_blocks(site):
    open_, blocked = site
    mou = Mou.objects.published().first()
    for path in [*PUBLIC, mou.get_absolute_url(), "/no-such-page/"]:
        page = open_(path)
        assert page.locator("main h1").count() == 1, path
    assert blocked == []


def test_the_admins_mou_page_works_under_the_policy(site):
    open_, blocked = site
    mou = Mou.objects.filter(published=True).first()
    page = open_(f"/admin/agreements/mou/{mou.pk}/change/")
    # inlines.js adds a row; the autocomplete (select2) opens and searches.
    commitments = page.locator("#commitments-group")
    rows = commitments.locator(".inline-related:not(.empty-form)")
    before = rows.count()
    commitments.locator(".add-row a").click()
    expect(rows).to_have_count(before + 1)
    page.locator("#mouparty_set-group .select2-selection").first.click()
    page.locator(".select2-dropdown .select2-search__field").fill("Amazon")
    expect(page.locator(".select2-results__option").first).to_contain_text("Amazon")
    assert blocked == []


def test_the_admins_lists_import_and_export_work_under_the_policy(site):
    open_, blocked = site
    for path in [
        "/admin/",
        "/admin/agreements/mou/",
        "/admin/agreements/followup/",
        "/admin/agreements/mou/import/",
        "/admin/axes/accessattempt/",
    ]:
        open_(path)
    page = open_("/admin/agreements/mou/export/")
    fields = page.locator(".selectable-field-export-row input[type=checkbox]")
    assert fields.count() > 1
    page.locator("input.select-toggle").uncheck()  # "Select all" (its label names no id)
    for index in range(fields.count()):
        expect(fields.nth(index)).not_to_be_checked()
    assert blocked == []
