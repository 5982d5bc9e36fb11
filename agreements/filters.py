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

import django_filters
from django import forms
from django.db.models import F
from django.forms.utils import flatatt
from django.http import HttpResponseBadRequest
from django.utils.html import format_html, format_html_join

from .models import Cluster, Commitment, Mou, Party, Programme, Sector, State

SEARCH_MAX_LENGTH = 200
# The commitment list's status choice for promises past their period, unfulfilled.
OVERDUE = "overdue"

ORDERINGS = {
    "newest": [F("signed_on").desc(nulls_last=True), "title"],
    "oldest": [F("signed_on").asc(nulls_last=True), "title"],
    "title": ["title"],
}


# The ``selected`` attribute, as flatatt writes it (already safe, no mark_safe needed).
SELECTED = flatatt({"selected": True})


class FastSelect(forms.Select):
    """A select whose options are written in one pass in Python.

    Django builds a dict per option and renders each through a template; for the
    300+ parties of a large registry that was a third of the list page's time.
    Values and labels are escaped by ``format_html_join``.
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            (
                (option, SELECTED if str(option) in chosen else "", label)
                for option, label in self.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>\n{}\n</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            options,
        )


class YearFilter(django_filters.NumberFilter):
    """A bound on the year of an MoU's date: a whole year between 1900 and 2100, not the
    decimal NumberFilter accepts. The date is the signing's, or its announcement's or
    first report's where the source gives no signing date (``Mou.date_kind``)."""

    field_class = forms.IntegerField

    def __init__(self, label, lookup_expr, field_name="signed_on"):
        super().__init__(
            label=label,
            field_name=field_name,
            lookup_expr=lookup_expr,
            min_value=1900,
            max_value=2100,
        )


def choice_filter(label, field_name, queryset, empty_label, widget=FastSelect):
    """A filter by slug among ``queryset``, through the ``field_name`` relation.
    Costs one query for the choices when the form is rendered as a select, and one to
    check a chosen slug."""
    return django_filters.ModelChoiceFilter(
        label=label,
        field_name=field_name,
        to_field_name="slug",
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
            message = f"The range {year_from} to {year_to} ends before it starts."
            self.add_error("year_from", message)
            self.add_error("year_to", message)
        return cleaned


class RegistryFilterSet(django_filters.FilterSet):
    """What every public list's filters share: a bad value is shown beside its field and
    not applied, the filters in use become removable chips and words for titles.
    Subclasses say which rows the public may see (``public_rows()``)."""

    def filter_queryset(self, queryset):
        """Filter by the valid fields only (``cleaned_data`` holds no invalid one), and mark
        each invalid field so screen readers announce it with its message."""
        for name in self.form.errors:
            if name in self.form.fields:
                self.form.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{name}_error"}
                )
        return super().filter_queryset(queryset)

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
            if not isinstance(field, forms.ModelChoiceField) and hasattr(field, "choices"):
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


class MouFilter(RegistryFilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
        help_text="Words in titles, summaries, parties, clusters and commitments.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    # Only what the public may see is offered (``public()``): no name that only a draft
    # uses reaches the public.
    state = choice_filter("State or UT", "states", State.objects.all(), "Any state")
    # Choices load only what their labels show: hundreds of parties or clusters are
    # cheaper to build without their descriptions and other names.
    party = choice_filter(
        "Company or government body",
        "parties",
        Party.objects.public().only("slug", "name"),
        "Any party",
    )
    programme = choice_filter(
        "Programme", "programmes", Programme.objects.public().only("slug", "name"), "Any programme"
    )
    sector = choice_filter(
        "Sector", "sectors", Sector.objects.public().only("slug", "name"), "Any sector"
    )
    # Reached from a cluster's page (?cluster=...), not chosen in the form: a hidden
    # field keeps it through the form's other changes, and its chip removes it.
    cluster = choice_filter(
        "Product cluster",
        "clusters",
        Cluster.objects.public().only("slug", "place", "product"),
        "Any cluster",
        widget=forms.HiddenInput,
    )
    # The status now: what the latest follow-up reports, else the signing's report.
    status = django_filters.ChoiceFilter(
        field_name="current_status",
        choices=Mou.Status.choices,
        empty_label="Any status",
        widget=FastSelect,
    )
    year_from = YearFilter("From (year)", "year__gte")
    year_to = YearFilter("Up to (year)", "year__lte")
    sort = django_filters.ChoiceFilter(
        label="Order",
        method="filter_sort",
        choices=[("newest", "Newest first"), ("oldest", "Oldest first"), ("title", "Title")],
        empty_label=None,
        widget=FastSelect,
    )

    class Meta:
        model = Mou
        form = YearRangeForm
        fields: list = []

    @staticmethod
    def public_rows():
        return Mou.objects.published()

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS.get(value, ORDERINGS["newest"]))


class CommitmentFilter(RegistryFilterSet):
    """The filters of ``/commitments/``: every promise of a published MoU, by how it
    stands now (overdue included), who made it, where, under which programme."""

    status = django_filters.ChoiceFilter(
        label="Status now",
        method="filter_status",
        choices=[*Commitment.Status.choices, (OVERDUE, "Overdue")],
        empty_label="Any status",
        widget=FastSelect,
    )
    followed_up = django_filters.ChoiceFilter(
        label="Follow-ups",
        method="filter_followed_up",
        choices=[("yes", "Followed up"), ("no", "Never followed up")],
        empty_label="With or without",
        widget=FastSelect,
    )
    party = choice_filter(
        "Who committed", "party", Party.objects.public().only("slug", "name"), "Anyone"
    )
    state = choice_filter("State or UT", "mou__states", State.objects.all(), "Any state")
    programme = choice_filter(
        "Programme",
        "mou__programmes",
        Programme.objects.public().only("slug", "name"),
        "Any programme",
    )
    kind = django_filters.ChoiceFilter(
        choices=Commitment.Kind.choices, empty_label="Any kind", widget=FastSelect
    )
    year_from = YearFilter("MoU from (year)", "year__gte", field_name="mou__signed_on")
    year_to = YearFilter("MoU up to (year)", "year__lte", field_name="mou__signed_on")

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
        built[filterset_class] = filterset_class(request.GET, queryset=queryset)
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
        "\n".join(["These filters cannot be applied:", *lines, ""]),
        content_type="text/plain; charset=utf-8",
    )
