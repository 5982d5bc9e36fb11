"""The map of India, drawn on the server as SVG: no JavaScript, nothing from elsewhere.

``{% india_map states caption="..." %}`` shades each state and union territory by its
``mou_count`` (``MouQuerySet.counted()`` or ``per_state()``); ``{% india_map states
caption="..." highlight=True %}`` marks the given states (an MoU's) and leaves the rest
plain. Every drawn state is a link to its page named by its name and count (``<title>``
and ``aria-label``); a page keeps a list or table beside the map, for screen readers and
for the states too small to pick out. No query: ``states`` is read as given.
"""

from django import template
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..formats import indian_number
from ..indiamap import LICENCE_URL, range_label, shade_bounds, shade_of, vendored_map

register = template.Library()


# The territories the map's notes name, for a map of only some states (an MoU's).
NOTE_NAMES = {
    "LA": _("Ladakh"),
    "JK": _("Jammu and Kashmir"),
    "DH": _("Dadra and Nagar Haveli and Daman and Diu"),
}


# The names the map's package gives the shapes a note or a label names, in the page's
# language: the former union territories' official Hindi names (the map predates 2020).
SHAPE_NAMES = {
    "Jammu and Kashmir": _("Jammu and Kashmir"),
    "Dadra and Nagar Haveli": _("Dadra and Nagar Haveli"),
    "Daman and Diu": _("Daman and Diu"),
}


def shape_name(name):
    """The map package's name of a shape, in the page's language where it is known."""
    return str(SHAPE_NAMES.get(name, name))


def note_name(by_code, code):
    """The name a map note gives the territory ``code``, in the page's language."""
    state = by_code.get(code)
    return state.display_name if state else NOTE_NAMES[code]


def mous_phrase(count):
    if not count:
        return gettext("no MoU")
    return ngettext("%(n)s MoU", "%(n)s MoUs", count) % {"n": indian_number(count)}


@register.inclusion_tag("includes/india_map.html")
def india_map(states, caption, highlight=False, small=False, map_id="india-map"):
    vendored = vendored_map()
    by_code = {state.code: state for state in states}
    # The states without a shape of their own, by the code of the shape holding them.
    held = {}
    for code, within in vendored.drawn_within.items():
        held.setdefault(within, []).append(code)

    counts = [] if highlight else [getattr(state, "mou_count", 0) or 0 for state in states]
    bounds = shade_bounds(max(counts, default=0))
    shapes = []
    for code, paths in vendored.paths.items():
        state = by_code.get(code)
        inside = [by_code[c] for c in held.get(code, []) if c in by_code]
        shape = {"paths": paths, "href": "", "label": "", "class": "map-off", "sort": ""}
        if highlight:
            marked = [s for s in [state, *inside] if s is not None]
            if marked:
                names = gettext(" and ").join(s.display_name for s in marked)
                shape.update(href=marked[0].get_absolute_url(), label=names, sort=names)
                shape["class"] = "map-marked"
                if state is None:  # only a state drawn within this shape
                    shape["label"] += gettext(" (drawn within %(shape)s on this map)") % {
                        "shape": shape_name(vendored.names[code][0])
                    }
        elif state is not None:
            count = getattr(state, "mou_count", 0) or 0
            label = f"{state.display_name}: {mous_phrase(count)}"
            for other in inside:
                label += gettext(
                    ". This shape also holds %(other)s (%(mous)s), which this map does not "
                    "draw on its own"
                ) % {"other": other.display_name, "mous": mous_phrase(other.mou_count)}
            shade = shade_of(count, bounds)
            shape.update(href=state.get_absolute_url(), label=label, sort=state.display_name)
            shape["class"] = f"map-level-{shade}"
        shapes.append(shape)
    shapes.sort(key=lambda shape: (not shape["href"], shape["sort"]))

    legend = [] if highlight else [("map-level-0", gettext("No MoU"))]
    legend += [(f"map-level-{n}", range_label(*b)) for n, b in enumerate(bounds, start=1)]
    drawn_within = [
        {
            "state": by_code.get(code),
            "name": note_name(by_code, code),
            "within": note_name(by_code, within),
        }
        for code, within in vendored.drawn_within.items()
    ]
    split = [
        {
            "state": by_code.get(code),
            "name": note_name(by_code, code),
            # “Dadra and Nagar Haveli” and “Daman and Diu”
            "parts": gettext(" and ").join(f"“{shape_name(name)}”" for name in names),
        }
        for code, names in vendored.names.items()
        if len(names) > 1
    ]
    return {
        "map_id": map_id,
        "caption": caption,
        "view_box": vendored.view_box,
        "shapes": shapes,
        "legend": legend,
        "highlight": highlight,
        "small": small,
        "drawn_within": drawn_within,
        "split": split,
        "source": vendored.source,
        "author": vendored.source.get("author", "").split("<")[0].strip(),
        "licence_url": LICENCE_URL,
    }
