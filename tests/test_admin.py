"""The admin, where staff curate: Editors change, Viewers look, other staff see nothing."""

import datetime
import re

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements.forms import PartialDateField
from agreements.models import (
    Benefit,
    Commitment,
    FollowUp,
    Mou,
    MouParty,
    Party,
    Precision,
    Programme,
    ReportedFigure,
    Sector,
    Source,
    record_versions,
)

MODELS = [model for model in admin.site._registry if model._meta.app_label == "agreements"]


def admin_url(model, action, *args):
    return reverse(f"admin:agreements_{model._meta.model_name}_{action}", args=args)


def any_object(model):
    return model._default_manager.first()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_editors_can_open_every_list_add_and_change_page(client, editor, rich_mou, model, rf):
    client.force_login(editor)
    pages = [admin_url(model, "changelist")]
    request = rf.get("/")
    request.user = editor
    # An admin may offer no add page (follow-ups are added on their MoU's page).
    if admin.site._registry[model].has_add_permission(request):
        pages.append(admin_url(model, "add"))
    obj = any_object(model)
    if obj is not None:
        pages.append(admin_url(model, "change", obj.pk))
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_every_changelist_runs_a_fixed_number_of_queries(
    client, editor, rich_mou, model, django_assert_max_num_queries
):
    client.force_login(editor)
    with django_assert_max_num_queries(15):
        assert client.get(admin_url(model, "changelist")).status_code == 200


def test_the_mou_change_page_stays_within_its_query_budget(
    client, editor, rich_mou, django_assert_max_num_queries
):
    client.force_login(editor)
    with django_assert_max_num_queries(40):
        client.get(admin_url(Mou, "change", rich_mou.pk))


def test_the_mou_change_page_costs_the_same_with_many_inline_rows(
    client, editor, rich_mou, amazon, article
):
    client.force_login(editor)
    url = admin_url(Mou, "change", rich_mou.pk)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured)

    def add_commitments(count):
        for n in range(count):
            follow_up = Source.objects.create(title=f"Follow-up {n}")
            Commitment.objects.create(
                mou=rich_mou, party=amazon, description=f"Step {n}", source=follow_up
            )

    def add_parties_and_sources(count):
        for n in range(count):
            party = Party.objects.create(name=f"Partner {count}-{n}")
            MouParty.objects.create(mou=rich_mou, party=party, order=10 + n)
            rich_mou.sources.add(Source.objects.create(title=f"Report {n}"))

    add_commitments(2)
    add_parties_and_sources(2)
    with_a_few = queries()
    add_commitments(10)
    add_parties_and_sources(10)
    assert queries() == with_a_few
    assert "Follow-up 9" in client.get(url).text


def test_mou_changelist_query_count_does_not_grow_with_rows(
    client, editor, make_mou, amazon, gujarat_industries, gujarat, django_assert_max_num_queries
):
    for n in range(30):
        make_mou(f"MoU number {n}", parties=[amazon, gujarat_industries], states=[gujarat])
    client.force_login(editor)
    with django_assert_max_num_queries(15):
        response = client.get(admin_url(Mou, "changelist"))
    assert "MoU number 29" in response.text


def test_editors_can_change_and_delete_records(client, editor, gujarat_mou, handloom):
    client.force_login(editor)
    response = client.post(
        admin_url(Sector, "change", handloom.pk),
        {"name": "Handloom weaving", "slug": "handloom", "description": ""},
    )
    assert response.status_code == 302
    handloom.refresh_from_db()
    assert handloom.name == "Handloom weaving"
    response = client.post(
        admin_url(Mou, "changelist"),
        {"action": "delete_selected", "_selected_action": [gujarat_mou.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Mou.objects.exists()


def test_viewers_see_records_but_cannot_change_them(client, viewer, rich_mou):
    client.force_login(viewer)
    change_url = admin_url(Mou, "change", rich_mou.pk)
    page = client.get(change_url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert client.get(admin_url(Mou, "add")).status_code == 403
    client.post(change_url, {"title": "Hijacked"})
    rich_mou.refresh_from_db()
    assert rich_mou.title != "Hijacked"


def test_staff_outside_both_groups_see_nothing(client, outsider, rich_mou):
    client.force_login(outsider)
    index = client.get(reverse("admin:index"))
    assert "MoU registry" not in index.text
    assert client.get(admin_url(Mou, "changelist")).status_code == 403
    assert client.get(admin_url(Mou, "change", rich_mou.pk)).status_code == 403


def test_the_mou_list_filters_by_year_including_unknown(
    client, editor, make_mou, amazon, gujarat_industries, gujarat
):
    make_mou("Dated", parties=[amazon, gujarat_industries], states=[gujarat])
    make_mou("Undated", parties=[amazon, gujarat_industries], states=[gujarat], signed_on=None)
    client.force_login(editor)
    response = client.get(admin_url(Mou, "changelist"), {"year": "unknown"})
    assert "Undated" in response.text
    assert ">Dated<" not in response.text
    response = client.get(admin_url(Mou, "changelist"), {"year": "2021"})
    assert ">Dated<" in response.text
    assert "Undated" not in response.text


def test_the_admin_links_to_the_public_page(client, editor, gujarat_mou):
    client.force_login(editor)
    response = client.get(admin_url(Mou, "changelist"))
    assert gujarat_mou.get_absolute_url() in response.text


def test_an_mou_saved_in_the_admin_keeps_a_month_as_its_first_day(client, editor, gujarat_mou):
    gujarat_mou.signed_on = datetime.date(2021, 9, 17)
    gujarat_mou.full_clean()
    assert gujarat_mou.signed_on == datetime.date(2021, 9, 1)


def inline_management(html, rows):
    """Management-form data for every inline on an admin page, ``rows`` giving each
    prefix's forms (a dict of field -> value per row)."""
    data = {}
    for prefix in re.findall(r'name="([\w-]+)-TOTAL_FORMS"', html):
        forms = rows.get(prefix, [])
        data.update({f"{prefix}-TOTAL_FORMS": len(forms), f"{prefix}-INITIAL_FORMS": 0})
        for n, form in enumerate(forms):
            data.update({f"{prefix}-{n}-{name}": value for name, value in form.items()})
    return data


def test_an_editor_adds_an_mou_with_its_parties_and_source(
    client, editor, amazon, gujarat_industries, gujarat, article
):
    client.force_login(editor)
    url = admin_url(Mou, "add")
    form = {
        "title": "Amazon and Gujarat, again",
        "slug": "amazon-and-gujarat-again",
        "status": "signed",
        "published": "on",
        "signed_on": "2021-09",
        "date_kind": "signed",
        "states": [gujarat.pk],
    }
    parties = [
        {"party": amazon.pk, "role": "marketplace", "order": 0},
        {"party": gujarat_industries.pk, "role": "government", "order": 1},
    ]
    html = client.get(url).text

    sources = [{"source": article.pk}]
    for parties_and_sources in [
        {"mouparty_set": parties},  # no source
        {"mouparty_set": parties[:1], "Mou_sources": sources},  # one party
    ]:
        refused = client.post(url, {**form, **inline_management(html, parties_and_sources)})
        assert refused.status_code == 200  # the form again, with its errors
        assert "Please submit at least" in refused.text
    assert not Mou.objects.exists()

    sourced = {**form, **inline_management(html, {"mouparty_set": parties, "Mou_sources": sources})}
    assert client.post(url, sourced).status_code == 302
    mou = Mou.objects.get()
    assert [link.party for link in mou.mouparty_set.all()] == [amazon, gujarat_industries]
    assert list(mou.sources.all()) == [article]
    assert mou.published_at is not None
    assert (mou.signed_on, mou.signed_on_precision) == (datetime.date(2021, 9, 1), "month")


def test_the_forms_module_holds_forms_only():
    from django import forms

    from agreements import forms as module

    defined = [
        obj
        for obj in vars(module).values()
        if isinstance(obj, type) and obj.__module__ == module.__name__
    ]
    assert defined
    assert all(issubclass(cls, forms.BaseForm | forms.Field | forms.Widget) for cls in defined)


# --- The MoU page: one date box, new fields, folded parts ---------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021", (datetime.date(2021, 1, 1), Precision.YEAR)),
        ("2021-02", (datetime.date(2021, 2, 1), Precision.MONTH)),
        (" 2021-02-18 ", (datetime.date(2021, 2, 18), Precision.DAY)),
        ("", (None, Precision.UNKNOWN)),
    ],
)
def test_one_date_box_takes_a_year_a_month_or_a_day_and_sets_the_precision(text, expected):
    assert PartialDateField(required=False).clean(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2021-02-30", "2021-02-30 is not a valid date"),
        ("Feb 2021", "Feb 2021 is not a date: use YYYY-MM-DD, YYYY-MM or YYYY"),
        ("", "This field is required."),
    ],
)
def test_a_date_box_explains_what_it_cannot_read(text, message):
    with pytest.raises(ValidationError) as refused:
        PartialDateField().clean(text)
    assert refused.value.messages == [message]


def change_form_data(client, url, note="Corrected from the source"):
    """The change page's form as a browser would send it back, with a change note (which
    a change to a published MoU needs) unless ``note`` is empty."""
    response = client.get(url)
    form = response.context["adminform"].form
    forms = [response.context["adminform"].form]
    for formset in response.context["inline_admin_formsets"]:
        forms += [formset.formset.management_form, *formset.formset.forms]
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False:  # unticked boxes are not sent
                data[form.add_prefix(name)] = form[name].field.prepare_value(value)
                if form.fields[name].show_hidden_initial:  # a callable default's twin
                    data[form.add_initial_prefix(name)] = data[form.add_prefix(name)]
    if note:
        data["change_note"] = note
    return data


def test_the_mou_page_shows_a_month_as_typed_and_saves_a_new_precision(client, editor, rich_mou):
    client.force_login(editor)
    url = admin_url(Mou, "change", rich_mou.pk)
    page = client.get(url).text
    assert 'name="signed_on" value="2021-09"' in page
    assert 'name="signed_on_precision"' not in page
    data = change_form_data(client, url)
    assert client.post(url, {**data, "signed_on": "2021"}).status_code == 302
    rich_mou.refresh_from_db()
    assert (rich_mou.signed_on, rich_mou.signed_on_precision) == (datetime.date(2021, 1, 1), "year")
    refused = client.post(url, {**data, "signed_on": "sometime"})
    assert "sometime is not a date: use YYYY-MM-DD, YYYY-MM or YYYY" in refused.text


def test_an_mou_cannot_be_dated_after_its_follow_ups_in_the_admin(client, editor, rich_mou):
    client.force_login(editor)
    url = admin_url(Mou, "change", rich_mou.pk)
    refused = client.post(url, {**change_form_data(client, url), "signed_on": "2022-03"})
    assert refused.status_code == 200
    assert "This date would put the follow-up of 1 January 2022 before the signing" in (
        refused.text
    )
    rich_mou.refresh_from_db()
    assert rich_mou.signed_on == datetime.date(2021, 9, 1)


def test_each_commitment_in_the_admin_says_why_its_status_is_what_it_is(client, editor, rich_mou):
    client.force_login(editor)
    page = client.get(admin_url(Mou, "change", rich_mou.pk)).text
    assert "In progress: from the follow-up of 1 June 2022 (“News of month 6”" in page


def test_a_figures_as_of_date_is_one_box_too(client, editor, rich_mou):
    client.force_login(editor)
    url = admin_url(Mou, "change", rich_mou.pk)
    data = change_form_data(client, url)
    assert data["figures-0-as_of"] == ""
    assert "figures-0-as_of_precision" not in data
    assert client.post(url, {**data, "figures-0-as_of": "2022-10"}).status_code == 302
    figure = ReportedFigure.objects.get()
    assert (figure.as_of, figure.as_of_precision) == (datetime.date(2022, 10, 1), "month")
    assert 'name="figures-0-as_of" value="2022-10"' in client.get(url).text


def test_viewers_see_a_date_at_its_precision(client, viewer, rich_mou):
    client.force_login(viewer)
    page = client.get(admin_url(Mou, "change", rich_mou.pk)).text
    assert "September 2021" in page
    assert "Sept. 1, 2021" not in page


def test_the_mou_page_has_the_new_fields_and_folds_the_rare_parts(client, editor, rich_mou):
    client.force_login(editor)
    page = client.get(admin_url(Mou, "change", rich_mou.pk)).text
    for name in [
        "date_kind",
        "status_source",
        "term_months",
        "commitments-0-status_source",
        "commitments-0-period_months",
        "reactions-0-speech",
        "reactions-0-announced_actions",
    ]:
        assert f'name="{name}"' in page, name
    assert 'class="full-width' in page and "css/admin.css" in page
    folded = re.findall(r"<details><summary>\s*<h\d[^>]*>([^<]*)</h", page)
    assert [" ".join(heading.split()) for heading in folded] == [
        "About the date and the term",
        "Objectives and beneficiaries",
        "Address and reference",
        "Record",
        "Follow-ups (3)",
        "Checks for news (1)",
        "Figures about the MoU itself (1)",
        "Reactions (1)",
        "Attendees (1)",
    ]
    # A Content-Security-Policy is coming: the page's look comes from style sheets.
    assert " style=" not in page


def test_a_folded_part_with_an_error_opens(client, editor, rich_mou):
    client.force_login(editor)
    url = admin_url(Mou, "change", rich_mou.pk)
    data = change_form_data(client, url)
    refused = client.post(url, {**data, "term_months": "-3"})
    assert refused.status_code == 200
    assert "Ensure this value is greater than or equal to 0." in refused.text
    assert "About the date and the term" in refused.text
    assert not re.search(r"<details><summary>\s*<h2[^>]*>About the date", refused.text)


def test_editors_record_a_programmes_benefits_on_its_page(client, editor, viewer, global_selling):
    Benefit.objects.create(
        programme=global_selling,
        description="Free account management",
        source=Source.objects.create(title="S"),
    )
    client.force_login(editor)
    url = admin_url(Programme, "change", global_selling.pk)
    page = client.get(url).text
    assert 'name="benefits-0-description"' in page and "Free account management" in page
    assert 'name="benefits-TOTAL_FORMS"' in page
    client.force_login(viewer)
    page = client.get(url).text
    assert "Free account management" in page and 'name="benefits-0-description"' not in page


# --- Publishing in bulk ---------------------------------------------------------------


def run_action(client, action, mous):
    return client.post(
        admin_url(Mou, "changelist"),
        {"action": action, "_selected_action": [mou.pk for mou in mous]},
        follow=True,
    )


def test_editors_publish_selected_drafts_recorded_like_any_change(
    client, editor, make_mou, amazon, flipkart, gujarat
):
    drafts = [
        make_mou(f"Draft {n}", parties=[amazon, flipkart], states=[gujarat], published=False)
        for n in range(3)
    ]
    live = make_mou("Live", parties=[amazon, flipkart], states=[gujarat])
    live.refresh_from_db()
    first_published, before = live.published_at, live.updated_at
    client.force_login(editor)
    response = run_action(client, "publish", [*drafts, live])
    assert "3 MoUs published; 1 already was." in response.text
    for mou in [*drafts, live]:
        mou.refresh_from_db()
        assert mou.published and mou.published_at is not None
    assert live.published_at == first_published and live.updated_at == before
    assert all(draft.updated_at > before for draft in drafts)
    entries = LogEntry.objects.filter(action_flag=CHANGE, user=editor)
    assert sorted(int(e.object_id) for e in entries) == sorted(d.pk for d in drafts)
    assert {e.get_change_message() for e in entries} == {"Changed Published."}


def test_unpublishing_keeps_the_first_publication_time(client, editor, gujarat_mou):
    first_published = gujarat_mou.published_at
    client.force_login(editor)
    assert "1 MoU unpublished." in run_action(client, "unpublish", [gujarat_mou]).text
    gujarat_mou.refresh_from_db()
    assert not gujarat_mou.published and gujarat_mou.published_at == first_published
    run_action(client, "publish", [gujarat_mou])
    gujarat_mou.refresh_from_db()
    assert gujarat_mou.published and gujarat_mou.published_at == first_published
    assert LogEntry.objects.filter(object_id=str(gujarat_mou.pk)).count() == 2


def test_publishing_costs_the_same_for_three_or_thirty_mous(
    client, editor, make_mou, amazon, flipkart, gujarat
):
    client.force_login(editor)

    def queries(count):
        mous = [
            make_mou(f"MoU {count}-{n}", parties=[amazon, flipkart], states=[gujarat])
            for n in range(count)
        ]
        Mou.objects.filter(pk__in=[mou.pk for mou in mous]).update(published=False)
        with CaptureQueriesContext(connection) as captured:
            client.post(
                admin_url(Mou, "changelist"),
                {"action": "publish", "_selected_action": [mou.pk for mou in mous]},
            )
        assert not Mou.objects.filter(published=False).exists()
        return len(captured)

    assert queries(3) == queries(30)


def test_viewers_neither_see_nor_run_the_publishing_actions(client, viewer, editor, gujarat_mou):
    client.force_login(editor)
    choices = dict(
        client.get(admin_url(Mou, "changelist")).context["action_form"].fields["action"].choices
    )
    assert {"publish", "unpublish"} <= set(choices)
    client.force_login(viewer)
    response = client.get(admin_url(Mou, "changelist"))
    assert "Unpublish selected" not in response.text and "Publish selected" not in response.text
    run_action(client, "unpublish", [gujarat_mou])
    gujarat_mou.refresh_from_db()
    assert gujarat_mou.published and not LogEntry.objects.exists()


# --- Public history from the admin ------------------------------------------------------


def test_changing_a_published_mou_needs_a_public_change_note(client, editor, rich_mou):
    client.force_login(editor)
    url = admin_url(Mou, "change", rich_mou.pk)
    data = change_form_data(client, url, note="")
    refused = client.post(url, {**data, "place": "Gandhinagar"})
    assert refused.status_code == 200
    assert "Say what changed" in refused.text
    inline_only = client.post(url, {**data, "commitments-0-period": "two years"})
    assert "Say what changed" in inline_only.text
    assert not rich_mou.versions.exists()


def test_a_noted_change_makes_a_version_with_the_note_and_the_editor(client, editor, rich_mou):
    record_versions(Mou.objects.filter(pk=rich_mou.pk), "First published")
    client.force_login(editor)
    url = admin_url(Mou, "change", rich_mou.pk)
    data = change_form_data(client, url, note="Added the place from the CM's speech")
    assert client.post(url, {**data, "place": "Gandhinagar", "correction": "on"}).status_code == 302
    version = rich_mou.versions.get(number=2)
    assert version.note == "Added the place from the CM's speech"
    assert version.created_by == editor and version.kind == "correction"
    assert "Added the place" in client.get(url).text  # listed under Public versions


def test_saving_without_a_change_needs_no_note_and_makes_no_version(client, editor, rich_mou):
    client.force_login(editor)
    url = admin_url(Mou, "change", rich_mou.pk)
    assert client.post(url, change_form_data(client, url, note="")).status_code == 302
    assert rich_mou.versions.count() == 1  # the first version: it had none
    assert client.post(url, change_form_data(client, url, note="")).status_code == 302
    assert rich_mou.versions.count() == 1


def test_a_drafts_changes_need_no_note_and_publishing_it_makes_version_1(
    client, editor, make_mou, amazon, gujarat_industries, gujarat
):
    draft = make_mou(
        "Draft MoU", parties=[amazon, gujarat_industries], states=[gujarat], published=False
    )
    client.force_login(editor)
    url = admin_url(Mou, "change", draft.pk)
    assert (
        client.post(url, {**change_form_data(client, url, note=""), "place": "Surat"}).status_code
        == 302
    )
    assert not draft.versions.exists()
    client.post(
        admin_url(Mou, "changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    version = draft.versions.get()
    assert (version.number, version.note) == (1, "Published")


def test_a_follow_up_added_in_the_admin_changes_the_status_and_says_why(
    client, editor, rich_mou, article
):
    record_versions(Mou.objects.filter(pk=rich_mou.pk), "First published")
    client.force_login(editor)
    url = admin_url(Mou, "change", rich_mou.pk)
    data = change_form_data(client, url, note="The MoU came into force")
    total = int(data["follow_ups-TOTAL_FORMS"])
    prefix = f"follow_ups-{total}"
    data.update(
        {
            "follow_ups-TOTAL_FORMS": str(total + 1),
            f"{prefix}-dated_on": "2023-02",
            f"{prefix}-summary": "Came into force",
            f"{prefix}-mou_status": "active",
            f"{prefix}-source": str(article.pk),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    rich_mou.refresh_from_db()
    assert rich_mou.current_status == "active"
    assert "from the follow-up of February 2023" in client.get(url).text
    assert "status: Signed → Active" in rich_mou.versions.latest().changes


def test_a_check_for_news_records_who_checked(client, editor, gujarat_mou):
    client.force_login(editor)
    url = admin_url(Mou, "change", gujarat_mou.pk)
    data = change_form_data(client, url, note="Checked for news")
    data.update(
        {
            "checks-TOTAL_FORMS": "1",
            "checks-0-checked_on": "2026-11-20",
            "checks-0-note": "News search",
        }
    )
    assert client.post(url, data).status_code == 302
    check = gujarat_mou.checks.get()
    assert check.checked_by == editor
    gujarat_mou.refresh_from_db()
    assert gujarat_mou.last_news_on == datetime.date(2026, 11, 20)


OLDER = "is before 1947: the registry holds nothing older than India's independence"
FUTURE = "is in the future: the registry records what has happened"


@pytest.mark.parametrize(
    ("typed", "message"),
    [("1900", f"1900 {OLDER}"), ("0202-05", f"0202-05 {OLDER}"), ("2999-01", f"2999-01 {FUTURE}")],
)
def test_the_mou_page_refuses_a_date_the_registry_cannot_hold(
    client, editor, rich_mou, typed, message
):
    client.force_login(editor)
    url = admin_url(Mou, "change", rich_mou.pk)
    refused = client.post(url, {**change_form_data(client, url), "signed_on": typed})
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["signed_on"] == [message]
    rich_mou.refresh_from_db()
    assert rich_mou.signed_on == datetime.date(2021, 9, 1)


def test_the_mou_page_takes_today_and_this_year_but_not_tomorrow(client, editor, rich_mou):
    rich_mou.follow_ups.all().delete()  # none may come before the new date
    client.force_login(editor)
    url = admin_url(Mou, "change", rich_mou.pk)
    today = timezone.localdate()
    for typed in (str(today.year), today.isoformat()):
        assert (
            client.post(url, {**change_form_data(client, url), "signed_on": typed}).status_code
            == 302
        )
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    refused = client.post(url, {**change_form_data(client, url), "signed_on": tomorrow})
    assert refused.context["adminform"].form.errors["signed_on"] == [f"{tomorrow} {FUTURE}"]
    rich_mou.refresh_from_db()
    assert rich_mou.signed_on == today


def test_a_date_stored_before_the_rule_does_not_stop_other_edits(client, editor, rich_mou):
    """A rule on dates binds a new date; the editor changes what they came to change."""
    Mou.objects.filter(pk=rich_mou.pk).update(signed_on=datetime.date(1930, 1, 1))
    source = rich_mou.sources.first()
    Source.objects.filter(pk=source.pk).update(published_on=datetime.date(1930, 5, 1))
    client.force_login(editor)
    url = admin_url(Mou, "change", rich_mou.pk)
    data = change_form_data(client, url)
    assert data["signed_on"] == "1930-01"
    assert client.post(url, {**data, "title": "Retitled"}).status_code == 302
    url = admin_url(Source, "change", source.pk)
    data = change_form_data(client, url, note="")
    assert client.post(url, {**data, "title": "Retitled source"}).status_code == 302
    assert Source.objects.get(pk=source.pk).title == "Retitled source"


def test_a_check_or_a_source_cannot_be_dated_where_the_registry_holds_nothing(
    client, editor, gujarat_mou
):
    client.force_login(editor)
    url = admin_url(Mou, "change", gujarat_mou.pk)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    data = change_form_data(client, url, note="Checked for news")
    data.update({"checks-TOTAL_FORMS": "1", "checks-0-checked_on": tomorrow, "checks-0-note": "S"})
    refused = client.post(url, data)
    assert refused.status_code == 200
    (formset,) = [
        f.formset for f in refused.context["inline_admin_formsets"] if f.formset.prefix == "checks"
    ]
    assert formset.forms[0].errors["checked_on"] == [f"{tomorrow} {FUTURE}"]
    # A browser sends today back as the initial value; a forged one changes nothing.
    data.update({"checks-0-checked_on": "1930-01-01", "initial-checks-0-checked_on": "1930-01-01"})
    refused = client.post(url, data)
    (formset,) = [
        f.formset for f in refused.context["inline_admin_formsets"] if f.formset.prefix == "checks"
    ]
    assert formset.forms[0].errors["checked_on"] == [f"1930-01-01 {OLDER}"]
    assert not gujarat_mou.checks.exists()
    source = gujarat_mou.sources.get()
    url = admin_url(Source, "change", source.pk)
    refused = client.post(
        url, {**change_form_data(client, url, note=""), "published_on": "1930-05-01"}
    )
    assert refused.context["adminform"].form.errors["published_on"] == [f"1930-05-01 {OLDER}"]


def test_viewers_see_no_change_note(client, viewer, rich_mou):
    client.force_login(viewer)
    page = client.get(admin_url(Mou, "change", rich_mou.pk)).text
    assert 'name="change_note"' not in page


def test_the_follow_up_list_filters_by_what_it_is_about_the_mous_publication_and_import(
    client, editor, rich_mou, make_mou, amazon, gujarat
):
    client.force_login(editor)
    url = admin_url(FollowUp, "changelist")

    def shown(query):
        return {f.summary for f in client.get(url + query).context["cl"].result_list}

    everything = {"News of month 1", "News of month 6", "News of month 9"}
    assert shown("?about=commitment") == {"News of month 6"}
    assert shown("?about=mou") == {"News of month 1", "News of month 9"}
    assert shown("?published=yes") == everything
    assert shown("?published=no") == set()
    assert shown("?added=admin") == everything and shown("?added=import") == set()


def test_the_party_autocomplete_lists_parties_by_name(client, editor):
    for name in ["Zeta Weavers", "Alpha Artisans", "Mid Cooperative"]:
        Party.objects.create(name=name, slug=name.lower().replace(" ", "-"), kind="ngo")
    client.force_login(editor)
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "agreements", "model_name": "mouparty", "field_name": "party"},
    )
    names = [result["text"] for result in response.json()["results"]]
    assert names == sorted(names) and len(names) == 3
