"""Readers report an error or a missing fact from an MoU's page: the report is kept for
Editors to review in the admin and never published; the form is protected against abuse
(CSRF, a honeypot, a rate limit per address, length limits, no HTML kept)."""

import pytest
from django.test import Client

from agreements.models import Correction, DataVersion
from agreements.models.corrections import REPORT_CHARS

pytestmark = pytest.mark.django_db

REPORT = {
    "message": "The MoU was signed on 8 September, not in August.",
    "source_url": "https://news.example.com/the-real-date",
    "email": "reader@example.org",
}


def report_url(mou):
    return f"/mous/{mou.slug}/report/"


def send(client, mou, **changes):
    return client.post(report_url(mou), {**REPORT, **changes})


def test_the_mou_page_links_to_the_report_form(client, gujarat_mou):
    page = client.get(gujarat_mou.get_absolute_url()).content.decode()
    assert f'href="{report_url(gujarat_mou)}"' in page
    form = client.get(report_url(gujarat_mou))
    assert form.status_code == 200
    assert gujarat_mou.title in form.content.decode()


def test_a_report_is_kept_for_editors_and_the_reader_is_thanked(client, gujarat_mou):
    response = send(client, gujarat_mou)
    assert response.status_code == 302
    thanks = client.get(response["Location"])
    assert b"Thank you" in thanks.content
    report = Correction.objects.get()
    assert report.mou == gujarat_mou
    assert report.message == REPORT["message"]
    assert report.source_url == REPORT["source_url"]
    assert report.email == REPORT["email"]
    assert report.status == Correction.Status.NEW


def test_a_report_is_never_published_and_leaves_cached_pages_alone(client, gujarat_mou):
    before = DataVersion.current().number
    send(client, gujarat_mou, message="Secret lead: the signatory was someone else.")
    assert DataVersion.current().number == before
    for url in [
        gujarat_mou.get_absolute_url(),
        f"/mous/{gujarat_mou.slug}/history/",
        "/mous/export.json",
        "/mous/export.csv",
        "/mous/feed.atom",
        "/changes/",
        f"/sources/{gujarat_mou.sources.get().pk}/",
    ]:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"Secret lead" not in body, url
        assert REPORT["email"].encode() not in body, url


def test_html_in_a_report_is_removed_before_it_is_kept(client, gujarat_mou):
    send(client, gujarat_mou, message='<script>alert(1)</script><b>Wrong</b> <a href="x">date</a>')
    assert Correction.objects.get().message == "alert(1)Wrong date"


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"message": ""}, "This field is required"),
        ({"message": "<p> </p>"}, "in words"),
        ({"message": "x" * (REPORT_CHARS + 1)}, f"at most {REPORT_CHARS:,} characters"),
        ({"source_url": "javascript:alert(1)"}, "Enter a valid URL"),
        ({"source_url": "https://example.org/" + "a" * 600}, "at most 500 characters"),
        ({"email": "not an address"}, "Enter a valid email address"),
    ],
)
def test_a_bad_report_is_shown_again_with_the_problem_and_nothing_kept(
    client, gujarat_mou, changes, problem
):
    response = send(client, gujarat_mou, **changes)
    assert response.status_code == 200
    assert problem in response.content.decode()
    assert not Correction.objects.exists()


def test_a_bot_filling_the_honeypot_is_thanked_like_anyone_and_nothing_is_kept(client, gujarat_mou):
    by_a_person = send(client, gujarat_mou)
    by_a_bot = send(client, gujarat_mou, website="https://spam.example")
    assert by_a_bot.status_code == by_a_person.status_code == 302
    assert by_a_bot["Location"] == by_a_person["Location"]
    assert Correction.objects.count() == 1


def test_a_report_without_the_csrf_token_is_refused(gujarat_mou):
    response = send(Client(enforce_csrf_checks=True), gujarat_mou)
    assert response.status_code == 403
    assert not Correction.objects.exists()


def test_an_address_sending_too_many_reports_gets_429(client, gujarat_mou, settings):
    settings.CORRECTIONS_RATE_LIMIT = "2/h"
    statuses = [send(client, gujarat_mou).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    refused = send(client, gujarat_mou)
    assert int(refused["Retry-After"]) >= 1
    assert "reports of errors" in refused.content.decode()
    assert "up to 2 an hour" in refused.content.decode()
    assert Correction.objects.count() == 2
    # Reading the form is not counted.
    assert client.get(report_url(gujarat_mou)).status_code == 200


def test_drafts_and_unknown_mous_take_no_reports(client, make_mou, amazon, gujarat):
    draft = make_mou("A draft", parties=[amazon], states=[gujarat], published=False)
    assert client.get(report_url(draft)).status_code == 404
    assert send(client, draft).status_code == 404
    assert client.get("/mous/no-such-mou/report/").status_code == 404
    assert not Correction.objects.exists()


@pytest.fixture
def report(client, gujarat_mou):
    send(client, gujarat_mou)
    return Correction.objects.get()


def test_editors_review_a_report_and_the_admin_keeps_who_and_when(client, editor, report):
    client.force_login(editor)
    page = client.get(f"/admin/agreements/correction/{report.pk}/change/")
    assert REPORT["email"] in page.content.decode()
    client.post(
        f"/admin/agreements/correction/{report.pk}/change/",
        {"status": "accepted", "editor_note": "Checked: fixed the date."},
    )
    report.refresh_from_db()
    assert report.status == Correction.Status.ACCEPTED
    assert report.reviewed_by == editor
    assert report.reviewed_at is not None
    assert report.message == REPORT["message"]  # what the reader sent stays as sent


def test_editors_reject_reports_in_bulk(client, editor, report):
    client.force_login(editor)
    client.post(
        "/admin/agreements/correction/",
        {"action": "reject", "_selected_action": [report.pk]},
    )
    report.refresh_from_db()
    assert report.status == Correction.Status.REJECTED
    assert report.reviewed_by == editor


def test_viewers_read_reports_without_the_readers_email_and_cannot_change_them(
    client, viewer, report
):
    client.force_login(viewer)
    page = client.get(f"/admin/agreements/correction/{report.pk}/change/")
    assert page.status_code == 200
    assert REPORT["message"] in page.content.decode()
    assert REPORT["email"] not in page.content.decode()
    client.post(f"/admin/agreements/correction/{report.pk}/change/", {"status": "rejected"})
    report.refresh_from_db()
    assert report.status == Correction.Status.NEW


def test_nobody_adds_a_report_in_the_admin(client, editor):
    client.force_login(editor)
    assert client.get("/admin/agreements/correction/add/").status_code == 403
