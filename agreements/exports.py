"""
The public downloads: MoUs as CSV (in the import's columns, formula-escaped, so an
export re-imports to no change) and as JSON, both written a chunk of MoUs at a time so
any number of MoUs streams without being held in memory. The admin's export button
(``agreements.resources``) writes the same rows.
"""

import csv

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch

from .importing import COLUMNS, escape_formula, format_signed_on, join_list
from .models import Commitment, Source


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


def iter_mous_csv(queryset):
    """The CSV (with header) of the given MoUs in the import columns, formula-escaped,
    one line at a time, for a streamed download.

    Runs a fixed number of queries per chunk of ``MouQuerySet.CHUNK_SIZE`` MoUs;
    re-importing the result changes nothing.
    """
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    for row in export_rows(queryset):
        yield writer.writerow(row)


def iter_json(about, items):
    """A JSON object of ``about``'s keys and a "mous" list of ``items``, written an item at
    a time so the whole list is never in memory."""
    encode = DjangoJSONEncoder(indent=1).encode
    yield "{\n"
    for key, value in about.items():
        yield f" {encode(key)}: {encode(value)},\n"
    yield ' "mous": ['
    for n, item in enumerate(items):
        yield (",\n" if n else "\n") + encode(item)
    yield "\n ]\n}\n"


def mou_as_json(request, mou):
    """One MoU for the JSON download; expects ``for_list()`` plus clusters and sources."""
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
        "sources": [
            {
                "title": source.title,
                "publisher": source.publisher,
                "url": source.url,
                "published_on": source.published_on,
            }
            for source in mou.sources.all()
        ],
        "updated_at": mou.updated_at,
    }
