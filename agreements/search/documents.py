"""The search document of each MoU: everything its page shows, as the text columns of
``SEARCH_COLUMNS``, built for a chunk of MoUs at a time in a fixed number of queries (one
per related table, ``values()`` only: no model instances).

List columns (parties, people, places, topics, sources) hold one entry per line, its
display name first and the other names it is found by after ``ALIASES``; the ``labels``
column says what each line is, so a result can say "matched: party Amazon India".
"""

import json
from collections import defaultdict

from ..models import (
    Attendee,
    Commitment,
    FollowUp,
    Mou,
    MouParty,
    Reaction,
    Source,
)
from ..models.search import SEARCH_COLUMNS
from .query import ALIASES, clean_text

# The columns that hold one entry per line, each line labelled.
LIST_COLUMNS = ("parties", "people", "places", "topics", "sources")


def _line(display, *aliases):
    """One entry: its display name, then the other names it is found by."""
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
            json.dumps(self.labels, ensure_ascii=False, separators=(",", ":")),
        )


def build_rows(ids):
    """``(mou id, *columns, labels)`` for each existing MoU of ``ids``: 13 queries."""
    docs = {}
    mou_fields = ("pk", "title", "summary", "objectives", "place", "occasion")
    for mou in Mou.objects.filter(pk__in=ids).values(*mou_fields):
        doc = docs[mou["pk"]] = Document()
        doc.add("title", "title", _text(mou["title"]))
        doc.add("summary", "summary", _text(mou["summary"]))
        doc.add("objectives", "objectives", _text(mou["objectives"]))
        doc.add("places", "place of signing", _line(mou["place"]))
        doc.add("topics", "occasion", _line(mou["occasion"]))
    if not docs:
        return []
    ids = list(docs)
    source_ids = defaultdict(list)

    links = MouParty.objects.filter(mou__in=ids).order_by("order", "pk")
    for link in links.values(
        "mou_id",
        "party__name",
        "party__short_name",
        "party__other_names",
        "party__parent__name",
        "party__parent__short_name",
        "signatory",
        "signatory_title",
    ):
        doc = docs[link["mou_id"]]
        other_names = (link["party__other_names"] or "").splitlines()
        doc.add(
            "parties",
            "party",
            _line(
                link["party__name"],
                link["party__short_name"],
                *other_names,
                link["party__parent__name"] or "",
                link["party__parent__short_name"] or "",
            ),
        )
        doc.add("people", "signatory", _line(link["signatory"], link["signatory_title"]))

    for relation, label, fields in (
        (Mou.states, "state", ("name",)),
        (Mou.programmes, "programme", ("name",)),
        (Mou.sectors, "sector", ("name",)),
        (Mou.beneficiaries, "meant to help", ("name",)),
        (Mou.clusters, "cluster", ("place", "product", "state__name")),
    ):
        through = relation.through
        target = relation.field.m2m_reverse_field_name()
        values = [f"{target}__{name}" for name in fields]
        column = "places" if label in ("state", "cluster") else "topics"
        for row in through.objects.filter(mou__in=ids).order_by("pk").values("mou_id", *values):
            parts = [row[value] or "" for value in values]
            if label == "cluster":
                display = f"{parts[0]}: {parts[1]}" if parts[1] else parts[0]
                docs[row["mou_id"]].add(column, label, _line(display, parts[2]))
            else:
                docs[row["mou_id"]].add(column, label, _line(parts[0]))

    for row in Mou.sources.through.objects.filter(mou__in=ids).values("mou_id", "source_id"):
        source_ids[row["mou_id"]].append(row["source_id"])

    commitments = Commitment.objects.filter(mou__in=ids).order_by("pk")
    for row in commitments.values(
        "mou_id", "description", "target_unit", "period", "quote", "party__name", "source_id"
    ):
        docs[row["mou_id"]].add(
            "commitments",
            "commitment",
            _text(row["description"], row["target_unit"], row["period"], row["quote"]),
        )
        source_ids[row["mou_id"]].append(row["source_id"])

    follow_ups = FollowUp.objects.filter(mou__in=ids).order_by("dated_on", "pk")
    for row in follow_ups.values("mou_id", "summary", "quote", "source_id"):
        docs[row["mou_id"]].add("follow_ups", "follow-up", _text(row["summary"], row["quote"]))
        source_ids[row["mou_id"]].append(row["source_id"])

    reactions = Reaction.objects.filter(mou__in=ids).order_by("pk")
    for row in reactions.values(
        "mou_id",
        "speaker",
        "speaker_title",
        "party__name",
        "party__short_name",
        "summary",
        "quote",
        "announced_actions",
        "source_id",
    ):
        doc = docs[row["mou_id"]]
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
        source_ids[row["mou_id"]].append(row["source_id"])

    attendees = Attendee.objects.filter(mou__in=ids).order_by("pk")
    for row in attendees.values("mou_id", "name", "title", "party__name", "source_id"):
        docs[row["mou_id"]].add(
            "people", "person present", _line(row["name"], row["title"], row["party__name"] or "")
        )
        source_ids[row["mou_id"]].append(row["source_id"])

    wanted = {pk for pks in source_ids.values() for pk in pks}
    sources = {
        row["pk"]: row
        for row in Source.objects.filter(pk__in=wanted).values("pk", "title", "publisher")
    }
    for mou_id, pks in source_ids.items():
        for pk in pks:
            source = sources[pk]
            docs[mou_id].add("sources", "source", _line(source["title"], source["publisher"]))

    return [doc.row(mou_id) for mou_id, doc in docs.items()]
