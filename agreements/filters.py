"""
The public MoU list's filters, shared by the list page, its CSV and JSON
downloads and its Atom feed, so "Flipkart in Assam" means the same rows
everywhere.

Every choice is addressed by slug (``?state=assam&party=flipkart``), so a
filtered list is a readable, shareable URL.

Bad values never empty the list: ``FilterSet.qs`` filters with the form's
``cleaned_data``, from which Django drops every field that failed
validation. We never use django-filter's strict ``FilterView`` (which returns
``none()`` for an invalid form); the page shows the field's error and the
rows unfiltered by that field.
"""

import html

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.http import HttpResponseBadRequest
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from . import search
from .models import (
    Beneficiary,
    Cluster,
    Commitment,
    Mou,
    Party,
    Programme,
    Reaction,
    Sector,
    State,
)
from .models.freshness import cached_query

# The commitment list's status choice for promises past their period, unfulfilled.
OVERDUE = "overdue"

ORDERINGS = {
    "newest": [F("signed_on").desc(nulls_last=True), "title"],
    "oldest": [F("signed_on").asc(nulls_last=True), "title"],
    "title": ["title"],
}
# Best match first, then newest: the default order of a search.
RELEVANCE = "relevance"
ORDERINGS[RELEVANCE] = [F("relevance").desc(), *ORDERINGS["newest"], "pk"]


# The ``selected`` attribute, as flatatt writes it (already safe, no mark_safe needed).
SELECTED = flatatt({"selected": True})


class FastSelect(forms.Select):
    """A select whose options are written in one pass in Python.

    Django builds a dict per option and renders each through a template; for the
    300+ parties of a large registry that was a third of the list page's time.

    Options read from the database are cached under the data version, the query and the
    page's language (``options``), already escaped: building 300 parties' options was
    still a third of the list page at 200,000 MoUs, and escaping them on every render
    (``format_html_join``) a quarter of what was left. ``request`` is set by the
    filterset (``RegistryFilterSet.form``), for the data version the page cache already
    read.
    """

    request = None

    def options(self):
        """(value, value escaped, label escaped) for each option, as text."""
        choices = self.choices
        if not isinstance(choices, ModelChoiceIterator):
            return _escaped(choices)
        return cached_query(
            self.request,
            f"choices-{get_language()}",
            choices.queryset,
            lambda queryset: _escaped(choices),
        )

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        # Every value and label was escaped by ``_escaped``; SELECTED is a constant.
        options = "\n".join(
            f'<option value="{escaped}"{SELECTED if option in chosen else ""}>{label}</option>'
            for option, escaped, label in self.options()
        )
        return format_html(
            '<select name="{}"{}>\n{}\n</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            mark_safe(options),  # noqa: S308 (escaped above)
        )


def _escaped(choices):
    # The standard library's escape, as Django's does, to plain text (which pickles).
    return [(str(v), html.escape(str(v)), html.escape(str(label))) for v, label in choices]


class YearFilter(django_filters.NumberFilter):
    """A bound on the year of an MoU's date: a whole year between 1900 and 2100, not the
    decimal NumberFilter accepts. The date is the signing's, or its announcement's or
    first report's where the source gives no signing date (``Mou.date_kind``)."""

    field_class = forms.IntegerField

    def __init__(self, label, lookup_expr, field_name="signed_on", **kwargs):
        super().__init__(
            label=label,
            field_name=field_name,
            lookup_expr=lookup_expr,
            min_value=1900,
            max_value=2100,
            **kwargs,
        )


class NamedChoiceField(forms.ModelChoiceField):
    """Options and chips named in the page's language (``display_name``)."""

    def label_from_instance(self, obj):
        return getattr(obj, "display_name", None) or str(obj)


class NamedChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = NamedChoiceField


def choice_filter(
    label, field_name, queryset, empty_label, widget=FastSelect, to_field_name="slug"
):
    """A filter by slug (or ``to_field_name``) among ``queryset``, through the
    ``field_name`` relation. Costs one query for the choices when the form is rendered
    as a select, and one to check a chosen slug."""
    return NamedChoiceFilter(
        label=label,
        field_name=field_name,
        to_field_name=to_field_name,
        queryset=queryset,
        empty_label=empty_label,
        distinct=True,
        widget=widget,
    )


class YearRangeForm(forms.Form):
    def clean(self):
        """Years the wrong way round: a message on both, and neither applied, rather
        than a list that is silently empty."""
        cleaned = super().clean()
        year_from, year_to = cleaned.get("year_from"), cleaned.get("year_to")
        if year_from is not None and year_to is not None and year_from > year_to:
            message = gettext("The range %(start)s to %(end)s ends before it starts.") % {
                "start": year_from,
                "end": year_to,
            }
            self.add_error("year_from", message)
            self.add_error("year_to", message)
        return cleaned


class RegistryFilterSet(django_filters.FilterSet):
    """What every public list's filters share: a bad value is shown beside its field and
    not applied, the filters in use become removable chips and words for titles.
    Subclasses say which rows the public may see (``public_rows()``)."""

    @property
    def form(self):
        """The filters' form, bound to ``form_data()``, its selects given the request
        (``FastSelect.options``)."""
        if not hasattr(self, "_form"):
            form_class = self.get_form_class()
            if self.is_bound:
                self._form = form_class(self.form_data(), prefix=self.form_prefix)
            else:
                self._form = form_class(prefix=self.form_prefix)
            for field in self._form.fields.values():
                field.widget.request = self.request
        return self._form

    def form_data(self):
        return self.data

    def page_rows(self):
        """What the list's paginator pages through: the rows, as a page shows them."""
        return self.qs.for_list()

    def filter_queryset(self, queryset):
        """Filter by the valid fields only (``cleaned_data`` holds no invalid one), and mark
        each invalid field so screen readers announce it with its message."""
        self.mark_invalid_fields()
        return super().filter_queryset(queryset)

    def mark_invalid_fields(self):
        for name in self.form.errors:
            if name in self.form.fields:
                self.form.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{name}_error"}
                )

    @property
    def active_filters(self):
        """The valid filters in use, as ``(label, value, query string without it)``.

        Lets the page show each filter as a removable chip. Reads the form's
        cleaned data, so call it after ``qs``; costs no query (the chosen objects
        were fetched during validation).
        """
        if not self.is_bound:
            return []
        self.form.is_valid()  # fills cleaned_data (a no-op once qs has run)
        chips = []
        for name, value in self.form.cleaned_data.items():
            if name == "sort" or value in (None, ""):
                continue
            field = self.form.fields[name]
            shown = value
            if isinstance(field, forms.ModelChoiceField):
                shown = field.label_from_instance(value)
            elif hasattr(field, "choices"):
                shown = dict(field.choices).get(value, value)  # a status or kind: its label
            chips.append((field.label, shown, f"?{self.query_without(name, 'page')}"))
        return chips

    def query_without(self, *names):
        """The request's query string without the parameters ``names``."""
        rest = self.data.copy()
        for name in names:
            rest.pop(name, None)
        return rest.urlencode()

    @property
    def description(self):
        """The filters in words ("Flipkart, Assam"), for feed and page titles."""
        return ", ".join(str(value) for _label, value, _query in self.active_filters)


class SearchField(forms.CharField):
    """The search box: any text is accepted (``search.parse`` bounds it and says what it
    left out, in ``note``), so a long or odd query is cut, never refused."""

    note = ""


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField


# "Date not reported": MoUs with no date cannot be placed in a year range.
UNDATED_INCLUDE = "include"
UNDATED_ONLY = "only"


class MouFilter(RegistryFilterSet):
    q = SearchFilter(
        label=_("Search"),
        method="filter_search",
        help_text=_(
            "Words, or a “quoted phrase”, anywhere an MoU's page shows them: titles, "
            "parties, people, commitments, reactions, places, sources."
        ),
        widget=forms.TextInput(attrs={"type": "search", "aria-describedby": "id_q_help"}),
    )
    # Only what the public may see is offered (``public()``): no name that only a draft
    # uses reaches the public.
    state = choice_filter(_("State or UT"), "states", State.objects.all(), _("Any state"))
    # Choices load only what their labels show: hundreds of parties or clusters are
    # cheaper to build without their descriptions and other names.
    party = choice_filter(
        _("Company or government body"),
        "parties",
        Party.objects.public().only("slug", "name", "name_hi"),
        _("Any party"),
    )
    programme = choice_filter(
        _("Programme"),
        "programmes",
        Programme.objects.public().only("slug", "name", "name_hi"),
        _("Any programme"),
    )
    sector = choice_filter(
        _("Sector"),
        "sectors",
        Sector.objects.public().only("slug", "name", "name_hi"),
        _("Any sector"),
    )
    # Beneficiary groups have no page of their own, so no slug: named by their name.
    beneficiary = choice_filter(
        _("Meant to help"),
        "beneficiaries",
        Beneficiary.objects.public(),
        _("Anyone"),
        to_field_name="name",
    )
    # Reached from a cluster's page (?cluster=...), not chosen in the form: a hidden
    # field keeps it through the form's other changes, and its chip removes it.
    cluster = choice_filter(
        _("Product cluster"),
        "clusters",
        Cluster.objects.public().only("slug", "place", "product"),
        _("Any cluster"),
        widget=forms.HiddenInput,
    )
    # The status now: what the latest follow-up reports, else the signing's report.
    status = django_filters.ChoiceFilter(
        label=_("Current status"),
        field_name="current_status",
        choices=Mou.Status.choices,
        empty_label=_("Any status"),
        widget=FastSelect,
    )
    opposition = django_filters.ChoiceFilter(
        label=_("Opposition"),
        method="filter_opposition",
        choices=[("yes", _("Someone opposes it")), ("no", _("No opposition reported"))],
        empty_label=_("With or without"),
        widget=FastSelect,
    )
    # Applied together in ``filter_queryset``, with ``undated``.
    year_from = YearFilter(_("From (year)"), "year__gte", method="years_later")
    year_to = YearFilter(_("Up to (year)"), "year__lte", method="years_later")
    undated = django_filters.ChoiceFilter(
        label=_("Date not reported"),
        method="years_later",
        choices=[
            (UNDATED_INCLUDE, _("Kept in a year range")),
            (UNDATED_ONLY, _("Only MoUs with no date")),
        ],
        empty_label=_("Left out of a year range"),
        widget=FastSelect,
    )
    sort = django_filters.ChoiceFilter(
        label=_("Order"),
        method="filter_sort",
        choices=[
            (RELEVANCE, _("Best match")),
            ("newest", _("Newest first")),
            ("oldest", _("Oldest first")),
            ("title", _("Title")),
        ],
        empty_label=None,
        widget=FastSelect,
    )

    class Meta:
        model = Mou
        form = YearRangeForm
        fields: list = []

    # The parsed search (``search.Query``) once ``qs`` has run; None without one.
    search_query = None
    # With a year range: the rows it leaves out for having no date (a queryset).
    undated_left_out = None

    @staticmethod
    def public_rows():
        return Mou.objects.published()

    def form_data(self):
        """A search is ordered best match first unless the reader chose an order: the
        form shows that choice, while the query string (and every link built from it)
        stays as the reader wrote it."""
        data = self.data
        if data.get("q", "").strip() and not data.get("sort"):
            data = data.copy()
            data["sort"] = RELEVANCE
        return data

    def filter_queryset(self, queryset):
        self.mark_invalid_fields()
        queryset, self.undated_left_out = self._apply(queryset, self.form.cleaned_data)
        return queryset

    def page_rows(self):
        """A search best match first pages through ``search.Ranked``, which stays within
        a page's cost however many MoUs match; any other list through its rows."""
        rows = super().page_rows()
        if not self.search_query or self.form.cleaned_data.get("sort") != RELEVANCE:
            return rows
        unsearched = self.rows_without("q").for_list()
        newest = [*ORDERINGS["newest"], "pk"]
        return search.Ranked(self.request, rows, unsearched, self.search_query, newest)

    def _apply(self, queryset, values):
        """``queryset`` filtered by the valid ``values``: each filter, then the year range
        with what ``undated`` says of MoUs with no date. Returns the rows and, when a year
        range leaves MoUs with no date out, those MoUs (a queryset)."""
        for name, value in values.items():
            queryset = self.filters[name].filter(queryset, value)
        years = Q()
        if values.get("year_from") is not None:
            years &= Q(signed_on__year__gte=values["year_from"])
        if values.get("year_to") is not None:
            years &= Q(signed_on__year__lte=values["year_to"])
        undated = values.get("undated")
        if undated == UNDATED_ONLY:
            return queryset.filter(signed_on=None), None
        if not years:
            return queryset, None
        if undated == UNDATED_INCLUDE:
            return queryset.filter(years | Q(signed_on=None)), None
        return queryset.filter(years), queryset.filter(signed_on=None)

    def rows_without(self, name):
        """The rows these filters select with the filter ``name`` left out: a queryset,
        for "remove this filter to see n MoUs"."""
        self.form.is_valid()
        values = {key: v for key, v in self.form.cleaned_data.items() if key != name}
        return self._apply(self.queryset.all(), values)[0]

    def active_filter_names(self):
        """The names of the valid filters in use, in the order of ``active_filters``."""
        if not self.is_bound:
            return []
        self.form.is_valid()
        return [
            name
            for name, value in self.form.cleaned_data.items()
            if name != "sort" and value not in (None, "")
        ]

    def years_later(self, queryset, name, value):
        return queryset  # see ``_apply``

    def filter_search(self, queryset, name, value):
        if self.search_query is None or self.search_query.typed != value:
            self.search_query = search.parse(value)  # one query, for the vocabulary
        query = self.search_query
        if query.notes:
            field = self.form.fields["q"]
            field.note = " ".join(query.notes)
            field.widget.attrs["aria-describedby"] = "id_q_note id_q_help"
        if not query:
            return queryset
        return queryset.search(query).order_by(*ORDERINGS[RELEVANCE])

    def filter_opposition(self, queryset, name, value):
        opposed = Exists(
            Reaction.objects.filter(mou=OuterRef("pk"), stance=Reaction.Stance.OPPOSITION)
        )
        return queryset.filter(opposed if value == "yes" else ~opposed)

    def filter_sort(self, queryset, name, value):
        if value == RELEVANCE and "relevance" not in queryset.query.annotations:
            value = "newest"  # nothing searched: nothing to rank by
        return queryset.order_by(*ORDERINGS.get(value, ORDERINGS["newest"]))


class CommitmentFilter(RegistryFilterSet):
    """The filters of ``/commitments/``: every promise of a published MoU, by how it
    stands now (overdue included), who made it, where, under which programme."""

    status = django_filters.ChoiceFilter(
        label=_("Status now"),
        method="filter_status",
        choices=[*Commitment.Status.choices, (OVERDUE, _("Overdue"))],
        empty_label=_("Any status"),
        widget=FastSelect,
    )
    followed_up = django_filters.ChoiceFilter(
        label=_("Follow-ups"),
        method="filter_followed_up",
        choices=[("yes", _("Followed up")), ("no", _("Never followed up"))],
        empty_label=_("With or without"),
        widget=FastSelect,
    )
    party = choice_filter(
        _("Who committed"),
        "party",
        Party.objects.public().only("slug", "name", "name_hi"),
        _("Anyone"),
    )
    state = choice_filter(_("State or UT"), "mou__states", State.objects.all(), _("Any state"))
    programme = choice_filter(
        _("Programme"),
        "mou__programmes",
        Programme.objects.public().only("slug", "name", "name_hi"),
        _("Any programme"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=Commitment.Kind.choices,
        empty_label=_("Any kind"),
        widget=FastSelect,
    )
    year_from = YearFilter(_("MoU from (year)"), "year__gte", field_name="mou__signed_on")
    year_to = YearFilter(_("MoU up to (year)"), "year__lte", field_name="mou__signed_on")

    class Meta:
        model = Commitment
        form = YearRangeForm
        fields: list = []

    @staticmethod
    def public_rows():
        return Commitment.objects.public()

    def filter_status(self, queryset, name, value):
        if value == OVERDUE:
            return queryset.overdue()
        return queryset.filter(current_status=value)

    def filter_followed_up(self, queryset, name, value):
        return queryset.followed_up(value == "yes")


def filtered(request, filterset_class):
    """The public rows ``filterset_class`` selects for the request; invalid filters are
    left out. Built once per request and class (a feed asks twice), so its choice
    lookups run once."""
    built = request.__dict__.setdefault("filtersets", {})
    if filterset_class not in built:
        queryset = filterset_class.public_rows()
        built[filterset_class] = filterset_class(request.GET, queryset=queryset, request=request)
    return built[filterset_class]


def refuse_bad_filters(filterset):
    """A 400 naming each filter that cannot be applied, or None when all can.

    Downloads and feeds are read by programs, which never see the list page's
    messages: a filter they cannot apply must not silently widen what they get.
    """
    if filterset.form.is_valid():
        return None
    lines = [f"{name}: {' '.join(errors)}" for name, errors in filterset.form.errors.items()]
    return HttpResponseBadRequest(
        "\n".join([gettext("These filters cannot be applied:"), *lines, ""]),
        content_type="text/plain; charset=utf-8",
    )
