"""The whole dataset (``/data/``): every published record as one ZIP of CSV tables with a
Frictionless ``datapackage.json``, and as one JSON document of the same tables.

``TABLES`` is the one definition of the tables: their rows (only what the public pages
show), their columns (model fields, described from the models' own verbose names and
help texts through ``dictionary.described``), their keys and references. The CSV files,
the JSON document, ``datapackage.json``, the tables of ``/about/data/``, the /mous/
download's nested facts and its companion CSV tables are all read off it, so they
cannot drift apart.

The files are built a chunk of rows at a time (never a table in memory) into a file per
data version under ``DATASET_DIR``: a download serves the current version's file, built
once, on the first request after a change or by ``manage.py build_dataset`` (the way at
scale, where a build outlasts a request). A lock lets one build run at a time.
"""

import csv
import fcntl
import io
import itertools
import json
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import F, Prefetch
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import dictionary
from .dictionary import Entry, described, marked, name_of
from .exports import DATA_LICENCE, cell, mou_as_json, stream_csv, stream_json
from .importing import escape_formula
from .models import (
    Attendee,
    Beneficiary,
    Benefit,
    Cluster,
    Commitment,
    DataVersion,
    FollowUp,
    Mou,
    NewsCheck,
    Party,
    Programme,
    Reaction,
    ReportedFigure,
    Sector,
    Source,
    State,
)

# Rows read per query round trip while writing the files.
CHUNK_SIZE = 2000

# The Frictionless type of each kind of model field; any other is a string.
TYPES = {
    "AutoField": "integer",
    "BigAutoField": "integer",
    "ForeignKey": "integer",
    "IntegerField": "integer",
    "PositiveSmallIntegerField": "integer",
    "PositiveBigIntegerField": "integer",
    "DecimalField": "number",
    "BooleanField": "boolean",
    "DateField": "date",
    "DateTimeField": "datetime",
}

# The licence as a Data Package names it (an Open Definition id), from DATA_LICENCE.
LICENSE = {"name": "CC-BY-4.0", "title": DATA_LICENCE["name"], "path": DATA_LICENCE["url"]}

FILE_STEM = "mou-registry"
KINDS = {"zip": "application/zip", "json": "application/json"}


def type_of(field):
    return TYPES.get(field.get_internal_type(), "string")


class Table:
    """One table of the dataset: ``name`` (its file, ``name.csv``), the model its rows
    are, the public rows (``rows``: a function giving a queryset, called at each build),
    the model fields it holds (``fields``, in order; a foreign key becomes ``field_id``),
    its primary key and what it holds, for readers.

    ``referenced``: its rows also include every row another table refers to, so that
    every reference in the package resolves (a party only drafts name is hidden from
    /parties/, but a published MoU's page still names it when it reacted to that MoU).
    """

    def __init__(self, name, model, rows, fields, *, about, key=("id",), referenced=False):
        self.name, self.model, self.base_rows, self.about = name, model, rows, about
        self.fields = [model._meta.get_field(name) for name in fields]
        self.key, self.referenced = list(key), referenced
        self.text = [type_of(field) == "string" for field in self.fields]

    @property
    def columns(self):
        return [field.attname for field in self.fields]

    def references(self):
        """``(column, table)`` for each foreign key column: the table it refers to."""
        return [
            (field.attname, TABLE_OF[field.related_model])
            for field in self.fields
            if field.many_to_one
        ]

    def rows(self):
        """The rows the dataset holds, ordered by key: the public ones and, when
        ``referenced``, those the other tables refer to (and the rows these refer to
        in the same table, one level: a listed party's parent)."""
        rows = self.base_rows()
        if self.referenced:
            for table in TABLES:
                for column, target in table.references():
                    if target is self and table is not self:
                        rows = rows | self.model.objects.filter(pk__in=table.rows().values(column))
            for column, target in self.references():
                if target is self:
                    rows = rows | self.model.objects.filter(pk__in=rows.values(column))
        return rows.order_by(*self.key)

    def values(self, rows, *first):
        """Each of ``rows``' values, ``first`` columns (annotations of ``rows``) then the
        table's: one query, read ``CHUNK_SIZE`` rows at a time."""
        return rows.values_list(*first, *self.columns).iterator(chunk_size=CHUNK_SIZE)

    def as_dict(self, obj):
        """A model instance as a row of this table, for the JSON that nests rows."""
        return {field.attname: getattr(obj, field.attname) for field in self.fields}

    def describe(self, field):
        """What a column holds: the model's words for it, and what a key refers to."""
        if field.primary_key:
            return _("The row's id in this table, which other tables' columns refer to."), []
        if field.many_to_one:
            return _lazy_reference(field), []
        return described(self.model, field.name)

    @property
    def about_html(self):
        """What it holds, as the pages show it (``dictionary.marked``)."""
        return marked(self.about)

    def entries(self):
        """The dictionary's entries of its columns (``/about/data/``)."""
        return [Entry(field.attname, *self.describe(field)) for field in self.fields]

    def schema(self):
        """Its Table Schema: every field with its type and description, the keys."""
        fields = []
        for field in self.fields:
            description, values = self.describe(field)
            kind = type_of(field)
            descriptor = {"name": field.attname, "type": kind, "description": description}
            if kind == "boolean":
                descriptor.update(trueValues=["yes"], falseValues=["no"])
            if values:
                descriptor["constraints"] = {"enum": [value for value, _label in values]}
            fields.append(descriptor)
        return {
            "fields": fields,
            "missingValues": [""],
            "primaryKey": self.key,
            "foreignKeys": [
                {
                    "fields": column,
                    # "" is the table itself (a party's parent)
                    "reference": {
                        "resource": "" if target is self else target.name,
                        "fields": "id",
                    },
                }
                for column, target in self.references()
            ],
        }

    def resource(self):
        return {
            "name": self.name,
            "path": f"{self.name}.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "title": self.title,
            "description": self.about,
            "schema": self.schema(),
        }

    @property
    def title(self):
        return self.name.replace("_", " ").capitalize()

    def csv_row(self, values, leading=0):
        """A row's values as CSV cells: empty for none, yes/no for a flag, text
        formula-escaped (``leading`` text columns come before the table's own)."""
        text = [True] * leading + self.text
        return [
            escape_formula(cell(value)) if is_text else cell(value)
            for value, is_text in zip(values, text, strict=True)
        ]


def _reference(field):
    """What a foreign key column holds: the id of a row of the table it refers to."""
    text = gettext("Its %(related)s: the id of a row of %(table)s.") % {
        "related": name_of(field.related_model._meta.verbose_name),
        "table": TABLE_OF[field.related_model].name,
    }
    return f"{text} {field.help_text}" if field.help_text else text


_lazy_reference = lazy(_reference, str)


def on_published(model):
    """The rows of ``model`` that belong to a published MoU."""
    return lambda: model.objects.filter(mou__published=True)


def link(name, relation, *fields, about):
    """A table of an MoU's many-to-many links (``Mou.states``), keyed by the pair."""
    model = relation.through
    fields = fields or ("mou", relation.field.m2m_reverse_field_name())
    key = [model._meta.get_field(field).attname for field in fields[:2]]
    return Table(name, model, on_published(model), fields, about=about, key=key)


WITH_SOURCE = ["source", "quote"]

TABLES = [
    Table(
        "mous",
        Mou,
        Mou.objects.published,
        [
            *["id", "reference", "slug", "title", "status", "status_source", "current_status"],
            *["signed_on", "signed_on_precision", "date_kind", "signed_on_note", "place"],
            *["occasion", "ends_on", "duration", "term_months", "last_news_on", "summary"],
            *["objectives", "published_at", "updated_at"],
        ],
        about=_(
            "Every published MoU. A date given to the month or the year is stored as its "
            "first day, with its precision beside it."
        ),
    ),
    Table(
        "states",
        State,
        State.objects.public,
        ["id", "name", "slug", "code", "former_codes", "kind"],
        about=_("All 36 states and union territories, whether or not an MoU names them."),
    ),
    Table(
        "parties",
        Party,
        Party.objects.public,
        [
            *["id", "name", "slug", "short_name", "other_names", "kind", "state", "parent"],
            *["website", "description"],
        ],
        about=_(
            "The organisations that sign, implement or respond to MoUs: those /parties/ "
            "lists, and any other a published record names."
        ),
        referenced=True,
    ),
    Table(
        "programmes",
        Programme,
        Programme.objects.public,
        ["id", "name", "slug", "owner", "description", "launched_year"],
        about=_("Marketplace and government programmes MoUs are signed under."),
        referenced=True,
    ),
    Table(
        "sectors",
        Sector,
        Sector.objects.public,
        ["id", "name", "slug", "description"],
        about=_("The sectors MoUs cover."),
        referenced=True,
    ),
    Table(
        "clusters",
        Cluster,
        Cluster.objects.public,
        ["id", "slug", "place", "product", "state", "sector", "gi_tag"],
        about=_("Places known for a product (Moradabad brassware) that MoUs name."),
        referenced=True,
    ),
    Table(
        "beneficiaries",
        Beneficiary,
        Beneficiary.objects.public,
        ["id", "name"],
        about=_("The groups MoUs mean to help: artisans, weavers, MSMEs."),
    ),
    Table(
        "sources",
        Source,
        Source.objects.public,
        [
            *["id", "title", "publisher", "author", "url", "published_on", "archive_url"],
            *["url_checked_on", "public_note"],
        ],
        about=_(
            "The published articles every record comes from (never the editors' internal notes)."
        ),
        referenced=True,
    ),
    Table(
        "commitments",
        Commitment,
        Commitment.objects.public,
        [
            *["id", "mou", "party", "kind", "description", "target_value", "target_unit"],
            *["period", "period_months", "status", "status_source", "current_status"],
            *["due_on", "followed_up", *WITH_SOURCE],
        ],
        about=_("What each party undertakes under a published MoU, with how it stands now."),
    ),
    Table(
        "follow_ups",
        FollowUp,
        on_published(FollowUp),
        [
            *["id", "mou", "commitment", "dated_on", "dated_on_precision", "summary"],
            *["mou_status", "commitment_status", "progress_value", *WITH_SOURCE],
        ],
        about=_("What sources reported after the signing, about an MoU or one commitment."),
    ),
    Table(
        "figures",
        ReportedFigure,
        ReportedFigure.objects.public,
        [
            *["id", "mou", "party", "programme", "state", "sector", "description"],
            *["qualifier", "value", "unit", "value_as_written", "as_of", "as_of_precision"],
            *WITH_SOURCE,
        ],
        about=_(
            "Numbers sources report about a party, programme, state or sector; mou_id only "
            "for a figure about the MoU itself."
        ),
    ),
    Table(
        "reactions",
        Reaction,
        on_published(Reaction),
        [
            *["id", "mou", "party", "speaker", "speaker_title", "stance", "summary", "speech"],
            *["announced_actions", *WITH_SOURCE],
        ],
        about=_("Public responses to published MoUs, with their stance."),
    ),
    Table(
        "attendees",
        Attendee,
        on_published(Attendee),
        ["id", "mou", "name", "title", "party", *WITH_SOURCE],
        about=_("People a source says were present at a signing."),
    ),
    Table(
        "benefits",
        Benefit,
        lambda: Benefit.objects.filter(programme__in=Programme.objects.public()),
        ["id", "programme", "kind", "description", "period", *WITH_SOURCE],
        about=_("What a programme offers everyone under it, as opposed to one MoU's commitments."),
    ),
    Table(
        "news_checks",
        NewsCheck,
        on_published(NewsCheck),
        ["id", "mou", "checked_on", "note"],
        about=_("Editors' searches for news about an MoU that found none."),
    ),
    link("mou_states", Mou.states, about=_("The states and union territories of each MoU.")),
    link(
        "mou_parties",
        Mou.parties,
        *["mou", "party", "role", "signatory", "signatory_title", "order"],
        about=_("The parties to each MoU, in their order, with their role and signatory."),
    ),
    link("mou_programmes", Mou.programmes, about=_("The programmes each MoU is signed under.")),
    link("mou_sectors", Mou.sectors, about=_("The sectors each MoU covers.")),
    link("mou_clusters", Mou.clusters, about=_("The clusters each MoU names.")),
    link("mou_beneficiaries", Mou.beneficiaries, about=_("The groups each MoU means to help.")),
    link("mou_sources", Mou.sources, about=_("The articles that report each MoU.")),
]

TABLE_OF = {table.model: table for table in TABLES}
TABLES_BY_NAME = {table.name: table for table in TABLES}
# The tables of an MoU's facts that the /mous/ downloads add (nested in the JSON,
# companion CSVs: ``?table=commitments``), as the dictionary names them.
MOU_FACTS = {name: TABLES_BY_NAME[name] for name in dictionary.MOU_FACTS}


# The /mous/ downloads ------------------------------------------------------------------


def iter_mous_json(request, mous, part):
    """The MoUs' JSON (``exports.mou_as_json``), each with its commitments, figures and
    reactions nested as rows of those tables: a fixed number of queries per chunk."""
    facts = [
        Prefetch(
            table.model._meta.get_field("mou").remote_field.related_name,
            queryset=table.rows(),
            to_attr=f"dataset_{table.name}",
        )
        for table in MOU_FACTS.values()
    ]
    items = (
        {
            **mou_as_json(request, mou),
            **{
                name: [table.as_dict(row) for row in getattr(mou, f"dataset_{name}")]
                for name, table in MOU_FACTS.items()
            },
        }
        for mou in mous.for_json().prefetch_related(*facts).in_chunks()
    )
    return stream_json(request, "mous", items, part)


def iter_facts_csv(table, mous):
    """The rows of ``table`` (one of ``MOU_FACTS``) of the MoUs ``mous``, as CSV, each led
    by its MoU's reference: the /mous/ download's companion tables. One query."""
    rows = table.rows().filter(mou__in=mous).annotate(mou_reference=F("mou__reference"))
    header = [["mou_reference", *table.columns]]
    cells = (table.csv_row(values, leading=1) for values in table.values(rows, "mou_reference"))
    return stream_csv(itertools.chain(header, cells))


def datapackage(version, created):
    """The Frictionless Data Package (v1) descriptor of the ZIP's tables."""
    return {
        "profile": "tabular-data-package",
        "name": FILE_STEM,
        "title": settings.REGISTRY_NAME,
        "description": "Every published record of the registry: MoUs, what they name, their "
        "facts and sources, one CSV table each, linked by id.",
        "created": created.isoformat(),
        "data_version": version,
        "licenses": [LICENSE],
        "resources": [table.resource() for table in TABLES],
    }


# Building the files ---------------------------------------------------------------------


def directory():
    return Path(settings.DATASET_DIR)


@dataclass(frozen=True)
class Files:
    """The dataset's files of one data version, as they are on disk."""

    version: int
    built_at: object
    sizes: dict  # kind -> bytes

    def path(self, kind):
        return path(self.version, kind)


def path(version, kind):
    return directory() / f"{FILE_STEM}-v{version}.{kind}"


def built(version):
    """The files of data version ``version``, or None while they are not (all) built."""
    try:
        stats = {kind: path(version, kind).stat() for kind in KINDS}
    except FileNotFoundError:
        return None
    when = max(stat.st_mtime for stat in stats.values())
    return Files(
        version,
        timezone.datetime.fromtimestamp(when, tz=timezone.get_fixed_timezone(0)),
        {kind: stat.st_size for kind, stat in stats.items()},
    )


def open_current(version, kind):
    """The current data version's file of ``kind``, open for reading, built first when
    missing (``version``: the ``DataVersion`` the caller read). Opened at once, and
    once more should a newer version's build have deleted it in between: an open
    file stays readable after it is deleted."""
    files = built(version.number) or build()
    try:
        return files.path(kind).open("rb")
    except FileNotFoundError:
        return build().path(kind).open("rb")


def build():
    """Build the files of the current data version unless they exist, and delete older
    versions' files: one build at a time (a lock), which checks again once it holds the
    lock, since the build it waited for may have made them. Returns the ``Files``."""
    directory().mkdir(parents=True, exist_ok=True)
    with _lock(), _snapshot():
        version = DataVersion.current().number
        if files := built(version):
            return files
        _write(version)
    for old in directory().glob(f"{FILE_STEM}-v*"):
        number = old.name.removeprefix(f"{FILE_STEM}-v").split(".")[0]
        if number.isdigit() and int(number) < version:
            old.unlink(missing_ok=True)
    return built(version)


@contextmanager
def _lock():
    """Held while building, across processes (gunicorn's workers, the command)."""
    with open(directory() / "build.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _snapshot():
    """One consistent view of the data for the whole build, so every reference resolves
    and the files are of one data version: a repeatable-read transaction on PostgreSQL
    (writers carry on), a transaction on SQLite (writers wait for it to end)."""
    fresh = not connection.in_atomic_block
    with transaction.atomic():
        if fresh and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _write(version):
    """Write both files of ``version``, each to a temporary name, renamed into place when
    complete: a reader never sees half a file. In English, whatever address asked for
    them: the files are data, and their descriptions are lazy texts."""
    with translation.override(settings.LANGUAGE_CODE):
        _write_files(version)


def _write_files(version):
    created = timezone.now()
    final = {kind: path(version, kind) for kind in KINDS}
    partial = {kind: target.with_name(target.name + ".part") for kind, target in final.items()}
    encode = DjangoJSONEncoder().encode
    about = {
        "registry": settings.REGISTRY_NAME,
        "licence": DATA_LICENCE,
        "data_version": version,
        "generated_at": created,
        "tables_described_by": "datapackage.json in the ZIP download: the same tables, "
        "columns and rows",
    }
    try:
        with (
            zipfile.ZipFile(partial["zip"], "w", zipfile.ZIP_DEFLATED) as archive,
            partial["json"].open("w", encoding="utf-8") as document,
        ):
            document.write("{\n")
            document.writelines(
                f" {encode(key)}: {encode(value)},\n" for key, value in about.items()
            )
            document.write(' "tables": {')
            for n, table in enumerate(TABLES):
                document.write(f"{',' if n else ''}\n  {encode(table.name)}: [")
                _write_table(table, archive, document, encode)
                document.write("\n  ]")
            document.write("\n }\n}\n")
            package = datapackage(version, created)
            text = json.dumps(package, indent=1, cls=DjangoJSONEncoder)  # lazy texts too
            archive.writestr("datapackage.json", text)
        for kind, target in final.items():
            partial[kind].replace(target)
    finally:
        for temporary in partial.values():
            temporary.unlink(missing_ok=True)


def _write_table(table, archive, document, encode):
    """One table, read once a chunk at a time: each row to its CSV in the ZIP and to its
    list in the JSON document."""
    with archive.open(f"{table.name}.csv", "w", force_zip64=True) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(table.columns)
        for n, values in enumerate(table.values(table.rows())):
            writer.writerow(table.csv_row(values))
            row = encode(dict(zip(table.columns, values, strict=True)))
            document.write(("," if n else "") + "\n   " + row)
        text.flush()
        text.detach()  # the ZIP closes its entry itself
