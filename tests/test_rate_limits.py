"""Searches and downloads are limited per address for anonymous readers: past the limit,
429 with Retry-After and a page saying when to come back; staff are not limited, and
other addresses are unaffected."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def limit_of_three(settings):
    settings.PUBLIC_RATE_LIMIT = "3/m"


@pytest.mark.parametrize("url", ["/mous/?q=weavers&page={n}", "/mous/export.csv?year_from=201{n}"])
def test_an_address_past_the_limit_gets_429_with_retry_after(client, limit_of_three, url):
    # A different URL each time, so no answer comes from the page cache.
    statuses = [client.get(url.format(n=n)).status_code for n in range(1, 5)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get(url.format(n=9))
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert b"Too many requests" in refused.content
    assert b"up to 3 a minute" in refused.content


def test_another_address_is_not_limited(client, limit_of_three):
    for n in range(4):
        client.get(f"/mous/?q=weavers&page={n}", REMOTE_ADDR="203.0.113.5")
    assert client.get("/mous/?q=weavers&page=7", REMOTE_ADDR="203.0.113.5").status_code == 429
    assert client.get("/mous/?q=weavers&page=7", REMOTE_ADDR="203.0.113.6").status_code == 200


def test_browsing_without_a_search_is_not_limited(client, limit_of_three):
    for n in range(6):
        assert client.get(f"/mous/?page={n + 1}&state=GJ").status_code == 200


def test_staff_are_not_limited(client, limit_of_three, editor):
    client.force_login(editor)
    for n in range(6):
        assert client.get(f"/mous/?q=weavers&page={n}").status_code == 200


def test_a_behind_proxy_address_counts_only_when_the_proxy_is_trusted(client, settings):
    settings.PUBLIC_RATE_LIMIT = "1/m"
    settings.TRUSTED_PROXY_COUNT = 1
    client.get("/mous/?q=a", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client.get("/mous/?q=b", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    assert client.get("/mous/?q=c", HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 200
