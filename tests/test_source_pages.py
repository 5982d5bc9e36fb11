"""Source pages: every article the registry cites, what is known of it, where to read it,
and every public fact it supports with its quote, so a reader can check each fact.
Checked on the founding articles' records."""

import datetime
import html

import pytest

from agreements.models import Mou, Source

pytestmark = pytest.mark.usefixtures("founding_articles")

MONEYCONTROL = "Amazon inks 4 MoUs with Himachal Pradesh govt"


def text(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return " ".join(html.unescape(response.content.decode()).split())  # as a reader sees it


def source(title_start):
    return Source.objects.get(title__startswith=title_start)


def test_the_list_shows_every_source_with_its_publisher_date_and_count_of_facts(client):
    page = text(client, "/sources/")
    for item in Source.objects.all():
        assert item.title in page
    # Four MoUs, four commitments, four figures and four reactions.
    assert 'Moneycontrol · 7 November 2019 · <span class="count">16 facts' in page
    assert "date not reported" in page  # the untitled Uttar Pradesh article


def test_a_sources_page_says_what_is_known_of_it_and_links_to_it(client):
    page = text(client, source(MONEYCONTROL).get_absolute_url())
    assert f"<h1>{MONEYCONTROL}</h1>" in page
    assert "<dd>Moneycontrol</dd>" in page and "<dd>PTI</dd>" in page
    assert "7 November 2019" in page
    assert 'href="https://www.moneycontrol.com/news/business/amazon-inks-4-mous' in page
    assert "Not online" not in page


def test_a_source_with_no_url_says_so_plainly_and_names_no_internal_file(client):
    page = text(client, source("[Untitled article: Amazon India's One District").get_absolute_url())
    assert "Not online; the registry holds the text it quotes." in page
    assert "articles/" not in page
    assert "no title, publisher, author, URL or date" in page  # its public note


def test_an_archived_copy_and_when_the_url_last_worked_are_shown_when_known(client):
    item = source(MONEYCONTROL)
    assert "Archived copy" not in text(client, item.get_absolute_url())
    item.archive_url = "https://web.archive.org/web/2019/https://www.moneycontrol.com/x.html"
    item.url_checked_on = datetime.date(2026, 11, 1)
    item.save()
    page = text(client, item.get_absolute_url())
    assert 'href="https://web.archive.org/web/2019/https://www.moneycontrol.com/x.html"' in page
    assert "last seen working 1 November 2026" in page


def test_a_sources_page_lists_every_kind_of_fact_it_supports_with_its_quotes(client):
    page = text(
        client,
        source(
            "[Untitled article: Flipkart's Samarth MoU with the Government of Jammu"
        ).get_absolute_url(),
    )
    jk = Mou.objects.get(slug="flipkart-mou-with-the-government-of-jammu-and-kashmir")
    assert jk.get_absolute_url() in page
    for heading in [
        "MoUs it reports",
        "Commitments",
        "Figures",
        "Reactions",
        "People present",
        "What programmes offer",
    ]:
        assert f">{heading}</h2>" in page, heading
    for fact in [*jk.commitments.all(), *jk.reactions.all(), *jk.attendees.all()]:
        if fact.quote:
            assert fact.quote in page
    assert "Manoj Sinha" in page


def test_facts_of_draft_mous_are_left_out_and_a_source_only_drafts_cite_has_no_page(client):
    Mou.objects.filter(slug="flipkart-mou-with-the-government-of-assam").update(published=False)
    samarth = source("[Untitled article: Flipkart's Samarth MoU with the Tamil Nadu")
    page = text(client, samarth.get_absolute_url())
    assert "Tamil Nadu" in page and "Government of Assam</a>" not in page
    Mou.objects.filter(slug="flipkart-mou-with-the-government-of-jammu-and-kashmir").update(
        published=False
    )
    jk = source("[Untitled article: Flipkart's Samarth MoU with the Government of Jammu")
    assert client.get(jk.get_absolute_url()).status_code == 404
    assert jk.title not in text(client, "/sources/")


def test_an_mous_sources_link_to_their_pages(client):
    page = text(client, "/mous/amazon-india-mou-with-himcrafts-himachal-pradesh/")
    assert f'href="{source(MONEYCONTROL).get_absolute_url()}"' in page


def test_the_sitemap_lists_the_sources_and_their_pages(client):
    sitemap = text(client, "/sitemap.xml")
    assert "/sources/</loc>" in sitemap
    for item in Source.objects.all():
        assert f"{item.get_absolute_url()}</loc>" in sitemap
