"""What the MoU list adds around its rows when it is searched or filtered: why each row
matched, facets (counts per state, party, programme, sector, status and year, each a
link that adds its filter), how many MoUs a year range leaves out for having no date,
and, when nothing matches, which filter to remove and which words are near.

Each part costs a fixed number of queries (pinned in ``tests/test_search.py``).
"""

import difflib
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import connection
from django.utils.translation import gettext_lazy as _

from ..models import Mou, Party, Programme, Sector, State
from ..models.entities import marked_name
from ..models.freshness import cached, cached_count, cached_query
from . import explain
from .query import key, words_of

# Rows per facet; states, sectors and statuses are few enough to show all.
FACET_LIMIT = 8


@dataclass
class Facet:
    name: str
    label: str
    items: list = field(default_factory=list)  # (label, count, query string)


def _query(data, **changes):
    """The list's query string with ``changes`` (None removes a parameter), page reset."""
    data = data.copy()
    for name, value in {**changes, "page": None}.items():
        data.pop(name, None)
        if value is not None:
            data[name] = value
    return "?" + data.urlencode()


def _linker(data, *names):
    """``link(*values)``: ``_query(data, **dict(zip(names, values)))`` with the rest of
    the query string encoded once, not once per link: a facet links each of its dozens
    of rows that way (a tenth of a filtered list's render at 200,000 MoUs)."""
    rest = _query(data, **dict.fromkeys(names))
    rest += "&" if len(rest) > 1 else ""

    def link(*values):
        return rest + urlencode(list(zip(names, values, strict=True)))

    return link


# The facets that count MoUs through a relation: (filter name, label, model, how many).
RELATED_FACETS = [
    ("state", _("By state or UT"), State, None),
    ("party", _("By company or government body"), Party, FACET_LIMIT),
    ("programme", _("By programme"), Programme, FACET_LIMIT),
    ("sector", _("By sector"), Sector, None),
]
RELATED = {name for name, *_ in RELATED_FACETS}
YEAR_FILTERS = {"year_from", "year_to", "undated"}


def _year_sql():
    """The year of ``signed_on`` as text, natively (Django's ExtractYear is a Python
    function on SQLite, called once per row)."""
    if connection.vendor == "postgresql":
        return "CAST(EXTRACT(YEAR FROM signed_on) AS integer)::text"
    return "substr(signed_on, 1, 4)"


def _count_sql(rows, active):
    """One query counting ``rows`` per state, party, programme, sector, status and year
    (those not in ``active``): the rows are selected once, in a common table expression
    both databases materialize, then each count joins it. Returns (sql, params)."""
    inner, params = rows.values("pk", "current_status", "signed_on").query.sql_with_params()
    parts = []
    for name, _label, model, _limit in RELATED_FACETS:
        if name in active:
            continue
        relation = model._meta.get_field("mous").remote_field  # Mou.states, Mou.parties, ...
        through = relation.remote_field.through._meta
        mou_column = through.get_field(relation.m2m_field_name()).column
        target_column = through.get_field(relation.m2m_reverse_field_name()).column
        table = model._meta.db_table
        # Counted by id from the links alone, then named: CROSS JOIN makes SQLite join in
        # the order written (from the matched rows to their links, never every link to
        # the matched rows); PostgreSQL plans it as any join.
        parts.append(
            f"SELECT '{name}', t.slug, t.name, t.name_hi, counted.n FROM ("  # noqa: S608
            f"SELECT link.{target_column} AS target, COUNT(*) AS n FROM matched "
            f"CROSS JOIN {through.db_table} link WHERE link.{mou_column} = matched.id "
            f"GROUP BY link.{target_column}) counted JOIN {table} t ON t.id = counted.target"
        )
    if "status" not in active:
        parts.append(
            "SELECT 'status', current_status, current_status, '', COUNT(*) FROM matched "
            "GROUP BY current_status"
        )
    if not active & YEAR_FILTERS:
        year = _year_sql()
        parts.append(f"SELECT 'year', {year}, {year}, '', COUNT(*) FROM matched GROUP BY {year}")  # noqa: S608
    if not parts:
        return None, None
    union = " UNION ALL ".join(parts)
    # Our table and column names only; the rows' own SQL keeps its parameters.
    sql = f"WITH matched (id, current_status, signed_on) AS ({inner}) {union}"  # noqa: S608
    return sql, params


def _rows(sql, params):
    """``sql``'s rows, when called; cached by ``facets`` under the data version and the SQL
    itself (``freshness.cached``), since counting a broad search's matches per state,
    party, sector and year takes longer at 200,000 MoUs than finding them."""

    def fetch():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return fetch


def facets(filterset):
    """The facets of the rows ``filterset`` selects, for the filters not already in use:
    one query, whatever the number of facets, cached until the data changes (``_rows``)."""
    active = set(filterset.active_filter_names())
    sql, params = _count_sql(filterset.qs.order_by(), active)
    if sql is None:
        return []
    counts = {}
    rows = cached(filterset.request, "facets", _rows(sql, params), sql, params)
    for facet, key_, name, name_hi, count in rows:
        label = marked_name(name, name_hi) if facet in RELATED else name
        counts.setdefault(facet, []).append((key_, label, count))
    data = filterset.data
    result = []
    for name, label, _model, limit in RELATED_FACETS:
        rows = sorted(counts.get(name, []), key=lambda row: (-row[2], row[1].casefold()))
        link = _linker(data, name)
        facet = Facet(name, label)
        facet.items = [(title, n, link(slug)) for slug, title, n in rows[:limit]]
        result.append(facet)
    labels = dict(Mou.Status.choices)
    link = _linker(data, "status")
    facet = Facet("status", _("By status now"))
    for status, _same, n in sorted(counts.get("status", []), key=lambda row: -row[2]):
        facet.items.append((labels.get(status, status), n, link(status)))
    result.append(facet)
    facet = Facet("year", _("By year"))
    years = sorted(counts.get("year", []), key=lambda row: -int(row[0] or 0))
    link_year, link_undated = _linker(data, "year_from", "year_to"), _linker(data, "undated")
    for year, _same, n in years:
        if year is None:
            facet.items.append((_("Date not reported"), n, link_undated("only")))
        else:
            year = str(int(year))
            facet.items.append((year, n, link_year(year, year)))
    result.append(facet)
    return [facet for facet in result if facet.items]


def widenings(filterset):
    """For an empty result: each filter in use, with the list's count without it and the
    link that removes it, most results first; one COUNT per filter in use, cached until
    the data changes (without its search, a search's count is the whole registry's: 73 ms
    at 200,000 MoUs on PostgreSQL)."""
    chips = dict(zip(filterset.active_filter_names(), filterset.active_filters, strict=True))
    found = []
    for name, (label, value, remove_query) in chips.items():
        rows = filterset.rows_without(name)
        count = cached_count(filterset.request, rows)
        if count:
            found.append({"label": label, "value": value, "query": remove_query, "count": count})
    return sorted(found, key=lambda item: -item["count"])


def nearest_terms(filterset, limit=5):
    """Queries like the reader's with one word replaced by a near name the registry knows
    (a party, programme, sector, state or vocabulary term): ``(query string, query, name
    it comes from)``. Five queries, cached until the data changes; only asked when
    nothing matched."""
    query = filterset.search_query
    if not query:
        return []
    # The records' names are English (marked so on Hindi pages); the vocabulary's terms
    # may be in either language. Each list cached until the data changes.
    names = [
        name
        for queryset in (
            Party.objects.public().values_list("name", flat=True),
            Party.objects.public().exclude(short_name="").values_list("short_name", flat=True),
            Programme.objects.public().values_list("name", flat=True),
            Sector.objects.public().values_list("name", flat=True),
            State.objects.values_list("name", flat=True),
        )
        for name in cached_query(filterset.request, "names", queryset)
    ]
    terms = query.vocabulary.terms if query.vocabulary else ()
    by_word = {}  # word: (the name it comes from, whether that name is a record's)
    for name, english in [*((name, True) for name in names), *((t, False) for t in terms)]:
        for word in words_of(name):
            if len(word) >= 3:
                by_word.setdefault(word, (name, english))
    known = {key(word) for word in by_word}
    suggestions, seen = [], set()
    typed = query.words
    for position, word in enumerate(typed):
        if len(word) < 3 or key(word) in known:
            continue
        for near in difflib.get_close_matches(word, list(by_word), n=3, cutoff=0.75):
            text = " ".join([*typed[:position], near, *typed[position + 1 :]])
            if text not in seen:
                seen.add(text)
                name, english = by_word[near]
                name = marked_name(name, "") if english else name
                suggestions.append((_query(filterset.data, q=text), text, name))
    return suggestions[:limit]


def list_context(filterset, page):
    """What the MoU list shows around ``page``: ``why`` on each row when searched, and
    ``facets``, ``undated`` (MoUs a year range leaves out, with the links that show them),
    ``widenings`` and ``nearest`` (when nothing matches) when searched or filtered."""
    query = filterset.search_query
    if query:
        page.object_list = explain(page.object_list, query)
    context = {
        "search_query": query,
        "by_tiers": getattr(page.paginator.object_list, "by_tiers", False),
    }
    if filterset.undated_left_out is not None:
        left_out = cached_count(filterset.request, filterset.undated_left_out)
        if left_out:
            context["undated"] = {
                "count": left_out,
                "include": _query(filterset.data, undated="include"),
                "only": _query(filterset.data, undated="only", year_from=None, year_to=None),
            }
    if not filterset.active_filters:
        return context
    if page.paginator.count:
        context["facets"] = facets(filterset)
    else:
        context["widenings"] = widenings(filterset)
        context["nearest"] = nearest_terms(filterset)
    return context
