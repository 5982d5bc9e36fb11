"""The Atom feeds carry the records' text as text: markup typed or imported into a title or
a summary reaches a feed reader as those characters, never as an element."""

import pytest
from test_public_exports import ATOM, parse_xml

from agreements.models import Commitment, Mou, record_versions

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def hostile_mou(make_mou, amazon, gujarat_industries, gujarat, article):
    mou = make_mou(
        f"Amazon {HOSTILE} MoU",
        parties=[amazon, gujarat_industries],
        states=[gujarat],
        summary=f"Artisans {HOSTILE} online.",
    )
    Commitment.objects.create(
        mou=mou, party=amazon, description=f"Onboard {HOSTILE} sellers", source=article
    )
    record_versions(Mou.objects.filter(pk=mou.pk), f"Published {HOSTILE}")
    return mou


def entries(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return parse_xml(response.content).findall(f"{ATOM}entry")


@pytest.mark.parametrize(
    "url",
    [
        "/mous/feed.atom",
        "/commitments/feed.atom",
        "/changes/feed.atom",
        "/mous/amazon-img-srcx-onerroralert1-mou/changes.atom",
    ],
)
def test_a_hostile_title_and_summary_reach_the_feed_reader_as_plain_text(client, hostile_mou, url):
    assert hostile_mou.get_absolute_url() == "/mous/amazon-img-srcx-onerroralert1-mou/"
    (entry,) = entries(client, url)
    title, summary = entry.find(f"{ATOM}title"), entry.find(f"{ATOM}summary")
    assert title.get("type", "text") == "text"
    assert summary.get("type") == "text"
    assert HOSTILE in title.text
    assert HOSTILE in summary.text
