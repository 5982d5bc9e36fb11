"""
The public downloads: MoUs as CSV (in the import's columns, formula-escaped, so an
export re-imports to no change) and as JSON, and commitments as CSV and JSON, all
written a chunk at a time so any number of rows streams without being held in memory.
The admin's export button (``agreements.resources``) writes the same MoU rows.
"""

import csv
import datetime
import itertools

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.utils import timezone

from .importing import COLUMNS, escape_formula, format_signed_on, join_list
from .models import Commitment, Source

# The data's licence, said in every JSON download and on /about/; the code's is LICENSE.
DATA_LICENCE = {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}


def export_queryset(queryset):
    """The MoUs with everything a row needs: one query per relation per chunk of MoUs."""
    return queryset.with_party_links().prefetch_related(
        "states",
        "programmes",
        "sectors",
        "clusters",
        Prefetch(
            "commitments",
            queryset=Commitment.objects.order_by("pk"),
            to_attr="export_commitments",
        ),
        Prefetch("sources", queryset=Source.objects.order_by("pk"), to_attr="export_sources"),
    )


def mou_to_row(mou):
    """One MoU as a dict of the import columns (not yet formula-escaped).

    Expects the prefetches of ``export_queryset``. Only the MoU's first source (the
    earliest recorded) fits in a row; an import adds sources, never removes them.
    """
    source = mou.export_sources[0] if mou.export_sources else None
    return {
        "reference": mou.reference,
        "title": mou.title,
        "signed_on": format_signed_on(mou.signed_on, mou.signed_on_precision),
        "date_kind": mou.date_kind,
        "states": join_list(sorted(state.name for state in mou.states.all())),
        "parties": join_list(link.party.name for link in mou.party_links),
        "programmes": join_list(sorted(p.name for p in mou.programmes.all())),
        "sectors": join_list(sorted(s.name for s in mou.sectors.all())),
        "clusters": join_list(sorted(str(c) for c in mou.clusters.all())),
        "commitments": join_list(c.description for c in mou.export_commitments),
        "status": mou.status,
        "summary": mou.summary,
        "source_url": source.url if source else "",
        "source_title": source.title if source else "",
        "source_publisher": source.publisher if source else "",
        "source_published_on": (
            source.published_on.isoformat() if source and source.published_on else ""
        ),
        "published": "yes" if mou.published else "no",
    }


def export_rows(queryset):
    """The header, then one formula-escaped list of cells per MoU, read and prefetched a
    chunk at a time (``MouQuerySet.in_chunks()``), so any number of MoUs fits in memory."""
    yield list(COLUMNS)
    for mou in export_queryset(queryset).in_chunks():
        row = mou_to_row(mou)
        yield [escape_formula(row[column]) for column in COLUMNS]


class _Echo:
    """A file whose ``write`` hands the text back, so ``csv.writer`` yields line by line."""

    def write(self, text):
        return text


def stream_csv(rows):
    """CSV lines of ``rows`` (lists of cells), one at a time, for a streamed download."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    for row in rows:
        yield writer.writerow(row)


def iter_mous_csv(queryset):
    """The CSV (with header) of the given MoUs in the import columns, formula-escaped.

    Runs a fixed number of queries per chunk of ``MouQuerySet.CHUNK_SIZE`` MoUs;
    re-importing the result changes nothing.
    """
    return stream_csv(export_rows(queryset))


def stream_json(request, key, items, part):
    """A JSON object saying what it is (the registry, its licence, when, for which query,
    which part of how many: ``views.DownloadPart``) with the list ``key`` of ``items``,
    written an item at a time so the list is never in memory."""
    about = {
        "registry": settings.REGISTRY_NAME,
        "licence": DATA_LICENCE,
        "generated_at": timezone.now(),
        "query": request.GET.urlencode(),
        **part.about(),
    }
    encode = DjangoJSONEncoder(indent=1).encode
    yield "{\n"
    for name, value in about.items():
        yield f" {encode(name)}: {encode(value)},\n"
    yield f" {encode(key)}: ["
    for n, item in enumerate(items):
        yield (",\n" if n else "\n") + encode(item)
    yield "\n ]\n}\n"


def mou_as_json(request, mou):
    """One MoU for the JSON download and the API; expects ``for_json()``."""
    return {
        "reference": mou.reference,
        "slug": mou.slug,
        "url": request.build_absolute_uri(mou.get_absolute_url()),
        "title": mou.title,
        "status": mou.status,
        "current_status": mou.current_status,
        "last_news_on": mou.last_news_on,
        "signed_on": mou.signed_on,
        "signed_on_precision": mou.signed_on_precision,
        "signed_on_display": mou.signed_on_display,
        "date_kind": mou.date_kind,
        "date_display": mou.date_display,
        "place": mou.place,
        "summary": mou.summary,
        "states": [state.name for state in mou.states.all()],
        "parties": [
            {"name": link.party.name, "role": link.role, "signatory": link.signatory}
            for link in mou.party_links
        ],
        "programmes": [programme.name for programme in mou.programmes.all()],
        "sectors": [sector.name for sector in mou.sectors.all()],
        "clusters": [str(cluster) for cluster in mou.clusters.all()],
        "sources": [source_as_json(source) for source in mou.sources.all()],
        "updated_at": mou.updated_at,
    }


def source_as_json(source):
    """A source as every JSON names it: never its internal note, which is for editors."""
    return {
        "title": source.title,
        "publisher": source.publisher,
        "url": source.url,
        "published_on": source.published_on,
    }


def sourced_as_json(fact):
    """What every fact says of where it comes from: its quote and its source (selected
    with it)."""
    return {"quote": fact.quote, "source": source_as_json(fact.source)}


def _name(party_or_other):
    return party_or_other.name if party_or_other else ""


def follow_up_as_json(follow_up):
    """A follow-up: what happened since the signing, when, and what status it reports."""
    return {
        "dated_on": follow_up.dated_on,
        "dated_on_precision": follow_up.dated_on_precision,
        "dated_on_display": follow_up.dated_on_display,
        "summary": follow_up.summary,
        "mou_status": follow_up.mou_status,
        "commitment_status": follow_up.commitment_status,
        "progress_value": follow_up.progress_value,
        **sourced_as_json(follow_up),
    }


def figure_as_json(figure):
    """A reported figure, with what it is about by name; expects its subjects selected."""
    return {
        "description": figure.description,
        "qualifier": figure.qualifier,
        "value": figure.value,
        "unit": figure.unit,
        "value_as_written": figure.value_as_written,
        "display_value": figure.display_value,
        "as_of": figure.as_of,
        "as_of_precision": figure.as_of_precision,
        "party": _name(figure.party),
        "programme": _name(figure.programme),
        "state": _name(figure.state),
        "sector": _name(figure.sector),
        **sourced_as_json(figure),
    }


def reaction_as_json(reaction):
    """A reaction; reported speech (``speech``) is the source's words, not the speaker's."""
    return {
        "party": _name(reaction.party),
        "speaker": reaction.speaker,
        "speaker_title": reaction.speaker_title,
        "stance": reaction.stance,
        "speech": reaction.speech,
        "summary": reaction.summary,
        "announced_actions": reaction.actions,
        **sourced_as_json(reaction),
    }


def attendee_as_json(attendee):
    return {
        "name": attendee.name,
        "title": attendee.title,
        "party": _name(attendee.party),
        **sourced_as_json(attendee),
    }


# Commitments ------------------------------------------------------------------------------

COMMITMENT_COLUMNS = [
    "mou_reference",
    "mou_title",
    "mou_url",
    "party",
    "kind",
    "description",
    "target_value",
    "target_unit",
    "period",
    "status_at_signing",
    "current_status",
    "due_on",
    "overdue",
    "follow_ups",
    "last_follow_up_on",
    "source_title",
    "source_url",
]


def commitment_as_json(request, commitment):
    """One commitment, as the CSV columns; expects ``for_export()``."""
    return {
        "mou_reference": commitment.mou.reference,
        "mou_title": commitment.mou.title,
        "mou_url": request.build_absolute_uri(commitment.mou.get_absolute_url()),
        "party": commitment.party.name if commitment.party else "",
        "kind": commitment.kind,
        "description": commitment.description,
        "target_value": commitment.target_value,
        "target_unit": commitment.target_unit,
        "period": commitment.period,
        "status_at_signing": commitment.status,
        "current_status": commitment.current_status,
        "due_on": commitment.due_on,
        "overdue": commitment.is_overdue,
        "follow_ups": commitment.follow_up_count,
        "last_follow_up_on": commitment.last_follow_up_on,
        "source_title": commitment.source.title,
        "source_url": commitment.source.url,
    }


def iter_commitments_csv(request, queryset):
    """The commitments as CSV, formula-escaped, one query per chunk."""
    rows = (commitment_as_json(request, c) for c in queryset.for_export().iterator(2000))
    header = [COMMITMENT_COLUMNS]
    cells = ([escape_formula(cell(row[name])) for name in COMMITMENT_COLUMNS] for row in rows)
    return stream_csv(itertools.chain(header, cells))


def iter_commitments_json(request, queryset, part):
    items = (commitment_as_json(request, c) for c in queryset.for_export().iterator(2000))
    return stream_json(request, "commitments", items, part)


def cell(value):
    """A JSON value as a CSV cell: empty for none, yes/no for a flag, ISO 8601 for a date
    or a time, text otherwise."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.date):  # datetimes too
        return value.isoformat()
    return str(value)
