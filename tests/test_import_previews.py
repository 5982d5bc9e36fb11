"""Where an admin import's file waits between preview and confirmation: a directory of its
own, under names the server draws, which the confirmation cannot step out of; a bad,
missing or expired name is a message, and no preview is left behind for long."""

import io
import os
import re
import tempfile
import time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from agreements.import_previews import PreviewStorage, preview_dir
from agreements.models import ImportRecord, Mou

IMPORT_URL = reverse("admin:agreements_mou_import")
PROCESS_URL = reverse("admin:agreements_mou_process_import")
CSV = (
    b"title,signed_on,states,parties,source_url\n"
    b"First MoU,2021-09,GJ,Amazon; Flipkart,https://a.example.com/1\n"
)


@pytest.fixture
def previews(settings, tmp_path):
    """A preview directory of the test's own."""
    settings.IMPORT_PREVIEW_DIR = str(tmp_path / "previews")
    return tmp_path / "previews"


@pytest.fixture
def editor_client(client, editor, gujarat, amazon, flipkart, previews):
    client.force_login(editor)
    return client


def preview(client, data=CSV, name="batch.csv"):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(IMPORT_URL, {"import_file": upload, "format": "0", "resource": "0"})


def confirm(client, import_file_name, **fields):
    data = {"original_file_name": "batch.csv", "format": "0", "resource": "0", **fields}
    if import_file_name is not None:
        data["import_file_name"] = import_file_name
    return client.post(PROCESS_URL, data, follow=True)


def test_the_confirm_form_names_the_preview_by_a_random_key_not_a_path(editor_client, previews):
    response = preview(editor_client)
    name = response.context["confirm_form"].initial["import_file_name"]
    assert re.fullmatch(r"[0-9a-f]{32}", name)
    assert str(previews) not in response.text and tempfile.gettempdir() not in response.text
    assert os.listdir(previews) == [name]
    assert (previews / name).stat().st_mode & 0o777 == 0o600
    assert previews.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize(
    "name",
    [
        "victim.txt",  # the attack: a file in the temporary directory, read then deleted
        "../victim.txt",
        os.path.join(tempfile.gettempdir(), "victim.txt"),
        "0" * 31 + "g",
        "0" * 32 + "/../../victim.txt",
    ],
)
def test_a_confirmation_naming_another_file_reads_and_deletes_nothing(
    editor_client, previews, name
):
    victims = [
        previews.parent / "victim.txt",
        previews / "victim.txt",
        os.path.join(tempfile.gettempdir(), "victim.txt"),
    ]
    preview(editor_client)  # makes the directory, as any earlier preview would have
    for victim in victims:
        with open(victim, "w") as file:
            file.write("a secret first line\n")
    try:
        response = confirm(editor_client, name)
        assert response.redirect_chain == [(IMPORT_URL, 302)]
        assert "This preview cannot be found" in response.text
        assert "a secret first line" not in response.text
        assert all(os.path.exists(victim) for victim in victims)
    finally:
        os.remove(victims[-1])
    assert Mou.objects.count() == 0


@pytest.mark.parametrize("name", [None, "", "0" * 32])
def test_a_missing_or_unknown_preview_is_a_message_not_an_error(editor_client, name):
    response = confirm(editor_client, name)
    assert response.status_code == 200
    assert response.redirect_chain == [(IMPORT_URL, 302)]
    assert "This preview cannot be found (it was imported or has expired)" in response.text
    assert ImportRecord.objects.count() == 0


def test_a_confirmed_preview_is_imported_once_and_removed(editor_client, previews):
    name = preview(editor_client).context["confirm_form"].initial["import_file_name"]
    response = confirm(editor_client, name)
    assert "Import finished: 1 new" in response.text
    assert Mou.objects.count() == 1 and os.listdir(previews) == []
    response = confirm(editor_client, name)  # the same confirmation again
    assert "This preview cannot be found" in response.text
    assert Mou.objects.count() == 1


def test_a_preview_with_errors_leaves_no_file(editor_client, previews):
    response = preview(editor_client, CSV.replace(b"2021-09", b"2021-02-30"))
    assert "is not a valid date" in response.text
    assert os.listdir(previews) == []


def test_an_expired_preview_is_refused_and_removed(editor_client, previews, settings):
    name = preview(editor_client).context["confirm_form"].initial["import_file_name"]
    hour_ago = time.time() - settings.IMPORT_PREVIEW_MAX_AGE - 1
    os.utime(previews / name, (hour_ago, hour_ago))
    response = confirm(editor_client, name)
    assert "This preview has expired (previews are kept 60 minutes)" in response.text
    assert Mou.objects.count() == 0 and os.listdir(previews) == []


def test_abandoned_previews_are_removed_when_they_expire_or_fill_the_store(
    editor_client, previews, settings
):
    abandoned = [
        preview(editor_client).context["confirm_form"].initial["import_file_name"] for _ in range(3)
    ]
    hour_ago = time.time() - settings.IMPORT_PREVIEW_MAX_AGE - 1
    os.utime(previews / abandoned[0], (hour_ago, hour_ago))
    for age, name in enumerate(abandoned[1:], 1):
        os.utime(previews / name, (time.time() - age, time.time() - age))
    # Room for two previews in all: the next one keeps the newest abandoned one.
    settings.IMPORT_PREVIEW_MAX_BYTES = 2 * len(CSV)
    latest = preview(editor_client).context["confirm_form"].initial["import_file_name"]
    assert sorted(os.listdir(previews)) == sorted([abandoned[1], latest])


def test_a_preview_directory_others_can_use_is_refused(settings, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    settings.IMPORT_PREVIEW_DIR = str(shared)
    with pytest.raises(ImproperlyConfigured, match="chmod 700"):
        preview_dir()
    with pytest.raises(ImproperlyConfigured):
        PreviewStorage().save(b"data")
