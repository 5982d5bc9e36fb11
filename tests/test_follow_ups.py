"""What happened since the signing: follow-ups and checks decide the current status,
the freshness of a record and whether a promise is overdue; nothing asserts a status
without a source."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from agreements.models import Commitment, FollowUp, Mou, NewsCheck, Precision, mous, refresh_derived

pytestmark = pytest.mark.django_db


@pytest.fixture
def promise(gujarat_mou, article, amazon):
    """A commitment of the Gujarat MoU (signed September 2021): 300 sellers in six months."""
    return Commitment.objects.create(
        mou=gujarat_mou,
        party=amazon,
        description="Onboard 300 MSME sellers",
        target_value=300,
        target_unit="MSME sellers",
        period="the first six months",
        period_months=6,
        source=article,
    )


def follow_up(mou, source, day, **fields):
    return FollowUp.objects.create(
        mou=mou, source=source, dated_on=day, summary=fields.pop("summary", "News"), **fields
    )


def came_into_force(mou, source, year):
    """A follow-up known only by its year, reporting the MoU active."""
    follow_up(
        mou,
        source,
        datetime.date(year, 1, 1),
        summary="Came into force",
        mou_status=Mou.Status.ACTIVE,
        dated_on_precision=Precision.YEAR,
    )


def test_a_commitment_takes_the_status_of_its_latest_dated_follow_up(promise, article):
    assert promise.current_status == Commitment.Status.PLEDGED
    follow_up(
        promise.mou,
        article,
        datetime.date(2022, 3, 1),
        commitment=promise,
        commitment_status=Commitment.Status.FULFILLED,
    )
    follow_up(
        promise.mou,
        article,
        datetime.date(2021, 12, 1),
        commitment=promise,
        commitment_status=Commitment.Status.IN_PROGRESS,
        progress_value=Decimal("120"),
    )
    promise.refresh_from_db()
    assert promise.current_status == Commitment.Status.FULFILLED
    assert promise.status == Commitment.Status.PLEDGED  # what the signing's report said


def test_deleting_the_follow_up_falls_back_to_what_the_signing_report_said(promise, article):
    news = follow_up(
        promise.mou,
        article,
        datetime.date(2022, 3, 1),
        commitment=promise,
        commitment_status=Commitment.Status.LAPSED,
    )
    news.delete()
    promise.refresh_from_db()
    assert promise.current_status == Commitment.Status.PLEDGED


def test_an_mou_takes_the_status_its_latest_follow_up_reports(gujarat_mou, article):
    follow_up(gujarat_mou, article, datetime.date(2022, 1, 1), mou_status=Mou.Status.ACTIVE)
    follow_up(gujarat_mou, article, datetime.date(2023, 1, 1), summary="A workshop was held")
    gujarat_mou.refresh_from_db()
    assert gujarat_mou.current_status == Mou.Status.ACTIVE
    assert gujarat_mou.last_news_on == datetime.date(2023, 1, 1)


def test_refreshing_writes_only_the_rows_whose_derived_values_change(promise, article):
    mou = Mou.objects.filter(pk=promise.mou_id)
    assert refresh_derived(mou, touch=False) == 0
    FollowUp.objects.bulk_create(  # no signal: the refresh below is what derives
        [
            FollowUp(
                mou_id=promise.mou_id,
                commitment=promise,
                source=article,
                dated_on=datetime.date(2022, 3, 1),
                summary="120 sellers onboarded",
                commitment_status="in_progress",
            )
        ]
    )
    # The commitment's status and news, and the MoU's last news.
    assert refresh_derived(mou, touch=False) == 2
    promise.refresh_from_db()
    assert (promise.current_status, promise.followed_up) == ("in_progress", True)
    assert refresh_derived(mou, touch=False) == 0
    assert refresh_derived(mou) == 1  # touched: marked updated all the same


def test_a_check_that_found_nothing_makes_the_record_fresh(gujarat_mou):
    gujarat_mou.refresh_from_db()
    # Signed "September 2021": its last news can be of 30 September.
    assert gujarat_mou.last_news_on == datetime.date(2021, 9, 30)
    assert gujarat_mou.no_news_since
    NewsCheck.objects.create(mou=gujarat_mou, note="News search")
    gujarat_mou.refresh_from_db()
    assert gujarat_mou.last_news_on == timezone.localdate()
    assert not gujarat_mou.no_news_since


def test_news_dated_only_by_its_year_goes_stale_with_the_years_last_day(
    client, gujarat_mou, article, monkeypatch
):
    came_into_force(gujarat_mou, article, 2024)
    # As on 3 December 2026: news of "2024" may be of 31 December 2024, within 24 months.
    monkeypatch.setattr(mous, "no_news_cutoff", lambda: datetime.date(2024, 12, 3))
    html = client.get(gujarat_mou.get_absolute_url()).content.decode()
    assert "Came into force" in html
    assert "No news recorded since" not in html
    # As on 1 January 2027: even its last day is more than 24 months ago.
    monkeypatch.setattr(mous, "no_news_cutoff", lambda: datetime.date(2025, 1, 1))
    cache.clear()
    html = client.get(gujarat_mou.get_absolute_url()).content.decode()
    assert "No news recorded since 2024." in html


def test_the_latest_news_is_the_one_that_can_be_latest_whatever_its_precision(
    client, gujarat_mou, article
):
    came_into_force(gujarat_mou, article, 2022)
    NewsCheck.objects.create(mou=gujarat_mou, checked_on=datetime.date(2022, 6, 1), note="Search")
    html = client.get(gujarat_mou.get_absolute_url()).content.decode()
    # The check came after the first day of 2022, but the news may be of December.
    assert "No news recorded since 2022." in html


def test_a_commitment_past_its_period_without_fulfilment_is_overdue(promise, article):
    promise.refresh_from_db()
    assert promise.due_on == datetime.date(2022, 3, 31)  # a month-precision signing + 6
    assert promise.is_overdue
    follow_up(
        promise.mou,
        article,
        datetime.date(2022, 2, 1),
        commitment=promise,
        commitment_status=Commitment.Status.FULFILLED,
    )
    promise.refresh_from_db()
    assert not promise.is_overdue


def test_a_term_gives_an_expected_end_at_the_dates_precision(gujarat_mou):
    gujarat_mou = Mou.objects.for_detail().get(pk=gujarat_mou.pk)
    gujarat_mou.term_months = 36
    gujarat_mou.signed_on, gujarat_mou.signed_on_precision = datetime.date(2019, 1, 1), "year"
    assert gujarat_mou.expected_end == (datetime.date(2022, 1, 1), Precision.YEAR)
    assert gujarat_mou.lifecycle_note == "Expired by its term in 2022 unless renewed"


@pytest.fixture
def three_year_mou(gujarat_mou):
    """Signed in 2019 by its source, valid for three years: its term ended in 2022."""
    Mou.objects.filter(pk=gujarat_mou.pk).update(
        term_months=36, signed_on=datetime.date(2019, 1, 1), signed_on_precision="year"
    )
    return gujarat_mou


@pytest.mark.parametrize(
    ("reported", "on", "note_shown"),
    [
        (None, None, True),
        (Mou.Status.ACTIVE, datetime.date(2020, 5, 1), True),  # in force before the end
        (Mou.Status.DORMANT, datetime.date(2021, 5, 1), True),
        (Mou.Status.ACTIVE, datetime.date(2023, 5, 1), False),  # in force after it: renewed
        (Mou.Status.TERMINATED, datetime.date(2020, 5, 1), False),
    ],
)
def test_the_page_says_the_term_ended_until_a_follow_up_says_otherwise(
    client, three_year_mou, article, reported, on, note_shown
):
    if reported:
        follow_up(three_year_mou, article, on, mou_status=reported)
    html = client.get(three_year_mou.get_absolute_url()).content.decode()
    assert ("Expired by its term in 2022 unless renewed" in html) is note_shown


def test_a_renewal_reporting_the_status_already_recorded_ends_the_term_note(
    client, three_year_mou, article
):
    Mou.objects.filter(pk=three_year_mou.pk).update(status=Mou.Status.ACTIVE, status_source=article)
    page = three_year_mou.get_absolute_url()
    assert "Expired by its term in 2022 unless renewed" in client.get(page).content.decode()
    follow_up(three_year_mou, article, datetime.date(2023, 2, 1), mou_status=Mou.Status.ACTIVE)
    assert "Expired by its term" not in client.get(page).content.decode()


def test_editing_an_mou_whose_follow_up_predates_it_is_not_blocked_by_that(gujarat_mou, article):
    """A record from before the rule: the rule binds a new date, not every other edit."""
    follow_up(gujarat_mou, article, datetime.date(2021, 8, 1))  # before September 2021
    gujarat_mou.summary = "Mended"
    gujarat_mou.full_clean()


def test_a_term_still_running_says_when_it_is_due_to_end(client, gujarat_mou, article):
    Mou.objects.filter(pk=gujarat_mou.pk).update(term_months=120)  # September 2021 + 10 years
    follow_up(gujarat_mou, article, datetime.date(2022, 5, 1), mou_status=Mou.Status.ACTIVE)
    html = client.get(gujarat_mou.get_absolute_url()).content.decode()
    assert "Due to end by its term in September 2031" in html


def test_an_mou_cannot_be_dated_after_its_follow_ups(gujarat_mou, article):
    follow_up(gujarat_mou, article, datetime.date(2022, 1, 1), dated_on_precision=Precision.YEAR)
    gujarat_mou.signed_on, gujarat_mou.signed_on_precision = datetime.date(2023, 3, 1), "month"
    with pytest.raises(ValidationError) as refused:
        gujarat_mou.full_clean()
    assert refused.value.message_dict["signed_on"] == [
        "This date would put the follow-up of 2022 before the signing, and a follow-up "
        "comes after it: change or delete that follow-up first."
    ]
    gujarat_mou.signed_on = datetime.date(2022, 6, 1)  # within the year the news is dated
    gujarat_mou.full_clean()


def test_a_follow_up_dated_before_the_signing_is_refused(gujarat_mou, article):
    news = FollowUp(
        mou=gujarat_mou, source=article, dated_on=datetime.date(2021, 8, 31), summary="Early"
    )
    with pytest.raises(ValidationError) as refused:
        news.full_clean()
    assert "before the MoU's date" in str(refused.value.message_dict["dated_on"])
    news.dated_on, news.dated_on_precision = datetime.date(2021, 1, 1), Precision.YEAR
    news.full_clean()  # 2021 may mean a day after 1 September


def test_a_follow_up_for_another_mous_commitment_is_refused(promise, make_mou, amazon, gujarat):
    other = make_mou("Another MoU", parties=[amazon], states=[gujarat])
    news = FollowUp(
        mou=other,
        commitment=promise,
        source=promise.source,
        dated_on=datetime.date(2022, 1, 1),
        summary="x",
    )
    with pytest.raises(ValidationError) as refused:
        news.full_clean()
    assert "belongs to another MoU" in str(refused.value.message_dict["commitment"])


def test_a_status_change_without_a_source_is_refused(promise):
    news = FollowUp(
        mou=promise.mou,
        commitment=promise,
        commitment_status=Commitment.Status.FULFILLED,
        dated_on=datetime.date(2022, 1, 1),
        summary="Done",
    )
    with pytest.raises(ValidationError) as refused:
        news.full_clean()
    assert refused.value.message_dict == {"source": ["This field cannot be null."]}
    news.source = promise.source
    news.full_clean()  # the source was all it lacked


def test_progress_without_a_commitment_is_refused_by_the_database(gujarat_mou, article):
    with pytest.raises(IntegrityError), transaction.atomic():
        follow_up(gujarat_mou, article, datetime.date(2022, 1, 1), progress_value=5)


def test_the_mou_page_shows_the_timeline_and_each_promises_progress(client, promise, article):
    follow_up(
        promise.mou,
        article,
        datetime.date(2021, 12, 1),
        commitment=promise,
        commitment_status=Commitment.Status.IN_PROGRESS,
        progress_value=Decimal("120"),
        summary="120 sellers onboarded so far",
    )
    follow_up(
        promise.mou,
        article,
        datetime.date(2022, 5, 1),
        summary="Came into force",
        mou_status=Mou.Status.ACTIVE,
        dated_on_precision=Precision.MONTH,
    )
    NewsCheck.objects.create(mou=promise.mou, checked_on=datetime.date(2026, 11, 20), note="Search")
    html = client.get(promise.mou.get_absolute_url()).content.decode()
    timeline = html[html.index('id="timeline-heading"') :]
    order = ["Signed September 2021", "1 December 2021", "May 2022", "20 November 2026"]
    assert [timeline.index(text) for text in order] == sorted(timeline.index(t) for t in order)
    assert "120 of 300 MSME sellers" in html
    assert "Active" in html and "reported May 2022" in html
    assert "No news recorded since" not in html


def test_an_mou_with_no_news_for_two_years_says_so_at_its_dates_precision(client, gujarat_mou):
    html = client.get(gujarat_mou.get_absolute_url()).content.decode()
    assert (
        "No news recorded since September 2021: the sources report nothing after the signing."
        in html
    )


def test_an_mou_whose_last_follow_up_is_old_dates_its_silence_from_it(client, gujarat_mou, article):
    came_into_force(gujarat_mou, article, 2022)
    html = client.get(gujarat_mou.get_absolute_url()).content.decode()
    assert "No news recorded since 2022." in html
    assert "the sources report nothing after the signing" not in html


def test_the_fixtures_hold_the_last_news_their_dates_derive(founding_articles):
    stored = dict(Mou.objects.values_list("pk", "last_news_on"))
    refresh_derived(Mou.objects.all())
    assert dict(Mou.objects.values_list("pk", "last_news_on")) == stored
    # Dated only "2020" (Assam): its news can be of 31 December 2020.
    assert Mou.objects.get(signed_on_precision=Precision.YEAR).last_news_on == (
        datetime.date(2020, 12, 31)
    )


def test_fixture_mous_say_the_sources_report_nothing_since_the_signing(client, founding_articles):
    for mou in Mou.objects.all():
        html = client.get(mou.get_absolute_url()).content.decode()
        assert "the sources report nothing after the signing" in html, mou
    assert not FollowUp.objects.exists()  # no invented follow-ups


def test_the_status_filter_uses_the_current_status(client, gujarat_mou, article):
    follow_up(gujarat_mou, article, datetime.date(2023, 1, 1), mou_status=Mou.Status.EXPIRED)
    assert client.get("/mous/?status=expired").context["page"].paginator.count == 1
    assert client.get("/mous/?status=signed").context["page"].paginator.count == 0


def test_a_follow_ups_source_page_lists_its_news_and_the_status_it_reports(client, rich_mou):
    source = FollowUp.objects.filter(mou=rich_mou).first().source
    page = " ".join(client.get(source.get_absolute_url()).content.decode().split())
    assert ">What happened since</h2>" in page
    for month in (1, 6, 9):
        assert f"News of month {month}" in page
    assert ">Statuses it reports</h2>" in page
    assert "Onboard MSME exporters to Global Selling: " in page  # its status, sourced here
    assert "7.50 lakh" in page  # and the figure it reports
