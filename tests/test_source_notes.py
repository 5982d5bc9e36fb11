"""A source's notes: the public note (what the source leaves unclear) is shown with the
source; the internal note (the registry's file for its copy, spellings, the state of the
copy) is for editors only and reaches no public page, download, feed, version document
or search document. Checked on the founding articles' records, whose internal notes
name the registry's files."""

import html
import re
from urllib.parse import urlsplit

import pytest

from agreements.models import Mou, MouVersion, Source
from agreements.models.snapshots import mou_documents
from agreements.search.documents import build_rows

pytestmark = pytest.mark.usefixtures("founding_articles")

GUJARAT = "amazon-india-mou-with-the-industries-and-mines-department-gujarat"


def internal_phrases():
    """Each sentence of every internal note, and the tell-tale bits of any of them."""
    phrases = {"articles/", "Registry copy", "Shutterstock", "Close' button"}
    for note in Source.objects.values_list("internal_note", flat=True):
        phrases.update(s.strip() for s in re.split(r"(?<=\.) ", note) if s.strip())
    return phrases


def leaked(text):
    text = html.unescape(text)
    return sorted(phrase for phrase in internal_phrases() if phrase in text)


def body(response):
    assert response.status_code == 200, response
    return b"".join(response) if response.streaming else response.content


def public_urls(client):
    """Every page the sitemap lists, each MoU's history, first version and change feed,
    the lists, every download and every feed."""
    sitemap = body(client.get("/sitemap.xml")).decode()
    urls = [urlsplit(url).path for url in re.findall(r"<loc>([^<]+)</loc>", sitemap)]
    for slug in Mou.objects.published().values_list("slug", flat=True):
        urls += [f"/mous/{slug}/history/", f"/mous/{slug}/v/1/", f"/mous/{slug}/changes.atom"]
    urls += [
        "/mous/?q=amazon",
        "/changes/",
        "/changes/feed.atom",
        "/mous/export.csv",
        "/mous/export.json",
        "/mous/feed.atom",
        "/commitments/export.csv",
        "/commitments/export.json",
        "/commitments/feed.atom",
        "/data/",
        "/data/mou-registry.json",  # the ZIP's tables are the same (tests/test_dataset.py)
        *[f"/mous/export.csv?table={table}" for table in ("commitments", "figures", "reactions")],
    ]
    return urls


def test_the_founding_sources_have_internal_notes_to_keep_out():
    assert Source.objects.exclude(internal_note="").count() == 5
    assert len(internal_phrases()) > 10


def test_a_public_note_is_shown_with_its_source_on_the_mou_page(client):
    page = html.unescape(body(client.get(f"/mous/{GUJARAT}/")).decode())
    assert "the registry reads the surviving 'India has signed'" in page


def test_no_internal_note_reaches_any_public_page_download_or_feed(client):
    urls = public_urls(client)
    assert len(urls) > 60
    for url in urls:
        assert leaked(body(client.get(url)).decode()) == [], url


def test_no_internal_note_is_in_a_version_document():
    ids = list(Mou.objects.values_list("pk", flat=True))
    assert leaked(str(list(mou_documents(ids)))) == []
    stored = list(MouVersion.objects.values_list("document", flat=True))
    assert stored and leaked(str(stored)) == []


def test_no_internal_note_is_in_a_search_document_or_found_by_a_search(client):
    ids = list(Mou.objects.values_list("pk", flat=True))
    assert leaked(str(list(build_rows(ids)))) == []
    response = client.get("/mous/?q=Shutterstock")
    assert response.context["page"].paginator.count == 0


def test_editors_see_the_internal_note_apart_from_what_is_published(client, editor):
    client.force_login(editor)
    source = Source.objects.get(pk=5)
    page = html.unescape(
        client.get(f"/admin/agreements/source/{source.pk}/change/").content.decode()
    )
    shown, internal = page.split("For editors only: never published")
    assert "Shown on the public pages" in shown and source.public_note in shown
    assert source.internal_note in internal
