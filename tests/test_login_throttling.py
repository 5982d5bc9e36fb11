"""Guessing passwords stops working: after five failed logins for one username, or from one
address, the admin's login refuses every attempt for it, without hashing the password it
was sent, with a page saying why, until fifteen minutes after the last one. Editors see
the record; the address is read from X-Forwarded-For only behind a proxy the settings
trust."""

import datetime
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import RequestFactory

from mouregistry.security import client_address

LOGIN = "/admin/login/"


def log_in(client, username, password, **headers):
    return client.post(LOGIN, {"username": username, "password": password}, **headers)


def fail(client, times, username="editor", **headers):
    for _ in range(times):
        response = log_in(client, username, "wrong", **headers)
    return response


@pytest.fixture
def hashes():
    """How many times a password is hashed (checked against a user's, or hashed for a
    user that does not exist, as Django does to take the same time)."""
    calls = []
    real_encode = MD5PasswordHasher.encode

    def encode(self, password, salt):
        calls.append(password)
        return real_encode(self, password, salt)

    with mock.patch.object(MD5PasswordHasher, "encode", encode):
        yield calls


def test_four_failed_logins_still_let_the_right_password_in(client, editor):
    assert fail(client, 4).status_code == 200
    assert log_in(client, "editor", "pw").status_code == 302


def test_the_fifth_failed_login_locks_the_username_out_with_a_page_saying_why(client, editor):
    response = fail(client, 5)
    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    html = " ".join(response.content.decode().split())
    assert "Too many failed logins" in html
    assert "After 5 failed logins for this username or from this address" in html
    assert "paused for 15 minutes" in html
    # The right password no longer helps, from this address or any other.
    assert log_in(client, "editor", "pw").status_code == 429
    assert log_in(client, "editor", "pw", REMOTE_ADDR="198.51.100.7").status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_locked_out_attempt_costs_no_password_hash(client, editor, hashes):
    fail(client, 1)
    assert hashes, "a failed login hashes the password it was sent"
    fail(client, 4)
    hashes.clear()
    for password in ["wrong", "pw", "another"]:
        assert log_in(client, "editor", password).status_code == 429
    assert hashes == []


def test_one_address_guessing_many_usernames_is_locked_out(client, editor, django_user_model):
    for name in ["ana", "bo", "cy", "di", "ed"]:
        assert log_in(client, name, "guess").status_code in (200, 429)
    assert log_in(client, "editor", "pw").status_code == 429
    # The username itself is not locked: the editor logs in from elsewhere.
    assert log_in(client, "editor", "pw", REMOTE_ADDR="198.51.100.7").status_code == 302


def test_the_lockout_ends_fifteen_minutes_after_the_last_attempt(client, editor):
    fail(client, 5)
    past = datetime.timedelta(minutes=16)
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - past)
    assert log_in(client, "editor", "pw").status_code == 302


def test_without_a_trusted_proxy_a_forged_forwarded_for_does_not_escape_the_lockout(client, editor):
    for n in range(5):
        log_in(client, f"user{n}", "guess", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert log_in(client, "editor", "pw", HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429


def test_behind_a_trusted_proxy_each_client_address_is_counted_on_its_own(client, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        log_in(client, f"user{n}", "guess", HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert log_in(client, "editor", "pw", HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 429
    assert log_in(client, "editor", "pw", HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 302


@pytest.mark.parametrize(
    "proxies, forwarded, address",
    [
        (0, "203.0.113.1", "10.0.0.1"),
        (1, "203.0.113.1", "203.0.113.1"),
        # What the client wrote is left of what the trusted proxy appended.
        (1, "198.51.100.66, 203.0.113.1", "203.0.113.1"),
        (2, "198.51.100.66, 203.0.113.1, 10.0.0.2", "203.0.113.1"),
        (2, "203.0.113.1", "10.0.0.1"),
        (1, "not an address", "10.0.0.1"),
        (1, "", "10.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_believes_only_what_trusted_proxies_appended(
    settings, proxies, forwarded, address
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == address


def test_editors_see_failed_logins_and_lockouts_and_viewers_do_not(client, editor, viewer):
    fail(client, 5, username="someone")
    client.force_login(editor)
    attempts = client.get("/admin/axes/accessattempt/")
    assert attempts.status_code == 200
    assert "someone" in attempts.content.decode()
    failures = client.get("/admin/axes/accessfailurelog/")
    assert failures.status_code == 200
    assert "someone" in failures.content.decode()
    attempt = AccessAttempt.objects.get(username="someone")
    assert "wrong" not in attempt.post_data, "the password sent is never kept"
    client.force_login(viewer)
    assert client.get("/admin/axes/accessattempt/").status_code == 403
