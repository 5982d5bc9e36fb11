"""The data model's rules: what the database and validation refuse, and how dates read."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from agreements.formats import format_partial_date
from agreements.models import (
    Commitment,
    Mou,
    Party,
    Precision,
    ReportedFigure,
    State,
)


@pytest.mark.parametrize(
    ("precision", "expected"),
    [
        (Precision.DAY, "7 November 2019"),
        (Precision.MONTH, "November 2019"),
        (Precision.YEAR, "2019"),
        (Precision.UNKNOWN, "date not reported"),
    ],
)
def test_a_date_reads_only_as_precisely_as_the_source_gave_it(precision, expected):
    assert format_partial_date(datetime.date(2019, 11, 7), precision) == expected


def test_two_mous_with_the_same_title_get_different_slugs(make_mou, amazon, flipkart, gujarat):
    first = make_mou("Same title", parties=[amazon, flipkart], states=[gujarat])
    second = make_mou("Same title", parties=[amazon, flipkart], states=[gujarat])
    assert first.slug == "same-title"
    assert second.slug == "same-title-2"


def test_references_are_unique_but_may_be_left_blank(make_mou, amazon, flipkart, gujarat):
    make_mou("One", parties=[amazon, flipkart], states=[gujarat])
    make_mou("Two", parties=[amazon, flipkart], states=[gujarat])  # both blank: fine
    make_mou("Three", parties=[amazon, flipkart], states=[gujarat], reference="gj-2021")
    with pytest.raises(IntegrityError):
        make_mou("Four", parties=[amazon, flipkart], states=[gujarat], reference="gj-2021")


def test_a_date_without_a_precision_is_refused(db):
    mou = Mou(title="Undated", signed_on=datetime.date(2021, 9, 7))
    with pytest.raises(ValidationError, match="precise"):
        mou.clean()
    with pytest.raises(IntegrityError):
        mou.save()


def test_a_precision_without_a_date_is_refused(db):
    mou = Mou(title="Dateless", signed_on_precision=Precision.DAY)
    with pytest.raises(ValidationError):
        mou.clean()


def test_an_mou_cannot_end_before_it_was_signed(db):
    mou = Mou(
        title="Backwards",
        signed_on=datetime.date(2021, 9, 7),
        signed_on_precision=Precision.DAY,
        ends_on=datetime.date(2020, 1, 1),
    )
    with pytest.raises(ValidationError, match="end before"):
        mou.clean()


def test_a_year_is_stored_as_its_first_day(db):
    mou = Mou(title="Last year", signed_on=datetime.date(2020, 6, 15), signed_on_precision="year")
    mou.clean()
    assert mou.signed_on == datetime.date(2020, 1, 1)


def test_a_commitment_target_needs_a_unit(gujarat_mou, article):
    commitment = Commitment(
        mou=gujarat_mou, description="Onboard sellers", target_value=300, source=article
    )
    with pytest.raises(ValidationError, match="unit"):
        commitment.clean()
    with pytest.raises(IntegrityError):
        commitment.save()


def test_a_figure_must_be_about_something(gujarat_mou, article):
    figure = ReportedFigure(description="Sellers", value=2000, unit="sellers", source=article)
    with pytest.raises(ValidationError):
        figure.clean()
    with pytest.raises(IntegrityError):
        figure.save()


def test_a_figure_reads_as_the_source_wrote_it(article, amazon):
    written = ReportedFigure(
        party=amazon,
        qualifier="over",
        value=Decimal("750000"),
        unit="artisans",
        value_as_written="7.50 lakh",
        source=article,
    )
    plain = ReportedFigure(
        party=amazon, qualifier="about", value=Decimal("2000"), unit="sellers", source=article
    )
    assert written.display_value == "over 7.50 lakh"
    assert plain.display_value == "about 2,000 sellers"


def test_state_codes_are_two_capital_letters(db):
    with pytest.raises(IntegrityError):
        State.objects.create(name="Nowhere", code="n1", kind=State.Kind.STATE)


def test_a_party_answers_to_all_its_names(db):
    party = Party(
        name="HP State Handicrafts and Handloom Corporation Ltd",
        short_name="HIMCRAFTS",
        other_names="Himcrafts Corporation\n\n",
    )
    assert party.aliases == [
        "HP State Handicrafts and Handloom Corporation Ltd",
        "HIMCRAFTS",
        "Himcrafts Corporation",
    ]


def test_publication_is_stamped_once_and_kept(make_mou, amazon, flipkart, gujarat):
    draft = make_mou("Draft", parties=[amazon, flipkart], states=[gujarat], published=False)
    assert draft.published_at is None
    draft.published = True
    draft.save()
    first = draft.published_at
    assert first is not None
    draft.published = False
    draft.save()
    draft.published = True
    draft.save()
    assert draft.published_at == first


@pytest.mark.parametrize("status", [Mou.Status.ACTIVE, Mou.Status.EXPIRED, Mou.Status.TERMINATED])
def test_an_mou_status_beyond_the_signing_report_needs_its_own_source(gujarat_mou, status):
    gujarat_mou.status = status
    with pytest.raises(ValidationError) as refused:
        gujarat_mou.full_clean()
    assert "name the source that reports it" in str(refused.value.message_dict["status_source"])
    with pytest.raises(IntegrityError), transaction.atomic():
        gujarat_mou.save()


def test_an_mou_status_with_its_own_source_is_accepted(gujarat_mou, article):
    gujarat_mou.status = Mou.Status.ACTIVE
    gujarat_mou.status_source = article
    gujarat_mou.full_clean()
    gujarat_mou.save()


@pytest.mark.parametrize(
    "status",
    [Commitment.Status.IN_PROGRESS, Commitment.Status.FULFILLED, Commitment.Status.LAPSED],
)
def test_a_commitments_progress_needs_its_own_source(gujarat_mou, article, status):
    commitment = Commitment(mou=gujarat_mou, description="Train", source=article, status=status)
    with pytest.raises(ValidationError) as refused:
        commitment.full_clean()
    assert "status_source" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        commitment.save()
    commitment.status_source = article
    commitment.full_clean()


def test_pledged_and_unknown_need_no_source_of_their_own(gujarat_mou, article):
    for status in [Commitment.Status.PLEDGED, Commitment.Status.UNKNOWN]:
        Commitment(mou=gujarat_mou, description="Train", source=article, status=status).full_clean()
    for status in [Mou.Status.ANNOUNCED, Mou.Status.REPORTED, Mou.Status.SIGNED]:
        gujarat_mou.status = status
        gujarat_mou.full_clean()


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (Mou.DateKind.SIGNED, "Signed September 2021"),
        (Mou.DateKind.ANNOUNCED, "Announced September 2021; signing date not reported"),
        (Mou.DateKind.REPORTED, "First reported September 2021; signing date not reported"),
    ],
)
def test_a_date_says_whether_it_is_the_signing_or_its_report(gujarat_mou, kind, expected):
    gujarat_mou.date_kind = kind
    assert gujarat_mou.date_display == expected
    gujarat_mou.signed_on, gujarat_mou.signed_on_precision = None, Precision.UNKNOWN
    assert gujarat_mou.date_display == "Date not reported"
