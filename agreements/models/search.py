"""Search: the vocabulary staff curate (synonyms and Hindi terms), and the search
documents the public list searches (``agreements.search`` builds and queries them).

A search document is one row per MoU holding everything its page shows, in columns
weighted by how much a match there says (title and parties most). It lives in a table
only one database has: an FTS5 virtual table on SQLite, a table with a stored,
GIN-indexed ``tsvector`` on PostgreSQL, each created by a migration that runs only on
its database. The two models below are unmanaged views of those tables, so the list
can join them in the ORM; ``agreements.search`` writes them with plain SQL.
"""

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Lookup

# The columns of a search document, in their order in the FTS5 table. Their weights
# are in ``agreements.search.backends``.
SEARCH_COLUMNS = (
    "title",
    "parties",
    "people",
    "places",
    "topics",
    "summary",
    "objectives",
    "commitments",
    "follow_ups",
    "reactions",
    "sources",
)


class SearchTerm(models.Model):
    """A word readers search for and the words that mean the same to a search: a search
    for any of them finds every MoU that names one (handloom, weavers, हथकरघा)."""

    term = models.CharField(
        max_length=100, unique=True, help_text="A word or phrase readers search for."
    )
    equivalents = models.TextField(
        help_text="Words or phrases a search for the term should also find, one per line "
        "(other languages and spellings included). It works both ways: a search for any of "
        "them finds the term too."
    )
    note = models.CharField(
        max_length=300,
        blank=True,
        help_text="Why they belong together, e.g. where a translation comes from.",
    )

    class Meta:
        ordering = ["term"]
        verbose_name = "search term"

    def __str__(self):
        return self.term

    @property
    def words(self):
        """The term and its equivalents, each once, the term first."""
        words = [self.term, *self.equivalents.splitlines()]
        seen, unique = set(), []
        for word in (" ".join(word.split()) for word in words):
            if word and word.casefold() not in seen:
                seen.add(word.casefold())
                unique.append(word)
        return unique

    def clean(self):
        self.term = " ".join(self.term.split())
        if len(self.words) < 2:
            raise ValidationError({"equivalents": "Give at least one equivalent."})
        self.equivalents = "\n".join(self.words[1:])


class FtsMatchField(models.TextField):
    """The FTS5 table's hidden column named after the table: ``table MATCH 'query'``."""


@FtsMatchField.register_lookup
class Matches(Lookup):
    lookup_name = "matches"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class OneDatabaseManager(models.Manager):
    """The rows of a table that only one database has: on the other, none (and no query),
    so code that reads every model's rows works on both."""

    def __init__(self, vendor):
        super().__init__()
        self.vendor = vendor

    def get_queryset(self):
        rows = super().get_queryset()
        return rows if connection.vendor == self.vendor else rows.none()


class SearchDocumentColumns(models.Model):
    """The text of a search document: each column one or more lines."""

    title = models.TextField()
    parties = models.TextField()
    people = models.TextField()
    places = models.TextField()
    topics = models.TextField()
    summary = models.TextField()
    objectives = models.TextField()
    commitments = models.TextField()
    follow_ups = models.TextField()
    reactions = models.TextField()
    sources = models.TextField()
    # What each line of the list columns is ("party", "signatory", "sector", ...), as
    # JSON: not searched, it says why a result matched.
    labels = models.TextField()

    class Meta:
        abstract = True


class SqliteSearchDocument(SearchDocumentColumns):
    """A row of the FTS5 table ``agreements_search_fts`` (SQLite only); its rowid is
    the MoU's id."""

    mou = models.OneToOneField(
        "Mou",
        on_delete=models.DO_NOTHING,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        related_name="sqlite_search",
    )
    match = FtsMatchField(db_column="agreements_search_fts")
    # FTS5's hidden rank column: bm25() with the column weights the migration configures.
    rank = models.FloatField(db_column="rank")

    objects = OneDatabaseManager("sqlite")

    class Meta:
        managed = False
        db_table = "agreements_search_fts"

    def __str__(self):
        return f"Search document of MoU {self.pk}"


class PostgresSearchDocument(SearchDocumentColumns):
    """A row of ``agreements_search_document`` (PostgreSQL only): the columns, and two
    weighted tsvectors the database generates from them, each GIN-indexed:
    ``document``, of every column, which a search matches and ranks by, and ``short``,
    of the short ones only (migration 0026), a broad search's first tier."""

    mou = models.OneToOneField(
        "Mou",
        on_delete=models.DO_NOTHING,
        primary_key=True,
        db_constraint=False,
        related_name="postgres_search",
    )
    document = SearchVectorField()
    short = SearchVectorField()

    objects = OneDatabaseManager("postgresql")

    class Meta:
        managed = False
        db_table = "agreements_search_document"

    def __str__(self):
        return f"Search document of MoU {self.pk}"
