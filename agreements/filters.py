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

from .models import Cluster, Mou, Party, Programme, Sector, State

SEARCH_MAX_LENGTH = 200

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
    """A bound on the signing year: a whole year between 1900 and 2100, not the decimal
    NumberFilter accepts."""

    field_class = forms.IntegerField

    def __init__(self, label, lookup_expr):
        super().__init__(
            label=label,
            field_name="signed_on",
            lookup_expr=lookup_expr,
            min_value=1900,
            max_value=2100,
        )


def choice_filter(label, field_name, queryset, empty_label, widget=FastSelect):
    """A filter by slug among ``queryset``, through the MoU's ``field_name`` relation.
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


class MouFilterForm(forms.Form):
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


class MouFilter(django_filters.FilterSet):
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
    # The year of the date recorded: the signing, or its announcement or first report
    # where the source gives no signing date (``Mou.date_kind``).
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
        form = MouFilterForm
        fields: list = []

    def filter_queryset(self, queryset):
        """Filter by the valid fields only (``cleaned_data`` holds no invalid one), and mark
        each invalid field so screen readers announce it with its message."""
        for name in self.form.errors:
            if name in self.form.fields:
                self.form.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{name}_error"}
                )
        return super().filter_queryset(queryset)

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS.get(value, ORDERINGS["newest"]))

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
            shown = dict(field.choices).get(value, value) if name == "status" else value
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


def filtered_mous(request):
    """The published MoUs the request's filters select; invalid filters are left out.

    Built once per request (the feed asks for it twice), so its choice lookups run once.
    """
    if not hasattr(request, "mou_filter"):
        request.mou_filter = MouFilter(request.GET, queryset=Mou.objects.published())
    return request.mou_filter


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
