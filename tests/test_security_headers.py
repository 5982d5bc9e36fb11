"""A second line of defence in the browser: a Content Security Policy that lets no inline
script or style run on the public site (and on the admin only the few inline attributes
django-import-export writes, by their hashes), enforced in production and report-only in
development; a Permissions-Policy and a Cross-Origin-Resource-Policy on every page."""

import base64
import hashlib
from html.parser import HTMLParser

import pytest
from django.conf import settings
from test_settings import PRODUCTION, manage

PUBLIC_PAGES = [
    "/",
    "/mous/",
    "/mous/?q=amazon",
    "/mous/amazon-and-gujarat-mou/",
    "/states/",
    "/states/gujarat/",
    "/parties/",
    "/parties/amazon-india/",
    "/commitments/",
    "/changes/",
    "/no-such-page/",
]
ADMIN_PAGES = [
    "/admin/",
    "/admin/agreements/mou/",
    "/admin/agreements/mou/{pk}/change/",
    "/admin/agreements/mou/add/",
    "/admin/agreements/mou/import/",
    "/admin/agreements/mou/export/",
    "/admin/agreements/followup/",
    "/admin/agreements/followup/import/",
    "/admin/agreements/importrecord/",
    "/admin/axes/accessattempt/",
    "/admin/auth/user/",
    "/admin/password_change/",
]


class InlineCode(HTMLParser):
    """Every inline script and style of a page: ``<script>`` without ``src``, ``<style>``,
    and ``on...=`` and ``style=`` attributes."""

    def __init__(self, html):
        super().__init__()
        self.elements, self.attributes = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "style" or (tag == "script" and "src" not in attrs):
            self.elements.append(tag)
        self.attributes += [
            (name, value) for name, value in attrs.items() if name == "style" or name[:2] == "on"
        ]


def policy(response):
    header = (
        response.get("Content-Security-Policy") or response["Content-Security-Policy-Report-Only"]
    )
    return {
        directive.split()[0]: directive.split()[1:] for directive in header.split("; ") if directive
    }


def sha256(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_public_pages_run_scripts_and_styles_from_the_site_only(client, rich_mou):
    for url in PUBLIC_PAGES:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        rules = policy(response)
        assert rules["script-src"] == ["'self'"], url
        assert rules["style-src"] == ["'self'"], url
        assert rules["default-src"] == ["'self'"], url
        assert rules["object-src"] == ["'none'"], url
        assert rules["frame-ancestors"] == ["'none'"], url
        assert rules["base-uri"] == ["'none'"], url
        found = InlineCode(response.content.decode())
        assert found.elements == [] and found.attributes == [], url


def test_the_admin_runs_only_the_inline_attributes_its_policy_names_by_hash(
    client, admin_user, rich_mou
):
    client.force_login(admin_user)
    seen = set()
    for url in ADMIN_PAGES:
        response = client.get(url.format(pk=rich_mou.pk))
        assert response.status_code == 200, url
        rules = policy(response)
        found = InlineCode(response.content.decode())
        assert found.elements == [], url
        for name, value in found.attributes:
            directive = "style-src" if name == "style" else "script-src"
            assert sha256(value) in rules[directive], (url, name, value)
            seen.add(sha256(value))
        assert "'unsafe-inline'" not in rules["script-src"] + rules["style-src"], url
    # Every hash the policy adds is still needed: none is left over from older versions.
    added = settings.ADMIN_CONTENT_SECURITY_POLICY_ADDITIONS
    assert {h for hashes in added.values() for h in hashes if h.startswith("'sha")} == seen


def test_every_page_says_which_browser_features_it_uses_and_who_may_embed_it(client, rich_mou):
    for url in ["/", "/mous/feed.atom", "/mous/export.csv", "/healthz", "/admin/login/"]:
        response = client.get(url)
        assert response["Cross-Origin-Resource-Policy"] == "same-origin", url
        features = dict(rule.split("=") for rule in response["Permissions-Policy"].split(", "))
        for feature in ["camera", "microphone", "geolocation", "payment"]:
            assert features[feature] == "()", (url, feature)


def test_a_page_served_again_keeps_its_headers(client, rich_mou):
    """The second request for a page may come from the page cache: the same headers."""
    first, second = client.get("/"), client.get("/")
    for header in [
        "Content-Security-Policy-Report-Only",
        "Permissions-Policy",
        "Cross-Origin-Resource-Policy",
    ]:
        assert second[header] == first[header], header


def test_in_development_the_policy_only_reports(client, db):
    response = client.get("/")
    assert "Content-Security-Policy-Report-Only" in response
    assert "Content-Security-Policy" not in response


@pytest.mark.parametrize("debug, enforced", [("0", True), ("1", False)])
def test_in_production_the_policy_is_enforced(debug, enforced):
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; "
        "print(hasattr(settings, 'CONTENT_SECURITY_POLICY'), "
        "hasattr(settings, 'CONTENT_SECURITY_POLICY_REPORT_ONLY'))",
        DJANGO_DEBUG=debug,
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(enforced), str(not enforced)]
