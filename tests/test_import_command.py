"""``manage.py import_mous FILE [--dry-run]``: problems one per line, a summary, the exit code."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils.text import slugify

from agreements import importing
from agreements.importing import writing
from agreements.models import ImportRecord, Mou, Party

HEADER = ["title", "signed_on", "states", "parties", "source_url"]


def write(path, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return str(path)


def run(*args):
    out = io.StringIO()
    call_command("import_mous", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def world(gujarat, amazon, flipkart):
    return None


def test_a_dry_run_writes_nothing_and_a_second_import_changes_nothing(tmp_path, world):
    rows = [["One", "2021", "GJ", "Amazon; Flipkart", "https://a.example.com/"]]
    rows.append(["Two", "", "GJ", "Amazon; Newco", "https://a.example.com/"])
    path = write(tmp_path / "mous.csv", rows)
    out = run(path, "--dry-run")
    assert "2 new, 0 updated, 0 unchanged, 0 errors; 1 new party: Newco" in out
    assert Mou.objects.count() == 0
    run(path)
    assert Mou.objects.count() == 2
    record = ImportRecord.objects.get()
    assert (record.via, record.file_name, record.new) == ("command", "mous.csv", 2)
    assert run(path).strip() == "0 new, 0 updated, 2 unchanged, 0 errors"
    assert ImportRecord.objects.count() == 1


def test_the_command_prints_one_line_per_problem_and_fails(tmp_path, world):
    rows = [
        ["One", "2021-02-30", "GJ", "Amazon; Flipkart", "https://a.example.com/"],
        ["Two", "2021", "XX", "Amazon; Flipkart", "https://a.example.com/"],
    ]
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_mous", write(tmp_path / "bad.csv", rows), stdout=out)
    assert out.getvalue().splitlines() == [
        "row 2, column signed_on: 2021-02-30 is not a valid date",
        "row 3, column states: unknown state or union territory 'XX'",
    ]
    assert str(raised.value) == "0 new, 0 updated, 0 unchanged, 2 errors; nothing was written"
    assert Mou.objects.count() == 0


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "nope.csv"))


def test_a_large_file_imports_whole(tmp_path, world):
    rows = [
        [f"MoU {n}", "2021", "GJ", "Amazon; Flipkart", "https://a.example.com/"]
        for n in range(2000)
    ]
    assert "2000 new" in run(write(tmp_path / "big.csv", rows))
    assert Mou.objects.count() == 2000


def careless_slugs(model, texts, max_length=80):
    """Slugs as if the registry held none: what a concurrent save can make of the real ones."""
    return [slugify(text) for text in texts]


def test_a_registry_changed_during_the_import_writes_nothing(
    tmp_path, monkeypatch, world, make_mou, gujarat
):
    make_mou("One", parties=[Party.objects.get(name="Flipkart")], states=[gujarat])  # slug "one"
    rows = [["One", "2021", "GJ", "Amazon; Newco", "https://a.example.com/"]]
    monkeypatch.setattr(writing, "unique_slugs", careless_slugs)
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 error; .*; nothing was written$"):
        call_command("import_mous", write(tmp_path / "mous.csv", rows), stdout=out)
    assert out.getvalue().splitlines() == [importing.CONCURRENT_CHANGE]
    assert Mou.objects.count() == 1 and ImportRecord.objects.count() == 0
    assert not Party.objects.filter(name="Newco").exists()
