"""/healthz tells a load balancer whether this server can serve: "ok" when the database
and the cache answer, 503 otherwise, with nothing more for the public to read, and never
from a cache."""

from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def assert_not_cached(response):
    assert "no-store" in response["Cache-Control"]


def test_with_the_database_and_the_cache_answering_it_is_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert_not_cached(response)


def test_a_database_that_does_not_answer_is_503_and_says_no_more(client, caplog):
    secret = "connection to server at db.internal failed: password authentication failed"
    with mock.patch("mouregistry.health.connection.cursor", side_effect=OperationalError(secret)):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"unavailable"
    assert_not_cached(response)
    assert "health check failed: database" in caplog.text


def test_every_probe_asks_afresh(client):
    assert client.get("/healthz").status_code == 200
    with mock.patch("mouregistry.health.connection.cursor", side_effect=OperationalError):
        assert client.get("/healthz").status_code == 503
    assert client.get("/healthz").status_code == 200


def test_a_cache_that_does_not_answer_is_503(client, caplog):
    with mock.patch("mouregistry.health.cache.get", return_value=None):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"unavailable"
    assert_not_cached(response)
    assert "health check failed: cache gave a wrong answer" in caplog.text


def test_a_cache_that_fails_is_503(client):
    with mock.patch("mouregistry.health.cache.set", side_effect=ConnectionError("redis down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"unavailable"


def test_in_production_plain_http_probes_are_not_redirected(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301
