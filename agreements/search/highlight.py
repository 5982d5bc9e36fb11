"""Why a result matched, in words a reader can check: a snippet of the text that matched
with the matched words marked, or "matched: party Amazon India" for a match in a name.

The databases mark matches with ``START``/``STOP`` (characters no stored text holds);
here the text between them is escaped piece by piece and wrapped in ``<mark>``, so
nothing from the data is ever marked safe.
"""

from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from ..models.entities import marked_name
from .documents import LIST_COLUMNS
from .query import ALIASES, START, STOP

# The free-text columns, in the order a snippet from them is preferred, with the label
# shown before it.
SNIPPET_COLUMNS = {
    "summary": _("Summary"),
    "objectives": _("Objectives"),
    "reactions": _("Reaction"),
    "commitments": _("Commitment"),
    "follow_ups": _("Follow-up"),
    "title": _("Title"),
}
# What a line of a list column is (``documents.build_rows`` stores these English labels
# in the search documents), in the page's language.
MATCH_KINDS = {
    "party": _("party"),
    "signatory": _("signatory"),
    "state": _("state"),
    "cluster": _("cluster"),
    "place of signing": _("place of signing"),
    "occasion": _("occasion"),
    "programme": _("programme"),
    "sector": _("sector"),
    "meant to help": _("meant to help"),
    "speaker": _("speaker"),
    "person present": _("person present"),
    "source": _("source"),
}
MAX_SNIPPETS = 2
MAX_MATCHED = 4


def highlighted(text):
    """``text`` as HTML, each part between START and STOP in ``<mark>``; every part
    escaped."""
    pieces = []
    for chunk in text.split(START):
        marked, _, rest = chunk.partition(STOP) if STOP in chunk else ("", "", chunk)
        if marked:
            pieces.append(format_html("<mark>{}</mark>", marked))
        if rest:
            pieces.append(format_html("{}", rest))
    return format_html_join("", "{}", ((piece,) for piece in pieces))


def _plain(text):
    return text.replace(START, "").replace(STOP, "")


class Match(str):
    """What matched in a name, as one phrase ("party Amazon India"), with its ``kind``
    in the page's language and the ``name`` as the registry holds it, beside its Hindi
    name where it has one (``name_hi``), for a page that says the kind in Hindi and
    names the record as it names it everywhere else (``shown``)."""

    def __new__(cls, kind, name, name_hi=""):
        match = super().__new__(cls, f"{kind} {name}")
        match.kind = str(MATCH_KINDS.get(kind, kind))
        match.name, match.name_hi = name, name_hi
        return match

    @property
    def shown(self):
        return marked_name(self.name, self.name_hi)


def _hindi(names):
    """The first of ``names`` written in Devanagari: a search document lists a record's
    Hindi name among the other names it is found by (``documents._line``)."""
    return next((n for n in names if any("\u0900" <= c <= "\u097f" for c in n)), "")


@dataclass
class Why:
    """What a result shows about its match: ``snippets`` as (label, html), the label in
    the page's language, and ``matched`` as phrases such as "party Amazon India"
    (``Match``)."""

    snippets: list = field(default_factory=list)
    matched: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.snippets or self.matched)


def why(explained):
    """The ``Why`` for one MoU's ``explain_rows`` entry."""
    result = Why()
    for column, label in SNIPPET_COLUMNS.items():
        text = explained.get(column) or ""
        if START in text and len(result.snippets) < MAX_SNIPPETS:
            result.snippets.append((str(label), highlighted(" ".join(text.split()))))
    labels = explained.get("labels", {})
    for column in LIST_COLUMNS:
        lines = (explained.get(column) or "").split("\n")
        kinds = labels.get(column, [])
        for number, line in enumerate(lines):
            if START not in line or len(result.matched) >= MAX_MATCHED:
                continue
            kind = kinds[number] if number < len(kinds) else column.rstrip("s")
            name, *others = (part.strip() for part in _plain(line).split(ALIASES))
            if name:
                result.matched.append(Match(kind, name, _hindi(others)))
    return result
