"""The map of India's data: vendored from @svg-maps/india with its licence, keyed by the
registry's codes, honest about what the package predates, and rebuilt by one command."""

import io
import json
import re
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from agreements.indiamap import MAP_FILE, shade_bounds, shade_of, vendored_map
from agreements.management.commands.vendor_india_map import STATES_FIXTURE

ROOT = Path(__file__).resolve().parent.parent


def fixture_states():
    return {row["fields"]["code"]: row["fields"] for row in json.loads(STATES_FIXTURE.read_text())}


def shape_links(html):
    """{aria-label: (href, number of paths)} of the map's linked shapes."""
    svg = html[html.index('<figure class="india-map') :]
    svg = svg[: svg.index("</svg>")]
    return {
        label: (href, body.count("<path"))
        for href, label, body in re.findall(
            r'<a href="([^"]+)" aria-label="([^"]+)">(.*?)</a>', svg
        )
    }


# --- The vendored data ------------------------------------------------------------


def test_the_vendored_map_draws_every_state_but_ladakh_which_lies_inside_jammu_and_kashmir():
    drawn = set(vendored_map().paths)
    assert set(fixture_states()) - drawn == {"LA"}
    assert drawn <= set(fixture_states())
    assert vendored_map().drawn_within == {"LA": "JK"}


def test_the_merged_dadra_and_nagar_haveli_and_daman_and_diu_keeps_its_two_former_paths():
    assert vendored_map().names["DH"] == ["Daman and Diu", "Dadra and Nagar Haveli"]
    assert len(vendored_map().paths["DH"]) == 2


def test_the_package_ids_from_before_the_iso_revision_map_to_todays_codes():
    data = json.loads(MAP_FILE.read_text())
    ids = {shape["id"]: shape["code"] for shape in data["shapes"]}
    assert {ids[i] for i in ("ct", "or", "tg", "ut", "dn", "dd")} == {"CG", "OD", "TS", "UK", "DH"}
    assert ids["or"] == "OD" and ids["ut"] == "UK"


def test_the_map_keeps_its_source_version_and_licence():
    source = json.loads(MAP_FILE.read_text())["source"]
    assert source["package"] == "@svg-maps/india"
    assert source["version"] == "2.0.0"
    assert source["licence"] == "CC-BY-4.0"
    licence = (MAP_FILE.parent / "india-map-LICENSE.md").read_text()
    assert "Attribution 4.0 International" in licence


def test_path_data_holds_only_moves_lines_and_numbers():
    for paths in vendored_map().paths.values():
        for d in paths:
            assert re.fullmatch(r"[mz0-9.,\- ]+", d), d[:40]


def test_shades_grow_with_the_registry_and_use_every_shade():
    assert shade_bounds(0) == []
    assert shade_bounds(3) == [(1, 1), (2, 2), (3, 3)]
    assert shade_bounds(240) == [(1, 4), (5, 15), (16, 61), (62, 240)]
    assert shade_bounds(200_000)[-1][1] == 200_000
    bounds = shade_bounds(240)
    assert [shade_of(n, bounds) for n in (0, 1, 4, 5, 61, 62, 240)] == [0, 1, 1, 2, 3, 4, 4]


# --- The regeneration command -----------------------------------------------------


def npm_tarball(tmp_path, locations, name="@svg-maps/india", licence="CC-BY-4.0"):
    """A tarball shaped like `npm pack` output, with ``locations`` as its map."""
    files = {
        "package/package.json": json.dumps(
            {"name": name, "version": "9.9.9", "license": licence, "author": "A <a@b.c>"}
        ),
        "package/index.js": "export default "
        + json.dumps({"label": "Map", "viewBox": "0 0 612 696", "locations": locations})
        + ";\n",
        "package/LICENSE.md": "Attribution 4.0 International (test copy)",
    }
    path = tmp_path / "india.tgz"
    with tarfile.open(path, "w:gz") as archive:
        for member, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(member)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def committed_locations():
    """The committed shapes as the package's locations: what the package holds, rounded."""
    shapes = json.loads(MAP_FILE.read_text())["shapes"]
    return [{"id": s["id"], "name": s["name"], "path": s["d"]} for s in shapes]


def test_the_command_rebuilds_the_committed_map_from_an_npm_tarball(tmp_path):
    out = tmp_path / "map.json"
    call_command("vendor_india_map", npm_tarball(tmp_path, committed_locations()), out=out)
    rebuilt, committed = json.loads(out.read_text()), json.loads(MAP_FILE.read_text())
    assert rebuilt["shapes"] == committed["shapes"]
    assert rebuilt["source"]["version"] == "9.9.9"
    assert (tmp_path / "india-map-LICENSE.md").read_text().startswith("Attribution 4.0")


def test_the_command_refuses_a_path_no_registry_state_answers_to(tmp_path):
    locations = [*committed_locations(), {"id": "xx", "name": "Nowhere", "path": "m1,1 1,0 0,1z"}]
    with pytest.raises(CommandError, match="xx"):
        call_command("vendor_india_map", npm_tarball(tmp_path, locations), out=tmp_path / "m")


def test_the_command_refuses_a_map_missing_a_state(tmp_path):
    locations = [loc for loc in committed_locations() if loc["id"] != "ga"]
    with pytest.raises(CommandError, match="GA"):
        call_command("vendor_india_map", npm_tarball(tmp_path, locations), out=tmp_path / "m")


def test_the_command_refuses_a_licence_that_changed(tmp_path):
    tarball = npm_tarball(tmp_path, committed_locations(), licence="UNLICENSED")
    with pytest.raises(CommandError, match="licence"):
        call_command("vendor_india_map", tarball, out=tmp_path / "m")
