"""/about/ says what the registry is, how a record is made, what its words mean, the
licence and how to report an error, with today's counts; /about/data/ describes every
column and key of every download, read from the models so it cannot drift."""

import csv
import html
import io
import json

import pytest
from django.urls import reverse
from django.utils.functional import Promise

from agreements import dataset
from agreements.dictionary import COMMITMENTS, MOU_CSV, downloads, name_of
from agreements.models import CommitmentStatus, MouStatus, Precision
from agreements.models.facts import STATUS_MEANINGS

pytestmark = pytest.mark.usefixtures("founding_articles")


def text(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return " ".join(html.unescape(response.content.decode()).split())  # as a reader sees it


def test_every_page_links_to_about_and_the_data_dictionary_in_its_footer(client):
    for url in ["/", "/mous/", "/sources/", "/about/data/"]:
        footer = text(client, url).split('class="site-footer"')[1]
        assert f'href="{reverse("agreements:about")}"' in footer
        assert f'href="{reverse("agreements:data_dictionary")}"' in footer


def test_about_gives_the_current_counts(client):
    page = text(client, "/about/")
    assert "10 published MoUs" in page
    assert "13 commitments" in page
    assert "5 sources" in page


def test_about_explains_every_status_from_the_models_choices(client):
    page = text(client, "/about/")
    for choices in (MouStatus, CommitmentStatus):
        for value, label in choices.choices:
            assert f"<dt>{label}</dt><dd>{STATUS_MEANINGS[value]}</dd>" in page


def test_about_shows_each_date_precision_with_an_example(client):
    page = text(client, "/about/")
    for label in Precision.labels:
        assert f"<dt>{label}</dt>" in page
    assert "<dd>February 2021</dd>" in page and "<dd>2021</dd>" in page


def test_about_states_the_data_licence(client):
    page = text(client, "/about/")
    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0' in page


def test_the_contact_address_is_shown_only_when_set(client, settings):
    settings.REGISTRY_CONTACT_EMAIL = ""
    assert "mailto:" not in text(client, "/about/")
    settings.REGISTRY_CONTACT_EMAIL = "editors@example.org"
    assert 'href="mailto:editors@example.org"' in text(client, "/about/?contact")


def test_every_json_download_states_the_licence(client):
    for url in ["/mous/export.json", "/commitments/export.json"]:
        data = json.loads(b"".join(client.get(url)))
        assert data["licence"] == {
            "name": "CC BY 4.0",
            "url": "https://creativecommons.org/licenses/by/4.0/",
        }


def documented(client):
    page = text(client, "/about/data/")
    return page, {entry.name for _title, _url, entries in downloads() for entry in entries}


def test_every_download_column_and_key_is_in_the_data_dictionary(client):
    page, names = documented(client)
    for url, columns in [("/mous/export.csv", MOU_CSV), ("/commitments/export.csv", COMMITMENTS)]:
        header = next(csv.reader(io.StringIO(b"".join(client.get(url)).decode())))
        assert header == list(columns), url
    for url, key in [("/mous/export.json", "mous"), ("/commitments/export.json", "commitments")]:
        data = json.loads(b"".join(client.get(url)))
        keys = set(data) - {key}
        for item in data[key]:
            keys |= set(item)
            for nested in ("parties", "sources"):
                keys |= {f"{nested}.{k}" for row in item.get(nested, []) for k in row}
        assert keys <= names, (url, keys - names)
    for name in names:
        assert f"<code>{name}</code>" in page


def test_the_data_dictionary_reads_the_models_help_texts(client):
    page, _names = documented(client)
    assert "The status the latest dated follow-up reports, else the status above." in page
    assert "<code>in_progress</code> In progress" in page


def test_every_column_the_dictionary_describes_has_a_name_to_translate():
    """Each field the dictionary names has a translated verbose name of its own or one in
    ``dictionary.NAMES`` (for the names Django makes from the attribute): else the Hindi
    dictionary would show it in English."""
    for table in dataset.TABLES:
        for model_field in table.fields:
            if model_field.primary_key:
                continue
            name = model_field.verbose_name
            if model_field.many_to_one:
                name = model_field.related_model._meta.verbose_name
            assert isinstance(name_of(name), Promise), (table.name, model_field.name)
