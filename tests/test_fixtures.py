"""The registry's initial data: fixtures/states.json, vocabulary.json and articles.json.

Each test checks a concrete fact from one of the five articles in the registry's archive,
or a rule every fact must keep (a source, a subject, a date no more precise than reported).
"""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils.text import slugify

from agreements.models import (
    Attendee,
    Beneficiary,
    Benefit,
    Cluster,
    Commitment,
    Mou,
    MouParty,
    Party,
    Precision,
    Programme,
    Reaction,
    ReportedFigure,
    Sector,
    Source,
    State,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FIXTURE_FILES = ["states.json", "vocabulary.json", "articles.json", "search_terms.json"]


@pytest.fixture(autouse=True)
def registry(db):
    call_command("loaddata", *(str(FIXTURES / name) for name in FIXTURE_FILES), verbosity=0)


def mou(reference):
    return Mou.objects.get(reference=reference)


# States and union territories ---------------------------------------------------------------


def test_there_are_28_states_and_8_union_territories_with_unique_codes():
    assert State.objects.filter(kind=State.Kind.STATE).count() == 28
    assert State.objects.filter(kind=State.Kind.UNION_TERRITORY).count() == 8
    codes = list(State.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 36


def test_renamed_codes_follow_the_latest_iso_revision_and_keep_the_former_ones():
    expected = {
        "Odisha": ("OD", "OR"),
        "Telangana": ("TS", "TG"),
        "Uttarakhand": ("UK", "UT"),
        "Chhattisgarh": ("CG", "CT"),
        "Dadra and Nagar Haveli and Daman and Diu": ("DH", "DN,DD"),
    }
    for name, (code, former) in expected.items():
        state = State.objects.get(name=name)
        assert (state.code, state.former_codes) == (code, former)


def test_union_territories_are_the_eight_of_today():
    assert set(
        State.objects.filter(kind=State.Kind.UNION_TERRITORY).values_list("code", flat=True)
    ) == {"AN", "CH", "DH", "DL", "JK", "LA", "LD", "PY"}
    assert State.objects.get(code="JK").name == "Jammu and Kashmir"


def test_state_slugs_are_the_slugified_names():
    for state in State.objects.all():
        assert state.slug == slugify(state.name)


# Vocabulary ---------------------------------------------------------------------------------


def test_vocabulary_has_the_sectors_the_articles_need_each_described():
    names = set(Sector.objects.values_list("name", flat=True))
    assert {
        "Handloom",
        "Handicrafts",
        "Khadi and village industries",
        "Horticulture",
        "Leather and footwear",
        "Textiles and apparel",
        "Gems and jewellery",
        "Sports goods",
        "Wood products",
        "Metalware",
        "Carpets",
        "Locks and hardware",
        "Silk",
    } <= names
    assert not Sector.objects.filter(description="").exists()
    assert not Sector.objects.filter(slug="").exists()


def test_vocabulary_has_the_beneficiaries_the_articles_name():
    names = set(Beneficiary.objects.values_list("name", flat=True))
    assert {
        "Artisans",
        "Weavers",
        "Craftspeople",
        "MSMEs",
        "MSME exporters",
        "Farmer producer organisations",
        "Cluster level federations",
        "Primary agricultural cooperative societies",
        "Women entrepreneurs",
        "SMBs",
        "Khadi artisans",
        "Industrial cooperative societies",
        "Master artisans",
    } <= names


# Article 000: Himachal Pradesh --------------------------------------------------------------


def test_amazon_india_signed_four_mous_with_the_himachal_pradesh_government():
    hp = Mou.objects.filter(states__code="HP")
    assert hp.count() == 4
    government = Party.objects.get(name="Government of Himachal Pradesh")
    amazon_india = Party.objects.get(name="Amazon India")
    counterparts = set()
    for item in hp:
        assert {amazon_india, government} <= set(item.parties.all())
        assert item.sources.get().url.startswith("https://www.moneycontrol.com/")
        body = item.mouparty_set.exclude(party__in=[amazon_india, government]).get().party
        counterparts.add(body.short_name or body.name)
    assert counterparts == {
        "HIMCRAFTS",
        "HIMBUNKAR",
        "Himachal Pradesh Department of Industries",
        "Himachal Pradesh Department of Horticulture",
    }


def test_hp_department_of_industries_mou_trains_msme_exporters_at_baddi_solan_and_shimla():
    item = mou("hp-2019-industries")
    assert set(item.clusters.values_list("place", flat=True)) == {"Baddi", "Solan", "Shimla"}
    assert not item.clusters.exclude(product="").exists()
    assert "MSME exporters" in set(item.beneficiaries.values_list("name", flat=True))
    training = item.commitments.get()
    assert training.kind == Commitment.Kind.TRAINING
    assert "Amazon.com" in training.description


def test_hp_horticulture_mou_names_the_community_based_organisations():
    names = set(mou("hp-2019-horticulture").beneficiaries.values_list("name", flat=True))
    assert {
        "Farmer producer organisations",
        "Cluster level federations",
        "Primary agricultural cooperative societies",
    } <= names


def test_hp_global_selling_sales_are_over_33_million_dollars_in_2019():
    figure = ReportedFigure.objects.get(value_as_written="$33 million")
    assert figure.value == Decimal("33000000")
    assert figure.qualifier == ReportedFigure.Qualifier.OVER
    assert (figure.as_of, figure.as_of_precision) == (datetime.date(2019, 1, 1), Precision.YEAR)
    assert figure.programme.name == "Amazon Global Selling"


def test_amit_agarwal_speaks_for_each_himachal_pradesh_mou():
    for item in Mou.objects.filter(states__code="HP"):
        reaction = item.reactions.get(speaker="Amit Agarwal")
        assert reaction.stance == Reaction.Stance.SUPPORT
        assert "women entrepreneurs" in reaction.quote


def test_amit_agarwal_quote_stops_where_the_article_puts_its_comma():
    article = (
        "We see a catalyst role for us in three key areas – jobs, MSME empowerment and exports. "
        "Our four different MoUs signed with the Government of Himachal Pradesh will help us play "
        "a significant role in addressing those areas and empower the local community of women "
        'entrepreneurs, artisans and weavers, MSMEs and SMBs," Amazon India SVP'
    )
    for reaction in Reaction.objects.filter(speaker="Amit Agarwal"):
        assert reaction.quote in article
        assert reaction.quote.endswith("MSMEs and SMBs")


# Article 001: Uttar Pradesh -----------------------------------------------------------------


def test_uttar_pradesh_odop_mou_has_the_nine_clusters():
    item = mou("up-odop-kala-haat")
    clusters = {c.place: c for c in item.clusters.select_related("state", "sector")}
    assert set(clusters) == {
        "Varanasi",
        "Aligarh",
        "Moradabad",
        "Bhadohi",
        "Lucknow",
        "Kanpur",
        "Agra",
        "Meerut",
        "Saharanpur",
    }
    assert clusters["Varanasi"].product == "Banarasi silk saris"
    assert clusters["Moradabad"].sector.name == "Metalware"
    assert clusters["Agra"].sector.name == "Leather and footwear"
    for cluster in clusters.values():
        assert cluster.state.code == "UP"
        assert cluster.sector is not None
        assert cluster.product
    assert set(item.sectors.all()) == {c.sector for c in clusters.values()}


def test_uttar_pradesh_odop_mou_was_signed_at_the_odop_summit_with_the_president_present():
    item = mou("up-odop-kala-haat")
    assert item.signed_on is None
    assert item.signed_on_precision == Precision.UNKNOWN
    assert item.occasion == "ODOP Summit"
    assert item.attendees.get().name == "Ram Nath Kovind"
    assert set(item.programmes.values_list("name", flat=True)) == {
        "One District One Product",
        "Kala Haat",
    }
    assert Programme.objects.get(name="Kala Haat").owner.name == "Amazon India"


def test_uttar_pradesh_odop_benefits_go_to_300_msme_sellers():
    commitments = mou("up-odop-kala-haat").commitments.all()
    assert {c.kind for c in commitments} == {
        Commitment.Kind.TRAINING,
        Commitment.Kind.MARKETING,
        Commitment.Kind.ACCOUNT_MANAGEMENT,
        Commitment.Kind.LOGISTICS,
    }
    for commitment in commitments:
        assert commitment.target_value == Decimal("300")
        assert commitment.target_unit == "MSME sellers"


def test_uttar_pradesh_khadi_mou_date_is_unknown_with_the_february_note():
    item = mou("up-khadi-board")
    assert item.signed_on is None
    assert item.signed_on_precision == Precision.UNKNOWN
    assert "February" in item.signed_on_note
    assert "no year" in item.signed_on_note
    board = Party.objects.get(name="Uttar Pradesh Khadi and Village Industries Board")
    assert board.kind == Party.Kind.STATUTORY_BOARD
    assert board in item.parties.all()


def test_uttar_pradesh_khadi_pilot_workshops_started_last_october_with_progress_unknown():
    workshops = mou("up-khadi-board").commitments.get()
    assert workshops.status == Commitment.Status.UNKNOWN
    assert workshops.status_source is None
    assert "last October" in workshops.period
    for place in ["Kanpur", "Varanasi", "Ghaziabad", "Lucknow"]:
        assert place in workshops.description


def test_untitled_uttar_pradesh_article_is_described_in_brackets_and_points_to_its_copy():
    source = mou("up-odop-kala-haat").sources.get()
    assert source.title.startswith("[") and source.title.endswith("]")
    assert source.published_on is None
    assert source.url == ""
    assert "articles/001_4738c933e08739e7.txt" in source.internal_note
    assert "no title, publisher, author, URL or date" in source.public_note
    assert mou("up-khadi-board").sources.get() == source


def test_uttar_pradesh_employment_figures_keep_the_exact_quote():
    figures = ReportedFigure.objects.filter(sector__name="Textiles and apparel")
    assert sorted(f.value_as_written for f in figures) == ["35 million", "50 million"]
    for figure in figures:
        assert "almost 50 and 35 million Indians respectively" in figure.quote
        assert figure.as_of is None
        assert figure.as_of_precision == Precision.UNKNOWN


def test_khadi_summary_attributes_the_demand_to_the_article_not_to_amazon():
    summary = mou("up-khadi-board").summary
    assert "helped by" not in summary
    assert "The article says increasing demand for biodegradable and organic products" in summary
    assert "initiative was taken to support the surge in demand for Khadi products" in summary


def test_odop_is_described_only_in_the_articles_words():
    description = Programme.objects.get(name="One District One Product").description
    assert "built around" not in description
    assert "MSME sellers are registered" in description
    assert "conventional industries synonymous with respective districts" in description


# Article 002: Gujarat -----------------------------------------------------------------------


def test_gujarat_mou_runs_under_amazon_global_selling_with_five_msme_clusters():
    item = mou("gj-2021-global-selling")
    assert item.programmes.get().owner.name == "Amazon"
    assert set(item.clusters.values_list("place", flat=True)) == {
        "Ahmedabad",
        "Vadodara",
        "Surat",
        "Bharuch",
        "Rajkot",
    }
    assert not item.clusters.exclude(product="").exists()
    assert "Industries and Mines Department, Government of Gujarat" in set(
        item.parties.values_list("name", flat=True)
    )


def test_cait_opposes_the_gujarat_mou():
    cait = Party.objects.get(short_name="CAIT")
    assert cait.kind == Party.Kind.TRADE_BODY
    reactions = mou("gj-2021-global-selling").reactions.filter(party=cait)
    assert reactions.count() == 2
    assert {r.stance for r in reactions} == {Reaction.Stance.OPPOSITION}
    text = " ".join(r.summary for r in reactions)
    for fact in ["9 September 2021", "Halla Bol on E-Commerce", "Nadda", "Piyush Goyal"]:
        assert fact in text
    assert reactions.filter(speaker__contains="Bhartia").filter(speaker__contains="Khandelwal")


def test_cait_says_it_represents_70_million_traders():
    figure = ReportedFigure.objects.get(party__short_name="CAIT")
    assert figure.value == Decimal("70000000")


def test_gujarat_chief_minister_and_amazon_support_the_mou():
    speakers = set(
        mou("gj-2021-global-selling")
        .reactions.filter(stance=Reaction.Stance.SUPPORT)
        .values_list("speaker", flat=True)
    )
    assert speakers == {"Vijay Rupani", "Abhijit Kamra"}


def test_gujarat_quotes_are_verbatim_with_the_articles_attribution_and_apostrophes():
    kamra = Reaction.objects.get(speaker="Abhijit Kamra").quote
    assert "across India,” said Kamra. “We remain committed" in kamra
    rupani = Reaction.objects.get(speaker="Vijay Rupani").quote
    assert "e-commerce exports,” said Rupani. “It will help them" in rupani
    assert "Amazon’s global presence" in rupani
    assert "the state’s manufacturing" in rupani
    assert "'" not in rupani


def test_global_selling_description_is_not_put_in_amazons_mouth():
    description = Programme.objects.get(name="Amazon Global Selling").description
    assert "As Amazon describes it" not in description
    assert "As the report of the Gujarat MoU describes it" in description


def test_gujarat_source_note_says_why_the_signatory_is_amazon_india():
    item = mou("gj-2021-global-selling")
    note = item.sources.get().public_note
    assert "'India has signed'" in note
    assert "Amazon India has signed" in note
    marketplace = item.mouparty_set.get(role=MouParty.Role.MARKETPLACE)
    assert marketplace.party.name == "Amazon India"


# Article 003: Tamil Nadu and Assam ----------------------------------------------------------


def test_tamil_nadu_mou_is_dated_the_thursday_before_the_article():
    item = mou("tn-2021-samarth")
    assert item.signed_on == datetime.date(2021, 2, 18)
    assert item.signed_on.strftime("%A") == "Thursday"
    assert item.sources.get().published_on == datetime.date(2021, 2, 19)


def test_tamil_nadu_bureau_commits_to_supply_its_enterprises():
    kinds = {(c.party.name, c.kind) for c in mou("tn-2021-samarth").commitments.all()}
    bureau = "Tamil Nadu Micro, Small Medium Enterprises Trade and Investment Promotion Bureau"
    assert kinds == {(bureau, Commitment.Kind.SUPPLY)}


def test_flipkart_samarth_supports_over_7_50_lakh_artisans():
    samarth = Programme.objects.get(name="Flipkart Samarth")
    assert samarth.launched_year == 2019
    figure = ReportedFigure.objects.get(programme=samarth)
    assert figure.value == Decimal("750000")
    assert figure.value_as_written == "7.50 lakh"
    assert figure.qualifier == ReportedFigure.Qualifier.OVER


def test_tamil_nadu_has_294_industrial_cooperative_societies():
    figure = ReportedFigure.objects.get(state__code="TN")
    assert figure.value == Decimal("294")


def test_assam_mou_is_dated_only_to_last_year():
    item = mou("as-2020-samarth")
    assert (item.signed_on, item.signed_on_precision) == (
        datetime.date(2020, 1, 1),
        Precision.YEAR,
    )
    assert "last year" in item.signed_on_note
    assert item.programmes.get().name == "Flipkart Samarth"
    assert item.sources.get() == mou("tn-2021-samarth").sources.get()


def test_tamil_nadu_mou_sector_is_handicrafts_only_as_the_article_names_no_handloom():
    item = mou("tn-2021-samarth")
    assert list(item.sectors.values_list("name", flat=True)) == ["Handicrafts"]


def test_tamil_nadu_quotes_stop_where_the_article_puts_its_comma():
    george = Reaction.objects.get(speaker="Anu George").quote
    assert george.endswith("link them to a national market for their products")
    kumar = Reaction.objects.get(speaker="Rajneesh Kumar", mou__reference="tn-2021-samarth")
    assert kumar.quote.endswith("in the form of seamless onboarding and cataloguing")


def test_samarth_description_keeps_the_articles_purpose_and_reach():
    description = Programme.objects.get(name="Flipkart Samarth").description
    assert "sustainable and inclusive platform for underserved domestic communities" in description
    assert "reach out to a large number of rural entrepreneurs" in description
    assert "lack of access to working capital, poor infrastructure and inadequate training" in (
        description
    )


# Article 004: Jammu and Kashmir -------------------------------------------------------------


def test_samarth_waives_commission_for_the_first_six_months():
    waiver = Benefit.objects.get(kind=Commitment.Kind.FEE_WAIVER)
    assert waiver.programme.name == "Flipkart Samarth"
    assert waiver.period == "the first six months"
    assert waiver.source == mou("jk-2020-samarth").sources.get()


def test_jammu_and_kashmir_mou_names_both_signatories_and_who_was_present():
    item = mou("jk-2020-samarth")
    assert item.occasion == "Virtual ceremony"
    signatories = dict(
        item.mouparty_set.exclude(signatory="").values_list("signatory", "party__name")
    )
    assert signatories == {
        "Hashmat Ali Yatoo": "Jammu and Kashmir Handloom and Handicrafts Corporation",
        "Rajneesh Kumar": "Flipkart",
    }
    assert "Manoj Sinha" in set(item.attendees.values_list("name", flat=True))
    assert item.attendees.count() == 2


def test_jammu_and_kashmir_mou_is_dated_by_its_first_report_on_15_october_2020():
    item = mou("jk-2020-samarth")
    assert (item.signed_on, item.signed_on_precision, item.date_kind) == (
        datetime.date(2020, 10, 15),
        Precision.DAY,
        Mou.DateKind.REPORTED,
    )
    assert item.date_display == "First reported 15 October 2020; signing date not reported"


# Rules every fact keeps ---------------------------------------------------------------------


def test_there_are_ten_published_mous_nine_signed_and_one_tie_up_with_unique_references():
    assert Mou.objects.count() == 10
    assert Mou.objects.published().count() == 10
    assert set(
        Mou.objects.exclude(status=Mou.Status.SIGNED).values_list("reference", flat=True)
    ) == {"up-khadi-board"}
    references = list(Mou.objects.values_list("reference", flat=True))
    assert "" not in references
    assert len(set(references)) == 10


def test_every_mou_commitment_figure_reaction_and_attendee_has_a_source():
    for item in Mou.objects.all():
        sources = set(item.sources.all())
        assert sources
        for related in [item.commitments, item.figures, item.reactions, item.attendees]:
            for fact in related.all():
                assert fact.source in sources
    for model in [Commitment, ReportedFigure, Reaction, Attendee, Benefit]:
        assert not model.objects.filter(source__isnull=True).exists()


def test_every_source_is_cited_and_has_a_registry_copy_named_only_in_its_internal_note():
    assert Source.objects.count() == 5
    for source in Source.objects.all():
        assert source.mous.exists()
        assert "Registry copy: articles/" in source.internal_note
        assert "articles/" not in source.public_note


def test_name_spellings_are_internal_notes():
    source = mou("jk-2020-samarth").sources.get()
    assert "Hashmat Ali Yaato (KAS)" in source.internal_note
    assert "Yaato" not in source.public_note


def test_every_mou_has_at_least_two_parties_and_one_state():
    for item in Mou.objects.all():
        assert item.parties.count() >= 2, item
        assert item.states.count() >= 1, item
        assert item.mouparty_set.filter(role=MouParty.Role.MARKETPLACE).count() == 1


def test_every_figure_has_a_subject():
    for figure in ReportedFigure.objects.all():
        assert figure.party or figure.programme or figure.state or figure.sector, figure


def test_dates_are_no_more_precise_than_reported():
    for item in Mou.objects.all():
        assert (item.signed_on is None) == (item.signed_on_precision == Precision.UNKNOWN)
        assert item.signed_on_note, item
        if item.signed_on_precision in (Precision.MONTH, Precision.YEAR):
            assert item.signed_on.day == 1
        if item.signed_on_precision == Precision.YEAR:
            assert item.signed_on.month == 1
    for figure in ReportedFigure.objects.all():
        assert (figure.as_of is None) == (figure.as_of_precision == Precision.UNKNOWN)


def test_no_cluster_claims_a_gi_tag():
    assert Cluster.objects.count() == 21
    assert not Cluster.objects.filter(gi_tag=True).exists()


def test_no_party_has_a_website_the_articles_do_not_give():
    assert not Party.objects.exclude(website="").exists()


def test_every_row_passes_model_validation():
    for model in apps.get_app_config("agreements").get_models():
        if not model._meta.managed:
            continue  # the search documents: tables of one database, written by search
        for obj in model.objects.all():
            obj.full_clean()


# The second look: claims the articles do not make, fixed and pinned -------------------------


def test_khadi_board_tie_up_is_a_reported_tie_up_not_a_signed_mou():
    item = mou("up-khadi-board")
    assert item.status == Mou.Status.REPORTED
    assert item.status_source is None
    assert "does not say whether a memorandum was signed" in item.summary


def test_himachal_pradesh_and_tamil_nadu_dates_are_announcements_not_signings():
    for item in Mou.objects.filter(states__code="HP"):
        assert (item.signed_on, item.date_kind) == (
            datetime.date(2019, 11, 7),
            Mou.DateKind.ANNOUNCED,
        )
        assert item.date_display == "Announced 7 November 2019; signing date not reported"
    tamil_nadu = mou("tn-2021-samarth")
    assert tamil_nadu.date_kind == Mou.DateKind.ANNOUNCED
    assert tamil_nadu.date_display == "Announced 18 February 2021; signing date not reported"


def test_gujarat_mou_is_dated_by_its_first_report_not_a_signing_month():
    item = mou("gj-2021-global-selling")
    assert (item.signed_on, item.signed_on_precision, item.date_kind) == (
        datetime.date(2021, 9, 7),
        Precision.DAY,
        Mou.DateKind.REPORTED,
    )


def test_only_dates_the_articles_give_as_signing_dates_are_called_signed():
    signed = Mou.objects.filter(date_kind=Mou.DateKind.SIGNED).exclude(signed_on=None)
    assert list(signed.values_list("reference", flat=True)) == ["as-2020-samarth"]


def test_the_only_figure_about_an_mou_itself_is_the_nine_odop_districts():
    figure = ReportedFigure.objects.exclude(mou=None).get()
    assert figure.mou.reference == "up-odop-kala-haat"
    assert (figure.value, figure.unit) == (Decimal("9"), "districts")
    assert "throughout 9 districts" in figure.quote


def test_himachal_pradesh_figures_are_about_amazon_in_the_state_and_global_selling():
    for written in ["2,000", "100", "37,000", "$33 million"]:
        figure = ReportedFigure.objects.get(
            value_as_written=written, source__publisher="Moneycontrol"
        )
        assert figure.mou is None
        assert figure.state.code == "HP"
        assert figure.party or figure.programme


def test_textile_employment_reads_50_million_indirect_and_35_million_direct():
    indirect = ReportedFigure.objects.get(value_as_written="50 million", sector__isnull=False)
    direct = ReportedFigure.objects.get(value_as_written="35 million")
    assert "indirectly" in indirect.description
    assert "directly" in direct.description and "indirectly" not in direct.description
    for figure in (indirect, direct):
        assert figure.sector.name == "Textiles and apparel"
        assert figure.mou is None


def test_gopal_pillai_is_not_presented_as_quoted_or_as_reacting_to_the_khadi_tie_up():
    assert not mou("up-khadi-board").reactions.exists()
    reaction = Reaction.objects.get(speaker="Gopal Pillai")
    assert reaction.mou.reference == "up-odop-kala-haat"
    assert reaction.speech == Reaction.Speech.REPORTED
    assert reaction.quote.startswith("The Director &GM , Seller Services, Amazon India Gopal")


def test_samarth_incubation_support_and_waiver_are_programme_benefits_not_mou_commitments():
    samarth = Programme.objects.get(name="Flipkart Samarth")
    assert {b.kind for b in samarth.benefits.all()} == {
        Commitment.Kind.ONBOARDING,
        Commitment.Kind.FEE_WAIVER,
    }
    flipkart = Commitment.objects.filter(
        mou__reference__in=["tn-2021-samarth", "jk-2020-samarth"], party__name="Flipkart"
    )
    assert list(flipkart.values_list("kind", flat=True)) == [Commitment.Kind.MARKETING]
    assert "waiver" not in samarth.description


def test_gujarat_mou_claims_no_sectors_the_chief_minister_named_for_the_state():
    item = mou("gj-2021-global-selling")
    assert not item.sectors.exists()
    assert "sectors recorded" not in item.summary


def test_each_himachal_pradesh_mou_records_its_purpose_and_the_groups_the_article_names():
    for item in Mou.objects.filter(states__code="HP"):
        assert item.commitments.exists(), item
        names = set(item.beneficiaries.values_list("name", flat=True))
        assert {"Sellers", "MSMEs", "Artisans", "Weavers", "Women entrepreneurs", "SMBs"} <= names
    purpose = mou("hp-2019-horticulture").commitments.get()
    assert purpose.party is None
    assert "farmer producer organisations" in purpose.quote


def test_khadi_workshop_places_are_recorded_as_the_tie_ups_places():
    places = set(mou("up-khadi-board").clusters.values_list("place", flat=True))
    assert places == {"Kanpur", "Varanasi", "Ghaziabad", "Lucknow"}
    assert not mou("up-khadi-board").clusters.exclude(product="").exists()


def test_cait_announced_actions_are_recorded_one_by_one():
    actions = [
        action
        for reaction in mou("gj-2021-global-selling").reactions.filter(party__short_name="CAIT")
        for action in reaction.actions
    ]
    assert len(actions) == 3
    assert any("9 September 2021" in action and "Halla Bol" in action for action in actions)
    assert any("Nadda" in action and "Piyush Goyal" in action for action in actions)


def test_himbunkar_is_a_cooperative_counterpart_not_a_government_body():
    himbunkar = Party.objects.get(short_name="HIMBUNKAR")
    assert himbunkar.kind == Party.Kind.COOPERATIVE
    assert himbunkar.parent is None
    link = mou("hp-2019-himbunkar").mouparty_set.get(party=himbunkar)
    assert link.role == MouParty.Role.COUNTERPART


def test_jammu_and_kashmir_is_a_union_territory_administration():
    party = Party.objects.get(name="Government of Jammu and Kashmir")
    assert party.kind == Party.Kind.UT_ADMINISTRATION
