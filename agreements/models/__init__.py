"""
The registry's data model.

An MoU (``Mou``) joins two or more organisations (``Party``) in one or more
states (``State``), may run under marketplace or government programmes
(``Programme``), covers sectors (``Sector``) and product clusters
(``Cluster``), and carries what each side undertakes (``Commitment``). Every
MoU, commitment, figure and reaction names the article it comes from
(``Source``): the registry records what was reported, and leaves unknown
what was not.

The models live in modules by what they hold: ``entities`` (what MoUs name),
``mous``, ``facts`` (what the sources report about an MoU), ``followups`` (what
happened since), ``versions`` (public history), ``corrections`` (readers' reports),
``search`` (the search vocabulary and documents) and ``records``.
"""

from .bulk import insert_rows, refresh_statistics, update_rows
from .corrections import Correction
from .entities import (
    Beneficiary,
    Cluster,
    Party,
    Precision,
    Programme,
    PublicQuerySet,
    Sector,
    SluggedModel,
    Source,
    State,
    may_preview,
    publication_time,
    unique_slug,
)
from .facts import (
    Attendee,
    Benefit,
    Commitment,
    CommitmentStatus,
    MouStatus,
    Reaction,
    ReportedFigure,
    SourcedModel,
    require_status_source,
)
from .followups import FollowUp, NewsCheck, refresh_derived
from .freshness import DataVersion
from .mous import Mou, MouParty, MouQuerySet
from .records import ImportRecord
from .search import PostgresSearchDocument, SearchTerm, SqliteSearchDocument
from .snapshots import mou_documents
from .versions import MouVersion, describe_changes, record_versions

__all__ = [
    "DataVersion",
    "Attendee",
    "Beneficiary",
    "Benefit",
    "Cluster",
    "Commitment",
    "Correction",
    "CommitmentStatus",
    "FollowUp",
    "ImportRecord",
    "Mou",
    "MouParty",
    "MouQuerySet",
    "MouStatus",
    "MouVersion",
    "NewsCheck",
    "Party",
    "Precision",
    "Programme",
    "PublicQuerySet",
    "Reaction",
    "ReportedFigure",
    "PostgresSearchDocument",
    "SearchTerm",
    "SqliteSearchDocument",
    "Sector",
    "SluggedModel",
    "Source",
    "SourcedModel",
    "State",
    "may_preview",
    "publication_time",
    "record_versions",
    "refresh_derived",
    "describe_changes",
    "mou_documents",
    "insert_rows",
    "refresh_statistics",
    "require_status_source",
    "unique_slug",
    "update_rows",
]
