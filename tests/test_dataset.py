"""The whole dataset (/data/): every published record as a ZIP of CSV tables with a
Frictionless datapackage.json and as one JSON document, built once per data version;
and the /mous/ downloads' commitments, figures and reactions (nested in the JSON,
companion CSV tables)."""

import csv
import datetime
import io
import json
import re
import zipfile

import frictionless
import pytest
from django.core.management import call_command
from django.urls import reverse

from agreements import dataset, views
from agreements.dictionary import Entry
from agreements.models import (
    Benefit,
    Commitment,
    Mou,
    MouQuerySet,
    Programme,
    Reaction,
    ReportedFigure,
    Source,
)

pytestmark = pytest.mark.django_db

ZIP_URL = "/data/mou-registry.zip"
JSON_URL = "/data/mou-registry.json"


@pytest.fixture(autouse=True)
def dataset_dir(settings, tmp_path):
    """Each test builds into a directory of its own."""
    settings.DATASET_DIR = str(tmp_path / "dataset")
    return tmp_path / "dataset"


def fetch(client, url):
    """A download's response and its whole body (read to the end, the client closes the
    file)."""
    response = client.get(url)
    assert response.status_code == 200, response
    return response, b"".join(response.streaming_content)


def read_zip(content):
    """{file name: text} of every file in the ZIP."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def read_tables(content):
    """{table: [row as a dict]} of every CSV table in the ZIP."""
    files = read_zip(content)
    return {
        name.removesuffix(".csv"): list(csv.DictReader(io.StringIO(text)))
        for name, text in files.items()
        if name.endswith(".csv")
    }


def validate(content, tmp_path):
    """Frictionless's report on the package, read from the ZIP's files on disk."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        archive.extractall(tmp_path / "package")
    return frictionless.validate(str(tmp_path / "package" / "datapackage.json"))


@pytest.fixture
def draft(make_mou, amazon, gujarat, article):
    """A draft MoU with a commitment, a figure and a reaction, none of them public."""
    mou = make_mou("Secret draft MoU", parties=[amazon], states=[gujarat], published=False)
    Commitment.objects.create(mou=mou, description="Draft-only promise", source=article)
    ReportedFigure.objects.create(
        mou=mou, party=amazon, description="draft-only figure", value=1, unit="x", source=article
    )
    Reaction.objects.create(
        mou=mou, stance=Reaction.Stance.CONCERN, summary="Draft-only reaction", source=article
    )
    return mou


@pytest.mark.parametrize("records", ["founding_articles", "rich_mou"])
def test_the_package_validates_with_frictionless_types_keys_and_references(
    client, request, tmp_path, records
):
    request.getfixturevalue(records)
    if records == "rich_mou":  # and a benefit of its programme: a row in every table
        Benefit.objects.create(
            programme=Programme.objects.get(), description="No fees", source=Source.objects.first()
        )
    _response, content = fetch(client, ZIP_URL)
    report = validate(content, tmp_path)
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "message"])
    assert {task.name for task in report.tasks} == {table.name for table in dataset.TABLES}
    rows = read_tables(content)
    checked = {task.name: task.stats.get("rows", 0) for task in report.tasks}
    assert checked == {name: len(table) for name, table in rows.items()}  # every row read
    assert len(rows["mous"]) == Mou.objects.published().count()
    if records == "rich_mou":
        assert [name for name, table in rows.items() if not table] == []


def test_a_broken_reference_would_fail_validation(client, tmp_path, founding_articles):
    """The foreign keys are checked, not only declared: a party taken out of parties.csv
    makes the package invalid."""
    _response, content = fetch(client, ZIP_URL)
    validate(content, tmp_path)  # extracts it
    parties = tmp_path / "package" / "parties.csv"
    lines = parties.read_text().splitlines(keepends=True)
    parties.write_text("".join(lines[:1] + lines[2:]))
    report = frictionless.validate(str(tmp_path / "package" / "datapackage.json"))
    assert not report.valid
    assert "foreign-key" in {error.type for task in report.tasks for error in task.errors}


def test_the_package_describes_every_table_and_column_from_the_models(client, rich_mou):
    _response, content = fetch(client, ZIP_URL)
    files = read_zip(content)
    package = json.loads(files["datapackage.json"])
    assert package["licenses"] == [
        {
            "name": "CC-BY-4.0",
            "title": "CC BY 4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
        }
    ]
    names = [resource["name"] for resource in package["resources"]]
    assert names == [table.name for table in dataset.TABLES]
    assert {f"{name}.csv" for name in names} | {"datapackage.json"} == set(files)
    expected = {
        *["mous", "parties", "states", "programmes", "sectors", "clusters", "commitments"],
        *["follow_ups", "figures", "reactions", "attendees", "sources", "mou_states"],
        *["mou_parties", "mou_programmes", "mou_sectors", "mou_clusters", "mou_sources"],
    }
    assert expected <= set(names)
    for resource in package["resources"]:
        header = next(csv.reader(io.StringIO(files[resource["path"]])))
        fields = resource["schema"]["fields"]
        assert header == [field["name"] for field in fields], resource["name"]
        assert all(field["description"].strip() for field in fields), resource["name"]
        assert resource["description"] and resource["schema"]["primaryKey"]
    commitments = next(r for r in package["resources"] if r["name"] == "commitments")
    fields = {field["name"]: field for field in commitments["schema"]["fields"]}
    assert fields["target_unit"]["description"] == "Target unit. E.g. MSME sellers."
    assert fields["status"]["constraints"]["enum"] == Commitment.Status.values
    assert {"fields": "mou_id", "reference": {"resource": "mous", "fields": "id"}} in commitments[
        "schema"
    ]["foreignKeys"]
    mou_parties = next(r for r in package["resources"] if r["name"] == "mou_parties")
    assert [f["name"] for f in mou_parties["schema"]["fields"]][:4] == [
        *["mou_id", "party_id", "role", "signatory"]
    ]


def test_the_files_are_built_in_english_whichever_address_asks_for_them(client, rich_mou):
    """The descriptions are lazy texts, in Hindi on /hi/about/data/: a build that a
    download under /hi/ starts still writes the files in English, as data."""
    _response, content = fetch(client, f"/hi{ZIP_URL}")
    _response, document = fetch(client, f"/hi{JSON_URL}")
    files = read_zip(content)
    package = json.loads(files["datapackage.json"])
    commitments = next(r for r in package["resources"] if r["name"] == "commitments")
    fields = {field["name"]: field for field in commitments["schema"]["fields"]}
    assert fields["target_unit"]["description"] == "Target unit. E.g. MSME sellers."
    assert fields["mou_id"]["description"] == "Its MoU: the id of a row of mous."
    assert commitments["description"] == (
        "What each party undertakes under a published MoU, with how it stands now."
    )
    for text in [*files.values(), document.decode()]:
        assert not re.search("[\u0900-\u097f]", text)  # no Devanagari


def test_the_data_dictionary_describes_each_table_as_the_package_does(client, rich_mou):
    _response, content = fetch(client, ZIP_URL)
    package = json.loads(read_zip(content)["datapackage.json"])
    page = " ".join(client.get("/about/data/").content.decode().split())
    for resource in package["resources"]:
        assert f'id="table-{resource["name"]}"' in page
        for field in resource["schema"]["fields"]:
            assert f"<code>{field['name']}</code>" in page
    table = dataset.TABLES_BY_NAME["commitments"]
    assert Entry("target_unit", "Target unit. E.g. MSME sellers.", []) in table.entries()


def test_drafts_and_their_facts_are_not_in_the_dataset(client, rich_mou, draft):
    _response, content = fetch(client, ZIP_URL)
    _response, document = fetch(client, JSON_URL)
    for text in [*read_zip(content).values(), document.decode()]:
        for secret in ["Secret draft MoU", "Draft-only promise", "draft-only figure"]:
            assert secret not in text
        assert "Draft-only reaction" not in text
    rows = read_tables(content)
    assert {row["title"] for row in rows["mous"]} == {rich_mou.title}
    assert {row["mou_id"] for row in rows["mou_states"]} == {str(rich_mou.pk)}


def test_no_internal_note_is_in_the_dataset(client, founding_articles):
    notes = [note for note in Source.objects.values_list("internal_note", flat=True) if note]
    assert len(notes) == 5
    _response, content = fetch(client, ZIP_URL)
    _response, document = fetch(client, JSON_URL)
    for text in [*read_zip(content).values(), document.decode()]:
        assert "internal_note" not in text
        for note in notes:
            assert note not in text
            assert note.split(".")[0] not in text  # not even its first sentence


def test_the_json_document_holds_the_same_tables_and_rows(client, rich_mou):
    _response, content = fetch(client, ZIP_URL)
    response, document = fetch(client, JSON_URL)
    assert response["Content-Type"] == "application/json"
    data = json.loads(document)
    assert data["licence"]["name"] == "CC BY 4.0"
    assert list(data["tables"]) == [table.name for table in dataset.TABLES]
    tables = read_tables(content)
    for name, rows in data["tables"].items():
        assert [row["id"] if "id" in row else row["mou_id"] for row in rows] == [
            int(row["id"] if "id" in row else row["mou_id"]) for row in tables[name]
        ]
    (commitment,) = data["tables"]["commitments"]
    assert commitment["description"] == "Onboard MSME exporters to Global Selling"
    assert commitment["mou_id"] == rich_mou.pk


def test_spreadsheet_formulas_are_escaped_in_the_csv_tables_only(client, make_mou, amazon, gujarat):
    make_mou('=HYPERLINK("http://evil.example","click")', parties=[amazon], states=[gujarat])
    _response, content = fetch(client, ZIP_URL)
    (mou,) = read_tables(content)["mous"]
    assert mou["title"] == '\'=HYPERLINK("http://evil.example","click")'
    _response, document = fetch(client, JSON_URL)
    (mou,) = json.loads(document)["tables"]["mous"]
    assert mou["title"] == '=HYPERLINK("http://evil.example","click")'


def test_the_page_links_the_files_and_says_when_they_were_built(client, rich_mou):
    page = " ".join(client.get("/data/").content.decode().split())
    assert f'href="{ZIP_URL}"' in page and f'href="{JSON_URL}"' in page
    assert "not built yet" in page
    fetch(client, ZIP_URL)
    page = " ".join(client.get("/data/").content.decode().split())
    assert "not built yet" not in page
    assert re.search(r"ZIP of \d+ CSV tables</a>.*\(\d+(\.\d)? KB\)", page)
    assert "Built " in page and "from data version " in page
    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license"' in page


def test_the_site_links_the_whole_dataset(client, three_mous):
    for url in ["/", "/about/", "/mous/?state=assam"]:
        assert f'href="{reverse("agreements:dataset")}"' in client.get(url).content.decode()
    page = client.get("/mous/?state=assam").content.decode()
    for table in ["commitments", "figures", "reactions"]:
        assert f'href="/mous/export.csv?state=assam&amp;table={table}"' in page


def test_a_second_download_serves_the_built_file_without_building_again(
    client, rich_mou, monkeypatch, django_assert_max_num_queries
):
    response, first = fetch(client, ZIP_URL)
    monkeypatch.setattr(dataset, "_write", lambda version: pytest.fail("built again"))
    with django_assert_max_num_queries(1):  # the data version
        again, second = fetch(client, ZIP_URL)
    assert second == first
    assert again["Content-Disposition"] == response["Content-Disposition"]
    assert re.fullmatch(
        r'attachment; filename="mou-registry-v\d+\.zip"', again["Content-Disposition"]
    )


def test_a_change_of_data_makes_new_files_and_removes_the_old(client, rich_mou, dataset_dir):
    response, _content = fetch(client, ZIP_URL)
    old = response["Content-Disposition"]
    rich_mou.title = "A retitled MoU"
    rich_mou.save()
    response, content = fetch(client, ZIP_URL)
    assert response["Content-Disposition"] != old
    assert [row["title"] for row in read_tables(content)["mous"]] == ["A retitled MoU"]
    names = sorted(path.name for path in dataset_dir.glob("mou-registry-*"))
    assert len(names) == 2 and all(name.startswith(names[0][:-4]) for name in names)


def test_a_file_deleted_as_it_is_served_is_built_again(client, rich_mou, dataset_dir, monkeypatch):
    """A newer version's build deletes older files: one found, then gone before it was
    opened, is built anew rather than a 500."""
    _response, first = fetch(client, ZIP_URL)
    found = dataset.built

    def found_then_deleted(version):
        monkeypatch.setattr(dataset, "built", found)  # once
        files = found(version)
        for path in dataset_dir.glob("mou-registry-*"):
            path.unlink()
        return files

    monkeypatch.setattr(dataset, "built", found_then_deleted)
    _response, again = fetch(client, ZIP_URL)
    assert read_tables(again) == read_tables(first)


def test_the_command_builds_the_files_once_per_data_version(rich_mou, dataset_dir):
    out = io.StringIO()
    call_command("build_dataset", stdout=out)
    assert re.match(r"Data version \d+: mou-registry-v\d+\.zip [\d.]+\sKB", out.getvalue())
    built = {path: path.stat().st_mtime_ns for path in dataset_dir.glob("mou-registry-*")}
    assert len(built) == 2
    call_command("build_dataset", stdout=io.StringIO())
    assert {path: path.stat().st_mtime_ns for path in dataset_dir.glob("mou-registry-*")} == built


def test_downloads_of_the_dataset_are_rate_limited(client, rich_mou, settings):
    # Built first, and counted per hour: django-ratelimit's windows start on the clock,
    # so two requests a slow build apart could fall in two one-minute windows.
    call_command("build_dataset", stdout=io.StringIO())
    settings.PUBLIC_RATE_LIMIT = "1/h"
    fetch(client, ZIP_URL)
    response = client.get(JSON_URL)
    assert response.status_code == 429 and response["Retry-After"]


# The /mous/ downloads --------------------------------------------------------------------


@pytest.fixture
def three_mous(make_mou, amazon, flipkart, gujarat, assam, article):
    made = (
        make_mou("Flipkart in Assam", parties=[flipkart], states=[assam], reference="fa"),
        make_mou("Amazon in Assam", parties=[amazon], states=[assam], reference="aa"),
        make_mou("Flipkart in Gujarat", parties=[flipkart], states=[gujarat], reference="fg"),
    )
    for mou in made:
        Commitment.objects.create(
            mou=mou, party=amazon, description=f"Train for {mou.title}", source=article
        )
        Reaction.objects.create(
            mou=mou,
            stance=Reaction.Stance.SUPPORT,
            summary=f"=Welcomed {mou.title}",
            source=article,
        )
    return made


def test_the_json_download_nests_each_mous_facts_as_rows_of_the_dataset(client, three_mous, draft):
    data = json.loads(b"".join(client.get("/mous/export.json?state=assam&sort=title")))
    first = data["mous"][0]
    assert first["title"] == "Amazon in Assam"
    (commitment,) = first["commitments"]
    assert list(commitment) == dataset.TABLES_BY_NAME["commitments"].columns
    assert commitment["description"] == "Train for Amazon in Assam"
    assert first["reactions"][0]["summary"] == "=Welcomed Amazon in Assam"
    assert first["figures"] == []
    everything = json.loads(b"".join(client.get("/mous/export.json")))
    assert "Draft-only" not in json.dumps(everything)


def test_the_csv_download_offers_the_filtered_mous_facts_as_tables_of_their_own(client, three_mous):
    response = client.get("/mous/export.csv?state=assam&table=commitments")
    assert response.status_code == 200
    assert "mous-commitments.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response).decode())))
    assert list(rows[0]) == ["mou_reference", *dataset.TABLES_BY_NAME["commitments"].columns]
    assert sorted(row["mou_reference"] for row in rows) == ["aa", "fa"]
    reactions = client.get("/mous/export.csv?state=assam&table=reactions")
    rows = list(csv.DictReader(io.StringIO(b"".join(reactions).decode())))
    assert {row["summary"] for row in rows} == {
        "'=Welcomed Flipkart in Assam",
        "'=Welcomed Amazon in Assam",
    }


def test_the_mou_csv_itself_keeps_the_import_columns(client, three_mous):
    header = b"".join(client.get("/mous/export.csv")).decode().splitlines()[0]
    assert header.startswith("reference,title,signed_on")
    assert "mou_reference" not in header


@pytest.mark.parametrize("table", ["sources", "mous", "x" * 500, ""])
def test_a_table_the_list_cannot_give_is_a_400_saying_so(client, three_mous, table):
    response = client.get(f"/mous/export.csv?table={table}")
    assert response.status_code == 400
    assert response.content.startswith(b"table: ")
    assert b"commitments, figures, reactions" in response.content


def test_a_big_companion_table_comes_in_the_same_parts_as_the_mous(client, many_mous, monkeypatch):
    monkeypatch.setattr(views, "DOWNLOAD_ROWS", 100)  # 240 published MoUs: 3 parts
    seen = []
    for part in (1, 2, 3):
        response = client.get(f"/mous/export.csv?sort=title&table=commitments&part={part}")
        assert response.status_code == 200
        assert f"part-{part}-of-3" in response["Content-Disposition"]
        rows = list(csv.DictReader(io.StringIO(b"".join(response).decode())))
        assert len(rows) == 100 if part < 3 else 40
        seen += [row["mou_id"] for row in rows]
    published = Commitment.objects.public().values_list("mou_id", flat=True)
    assert sorted(seen) == sorted(str(pk) for pk in published)
    assert client.get("/mous/export.csv?table=commitments&part=4").status_code == 400


@pytest.mark.parametrize("table", ["commitments", "figures", "reactions"])
def test_a_companion_table_is_read_in_a_fixed_number_of_queries(
    client, many_mous, django_assert_max_num_queries, table
):
    # The data version, the count, then the rows in one query read in chunks.
    with django_assert_max_num_queries(3):
        response = client.get(f"/mous/export.csv?table={table}")
        b"".join(response)


def test_the_nested_json_download_runs_a_fixed_number_of_queries_per_chunk(
    client, many_mous, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(MouQuerySet, "CHUNK_SIZE", 100)  # 240 published MoUs: 3 chunks
    # The data version, the count, the MoUs, then per chunk: parties, states,
    # programmes, sectors, clusters, sources, commitments, figures and reactions.
    with django_assert_max_num_queries(3 + 3 * 9):
        data = json.loads(b"".join(client.get("/mous/export.json")))
    assert len(data["mous"]) == 240
    assert all(len(mou["commitments"]) == 1 for mou in data["mous"])


def test_a_date_in_the_tables_is_iso_8601(client, rich_mou):
    _response, content = fetch(client, ZIP_URL)
    (mou,) = read_tables(content)["mous"]
    assert datetime.datetime.fromisoformat(mou["updated_at"]).tzinfo is not None
    assert "T" in mou["updated_at"]
