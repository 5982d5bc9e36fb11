"""
The Django admin, where staff curate the registry.

Editors add and change everything; Viewers only read (both are groups made by
migration 0002). Every changelist keeps a fixed query count: foreign keys
shown as columns are ``list_select_related``, and counts are annotated.
"""

from collections import defaultdict

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import Count
from django.utils.html import format_html
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats

from .admin_import import MouImportExportMixin
from .models import (
    Attendee,
    Beneficiary,
    Cluster,
    Commitment,
    ImportRecord,
    Mou,
    MouParty,
    Party,
    Programme,
    Reaction,
    ReportedFigure,
    Sector,
    Source,
    State,
)
from .resources import MouResource, MouSpreadsheetFormat


class PublicLinkMixin:
    """A column linking to the object's public page, so staff can check what readers see."""

    @admin.display(description="Public page")
    def public_link(self, obj):
        return format_html('<a href="{}">View</a>', obj.get_absolute_url())


class MouCountMixin:
    """Annotates each row with its number of MoUs: one query for the whole page."""

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(mou_count=Count("mous", distinct=True))

    @admin.display(description="MoUs", ordering="mou_count")
    def mou_count(self, obj):
        return obj.mou_count


@admin.register(State)
class StateAdmin(PublicLinkMixin, MouCountMixin, admin.ModelAdmin):
    list_display = ["name", "code", "kind", "mou_count", "public_link"]
    list_filter = ["kind"]
    search_fields = ["name", "code", "former_codes"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Party)
class PartyAdmin(PublicLinkMixin, MouCountMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "state", "parent", "mou_count", "public_link"]
    list_filter = ["kind", "state"]
    list_select_related = ["state", "parent"]
    search_fields = ["name", "short_name", "other_names"]
    autocomplete_fields = ["parent", "state"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Programme)
class ProgrammeAdmin(PublicLinkMixin, MouCountMixin, admin.ModelAdmin):
    list_display = ["name", "owner", "launched_year", "mou_count", "public_link"]
    list_select_related = ["owner"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["owner"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Sector)
class SectorAdmin(PublicLinkMixin, MouCountMixin, admin.ModelAdmin):
    list_display = ["name", "mou_count", "public_link"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Beneficiary)
class BeneficiaryAdmin(MouCountMixin, admin.ModelAdmin):
    list_display = ["name", "mou_count"]
    search_fields = ["name"]


@admin.register(Cluster)
class ClusterAdmin(PublicLinkMixin, MouCountMixin, admin.ModelAdmin):
    list_display = ["place", "product", "state", "sector", "gi_tag", "mou_count", "public_link"]
    list_filter = ["state", "sector", "gi_tag"]
    list_select_related = ["state", "sector"]
    search_fields = ["place", "product", "state__name"]
    autocomplete_fields = ["state", "sector"]


@admin.register(Source)
class SourceAdmin(MouCountMixin, admin.ModelAdmin):
    list_display = ["title", "publisher", "published_on", "mou_count"]
    list_filter = ["publisher"]
    search_fields = ["title", "publisher", "author", "url"]
    date_hierarchy = "published_on"


class PageAutocomplete(AutocompleteSelect):
    """An autocomplete whose selected label comes from labels loaded once per page.

    Django's AutocompleteSelect looks up its selected object on its own: an MoU with
    forty commitments would cost forty queries for their sources alone. Every
    widget of one request shares ``labels`` (widgets are copied shallowly per form),
    which MouAdmin.render_change_form fills with one query per related model. A
    value it did not load (a form sent back with errors) falls back to Django's
    own lookup.
    """

    def __init__(self, field, admin_site, labels, **kwargs):
        super().__init__(field, admin_site, **kwargs)
        self.labels = labels.setdefault(field.related_model, {})

    def optgroups(self, name, value, attr=None):
        chosen = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if not all(pk in self.labels for pk in chosen):
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for pk in chosen:
            options.append(self.create_option(name, pk, self.labels[pk], True, len(options)))
        return [(None, options, 0)]


class PageAutocompleteInline:
    """Inlines whose autocomplete fields share one label lookup per page (see above),
    and whose rows come with those related objects, which their labels show."""

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.autocomplete_fields)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            labels = request.__dict__.setdefault("_autocomplete_labels", {})
            kwargs["widget"] = PageAutocomplete(db_field, self.admin_site, labels)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RequiredRowsInline(PageAutocompleteInline):
    """An inline whose ``min_num`` is a rule, not a hint: Django only shows that many
    empty rows unless the formset is told to validate it."""

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, validate_min=True, **kwargs)


def load_autocomplete_labels(request, formsets):
    """Fill the page's shared labels: one query per related model for all inline rows."""
    labels = request.__dict__.get("_autocomplete_labels", {})
    wanted = defaultdict(set)
    for formset in formsets:
        for form in formset.forms:
            for name, field in form.fields.items():
                widget = getattr(field.widget, "widget", field.widget)
                if isinstance(widget, PageAutocomplete) and form[name].value():
                    wanted[widget.field.related_model].add(form[name].value())
    for model, pks in wanted.items():
        for obj in model._default_manager.filter(pk__in=pks):
            labels[model][str(obj.pk)] = str(obj)


class MouPartyInline(RequiredRowsInline, admin.TabularInline):
    """The MoU's parties: at least two, each with its role and signatory."""

    model = MouParty
    extra = 0
    min_num = 2
    autocomplete_fields = ["party"]
    fields = ["party", "role", "signatory", "signatory_title", "order"]


class MouSourceInline(RequiredRowsInline, admin.TabularInline):
    """The articles that report the MoU: at least one, as every MoU must be sourced."""

    model = Mou.sources.through
    extra = 0
    min_num = 1
    autocomplete_fields = ["source"]
    verbose_name = "source"
    verbose_name_plural = "sources reporting this MoU"


class SourcedInline(PageAutocompleteInline, admin.StackedInline):
    """Inlines for facts that name their source: the source picker is an autocomplete."""

    extra = 0
    autocomplete_fields = ["source", "party"]


class CommitmentInline(SourcedInline):
    model = Commitment
    fields = [
        ("party", "kind", "status"),
        "description",
        ("target_value", "target_unit", "period"),
        ("source", "quote"),
    ]


class ReportedFigureInline(SourcedInline):
    model = ReportedFigure
    autocomplete_fields = ["source", "party", "programme", "state", "sector"]
    fields = [
        "description",
        ("qualifier", "value", "unit", "value_as_written"),
        ("party", "programme", "state", "sector"),
        ("as_of", "as_of_precision"),
        ("source", "quote"),
    ]


class ReactionInline(SourcedInline):
    model = Reaction
    fields = [("party", "speaker", "speaker_title", "stance"), "summary", ("source", "quote")]


class AttendeeInline(SourcedInline):
    model = Attendee
    fields = [("name", "title", "party"), ("source", "quote")]


class SignedYearFilter(admin.SimpleListFilter):
    """Filter by the year signed, including "not reported"; costs one query for the choices."""

    title = "year signed"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Mou.objects.dates("signed_on", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years] + [("unknown", "Not reported")]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "unknown":
            return queryset.filter(signed_on__isnull=True)
        if value and value.isdigit():
            return queryset.filter(signed_on__year=int(value))
        return queryset


@admin.register(Mou)
class MouAdmin(MouImportExportMixin, PublicLinkMixin, ImportExportModelAdmin):
    # Import and export in the one documented format (agreements.resources); only
    # Editors import (IMPORT_EXPORT_IMPORT_PERMISSION_CODE), uploads are size-limited.
    resource_classes = [MouResource]
    import_formats = [MouSpreadsheetFormat]
    export_formats = [base_formats.CSV, base_formats.XLSX]

    list_display = [
        "title",
        "status",
        "signed_on_display",
        "state_names",
        "published",
        "public_link",
    ]
    list_filter = [
        "published",
        "status",
        SignedYearFilter,
        "states",
        "programmes",
        "sectors",
    ]
    search_fields = ["title", "reference", "summary", "parties__name", "parties__short_name"]
    date_hierarchy = "signed_on"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["states", "programmes", "sectors", "clusters"]
    filter_horizontal = ["beneficiaries"]
    readonly_fields = ["created_at", "updated_at", "created_by_import", "last_import"]
    inlines = [
        MouPartyInline,
        MouSourceInline,
        CommitmentInline,
        ReportedFigureInline,
        ReactionInline,
        AttendeeInline,
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "reference", "status", "published"]}),
        (
            "Signing",
            {
                "fields": [
                    ("signed_on", "signed_on_precision"),
                    "signed_on_note",
                    ("place", "occasion"),
                    ("ends_on", "duration"),
                ]
            },
        ),
        ("Content", {"fields": ["summary", "objectives", "beneficiaries"]}),
        ("Scope", {"fields": ["states", "programmes", "sectors", "clusters"]}),
        (
            "Record",
            {"fields": [("created_at", "updated_at"), ("created_by_import", "last_import")]},
        ),
    ]

    def get_queryset(self, request):
        # The changelist shows every MoU's states: one extra query per page, not per row.
        return super().get_queryset(request).prefetch_related("states")

    def render_change_form(self, request, context, *args, **kwargs):
        formsets = [inline.formset for inline in context.get("inline_admin_formsets", [])]
        load_autocomplete_labels(request, formsets)
        return super().render_change_form(request, context, *args, **kwargs)

    @admin.display(description="Signed", ordering="signed_on")
    def signed_on_display(self, obj):
        return obj.signed_on_display

    @admin.display(description="States")
    def state_names(self, obj):
        return ", ".join(state.code for state in obj.states.all())


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    """The record of imports: read-only, for Editors (Viewers lack its view permission)."""

    list_display = ["created_at", "file_name", "user", "via", "new", "updated", "unchanged"]
    list_filter = ["via"]
    list_select_related = ["user"]
    search_fields = ["file_name", "checksum"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "created_at",
        "user",
        "via",
        "file_name",
        "checksum",
        "new",
        "updated",
        "unchanged",
        "new_parties",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
