"""Request bodies too big for who sends them, and where, are refused with 413 before
anything reads them: nothing is parsed, nothing is written to the temporary directory."""

import io

import pytest
from django.core.files import uploadhandler
from django.test import Client, RequestFactory
from django.urls import reverse

from mouregistry.request_limits import FORM_ALLOWANCE, RequestBodyLimitMiddleware

LOGIN_URL = reverse("admin:login")
IMPORT_URL = reverse("admin:agreements_mou_import")
MB = 1024 * 1024


@pytest.fixture
def spooled(monkeypatch):
    """The uploaded files Django spools to the temporary directory, as they are made."""
    made = []

    class Recorded(uploadhandler.TemporaryUploadedFile):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self.temporary_file_path())

    monkeypatch.setattr(uploadhandler, "TemporaryUploadedFile", Recorded)
    return made


def upload(size, name="big.csv"):
    file = io.BytesIO(b"x" * size)
    file.name = name
    return file


def test_an_anonymous_upload_is_refused_before_it_is_read(db, spooled):
    """The attack: a big multipart POST, which the CSRF check would read (spooling it to
    the temporary directory) before anything checked who sent it."""
    client = Client(enforce_csrf_checks=True)
    for url in (LOGIN_URL, IMPORT_URL, "/", "/mous/"):
        response = client.post(url, {"file": upload(3 * MB)})
        assert response.status_code == 413, url
        assert "at most 0.1 MB is accepted here" in response.text
    assert spooled == []


def test_an_anonymous_login_still_works(db, django_user_model):
    django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    client = Client(enforce_csrf_checks=True)
    client.get(LOGIN_URL)
    token = client.cookies["csrftoken"].value
    response = client.post(
        LOGIN_URL, {"username": "editor", "password": "pw", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_staff_may_send_more_on_admin_pages_and_an_import_file_on_the_import_page(
    client, editor, spooled, settings
):
    client.force_login(editor)
    change_url = reverse("admin:agreements_mou_add")
    response = client.post(change_url, {"file": upload(settings.STAFF_REQUEST_MAX_BODY_BYTES)})
    assert response.status_code == 413
    assert client.post(change_url, {"title": "x" * 100_000}).status_code == 200
    # A file a little over the import's limit reaches the form, which explains.
    response = client.post(
        IMPORT_URL,
        {"import_file": upload(settings.IMPORT_MAX_UPLOAD_BYTES + 1), "format": "0"},
    )
    assert response.status_code == 200
    assert "the admin accepts at most 5.0 MB" in response.text
    assert len(spooled) == 1
    too_big = settings.IMPORT_MAX_UPLOAD_BYTES + FORM_ALLOWANCE
    response = client.post(IMPORT_URL, {"import_file": upload(too_big), "format": "0"})
    assert response.status_code == 413
    assert "python manage.py import_mous FILE" in response.text
    assert len(spooled) == 1


def test_a_body_without_a_declared_length_is_refused():
    request = RequestFactory().post("/", data=b"x" * 100, content_type="text/plain")
    del request.META["CONTENT_LENGTH"]
    request.META["HTTP_TRANSFER_ENCODING"] = "chunked"
    response = RequestBodyLimitMiddleware(lambda request: None)(request)
    assert response.status_code == 411
