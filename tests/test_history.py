"""Public history: each change that reaches a published MoU's page makes a numbered
version; the history says what changed in words, each version's page shows the record as
it was, citations point at a version, and drafts never appear."""

import datetime

import pytest

from agreements.importing import import_table, read_table
from agreements.models import (
    Commitment,
    FollowUp,
    Mou,
    MouVersion,
    Party,
    Sector,
    Source,
    describe_changes,
    record_versions,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def versioned(gujarat_mou):
    record_versions(Mou.objects.filter(pk=gujarat_mou.pk), "First published")
    return gujarat_mou


def change(mou, note="Status update", **fields):
    Mou.objects.filter(pk=mou.pk).update(**fields)
    return record_versions(Mou.objects.filter(pk=mou.pk), note)


def test_publishing_makes_version_1_and_an_unchanged_record_no_new_one(versioned):
    (first,) = versioned.versions.all()
    assert (first.number, first.kind, first.changes) == (1, "published", ["first published"])
    assert record_versions(Mou.objects.filter(pk=versioned.pk), "Nothing new") == 0


def test_a_drafts_changes_make_no_version(make_mou, amazon, gujarat):
    draft = make_mou("Draft", parties=[amazon], states=[gujarat], published=False)
    assert record_versions(Mou.objects.filter(pk=draft.pk), "Edited") == 0
    assert not MouVersion.objects.exists()


def test_a_change_is_described_in_words(versioned, article):
    Commitment.objects.create(mou=versioned, description="Train 300 sellers", source=article)
    change(versioned, title="Amazon and Gujarat MoU (renamed)")
    latest = versioned.versions.latest()
    assert latest.number == 2
    assert "title: Amazon and Gujarat MoU → Amazon and Gujarat MoU (renamed)" in latest.changes
    assert "commitment added: Train 300 sellers" in latest.changes


def test_a_follow_up_changing_the_status_makes_a_version_saying_so(versioned, article):
    FollowUp.objects.create(
        mou=versioned,
        source=article,
        dated_on=datetime.date(2022, 1, 1),
        summary="Came into force",
        mou_status=Mou.Status.ACTIVE,
    )
    record_versions(Mou.objects.filter(pk=versioned.pk), "Follow-up added")
    assert "status: Signed → Active" in versioned.versions.latest().changes
    assert "follow-up added: Came into force" in versioned.versions.latest().changes


def test_a_commitment_a_follow_up_moves_on_is_described_as_changed_not_replaced(versioned, article):
    promise = Commitment.objects.create(
        mou=versioned,
        description="Train 300 sellers",
        target_value=300,
        target_unit="sellers",
        source=article,
    )
    record_versions(Mou.objects.filter(pk=versioned.pk), "Commitment added")
    FollowUp.objects.create(
        mou=versioned,
        commitment=promise,
        source=article,
        dated_on=datetime.date(2022, 3, 1),
        summary="Workshops began",
        commitment_status=Commitment.Status.IN_PROGRESS,
        progress_value=120,
    )
    record_versions(Mou.objects.filter(pk=versioned.pk), "Follow-up added")
    changes = versioned.versions.latest().changes
    assert "commitment changed: Train 300 sellers (status: Pledged → In progress)" in changes
    assert "follow-up added: Workshops began" in changes
    assert not [c for c in changes if c.startswith(("commitment added", "commitment removed"))]


def test_an_item_edited_in_place_names_what_changed_in_it():
    old = {"reactions": [{"summary": "Welcomed it", "stance": "Support", "quote": "Good."}]}
    new = {"reactions": [{"summary": "Welcomed it", "stance": "Concern", "quote": "Hmm."}]}
    assert describe_changes(old, new) == [
        "reaction changed: Welcomed it (stance: Support → Concern; quote)"
    ]
    renamed = {"reactions": [{"summary": "Opposed it", "stance": "Concern", "quote": "Hmm."}]}
    assert describe_changes(old, renamed) == [
        "reaction added: Opposed it",
        "reaction removed: Welcomed it",
    ]


def test_of_two_items_of_one_name_the_closest_is_the_one_changed():
    old = {
        "commitments": [
            {"description": "Train", "who": "Amazon", "status": "Pledged"},
            {"description": "Train", "who": "Flipkart", "status": "Pledged"},
        ]
    }
    new = {"commitments": [{"description": "Train", "who": "Flipkart", "status": "Fulfilled"}]}
    assert describe_changes(old, new) == [
        "commitment changed: Train (status: Pledged → Fulfilled)",
        "commitment removed: Train",
    ]


def test_a_reordered_list_is_named_by_its_plural():
    one, two = {"name": "Amazon India"}, {"name": "Flipkart"}
    assert describe_changes({"parties": [one, two]}, {"parties": [two, one]}) == [
        "parties reordered"
    ]


def test_a_correction_is_labelled_as_such(versioned):
    Mou.objects.filter(pk=versioned.pk).update(place="Gandhinagar")
    record_versions(Mou.objects.filter(pk=versioned.pk), "Place was wrong", correction=True)
    assert versioned.versions.latest().kind == MouVersion.Kind.CORRECTION


def test_the_history_page_lists_versions_newest_first_without_naming_the_editor(
    client, versioned, django_user_model
):
    editor = django_user_model.objects.create_user("ramesh.k", is_staff=True)
    Mou.objects.filter(pk=versioned.pk).update(place="Gandhinagar")
    record_versions(Mou.objects.filter(pk=versioned.pk), "Added the place", user=editor)
    html = client.get(f"/mous/{versioned.slug}/history/").content.decode()
    assert html.index("Version 2") < html.index("Version 1")
    assert "Added the place" in html and "place: (none) → Gandhinagar" in html
    assert "by an editor" in html and editor.username not in html


def test_an_old_version_shows_the_old_value_and_links_to_the_current(client, versioned):
    change(versioned, place="Gandhinagar")
    old = client.get(f"/mous/{versioned.slug}/v/1/").content.decode()
    assert "an earlier version" in old and "Gandhinagar" not in old
    assert f'href="{versioned.get_absolute_url()}"' in old
    current = client.get(f"/mous/{versioned.slug}/v/2/").content.decode()
    assert "current version (2)" in current and "Gandhinagar" in current


@pytest.mark.parametrize(
    "path", ["v/3/", "v/0/", "v/two/", "v/-1/", "v/2147483648/", "v/99999999999999999999/"]
)
def test_an_unknown_or_malformed_version_number_is_a_404(client, versioned, path):
    assert client.get(f"/mous/{versioned.slug}/{path}").status_code == 404


def test_the_citation_points_at_the_current_version(client, versioned):
    change(versioned, place="Gandhinagar")
    html = client.get(versioned.get_absolute_url()).content.decode()
    citation = html[html.index('class="citation"') :]
    assert f"http://testserver/mous/{versioned.slug}/v/2/" in citation
    assert f"Retrieved {datetime.date.today():%-d %B %Y}" in citation


def test_an_unpublished_mou_takes_its_history_with_it(client, versioned):
    Mou.objects.filter(pk=versioned.pk).update(published=False)
    for path in ["history/", "v/1/", "changes.atom"]:
        assert client.get(f"/mous/{versioned.slug}/{path}").status_code == 404
    assert versioned.title not in client.get("/changes/").content.decode()
    assert versioned.title not in client.get("/changes/feed.atom").content.decode()


def test_recent_changes_and_their_feeds_list_every_new_version(client, versioned):
    change(versioned, place="Gandhinagar", note="Added the place")
    html = client.get("/changes/").content.decode()
    assert "Amazon and Gujarat MoU, version 2" in html
    for feed in ["/changes/feed.atom", f"/mous/{versioned.slug}/changes.atom"]:
        xml = client.get(feed).content.decode()
        assert "version 2" in xml and "Added the place" in xml


def test_an_import_changing_a_published_mou_makes_a_version_naming_the_import(
    versioned, gujarat, amazon, gujarat_industries
):
    versioned.reference = "GJ-1"
    versioned.save()
    record_versions(Mou.objects.filter(pk=versioned.pk), "Reference added")
    data = (
        b"reference,title,states,parties,summary,source_url\r\n"
        b"GJ-1,Amazon and Gujarat MoU,GJ,Amazon India; Industries,A new summary,"
        b"https://news.example.com/gj\r\n"
    )
    report = import_table(read_table(data), file_name="update.csv")
    assert report.ok, report.errors
    latest = versioned.versions.latest()
    assert latest.note.startswith("Import of update.csv on ")
    assert "summary changed" in latest.changes
    old = versioned.versions.get(number=latest.number - 1)
    assert old.document["summary"] != latest.document["summary"] == "A new summary"


def test_the_founding_records_start_at_version_1(founding_articles):
    assert MouVersion.objects.count() == Mou.objects.count() == 10
    assert set(MouVersion.objects.values_list("number", flat=True)) == {1}


# --- Edits made elsewhere in the admin that reach an MoU's page ------------------------


def test_renaming_a_party_in_the_admin_makes_a_version_of_each_published_mou_naming_it(
    client, editor, versioned, amazon, make_mou, gujarat
):
    from tests.test_admin import admin_url, change_form_data

    draft = make_mou("Draft", parties=[amazon], states=[gujarat], published=False)
    client.force_login(editor)
    url = admin_url(Party, "change", amazon.pk)
    data = {**change_form_data(client, url, note=""), "name": "Amazon Seller Services"}
    assert client.post(url, data).status_code == 302
    latest = versioned.versions.latest()
    assert (latest.number, latest.note) == (2, "Party “Amazon Seller Services” changed")
    assert "party added: Amazon Seller Services" in latest.changes
    assert latest.created_by == editor
    assert not draft.versions.exists()
    assert "Amazon India" in client.get(f"/mous/{versioned.slug}/v/1/").content.decode()


def test_deleting_a_sector_in_the_admin_makes_a_version_saying_it_was_removed(
    client, editor, versioned, handloom
):
    from tests.test_admin import admin_url

    versioned.sectors.add(handloom)
    record_versions(Mou.objects.filter(pk=versioned.pk), "Sector added")
    client.force_login(editor)
    url = admin_url(Sector, "delete", handloom.pk)
    assert client.post(url, {"post": "yes"}).status_code == 302
    latest = versioned.versions.latest()
    assert latest.note == "Sector “Handloom” deleted"
    assert "sectors removed: Handloom" in latest.changes


def test_editing_a_source_in_the_admin_makes_a_version_of_the_mous_citing_it(
    client, editor, versioned, article
):
    from tests.test_admin import admin_url, change_form_data

    client.force_login(editor)
    url = admin_url(Source, "change", article.pk)
    data = {**change_form_data(client, url, note=""), "title": "A corrected headline"}
    assert client.post(url, data).status_code == 302
    latest = versioned.versions.latest()
    assert latest.note == "Source “A corrected headline” changed"
    assert latest.changes == ["source changed: A corrected headline (title)"]
