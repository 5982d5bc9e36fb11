"""Vendor the map of India from the npm package ``@svg-maps/india`` into the project.

The package (CC BY 4.0, by Victor Cazanave, based on MapSVG's map of India) is read from
its npm tarball, so the site itself never needs Node::

    cd /tmp && npm pack @svg-maps/india@2.0.0
    DJANGO_DEBUG=1 .venv/bin/python manage.py vendor_india_map /tmp/svg-maps-india-2.0.0.tgz

It writes ``agreements/data/india-map.json`` (the viewBox and one entry per path, keyed by
the ISO 3166-2:IN code the registry's ``State.code`` uses) and, beside it, the package's
licence. The package's ids are ISO codes in lower case, some from before the latest ISO
revision (``ct``, ``or``, ``tg``, ``ut``), and it predates the 2019 and 2020
reorganisations: ``dn`` and ``dd`` are two paths of today's Dadra and Nagar Haveli and Daman
and Diu, and ``jk`` is the state of Jammu and Kashmir as it was, Ladakh included. Each id is
matched to a state by the registry's own codes and former codes (``fixtures/states.json``),
never by a list kept here; the one thing the package cannot say, that Ladakh is drawn
inside ``jk``, is ``DRAWN_WITHIN``, and the command refuses to write a map where any other
state has no path or any path matches no state.

Changes made to the package's data (the licence asks that they be indicated): relative
coordinates made absolute, rounded to 0.1 unit of the 612 × 696 viewBox and written back
as relative moves; repeated points dropped; ids replaced by ISO codes.
"""

import hashlib
import io
import json
import re
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

PACKAGE = "@svg-maps/india"
DATA_DIR = Path(settings.BASE_DIR) / "agreements" / "data"
MAP_FILE = DATA_DIR / "india-map.json"
LICENCE_FILE = DATA_DIR / "india-map-LICENSE.md"
STATES_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "states.json"

# Union territories the package has no path for, and the code of the path whose area
# holds theirs: Ladakh became a union territory on 31 October 2019 and the package still
# draws the former state of Jammu and Kashmir, Ladakh within it.
DRAWN_WITHIN = {"LA": "JK"}

# Tenths of a unit of the viewBox: 0.1 of 612 units is well under a pixel on any screen.
GRID = 10

_PART = re.compile(r"[MmLlZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def read_package(tarball):
    """(package.json as a dict, the map from index.js, the licence's text, sha256)."""
    raw = Path(tarball).read_bytes()
    with tarfile.open(fileobj=io.BytesIO(raw), mode="r:gz") as archive:

        def text(name):
            try:
                member = archive.extractfile(f"package/{name}")
            except KeyError:
                member = None
            if member is None:
                raise CommandError(f"{tarball} has no package/{name}: is it {PACKAGE}?")
            return member.read().decode("utf-8")

        meta = json.loads(text("package.json"))
        script = text("index.js").strip()
        licence = text("LICENSE.md")
    if meta.get("name") != PACKAGE:
        raise CommandError(f"{tarball} is {meta.get('name')!r}, not {PACKAGE}")
    prefix = "export default "
    if not script.startswith(prefix):
        raise CommandError("index.js no longer starts with 'export default {...}'")
    data = json.loads(script.removeprefix(prefix).rstrip(";"))
    return meta, data, licence, hashlib.sha256(raw).hexdigest()


def rings(path):
    """The path's closed rings as lists of absolute (x, y) points. The package's paths use
    only moveto, lineto and closepath (``m``, ``l``, ``L``, ``z``); anything else is an
    error, never silently dropped."""
    items = _PART.findall(path)
    if "".join(items) != re.sub(r"[\s,]+", "", path):
        raise CommandError(f"unexpected path commands in {path[:60]}...")
    result, ring, command = [], None, "M"
    x = y = start_x = start_y = 0.0
    index = 0
    while index < len(items):
        item = items[index]
        if item in "MmLlZz":
            command = item
            index += 1
            if item in "Zz":
                if ring:
                    result.append(ring)
                ring, (x, y) = None, (start_x, start_y)
            continue
        dx, dy = float(items[index]), float(items[index + 1])
        index += 2
        relative = command.islower()
        x, y = (x + dx, y + dy) if relative else (dx, dy)
        if command in "Mm":
            if ring:
                result.append(ring)
            ring, (start_x, start_y) = [(x, y)], (x, y)
            command = "l" if relative else "L"  # further pairs draw lines
        else:
            ring.append((x, y))
    if ring:
        result.append(ring)
    return result


def _number(tenths):
    """A number of tenths as short as SVG allows: 5 is ".5", -12 is "-1.2", 30 is "3"."""
    text = f"{tenths / GRID:.1f}".removesuffix(".0")
    return text.replace("0.", ".", 1) if text.lstrip("-").startswith("0.") else text


def encode(path_rings):
    """Rings back to a compact path on the 0.1 grid: relative moves between rounded
    absolute points, so rounding never accumulates."""
    parts, previous = [], (0, 0)
    for ring in path_rings:
        points = []
        for x, y in ring:
            point = (round(x * GRID), round(y * GRID))
            if not points or points[-1] != point:
                points.append(point)
        if len(points) > 1 and points[-1] == points[0]:
            points.pop()
        if len(points) < 3:
            continue
        moves = []
        for point in points:
            moves.append(f"{_number(point[0] - previous[0])},{_number(point[1] - previous[1])}")
            previous = point
        parts.append(f"m{moves[0]} {' '.join(moves[1:])}z")
        previous = points[0]  # closepath returns to the ring's start
    return "".join(parts)


def registry_codes(fixture=STATES_FIXTURE):
    """Every code (and former code) the registry's states answer to: {code: current}."""
    codes = {}
    for row in json.loads(Path(fixture).read_text()):
        fields = row["fields"]
        codes[fields["code"]] = fields["code"]
        for former in filter(None, (c.strip() for c in fields["former_codes"].split(","))):
            codes[former] = fields["code"]
    return codes


def build_map(meta, data, sha256, codes):
    """The vendored map as a dict, or a CommandError naming what does not fit."""
    shapes, unmatched = [], []
    for location in data["locations"]:
        code = codes.get(location["id"].upper())
        if code is None:
            unmatched.append(f"{location['id']} ({location['name']})")
            continue
        shapes.append(
            {
                "code": code,
                "id": location["id"],
                "name": location["name"],
                "d": encode(rings(location["path"])),
            }
        )
    if unmatched:
        raise CommandError(f"paths that match no registry state: {', '.join(unmatched)}")
    drawn = {shape["code"] for shape in shapes}
    missing = sorted(set(codes.values()) - drawn - set(DRAWN_WITHIN))
    if missing:
        raise CommandError(f"registry states with no path: {', '.join(missing)}")
    for code, within in DRAWN_WITHIN.items():
        if code in drawn or within not in drawn:
            raise CommandError(f"DRAWN_WITHIN says {code} is inside {within}: no longer so")
    shapes.sort(key=lambda shape: (shape["code"], shape["id"]))
    return {
        "source": {
            "package": PACKAGE,
            "version": meta["version"],
            "licence": meta.get("license", ""),
            "author": meta.get("author", ""),
            "based_on": "MapSVG's map of India (mapsvg.com), CC BY 4.0",
            "tarball_sha256": sha256,
            "changes": "coordinates rounded to 0.1 unit and rewritten as compact relative "
            "moves, repeated points dropped; ids replaced by ISO 3166-2:IN codes",
        },
        "viewBox": data["viewBox"],
        "drawn_within": DRAWN_WITHIN,
        "shapes": shapes,
    }


class Command(BaseCommand):
    help = f"Vendor the map of India from an npm tarball of {PACKAGE} (npm pack)."

    def add_arguments(self, parser):
        parser.add_argument("tarball", help="e.g. svg-maps-india-2.0.0.tgz from `npm pack`")
        parser.add_argument("--out", default=str(MAP_FILE), help="where to write the JSON")

    def handle(self, tarball, out, **options):
        meta, data, licence, sha256 = read_package(tarball)
        if meta.get("license") != "CC-BY-4.0":
            raise CommandError(f"the licence is now {meta.get('license')!r}: check it first")
        vendored = build_map(meta, data, sha256, registry_codes())
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(vendored, indent=1, ensure_ascii=False) + "\n")
        (out.parent / LICENCE_FILE.name).write_text(licence)
        self.stdout.write(
            f"Wrote {len(vendored['shapes'])} paths from {PACKAGE} {meta['version']} to {out}"
        )
