"""The search document of each MoU: everything its page shows, as the text columns of
``SEARCH_COLUMNS``, built for a chunk of MoUs at a time from their ``Records`` (read in
a fixed number of queries, ``values()`` only: no model instances).

List columns (parties, people, places, topics, sources) hold one entry per line, its
display name first and the other names it is found by (its Hindi name among them) after
``ALIASES``; the ``labels`` column says what each line is, so a result can say
"matched: party Amazon India".
"""

import functools
from collections import defaultdict

from ..models import Cluster
from ..models.bulk import json_text
from ..models.search import SEARCH_COLUMNS
from ..models.snapshots import Records
from .query import ALIASES, clean_text

# The columns that hold one entry per line, each line labelled.
LIST_COLUMNS = ("parties", "people", "places", "topics", "sources")


@functools.lru_cache(maxsize=4096)
def _line(display, *aliases):
    """One entry: its display name, then the other names it is found by. Cached: the
    same parties, states and clusters recur across thousands of MoUs."""
    display = clean_text(display)
    rest = [clean_text(alias) for alias in aliases]
    rest = [alias for alias in rest if alias and alias != display]
    return ALIASES.join([display, *rest]) if rest else display


def _text(*parts):
    """Free text on one line per part, empty parts left out."""
    parts = (clean_text(part) for part in parts)
    return "\n".join(part for part in parts if part)


class Document:
    def __init__(self):
        self.text = defaultdict(list)  # column: lines
        self.labels = defaultdict(list)  # list column: label per line

    def add(self, column, label, line):
        if line and line not in self.text[column]:
            self.text[column].append(line)
            if column in LIST_COLUMNS:
                self.labels[column].append(label)

    def row(self, mou_id):
        return (
            mou_id,
            *("\n".join(self.text[column]) for column in SEARCH_COLUMNS),
            json_text(self.labels),
        )


def build_rows(ids, records=None):
    """``(mou id, *columns, labels)`` for each existing MoU of ``ids``, from their
    ``Records`` (read here unless given), one MoU at a time: on PostgreSQL the rows
    stream into a ``COPY`` as they are built, so the database computes one row's
    vectors while Python builds the next."""
    records = records or Records(ids)  # read now: not while a COPY holds the connection
    return (_document(mou, records).row(mou["pk"]) for mou in records.mous)


def _document(mou, records):
    mou_id = mou["pk"]
    doc = Document()
    doc.add("title", "title", _text(mou["title"]))
    doc.add("summary", "summary", _text(mou["summary"]))
    doc.add("objectives", "objectives", _text(mou["objectives"]))
    doc.add("places", "place of signing", _line(mou["place"]))
    doc.add("topics", "occasion", _line(mou["occasion"]))
    for link in records.parties[mou_id]:
        other_names = (link["party__other_names"] or "").splitlines()
        doc.add(
            "parties",
            "party",
            _line(
                link["party__name"],
                link["party__name_hi"],
                link["party__short_name"],
                *other_names,
                link["party__parent__name"] or "",
                link["party__parent__short_name"] or "",
            ),
        )
        doc.add("people", "signatory", _line(link["signatory"], link["signatory_title"]))
    for name, name_hi in records.states[mou_id]:
        doc.add("places", "state", _line(name, name_hi))
    for place, product, state in records.clusters[mou_id]:
        doc.add("places", "cluster", _line(Cluster.describe(place, product), state))
    for label, names in (
        ("programme", records.programmes[mou_id]),
        ("sector", records.sectors[mou_id]),
        ("meant to help", records.beneficiaries[mou_id]),
    ):
        for name, name_hi, *_ in names:
            doc.add("topics", label, _line(name, name_hi))
    for row in records.commitments[mou_id]:
        doc.add(
            "commitments",
            "commitment",
            _text(row["description"], row["target_unit"], row["period"], row["quote"]),
        )
    for row in records.follow_ups[mou_id]:
        doc.add("follow_ups", "follow-up", _text(row["summary"], row["quote"]))
    for row in records.reactions[mou_id]:
        doc.add(
            "reactions",
            "reaction",
            _text(
                row["party__name"] or "",
                row["party__short_name"] or "",
                row["summary"],
                row["quote"],
                row["announced_actions"],
            ),
        )
        doc.add("people", "speaker", _line(row["speaker"], row["speaker_title"]))
    for row in records.attendees[mou_id]:
        doc.add(
            "people",
            "person present",
            _line(row["name"], row["title"], row["party__name"] or ""),
        )
    for pk in records.cited[mou_id]:
        source = records.sources[pk]
        doc.add("sources", "source", _line(source["title"], source["publisher"]))
    return doc
