"""The map of India the public pages draw: shapes vendored from ``@svg-maps/india``
(``manage.py vendor_india_map``; CC BY 4.0) and how a count becomes a shade.

The shapes are keyed by the ISO 3166-2:IN codes of ``State.code``. The package predates
the 2019 and 2020 reorganisations, and the map says so rather than hiding it: Dadra and
Nagar Haveli and Daman and Diu is drawn as its two former parts, both linking to it, and
Ladakh has no shape of its own but lies inside Jammu and Kashmir's (``drawn_within``).
"""

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from .formats import indian_number

MAP_FILE = Path(__file__).resolve().parent / "data" / "india-map.json"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
# Shades for a non-zero count, besides the one for none.
SHADES = 4


@dataclass(frozen=True)
class VendoredMap:
    view_box: str
    paths: dict  # code -> [path data, ...]
    names: dict  # code -> the package's names for its paths
    drawn_within: dict  # code without a shape -> code of the shape holding its area
    source: dict


@functools.cache
def vendored_map():
    """The vendored map, read once per process."""
    data = json.loads(MAP_FILE.read_text(encoding="utf-8"))
    paths, names = {}, {}
    for shape in data["shapes"]:
        paths.setdefault(shape["code"], []).append(shape["d"])
        names.setdefault(shape["code"], []).append(shape["name"])
    return VendoredMap(data["viewBox"], paths, names, data["drawn_within"], data["source"])


def shade_bounds(top, shades=SHADES):
    """The (low, high) counts of each shade for counts from 1 to ``top``: one shade per
    count while they fit, otherwise ranges growing geometrically, so a registry of five MoUs
    and one of 200,000 both use every shade. ``shade_bounds(240)`` is
    ``[(1, 4), (5, 15), (16, 61), (62, 240)]``."""
    if top < 1:
        return []
    if top <= shades:
        return [(n, n) for n in range(1, top + 1)]
    highs = sorted({max(1, round(top ** (k / shades))) for k in range(1, shades + 1)})
    bounds, low = [], 1
    for high in highs:
        if high >= low:
            bounds.append((low, high))
            low = high + 1
    return bounds


def shade_of(count, bounds):
    """0 for none, else the 1-based shade whose bounds hold ``count``."""
    for shade, (low, high) in enumerate(bounds, start=1):
        if low <= count <= high:
            return shade
    return 0


def range_label(low, high):
    return indian_number(low) if low == high else f"{indian_number(low)}–{indian_number(high)}"
