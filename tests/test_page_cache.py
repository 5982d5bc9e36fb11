"""Whole public pages are cached for anonymous readers until the data (or the day)
changes, answered with 304 when the reader already holds them, and never cached for, or
served to, staff."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agreements.models import DataVersion, Mou, refresh_derived

pytestmark = pytest.mark.django_db


def test_a_second_reader_gets_the_page_from_the_cache_for_one_query(
    client, gujarat_mou, django_assert_num_queries
):
    first = client.get("/mous/")
    with django_assert_num_queries(1):  # the data version
        second = client.get("/mous/")
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Cache-Control"] == "public, max-age=60"
    assert "Cookie" in second["Vary"]


def test_a_change_reaches_the_next_reader_at_once(client, gujarat_mou):
    client.get(gujarat_mou.get_absolute_url())
    gujarat_mou.title = "Renamed after a correction"
    gujarat_mou.save()
    assert b"Renamed after a correction" in client.get(gujarat_mou.get_absolute_url()).content


def test_a_bulk_write_that_sends_no_signal_changes_the_version_too(client, gujarat_mou):
    before = DataVersion.current().number
    Mou.objects.filter(pk=gujarat_mou.pk).update(title="Changed by an import")
    refresh_derived(Mou.objects.filter(pk=gujarat_mou.pk))
    assert DataVersion.current().number > before
    assert b"Changed by an import" in client.get("/mous/").content


def test_a_reader_holding_the_page_gets_304_until_the_data_changes(client, gujarat_mou):
    page = client.get("/mous/")
    again = client.get("/mous/", headers={"if-none-match": page["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    gujarat_mou.save()
    assert client.get("/mous/", headers={"if-none-match": page["ETag"]}).status_code == 200


def test_the_next_day_is_a_new_version_as_overdue_promises_change_with_it(
    client, gujarat_mou, monkeypatch
):
    today = client.get("/commitments/")["ETag"]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args: tomorrow)
    assert client.get("/commitments/")["ETag"] != today


def test_an_editors_pages_are_never_cached_nor_served_to_others(client, editor, make_mou, amazon):
    draft = make_mou("A draft only staff preview", parties=[amazon], states=[], published=False)
    url = draft.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(editor)
    staff_page = client.get(url)
    assert staff_page.status_code == 200
    assert "ETag" not in staff_page
    assert "public" not in staff_page.get("Cache-Control", "")
    client.logout()
    assert client.get(url).status_code == 404


def test_the_admin_and_the_health_check_are_never_cached(client, editor):
    assert "ETag" not in client.get("/healthz")
    client.force_login(editor)
    assert "ETag" not in client.get("/admin/")


def test_a_page_that_is_not_found_is_not_cached(client, db):
    assert client.get("/mous/no-such-mou/").status_code == 404
    assert "ETag" not in client.get("/mous/no-such-mou/")


def test_unpublishing_from_the_admin_list_takes_the_page_off_at_once(client, editor, gujarat_mou):
    url = gujarat_mou.get_absolute_url()
    assert client.get(url).status_code == 200  # cached for anonymous readers
    client.force_login(editor)
    client.post(
        "/admin/agreements/mou/",
        {"action": "unpublish", "_selected_action": [gujarat_mou.pk]},
    )
    client.logout()
    assert client.get(url).status_code == 404


def _version_updates(queries):
    return [q for q in queries if q["sql"].startswith('UPDATE "agreements_dataversion"')]


def test_a_transaction_of_many_changes_bumps_the_version_once(gujarat_mou):
    DataVersion.current()  # as a request between two changes would
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        for n in range(5):
            gujarat_mou.title = f"Retitled {n}"
            gujarat_mou.save()
    assert len(_version_updates(queries.captured_queries)) == 1


def test_a_change_after_a_rolled_back_one_still_bumps_the_version(gujarat_mou):
    before = DataVersion.current().number
    with pytest.raises(RuntimeError), transaction.atomic():
        gujarat_mou.save()
        raise RuntimeError("the editor's save failed")
    gujarat_mou.save()
    assert DataVersion.current().number > before


def test_a_lists_cached_count_and_a_states_roll_ups_change_with_the_data(
    client, gujarat_mou, make_mou, amazon, gujarat, django_assert_max_num_queries
):
    """What a page reads beside its rows (the paginator's COUNT, a state's parties) is
    cached under the data version: the second view of another page of the same list
    does not count again, and a new MoU shows in both at once."""
    state = f"/states/{gujarat.slug}/"
    assert client.get(state).context["page"].paginator.count == 1
    with CaptureQueriesContext(connection) as other_page:
        client.get(state + "?page=2")  # another address, so not from the page cache
    assert not any("COUNT(" in query["sql"] for query in other_page.captured_queries)
    make_mou("A second Gujarat MoU", parties=[amazon], states=[gujarat])
    again = client.get(state)
    assert again.context["page"].paginator.count == 2
    assert [(p.name, p.mou_count) for p in again.context["parties"]][0] == ("Amazon India", 2)


def test_staff_who_see_drafts_never_share_a_cached_index_with_the_public(
    client, editor, gujarat_mou, make_mou, gujarat
):
    from agreements.models import Party

    secret = Party.objects.create(name="Named only by a draft", kind="company")
    make_mou("A draft", parties=[secret], states=[gujarat], published=False)
    client.force_login(editor)
    assert secret.name in client.get("/parties/").content.decode()
    client.logout()
    assert secret.name not in client.get("/parties/").content.decode()


def test_the_filters_cached_options_change_with_the_data_and_the_language(
    client, gujarat_mou, make_mou, gujarat
):
    from agreements.models import Party

    assert "A new marketplace" not in client.get("/mous/?page=2").content.decode()
    newcomer = Party.objects.create(name="A new marketplace", kind="company")
    make_mou("Its first MoU", parties=[newcomer], states=[gujarat])
    assert '<option value="a-new-marketplace">A new marketplace</option>' in (
        client.get("/mous/?page=3").content.decode()
    )
    gujarat.name_hi = "गुजरात"
    gujarat.save()
    english, hindi = client.get("/mous/?page=4"), client.get("/hi/mous/?page=4")
    assert f'<option value="{gujarat.slug}">Gujarat</option>' in english.content.decode()
    assert f'<option value="{gujarat.slug}">गुजरात</option>' in hindi.content.decode()
