"""The site in Hindi under /hi/: every translated page kind, the language switch and the
hreflang links, English pages that never follow the browser's language, the same query
cost in both languages, a complete catalogue, and Hindi names that search finds."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from agreements.models import Mou, Sector, Source, State

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "hi" / "LC_MESSAGES"

GUJARAT = "/mous/amazon-india-mou-with-the-industries-and-mines-department-gujarat/"

# Every public page kind, by its English address on the founding records. A source's
# page is found by its title, as its id differs between databases.
PAGE_KINDS = {
    "home": "/",
    "list": "/mous/",
    "filtered list": "/mous/?state=uttar-pradesh&year=2019",
    "ranked search": "/mous/?q=weavers",
    "search with no match": "/mous/?q=zzyzx",
    "bad filter": "/mous/?signed_after=not-a-date",
    "detail": GUJARAT,
    "detail with commitments": (
        "/mous/amazon-india-mou-with-the-uttar-pradesh-government-on-one-district-one-product/"
    ),
    "history": f"{GUJARAT}history/",
    "version": f"{GUJARAT}v/1/",
    "report an error": f"{GUJARAT}report/",
    "report sent": f"{GUJARAT}report/sent/",
    "states": "/states/",
    "state": "/states/uttar-pradesh/",
    "parties": "/parties/",
    "party": "/parties/amazon/",
    "programmes": "/programmes/",
    "programme": "/programmes/amazon-global-selling/",
    "sectors": "/sectors/",
    "sector": "/sectors/carpets/",
    "clusters": "/clusters/",
    "cluster": "/clusters/agra-leather-based-footwear/",
    "sources": "/sources/",
    "source": "source",
    "commitments": "/commitments/",
    "overdue commitments": "/commitments/?status=overdue",
    "changes": "/changes/",
    "about": "/about/",
    "data dictionary": "/about/data/",
    "dataset": "/data/",
}

# Runs of two or more English words: an interface string left in English. What stays
# in English on a Hindi page (a name, a quote, a summary) is marked ``lang="en"`` and
# left out of the visible text; CC BY is a licence's name.
ENGLISH_RUN = re.compile(r"[A-Za-z][\w'’.-]*(?:[\s,;:()]+[A-Za-z][\w'’.-]*)+")
ALLOWED_RUNS = {"CC BY"}


def english_address(kind):
    address = PAGE_KINDS[kind]
    if address == "source":
        return Source.objects.get(
            title="Amazon inks 4 MoUs with Himachal Pradesh govt"
        ).get_absolute_url()
    return address


def read_catalogue():
    with (CATALOGUE / "django.po").open("rb") as po:
        return read_po(po, locale="hi")


class VisibleText(HTMLParser):
    """A page's text as a reader sees it (no scripts, styles or titles of SVG shapes),
    leaving out what is marked ``lang="en"``: names and quotes kept in English."""

    VOID = {"meta", "link", "input", "br", "img", "path", "rect", "hr"}

    def __init__(self):
        super().__init__()
        self.stack, self.parts = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            english = dict(attrs).get("lang") == "en"
            # A select's options name records: data, not interface.
            hidden = tag in ("script", "style", "title", "head", "option")
            self.stack.append(english or hidden or bool(self.stack and self.stack[-1]))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)

    @classmethod
    def of(cls, html):
        parser = cls()
        parser.feed(html)
        return " ".join(" ".join(parser.parts).split())


def alternates(html):
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


@pytest.fixture
def registry(founding_articles):
    return founding_articles


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_every_page_kind_renders_in_hindi_with_no_english_interface_string(client, registry, kind):
    response = client.get(f"/hi{english_address(kind)}")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="hi">' in html
    assert response["Content-Language"] == "hi"
    text = VisibleText.of(html)
    untranslated = [
        message.id
        for message in read_catalogue()
        if isinstance(message.id, str)
        and " " in message.id.strip()
        and "%(" not in message.id
        and "<" not in message.id
        and message.id in text
    ]
    assert untranslated == []
    assert set(ENGLISH_RUN.findall(text)) <= ALLOWED_RUNS
    assert "समझौता ज्ञापन" in text


def test_the_error_pages_speak_hindi_under_hi(client, registry, settings):
    settings.DEBUG = False
    response = client.get("/hi/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="hi">' in html
    assert "पृष्ठ नहीं मिला" in html
    assert "Page not found" not in VisibleText.of(html)
    english = client.get("/no-such-page/").content.decode()
    assert '<html lang="en">' in english and "Page not found" in english


def test_the_rate_limit_page_speaks_hindi_under_hi(client, registry, settings):
    settings.PUBLIC_RATE_LIMIT = "1/m"
    client.get("/hi/mous/?q=handloom")
    response = client.get("/hi/mous/?q=weavers")
    assert response.status_code == 429
    text = VisibleText.of(response.content.decode())
    assert "बहुत अधिक अनुरोध" in text
    assert "खोजों का उत्तर 1 प्रति मिनट तक" in text


def test_the_language_switch_leads_to_the_same_page_in_the_other_language_with_its_query(
    client, registry
):
    query = "?state=uttar-pradesh&sort=oldest"
    english = client.get(f"/mous/{query}").content.decode()
    hindi = client.get(f"/hi/mous/{query}").content.decode()
    to_hindi = re.search(
        r'<a class="language-switch" href="([^"]+)"\s+lang="hi" hreflang="hi">', english
    )
    to_english = re.search(
        r'<a class="language-switch" href="([^"]+)"\s+lang="en" hreflang="en">', hindi
    )
    assert to_hindi.group(1) == "/hi/mous/?state=uttar-pradesh&amp;sort=oldest"
    assert to_english.group(1) == "/mous/?state=uttar-pradesh&amp;sort=oldest"
    assert "हिन्दी" in english and "English" in hindi


@pytest.mark.parametrize(
    "page",
    ["/", "/mous/?sector=handloom", "/states/uttar-pradesh/", GUJARAT, f"{GUJARAT}v/1/", "/data/"],
)
def test_hreflang_links_are_reciprocal_with_english_the_default(client, registry, page):
    links = alternates(client.get(page).content.decode())
    assert set(links) == {"en", "hi", "x-default"}
    assert links["x-default"] == links["en"]
    for language in ("en", "hi"):
        url = urlsplit(links[language].replace("&amp;", "&"))
        other = client.get(f"{url.path}?{url.query}" if url.query else url.path)
        assert other.status_code == 200
        assert alternates(other.content.decode()) == links


def test_english_pages_never_follow_the_browsers_language_nor_vary_on_it(client, registry):
    response = client.get(
        "/mous/", HTTP_ACCEPT_LANGUAGE="hi,en;q=0.5", HTTP_COOKIE="django_language=hi"
    )
    assert '<html lang="en">' in response.content.decode()
    assert response["Content-Language"] == "en"
    assert "Accept-Language" not in response.get("Vary", "")
    hindi = client.get("/hi/mous/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="hi">' in hindi.content.decode()


def test_the_page_cache_keeps_each_language_under_its_own_address(client, registry):
    english = client.get("/mous/").content
    hindi = client.get("/hi/mous/").content
    assert client.get("/mous/", HTTP_ACCEPT_LANGUAGE="hi").content == english
    assert client.get("/hi/mous/").content == hindi
    assert b'<html lang="hi">' in hindi and b'<html lang="en">' in english


def queries(path):
    """The queries of a first render (the page cache and cached aggregates empty)."""
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert Client().get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_a_hindi_page_costs_the_same_queries_as_its_english_twin(registry, kind):
    page = english_address(kind)
    assert queries(f"/hi{page}") == queries(page)


def test_the_catalogue_has_no_untranslated_or_fuzzy_message():
    catalogue = read_catalogue()
    assert not catalogue.fuzzy
    missing = [
        message.id
        for message in catalogue
        if message.id
        and (
            message.fuzzy
            or not all(message.string if isinstance(message.string, tuple) else [message.string])
        )
    ]
    assert missing == []


def messages(catalogue):
    """``{(context, id): translation}``, a plural's forms as a tuple, a context as text,
    whichever file they were read from."""

    def key(text):
        return text if isinstance(text, str) else tuple(text)

    def context(text):
        return text.decode() if isinstance(text, bytes) else text

    return {(context(m.context), key(m.id)): key(m.string) for m in catalogue if m.id}


def test_the_compiled_catalogue_matches_the_po():
    """The .mo is committed so that a fresh clone needs no gettext; recompile it with
    ``make messages`` (or ``pybabel compile -d locale -D django``) after editing the .po."""
    with (CATALOGUE / "django.mo").open("rb") as mo:
        compiled = messages(read_mo(mo))
    assert compiled == messages(read_catalogue())


def test_hindi_names_are_shown_on_hindi_pages_with_the_english_beside_them(client, registry):
    state = State.objects.get(code="UP")
    hindi = client.get(f"/hi{state.get_absolute_url()}").content.decode()
    assert '<h1>उत्तर प्रदेश (<span lang="en">Uttar Pradesh</span>)</h1>' in hindi
    english = client.get(state.get_absolute_url()).content.decode()
    assert "<h1>Uttar Pradesh</h1>" in english and "उत्तर प्रदेश" not in english
    listing = client.get("/hi/mous/").content.decode()
    assert ">हिमाचल प्रदेश</a>" in listing  # a state in a row, Hindi only
    assert '<span lang="en">Amazon India</span>' in listing  # no Hindi name: English, marked
    facets = client.get("/hi/mous/", {"q": "हथकरघा"}).content.decode().split('class="facets"')[1]
    assert '<span lang="en">Amazon India</span></a>' in facets
    assert ">हिमाचल प्रदेश</a>" in facets


def test_the_founding_states_all_have_their_official_hindi_names(registry):
    assert State.objects.count() == 36
    assert not State.objects.filter(name_hi="").exists()
    assert Sector.objects.get(name="Handloom").name_hi == "हथकरघा"


@pytest.mark.parametrize(
    ("query", "expected"),
    [("उत्तर प्रदेश", "Uttar Pradesh"), ("हस्तशिल्प", "Handicrafts"), ("हथकरघा", "Handloom")],
)
def test_a_hindi_name_finds_its_records_in_either_language(client, registry, query, expected):
    named = Mou.objects.published().filter(
        **({"states__name": expected} if query == "उत्तर प्रदेश" else {"sectors__name": expected})
    )
    assert named.exists()
    for prefix in ("", "/hi"):
        html = client.get(f"{prefix}/mous/", {"q": query}).content.decode()
        for mou in named:
            assert mou.get_absolute_url() in html, (prefix, query, mou)


def test_downloads_are_the_same_english_data_at_either_address(client, registry):
    for download in ("/mous/export.csv", "/mous/export.json", "/commitments/export.json"):
        english, hindi = (
            re.sub(rb'"generated_at": "[^"]+"', b"", b"".join(client.get(path).streaming_content))
            for path in (download, f"/hi{download}")
        )
        assert hindi == english
    assert "तिथि".encode() not in english


def test_the_sitemap_lists_every_page_in_both_languages(client, registry):
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/mous/</loc>" in sitemap
    assert "<loc>http://testserver/hi/mous/</loc>" in sitemap
    assert 'hreflang="hi" href="http://testserver/hi/states/uttar-pradesh/"' in sitemap
    assert client.get("/hi/sitemap.xml").status_code == 404


def test_a_search_on_a_hindi_page_says_what_matched_by_its_hindi_name(client, registry):
    html = client.get("/hi/mous/", {"q": "हस्तशिल्प"}).content.decode()
    matched = VisibleText.of(html.split('class="matched"')[1].split("</p>")[0])
    assert "क्षेत्र हस्तशिल्प" in matched
    english = client.get("/mous/", {"q": "हस्तशिल्प"}).content.decode()
    assert "sector Handicrafts" in re.sub("<[^>]+>", "", english.split('class="matched"')[1])


def test_hindi_pages_spell_months_and_file_sizes_right_where_django_does_not(client, registry):
    detail = client.get(f"/hi{GUJARAT}").content.decode()
    assert "7 सितंबर 2021" in detail and "सितमबर" not in detail
    from agreements import dataset as files

    files.build()  # the sizes are the built files'
    dataset = client.get("/hi/data/").content.decode()
    assert re.search(r"\(\d+(\.\d)?\sकेबी\)", dataset)  # no space inside the bracket
