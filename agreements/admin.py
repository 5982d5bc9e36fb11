"""
The Django admin, where staff curate the registry.

Editors add and change everything; Viewers only read (both are groups made by
migration 0002). Every changelist keeps a fixed query count: foreign keys
shown as columns are ``list_select_related``, and counts are annotated.
"""

from collections import defaultdict

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.widgets import AdminTextareaWidget, AutocompleteSelect
from django.db import models, transaction
from django.db.models import Count, Value
from django.db.models.functions import Coalesce
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from import_export.admin import ImportExportModelAdmin, ImportMixin
from import_export.formats import base_formats

from .admin_import import FollowUpImportMixin, MouImportExportMixin
from .forms import (
    FollowUpAdminForm,
    MouAdminForm,
    NewsCheckAdminForm,
    ReportedFigureAdminForm,
    SourceAdminForm,
)
from .models import (
    Attendee,
    Beneficiary,
    Benefit,
    Cluster,
    Commitment,
    Correction,
    FollowUp,
    ImportRecord,
    Mou,
    MouParty,
    NewsCheck,
    Party,
    Programme,
    Reaction,
    ReportedFigure,
    SearchTerm,
    Sector,
    Source,
    State,
    record_versions,
    refresh_derived,
)
from .resources import (
    FollowUpResource,
    FollowUpSpreadsheetFormat,
    MouResource,
    MouSpreadsheetFormat,
)


class PublicLinkMixin:
    """A column linking to the object's public page, so staff can check what readers see."""

    @admin.display(description="Public page")
    def public_link(self, obj):
        return format_html('<a href="{}">View</a>', obj.get_absolute_url())


# MoUs per ``record_versions`` call when an edit reaches many: a state is on thousands.
VERSIONED_PER_QUERY = 2000


class VersionsItsMous:
    """Admin pages of what MoU pages show (a party's name, a source's title): a change
    or a deletion reaches every MoU page that shows it (``MouQuerySet.showing``), so it
    makes a new version of each published one, whose note says what was edited
    ("Party “Amazon India” changed") and whose changes say how."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            things = [form.instance]
            self._version(request, self._shown_on(things), things, "changed")

    def delete_model(self, request, obj):
        shown_on = self._shown_on([obj])
        super().delete_model(request, obj)
        self._version(request, shown_on, [obj], "deleted")

    def delete_queryset(self, request, queryset):
        # Django runs the changelist's actions outside a transaction: the rows and the
        # versions their deletion makes go together or not at all.
        with transaction.atomic():
            things = list(queryset)
            shown_on = self._shown_on(things)
            super().delete_queryset(request, queryset)
            self._version(request, shown_on, things, "deleted")

    @staticmethod
    def _shown_on(things):
        return set(Mou.objects.showing(*things).values_list("pk", flat=True))

    def _version(self, request, mou_ids, things, what):
        meta = self.model._meta
        kind = meta.verbose_name if len(things) == 1 else meta.verbose_name_plural
        named = ", ".join(f"“{thing}”" for thing in things[:3]) + (", ..." if things[3:] else "")
        note = f"{kind.capitalize()} {named} {what}"
        ids = sorted(mou_ids)
        for start in range(0, len(ids), VERSIONED_PER_QUERY):  # a bounded IN (...) list
            chunk = Mou.objects.filter(pk__in=ids[start : start + VERSIONED_PER_QUERY])
            record_versions(chunk, note, user=request.user)


class MouCountMixin:
    """Annotates each row with its number of MoUs: one query for the whole page."""

    def get_queryset(self, request):
        # Counting groups the rows, and Django leaves Meta.ordering out of a grouped
        # query: ordered again, so that the autocomplete's pages keep their order.
        counted = super().get_queryset(request).annotate(mou_count=Count("mous", distinct=True))
        return counted.order_by(*self.model._meta.ordering)

    @admin.display(description="MoUs", ordering="mou_count")
    def mou_count(self, obj):
        return obj.mou_count


@admin.register(State)
class StateAdmin(VersionsItsMous, PublicLinkMixin, MouCountMixin, admin.ModelAdmin):
    list_display = ["name", "name_hi", "code", "kind", "mou_count", "public_link"]
    list_filter = ["kind"]
    search_fields = ["name", "name_hi", "code", "former_codes"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Party)
class PartyAdmin(VersionsItsMous, PublicLinkMixin, MouCountMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "state", "parent", "mou_count", "public_link"]
    list_filter = ["kind", "state"]
    list_select_related = ["state", "parent"]
    search_fields = ["name", "name_hi", "short_name", "other_names"]
    autocomplete_fields = ["parent", "state"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Sector)
class SectorAdmin(VersionsItsMous, PublicLinkMixin, MouCountMixin, admin.ModelAdmin):
    list_display = ["name", "name_hi", "mou_count", "public_link"]
    search_fields = ["name", "name_hi", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Beneficiary)
class BeneficiaryAdmin(VersionsItsMous, MouCountMixin, admin.ModelAdmin):
    list_display = ["name", "name_hi", "mou_count"]
    search_fields = ["name", "name_hi"]


@admin.register(SearchTerm)
class SearchTermAdmin(admin.ModelAdmin):
    """The search vocabulary: a search for a term or any of its equivalents finds every
    MoU naming one of them (``agreements.search``). Editors change it, Viewers read it."""

    list_display = ["term", "equivalent_list", "note"]
    search_fields = ["term", "equivalents", "note"]
    fields = ["term", "equivalents", "note"]

    @admin.display(description="Equivalents")
    def equivalent_list(self, obj):
        return ", ".join(obj.words[1:])


@admin.register(Cluster)
class ClusterAdmin(VersionsItsMous, PublicLinkMixin, MouCountMixin, admin.ModelAdmin):
    list_display = ["place", "product", "state", "sector", "gi_tag", "mou_count", "public_link"]
    list_filter = ["state", "sector", "gi_tag"]
    list_select_related = ["state", "sector"]
    search_fields = ["place", "product", "state__name"]
    autocomplete_fields = ["state", "sector"]


@admin.register(Source)
class SourceAdmin(VersionsItsMous, MouCountMixin, admin.ModelAdmin):
    """The internal note has a part of its own, so no editor takes it for what the
    source's public page shows."""

    form = SourceAdminForm
    list_display = ["title", "publisher", "published_on", "mou_count"]
    list_filter = ["publisher"]
    search_fields = ["title", "publisher", "author", "url"]
    date_hierarchy = "published_on"
    fieldsets = [
        (
            "Shown on the public pages",
            {
                "fields": [
                    "title",
                    "publisher",
                    "author",
                    "published_on",
                    "url",
                    "url_checked_on",
                    "archive_url",
                    "public_note",
                ]
            },
        ),
        ("For editors only: never published", {"fields": ["internal_note"]}),
    ]


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


class PageAutocompleteFields:
    """Admins and inlines whose autocomplete foreign keys share one label lookup per
    page (see above)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            labels = request.__dict__.setdefault("_autocomplete_labels", {})
            kwargs["widget"] = PageAutocomplete(db_field, self.admin_site, labels)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PageAutocompleteInline(PageAutocompleteFields):
    """Inlines whose rows come with the related objects their autocomplete labels show."""

    def get_queryset(self, request):
        foreign_keys = [
            name
            for name in self.autocomplete_fields
            if self.model._meta.get_field(name).many_to_one
        ]
        return super().get_queryset(request).select_related(*foreign_keys)


class PageAutocompleteAdmin(PageAutocompleteFields):
    """A change page that fills the shared labels of its form and inlines at once."""

    def render_change_form(self, request, context, *args, **kwargs):
        forms = [context["adminform"].form] if "adminform" in context else []
        for inline in context.get("inline_admin_formsets", []):
            forms += inline.formset.forms
        load_autocomplete_labels(request, forms)
        return super().render_change_form(request, context, *args, **kwargs)


class RequiredRowsInline(PageAutocompleteInline):
    """An inline whose ``min_num`` is a rule, not a hint: Django only shows that many
    empty rows unless the formset is told to validate it."""

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, validate_min=True, **kwargs)


def load_autocomplete_labels(request, forms):
    """Fill the page's shared labels: one query per related model for all the forms."""
    labels = request.__dict__.get("_autocomplete_labels", {})
    wanted = defaultdict(set)
    for form in forms:
        for name, field in form.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if isinstance(widget, PageAutocomplete) and form[name].value():
                wanted[widget.field.related_model].add(form[name].value())
    for model, pks in wanted.items():
        for obj in model._default_manager.filter(pk__in=pks):
            labels[model][str(obj.pk)] = str(obj)


class PartialDatesAdmin:
    """Shows read-only pages' partial dates at their precision.

    Editors type a partial date in a ``PartialDateField``; a read-only page (Viewers)
    shows the stored value instead, which would give a month as its first day. There
    each date in ``partial_date_displays`` is replaced by the admin's method of that
    name, which shows it as the public pages do ("September 2021").
    """

    partial_date_displays = {}

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj):
            return fieldsets
        shown = self.partial_date_displays

        def swap(line):
            if isinstance(line, list | tuple):
                return tuple(shown.get(name, name) for name in line)
            return shown.get(line, line)

        return [
            (name, {**options, "fields": [swap(line) for line in options["fields"]]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *self.partial_date_displays.values()]


# Text boxes in inlines: a few lines each, so a page of facts stays short to scroll.
SHORT_TEXTAREAS = {models.TextField: {"widget": AdminTextareaWidget(attrs={"rows": 3})}}


class MouPartyInline(RequiredRowsInline, admin.StackedInline):
    """The MoU's parties: at least two, each with its role and signatory.

    Stacked, two lines a party: as a table row, a party's five fields are wider than a
    1280 px screen leaves, and pushed its delete box off the screen.
    """

    model = MouParty
    extra = 0
    min_num = 2
    autocomplete_fields = ["party"]
    fields = [("party", "role"), ("signatory", "signatory_title", "order")]


class MouSourceInline(RequiredRowsInline, admin.TabularInline):
    """The articles that report the MoU: at least one, as every MoU must be sourced."""

    model = Mou.sources.through
    extra = 0
    min_num = 1
    autocomplete_fields = ["source"]
    verbose_name = "source"
    verbose_name_plural = "sources reporting this MoU"


class SourcedInline(PageAutocompleteInline, admin.StackedInline):
    """Inlines for facts that name their source: the source picker is an autocomplete.

    A line holds two or three short fields, or one autocomplete (with its buttons) and a
    short field: a field pushed onto a second line by a full one loses its label column.
    """

    extra = 0
    autocomplete_fields = ["source", "party"]
    formfield_overrides = SHORT_TEXTAREAS


class ShowsWhyStatus:
    """Records shown with their current status and why: the follow-up it comes from, or
    the report of the signing (``status_explanation``), since editors change a status
    by adding a follow-up."""

    @admin.display(description="Status now")
    def status_now(self, obj):
        return obj.status_explanation() if obj.pk else "-"


class CommitmentInline(ShowsWhyStatus, SourcedInline):
    model = Commitment
    autocomplete_fields = ["source", "party", "status_source"]
    fields = [
        ("party", "kind"),
        "description",
        ("target_value", "target_unit"),
        ("period", "period_months"),
        ("status", "status_source"),
        "status_now",
        "source",
        "quote",
    ]
    readonly_fields = ["status_now"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_status_reports()


class ReportedFigureInline(PartialDatesAdmin, SourcedInline):
    """Figures about the MoU itself; most figures a report gives are context, recorded
    without an MoU (under Reported figures)."""

    model = ReportedFigure
    form = ReportedFigureAdminForm
    verbose_name_plural = "figures about the MoU itself"
    classes = ["collapse"]
    autocomplete_fields = ["source", "party", "programme", "state", "sector"]
    partial_date_displays = {"as_of": "as_of_as_given"}
    fields = [
        "description",
        ("qualifier", "value", "unit"),
        ("value_as_written", "as_of"),
        "party",
        "programme",
        "state",
        "sector",
        "source",
        "quote",
    ]

    @admin.display(description="As of")
    def as_of_as_given(self, figure):
        return figure.as_of_display


class FollowUpInline(PartialDatesAdmin, SourcedInline):
    """What happened since the signing: the only way to change a status after it.

    A follow-up about a commitment names one of this MoU's commitments (the choice is
    limited to them); the MoU's and its commitments' current status derive from the
    latest dated follow-up (``followups.refresh_derived``).
    """

    model = FollowUp
    form = FollowUpAdminForm
    classes = ["collapse"]
    autocomplete_fields = ["source"]
    partial_date_displays = {"dated_on": "dated_on_display"}
    fields = [
        ("dated_on", "commitment"),
        "summary",
        ("mou_status", "commitment_status", "progress_value"),
        "source",
        "quote",
    ]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        commitment = formset.form.base_fields.get("commitment")
        if commitment is not None:
            commitment.queryset = (
                Commitment.objects.filter(mou=obj) if obj else Commitment.objects.none()
            )
        return formset

    @admin.display(description="Date")
    def dated_on_display(self, obj):
        return obj.dated_on_display


class NewsCheckInline(admin.TabularInline):
    """Searches for news that found nothing, so readers see how fresh the record is.
    Who checked is recorded for staff; the public sees only the date."""

    model = NewsCheck
    form = NewsCheckAdminForm
    extra = 0
    classes = ["collapse"]
    fields = ["checked_on", "note", "checked_by"]
    readonly_fields = ["checked_by"]


class ReactionInline(SourcedInline):
    model = Reaction
    classes = ["collapse"]
    fields = [
        "party",
        ("stance", "speech"),
        ("speaker", "speaker_title"),
        "summary",
        "announced_actions",
        "source",
        "quote",
    ]


class AttendeeInline(SourcedInline):
    model = Attendee
    classes = ["collapse"]
    fields = [("name", "title"), "party", "source", "quote"]


class BenefitInline(SourcedInline):
    """What a programme offers everyone under it, as opposed to what one MoU commits to."""

    model = Benefit
    autocomplete_fields = ["source"]
    fields = [("kind", "period"), "description", "source", "quote"]


@admin.register(Programme)
class ProgrammeAdmin(
    VersionsItsMous, PublicLinkMixin, MouCountMixin, PageAutocompleteAdmin, admin.ModelAdmin
):
    list_display = ["name", "name_hi", "owner", "launched_year", "mou_count", "public_link"]
    list_select_related = ["owner"]
    search_fields = ["name", "name_hi", "description"]
    autocomplete_fields = ["owner"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [BenefitInline]

    class Media:
        css = {"all": ["css/admin.css"]}


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
class MouAdmin(
    ShowsWhyStatus,
    MouImportExportMixin,
    PublicLinkMixin,
    PartialDatesAdmin,
    PageAutocompleteAdmin,
    ImportExportModelAdmin,
):
    """The MoU page keeps what most edits touch open at the top and the rest folded; its
    inlines fit a 1280 px screen (``static/css/admin.css``)."""

    # Import and export in the one documented format (agreements.resources); only
    # Editors import (IMPORT_EXPORT_IMPORT_PERMISSION_CODE), uploads are size-limited.
    resource_classes = [MouResource]
    import_formats = [MouSpreadsheetFormat]
    export_formats = [base_formats.CSV, base_formats.XLSX]

    form = MouAdminForm
    list_display = [
        "title",
        "status",
        "date_as_recorded",
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
    actions = ["publish", "unpublish"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["states", "programmes", "sectors", "clusters", "status_source"]
    filter_horizontal = ["beneficiaries"]
    readonly_fields = [
        "status_now",
        "created_at",
        "updated_at",
        "created_by_import",
        "last_import",
        "public_versions",
    ]
    partial_date_displays = {"signed_on": "date_as_recorded"}
    inlines = [
        MouPartyInline,
        MouSourceInline,
        CommitmentInline,
        FollowUpInline,
        NewsCheckInline,
        ReportedFigureInline,
        ReactionInline,
        AttendeeInline,
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    ("signed_on", "date_kind"),
                    ("status", "status_source"),
                    "status_now",
                    "published",
                    "summary",
                ]
            },
        ),
        ("Scope", {"fields": ["states", "programmes", "sectors", "clusters"]}),
        # A folded part opens when one of its fields has an error, but Django only looks
        # for fields on lines of their own: folded parts that can have errors keep one
        # field a line.
        (
            "About the date and the term",
            {
                "classes": ["collapse"],
                "fields": [
                    "signed_on_note",
                    "place",
                    "occasion",
                    "ends_on",
                    "duration",
                    "term_months",
                ],
            },
        ),
        (
            "Objectives and beneficiaries",
            {"classes": ["collapse"], "fields": ["objectives", "beneficiaries"]},
        ),
        ("Address and reference", {"classes": ["collapse"], "fields": ["slug", "reference"]}),
        (
            "Record",
            {
                "classes": ["collapse"],
                "fields": [
                    ("created_at", "updated_at"),
                    ("created_by_import", "last_import"),
                    "public_versions",
                ],
            },
        ),
    ]

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        # The changelist shows every MoU's states: one extra query per page, not per row.
        return super().get_queryset(request).prefetch_related("states")

    def get_fieldsets(self, request, obj=None):
        """Who may change the MoU writes what its public history says of the change."""
        fieldsets = super().get_fieldsets(request, obj)
        if not self.has_change_permission(request, obj):
            return fieldsets
        note = ("Public history", {"fields": ["change_note", "correction"]})
        return [*fieldsets[:1], note, *fieldsets[1:]]

    def _create_formsets(self, request, obj, change):
        """The inline formsets, handed to the form before it is validated, so a change
        made only in an inline also asks for a change note (``MouAdminForm.clean``).
        Django builds the formsets before validating the form, in this private hook."""
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        request.mou_inline_formsets = formsets
        return formsets, inline_instances

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class WithInlines(form):
            @property
            def inline_formsets(self):
                return getattr(request, "mou_inline_formsets", ())

        return WithInlines

    def save_formset(self, request, form, formset, change):
        if formset.model is NewsCheck:
            for check in formset.save(commit=False):
                check.checked_by = check.checked_by or request.user
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        """After the inlines: recompute the derived statuses, then write the public
        version the change makes (none for a draft, or when the page is unchanged)."""
        super().save_related(request, form, formsets, change)
        mou = Mou.objects.filter(pk=form.instance.pk)
        refresh_derived(mou)
        note = form.cleaned_data.get("change_note", "").strip() or "First published"
        record_versions(
            mou, note, user=request.user, correction=form.cleaned_data.get("correction", False)
        )

    @admin.display(description="Public versions")
    def public_versions(self, obj):
        """Each version with who made it (staff only: the public sees 'an editor')."""
        versions = obj.versions.select_related("created_by").order_by("-number") if obj.pk else []
        return (
            format_html_join(
                mark_safe("<br>"),  # noqa: S308 - a constant tag joining escaped rows
                '<a href="{}">Version {}</a>, {}: {} ({})',
                (
                    (
                        version.get_absolute_url(),
                        version.number,
                        timezone.localtime(version.created_at).strftime("%-d %B %Y %H:%M"),
                        version.note,
                        version.created_by or "import or system",
                    )
                    for version in versions
                ),
            )
            or "None yet: a draft has no public history."
        )

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        """Folded inlines say how many rows they hold ("Reactions (2)"), so an editor
        knows whether there is anything inside without opening them. The inlines are
        this request's own instances, so their headings can be changed."""
        inline_formsets = super().get_inline_formsets(request, formsets, inline_instances, obj)
        for inline_formset in inline_formsets:
            inline = inline_formset.opts
            if "collapse" in (inline.classes or []):
                count = inline_formset.formset.initial_form_count()
                inline.verbose_name_plural = f"{inline.verbose_name_plural} ({count})"
        return inline_formsets

    @admin.display(description="Date", ordering="signed_on")
    def date_as_recorded(self, obj):
        """The date at its precision, and what it is when not the signing's."""
        if obj.date_kind == Mou.DateKind.SIGNED or obj.signed_on is None:
            return obj.signed_on_display
        return f"{obj.signed_on_display} ({obj.get_date_kind_display().lower()})"

    @admin.display(description="States")
    def state_names(self, obj):
        return ", ".join(state.code for state in obj.states.all())

    @admin.action(description="Publish selected MoUs", permissions=["change"])
    def publish(self, request, queryset):
        self.set_published(request, queryset, True)

    @admin.action(description="Unpublish selected MoUs", permissions=["change"])
    def unpublish(self, request, queryset):
        self.set_published(request, queryset, False)

    def set_published(self, request, queryset, published):
        """Publish or unpublish the selected MoUs that are not so yet, logged as changes.

        A few queries whatever the number selected (no save() per MoU): one UPDATE,
        which keeps the rule of ``publication_time`` (stamped on first publication
        only) and bumps ``updated_at``, so cached pages change; one read and one bulk
        insert for the log.
        """
        now = timezone.now()
        changing = Mou.objects.filter(pk__in=queryset.filter(published=not published).values("pk"))
        fields = {"published": published, "updated_at": now}
        if published:
            fields["published_at"] = Coalesce("published_at", Value(now))
        with transaction.atomic():
            changed = list(changing.only("pk", "title"))
            changing.update(**fields)
            # What derives from publication (the commitments feed's order, the data
            # version cached pages hang on): an UPDATE sends no signal.
            refresh_derived(Mou.objects.filter(pk__in=[mou.pk for mou in changed]))
            LogEntry.objects.log_actions(
                request.user.pk,
                changed,
                CHANGE,
                change_message=[{"changed": {"fields": ["Published"]}}],
            )
        if published:
            record_versions(
                Mou.objects.filter(pk__in=[mou.pk for mou in changed]),
                "Published",
                user=request.user,
            )
        done = "published" if published else "unpublished"
        text = f"{len(changed)} MoU{pluralize(len(changed))} {done}"
        unchanged = queryset.count() - len(changed)
        if unchanged:
            text += f"; {unchanged} already {'were' if unchanged > 1 else 'was'}"
        self.message_user(request, text + ".", messages.SUCCESS)


def two_way_filter(title, parameter, lookup, choices):
    """A list filter of two choices, each filtering ``lookup`` by its true or false
    value: ``choices`` is ``[(value, label, lookup value), (value, label, ...)]``."""

    class TwoWayFilter(admin.SimpleListFilter):
        def lookups(self, request, model_admin):
            return [(value, label) for value, label, _ in choices]

        def queryset(self, request, queryset):
            for value, _label, flag in choices:
                if self.value() == value:
                    return queryset.filter(**{lookup: flag})
            return queryset

    TwoWayFilter.title, TwoWayFilter.parameter_name = title, parameter
    return TwoWayFilter


# News about the MoU as a whole, or about one of its commitments.
FollowUpAboutFilter = two_way_filter(
    "about",
    "about",
    "commitment__isnull",
    [("mou", "The MoU as a whole", True), ("commitment", "A commitment", False)],
)
# Follow-ups of published MoUs, which the public sees, or of drafts.
FollowUpMouPublishedFilter = two_way_filter(
    "the MoU", "published", "mou__published", [("yes", "Published", True), ("no", "Draft", False)]
)
# Follow-ups an import brought in, or added on an MoU's page.
FollowUpAddedFilter = two_way_filter(
    "import",
    "added",
    "created_by_import__isnull",
    [("import", "Imported", False), ("admin", "Added on the MoU's page", True)],
)


@admin.register(FollowUp)
class FollowUpAdmin(FollowUpImportMixin, PartialDatesAdmin, ImportMixin, admin.ModelAdmin):
    """Every follow-up, to find and check (Editors and Viewers), and the follow-up import
    (Editors only: import-export asks for the "add" permission, which Viewers lack).

    The list is read-only for everyone: a follow-up is added and changed on its MoU's
    page, where a change to a published MoU asks for its public note and makes a
    version; each row links there.
    """

    resource_classes = [FollowUpResource]
    import_formats = [FollowUpSpreadsheetFormat]

    list_display = [
        "dated_on_display",
        "mou_link",
        "about",
        "reports",
        "what_happened",
    ]
    list_filter = [
        FollowUpAboutFilter,
        "mou_status",
        "commitment_status",
        FollowUpMouPublishedFilter,
        FollowUpAddedFilter,
    ]
    list_select_related = ["mou", "commitment", "source"]
    search_fields = [
        "summary",
        "quote",
        "mou__title",
        "mou__reference",
        "commitment__description",
        "source__title",
        "source__publisher",
    ]
    date_hierarchy = "dated_on"
    ordering = ["-dated_on", "-pk"]
    fields = [
        "mou",
        "commitment",
        "dated_on",
        "summary",
        "mou_status",
        "commitment_status",
        "progress_value",
        "source",
        "quote",
        "created_at",
        "created_by_import",
    ]
    partial_date_displays = {"dated_on": "dated_on_display"}

    class Media:
        css = {"all": ["css/admin.css"]}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Date", ordering="dated_on")
    def dated_on_display(self, obj):
        return obj.dated_on_display

    @admin.display(description="MoU (edit it there)", ordering="mou__title")
    def mou_link(self, obj):
        url = reverse("admin:agreements_mou_change", args=[obj.mou_id])
        return format_html('<a href="{}">{}</a>', url, obj.mou.title)

    @admin.display(description="About")
    def about(self, obj):
        if obj.commitment_id is None:
            return "The MoU as a whole"
        return Truncator(obj.commitment.description).chars(80)

    @admin.display(description="Reports")
    def reports(self, obj):
        parts = [obj.reported_status or "", obj.progress_display]
        return "; ".join(part for part in parts if part) or "-"

    @admin.display(description="What happened, and the source", ordering="summary")
    def what_happened(self, obj):
        return format_html(
            '{}<div class="quiet">{}</div>',
            Truncator(obj.summary).chars(120),
            Truncator(str(obj.source)).chars(60),
        )


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    """The record of imports: read-only, for Editors (Viewers lack its view permission)."""

    list_display = [
        "created_at",
        "kind",
        "file_name",
        "user",
        "via",
        "new",
        "updated",
        "unchanged",
    ]
    list_filter = ["kind", "via"]
    list_select_related = ["user"]
    search_fields = ["file_name", "checksum"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "created_at",
        "kind",
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


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """Readers' reports, newest first, for Editors to review: accept (then edit the MoU,
    whose required change note and "correction" flag make the public version) or reject.
    What the reader sent is read-only; only Editors see the reader's email."""

    list_display = ["received_at", "status", "mou", "message_start", "has_source", "reviewed_by"]
    list_filter = ["status"]
    list_select_related = ["mou", "reviewed_by"]
    search_fields = ["message", "mou__title", "mou__reference"]
    date_hierarchy = "received_at"
    fields = [
        "mou_link",
        "received_at",
        "message",
        "source_url",
        "email",
        "status",
        "editor_note",
        "reviewed_by",
        "reviewed_at",
    ]
    readonly_fields = [
        "mou_link",
        "received_at",
        "message",
        "source_url",
        "email",
        "reviewed_by",
        "reviewed_at",
    ]
    actions = ["accept", "reject"]

    def has_add_permission(self, request):
        return False  # reports come from readers (views.report_error)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if self.has_change_permission(request, obj):
            return fields
        return [name for name in fields if name != "email"]

    @admin.display(description="MoU")
    def mou_link(self, obj):
        return format_html(
            '<a href="{}">{}</a> (<a href="{}">public page</a>)',
            reverse("admin:agreements_mou_change", args=[obj.mou_id]),
            obj.mou,
            obj.mou.get_absolute_url(),
        )

    @admin.display(description="Report")
    def message_start(self, obj):
        return Truncator(obj.message).chars(80)

    @admin.display(description="Source given", boolean=True)
    def has_source(self, obj):
        return bool(obj.source_url)

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            for name, value in Correction.reviewed(request.user, obj.status).items():
                setattr(obj, name, value)
        super().save_model(request, obj, form, change)

    @admin.action(description="Mark selected reports accepted", permissions=["change"])
    def accept(self, request, queryset):
        self.review_all(request, queryset, Correction.Status.ACCEPTED)

    @admin.action(description="Mark selected reports rejected", permissions=["change"])
    def reject(self, request, queryset):
        self.review_all(request, queryset, Correction.Status.REJECTED)

    def review_all(self, request, queryset, status):
        count = queryset.update(status=status, reviewed_by=request.user, reviewed_at=timezone.now())
        self.message_user(
            request, f"{count} report{pluralize(count)} marked {status}.", messages.SUCCESS
        )
