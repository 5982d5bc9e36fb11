"""The data model's rules: what the database and validation refuse, and how dates read."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from agreements.models import (
    Commitment,
    Mou,
    Party,
    Precision,
    ReportedFigure,
    State,
    format_partial_date,
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
