"""The public record of many MoUs at once, as plain data: the documents ``MouVersion``
stores, each what the MoU's page shows at that moment.

Read with ``values()`` only, one query per related table for a chunk of MoUs, and
worded by the models' own ``describe_*`` rules (the ones their display properties use):
an import writing versions for 10,000 MoUs spends most of its time here, and model
instances with their prefetch caches cost several times as much (see
``benchmarks/imports.py``). The numbering of sources follows ``Mou.numbered_sources``:
the MoU's own sources first, then those its facts cite, then those its statuses cite.
"""

import functools
from collections import defaultdict

from django.utils import translation

from ..formats import format_partial_date
from .bulk import among
from .entities import Cluster, Source
from .facts import Attendee, Benefit, Commitment, MouStatus, Reaction, ReportedFigure
from .followups import FollowUp
from .mous import Mou, MouParty

MOU_FIELDS = (
    "pk",
    "published",
    "title",
    "slug",
    "reference",
    "status",
    "current_status",
    "status_source_id",
    "signed_on",
    "signed_on_precision",
    "date_kind",
    "signed_on_note",
    "place",
    "occasion",
    "duration",
    "term_months",
    "summary",
    "objectives",
)


@functools.cache
def _labels(language):
    """The choice labels a document holds, as text in ``language`` (English: see
    ``record_versions``). Translatable, so lazy, and each lazy label resolved by itself
    costs a gettext lookup: 110,000 of them were a sixth of an import of 10,000 MoUs."""
    tables = {
        "status": MouStatus,
        "commitment_status": Commitment.Status,
        "kind": Commitment.Kind,
        "role": MouParty.Role,
        "stance": Reaction.Stance,
    }
    return {
        name: {value: str(label) for value, label in choices.choices}
        for name, choices in tables.items()
    }


def _grouped(queryset, *fields):
    """``{mou id: [row, ...]}`` of ``queryset.values("mou_id", *fields)``, in its order."""
    rows = defaultdict(list)
    for row in queryset.values("mou_id", *fields):
        rows[row["mou_id"]].append(row)
    return rows


def _along(target, ordering):
    """``ordering`` (a model's ``Meta.ordering``) followed through the field ``target``."""
    return [
        f"-{target}__{field[1:]}" if field.startswith("-") else f"{target}__{field}"
        for field in ordering
    ]


def _names(ids, relation, *fields):
    """``{mou id: [(field, ...), ...]}`` along the many-to-many ``relation``
    (``Mou.states``), in the target's own order."""
    through = relation.through
    target = relation.field.m2m_reverse_field_name()
    order = _along(target, relation.field.related_model._meta.ordering)
    values = [f"{target}__{field}" for field in fields]
    names = defaultdict(list)
    rows = through.objects.filter(among(ids)).order_by(*order, "pk")
    for mou_id, *parts in rows.values_list("mou_id", *values):
        names[mou_id].append(parts)
    return names


class Records:
    """The rows behind the pages of a chunk of MoUs (a few hundred), read in ``QUERIES``
    queries: what both their version documents and their search documents
    (``agreements.search.documents``) are made of, so an import reads them once."""

    # One per table read, whatever the number of MoUs or facts (tests pin it).
    QUERIES = 15

    def __init__(self, ids):
        self.mous = list(Mou.objects.filter(among(sorted(ids), "pk")).values(*MOU_FIELDS))
        self.ids = ids = sorted(mou["pk"] for mou in self.mous)
        # Each name with its Hindi name, which the search documents hold too.
        self.states = _names(ids, Mou.states, "name", "name_hi")
        self.programmes = _names(ids, Mou.programmes, "name", "name_hi", "pk")
        self.sectors = _names(ids, Mou.sectors, "name", "name_hi")
        self.clusters = _names(ids, Mou.clusters, "place", "product", "state__name")
        self.beneficiaries = _names(ids, Mou.beneficiaries, "name", "name_hi")
        self.own_sources = _names(ids, Mou.sources, "pk")
        self.parties = _grouped(
            MouParty.objects.filter(among(ids)).order_by("order", "pk"),
            "party__name",
            "party__name_hi",
            "party__short_name",
            "party__other_names",
            "party__parent__name",
            "party__parent__short_name",
            "role",
            "signatory",
            "signatory_title",
        )
        self.commitments = _grouped(
            Commitment.objects.filter(among(ids)).order_by("pk"),
            "pk",
            "party__name",
            "kind",
            "description",
            "target_value",
            "target_unit",
            "period",
            "current_status",
            "due_on",
            "source_id",
            "status_source_id",
            "quote",
        )
        self.follow_ups = _grouped(
            FollowUp.objects.filter(among(ids)).order_by("dated_on", "pk"),
            "commitment_id",
            "dated_on",
            "dated_on_precision",
            "summary",
            "commitment_status",
            "mou_status",
            "progress_value",
            "source_id",
            "quote",
        )
        self.figures = _grouped(
            ReportedFigure.objects.filter(among(ids)).order_by("pk"),
            "value_as_written",
            "value",
            "unit",
            "qualifier",
            "description",
            "party__name",
            "programme__name",
            "state__name",
            "sector__name",
            "as_of",
            "as_of_precision",
            "source_id",
        )
        self.reactions = _grouped(
            Reaction.objects.filter(among(ids)).order_by("pk"),
            "stance",
            "speaker",
            "speaker_title",
            "party__name",
            "party__short_name",
            "summary",
            "quote",
            "speech",
            "announced_actions",
            "source_id",
        )
        self.attendees = _grouped(
            Attendee.objects.filter(among(ids)).order_by("pk"),
            "name",
            "title",
            "party__name",
            "source_id",
        )
        self.cited = self._cite()
        wanted = {pk for order in self.cited.values() for pk in order}
        self.sources = {
            row["pk"]: row
            for row in Source.objects.filter(pk__in=wanted).values(
                "pk", "title", "publisher", "author", "url", "published_on"
            )
        }

    def _cite(self):
        """``{mou id: [source id, ...]}`` in the order ``Mou.numbered_sources`` numbers
        them: one query, for the programmes' benefits."""
        benefit_sources = defaultdict(list)
        programmes = Mou.programmes.through.objects.filter(among(self.ids)).values("programme")
        benefits = Benefit.objects.filter(programme__in=programmes).order_by("programme", "pk")
        for programme_id, source_id in benefits.values_list("programme_id", "source_id"):
            benefit_sources[programme_id].append(source_id)
        cited = {}
        for mou in self.mous:
            pk = mou["pk"]
            facts = [
                *self.commitments[pk],
                *self.follow_ups[pk],
                *self.figures[pk],
                *self.reactions[pk],
                *self.attendees[pk],
            ]
            order = [source_id for (source_id,) in self.own_sources[pk]]
            order += [row["source_id"] for row in facts]
            order += [
                s for *_names, programme in self.programmes[pk] for s in benefit_sources[programme]
            ]
            order += [mou["status_source_id"]]
            order += [row["status_source_id"] for row in self.commitments[pk]]
            cited[pk] = list(dict.fromkeys(s for s in order if s is not None))
        return cited


def mou_documents(ids, records=None):
    """``(mou id, document)`` for each of the MoUs ``ids`` (a chunk: a few thousand),
    from their ``Records`` (read here unless given), built one at a time as they are
    asked for: on PostgreSQL they stream into the versions' ``COPY``, so the database
    stores one while Python builds the next.

    What changes with time alone (overdue, "no news since") is not stored: the pages
    compute it from the dates stored here.
    """
    records = records or Records(ids)  # read now: not while a COPY holds the connection
    return _documents(records, _labels(translation.get_language()))


def _documents(records, labels):
    # Each distinct date worded once: thousands of MoUs share a few hundred dates, and
    # wording one (a gettext lookup, Django's dateformat) costs about 80 µs.
    describe_date = functools.cache(Mou.describe_date)
    published_on = functools.cache(Source.describe_published_on)
    for mou in records.mous:
        pk = mou["pk"]
        numbers = {source_id: n for n, source_id in enumerate(records.cited[pk], start=1)}
        by_commitment = {row["pk"]: row for row in records.commitments[pk]}
        document = {
            "title": mou["title"],
            "slug": mou["slug"],
            "reference": mou["reference"],
            "status": labels["status"][mou["status"]],
            "current_status": labels["status"][mou["current_status"]],
            "status_source": numbers.get(mou["status_source_id"]),
            "date": mou["signed_on"].isoformat() if mou["signed_on"] else None,
            "date_precision": mou["signed_on_precision"],
            "date_kind": mou["date_kind"],
            "date_display": describe_date(
                mou["date_kind"], mou["signed_on"], mou["signed_on_precision"]
            ),
            "date_note": mou["signed_on_note"],
            "place": mou["place"],
            "occasion": mou["occasion"],
            "duration": mou["duration"],
            "term_months": mou["term_months"],
            "summary": mou["summary"],
            "objectives": mou["objectives"],
            "states": [name for name, _hindi in records.states[pk]],
            "programmes": [name for name, _hindi, _pk in records.programmes[pk]],
            "sectors": [name for name, _hindi in records.sectors[pk]],
            "clusters": [
                Cluster.describe(place, product) for place, product, _ in records.clusters[pk]
            ],
            "beneficiaries": [name for name, _hindi in records.beneficiaries[pk]],
            "parties": [
                {
                    "name": row["party__name"],
                    "role": labels["role"][row["role"]],
                    "signatory": Reaction.describe_speaker(
                        row["signatory"], row["signatory_title"]
                    ),
                }
                for row in records.parties[pk]
            ],
            "commitments": [
                {
                    "who": row["party__name"] or "",
                    "kind": labels["kind"][row["kind"]],
                    "description": row["description"],
                    "target": Commitment.describe_target(row["target_value"], row["target_unit"]),
                    "period": row["period"],
                    "status": labels["commitment_status"][row["current_status"]],
                    "due_on": row["due_on"].isoformat() if row["due_on"] else None,
                    "source": numbers.get(row["source_id"]),
                    "quote": row["quote"],
                }
                for row in records.commitments[pk]
            ],
            "follow_ups": [
                _follow_up(row, by_commitment.get(row["commitment_id"]), numbers)
                for row in records.follow_ups[pk]
            ],
            "figures": [
                {
                    "value": ReportedFigure.describe_value(
                        row["value_as_written"], row["value"], row["unit"], row["qualifier"]
                    ),
                    "description": row["description"],
                    "about": row["party__name"]
                    or row["programme__name"]
                    or row["state__name"]
                    or row["sector__name"],
                    "as_of": _as_of(row),
                    "source": numbers.get(row["source_id"]),
                }
                for row in records.figures[pk]
            ],
            "reactions": [
                {
                    "stance": labels["stance"][row["stance"]],
                    "who": Reaction.describe_speaker(row["speaker"], row["speaker_title"])
                    or row["party__name"]
                    or "",
                    "party": row["party__name"] or "",
                    "summary": row["summary"],
                    "quote": row["quote"],
                    "speech": row["speech"],
                    "actions": Reaction.split_actions(row["announced_actions"]),
                    "source": numbers.get(row["source_id"]),
                }
                for row in records.reactions[pk]
            ],
            "attendees": [
                {
                    "name": Attendee.describe(row["name"], row["title"]),
                    "party": row["party__name"] or "",
                    "source": numbers.get(row["source_id"]),
                }
                for row in records.attendees[pk]
            ],
            "sources": [
                _source(records.sources[s], numbers[s], published_on) for s in records.cited[pk]
            ],
        }
        yield pk, document


def _follow_up(row, commitment, numbers):
    progress = ""
    if commitment is not None:
        progress = FollowUp.describe_progress(
            row["progress_value"], commitment["target_value"], commitment["target_unit"]
        )
    return {
        "date": format_partial_date(row["dated_on"], row["dated_on_precision"]),
        "commitment": commitment["description"] if commitment else "",
        "summary": row["summary"],
        "status": FollowUp.describe_status(
            row["commitment_id"], row["commitment_status"], row["mou_status"]
        )
        or "",
        "progress": progress,
        "source": numbers.get(row["source_id"]),
        "quote": row["quote"],
    }


def _as_of(row):
    return format_partial_date(row["as_of"], row["as_of_precision"]) if row["as_of"] else ""


def _source(row, number, describe_published_on):
    return {
        "number": number,
        "title": row["title"],
        "publisher": row["publisher"],
        "author": row["author"],
        "url": row["url"],
        "published_on": describe_published_on(row["published_on"]),
    }
