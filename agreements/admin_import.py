"""The imports in the admin: django-import-export's hooks, with our summary, a page that
explains the columns, and a template and an example file to download.

``SpreadsheetImportMixin`` goes before import-export's admin class in an admin's bases,
and says which import it runs: ``MouImportExportMixin`` (MoUs) and
``FollowUpImportMixin`` (follow-ups). The upload forms are in ``agreements.forms``, the
reading, validation and writing in ``agreements.importing``, where a file waits between
preview and confirmation in ``agreements.import_previews``.
"""

import csv

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from .forms import FollowUpImportForm, MouImportForm
from .import_previews import PreviewGone
from .importing import MOU_COLUMNS, admin_limits, listed
from .importing.reading import megabytes

EXAMPLE_FILE = settings.BASE_DIR / "fixtures" / "example-import.csv"
FOLLOW_UPS_EXAMPLE_FILE = settings.BASE_DIR / "fixtures" / "example-follow-ups.csv"


def column_help(column_set=MOU_COLUMNS):
    """The columns as an import page explains them: (column, required, pieces of the
    description as (text, is code)), from their one definition (a ``ColumnSet``)."""
    return [
        (
            column,
            column_set.requirement(column),
            [(piece, n % 2 == 1) for n, piece in enumerate(text.split("`")) if piece],
        )
        for column, text in column_set.descriptions.items()
    ]


class SpreadsheetImportMixin:
    """django-import-export hooks for one of our imports: its page (the columns, the
    downloads), our summary, and no success message after a failure. Editors only, as
    import-export checks (``IMPORT_EXPORT_IMPORT_PERMISSION_CODE``), downloads included.
    """

    import_template_name = "admin/agreements/mou/import.html"
    import_form_class = MouImportForm
    example_file = EXAMPLE_FILE
    template_file_name = "mou-import-template.csv"

    @property
    def column_set(self):
        return self.import_form_class.column_set

    def get_import_form_class(self, request):
        return self.import_form_class

    def import_url_name(self, name):
        return f"{self.opts.app_label}_{self.opts.model_name}_{name}"

    def get_urls(self):
        def editors_only(view):
            def checked(request):
                if not self.has_import_permission(request):
                    raise PermissionDenied
                return view(request)

            return self.admin_site.admin_view(checked)

        return [
            path(
                "import/template.csv",
                editors_only(self.import_template),
                name=self.import_url_name("import_template"),
            ),
            path(
                "import/example.csv",
                editors_only(self.import_example),
                name=self.import_url_name("import_example"),
            ),
            *super().get_urls(),
        ]

    def import_template(self, request):
        """A CSV of the header row alone, to fill in."""
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.template_file_name}"'
        csv.writer(response, lineterminator="\r\n").writerow(self.column_set.names)
        return response

    def import_example(self, request):
        """The example file: fictional rows that never reach the public."""
        return FileResponse(
            self.example_file.open("rb"), as_attachment=True, content_type="text/csv"
        )

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        limits = admin_limits()
        context["max_upload"] = megabytes(limits.file_bytes)
        context["max_rows"] = limits.rows
        context["command_hint"] = self.column_set.command_line
        context["columns"] = column_help(self.column_set)
        context["template_url"] = reverse(f"admin:{self.import_url_name('import_template')}")
        context["example_url"] = reverse(f"admin:{self.import_url_name('import_example')}")
        return context

    def import_action(self, request, **kwargs):
        """The upload and its preview; a preview that found errors cannot be confirmed, so
        its file is removed at once rather than left to expire."""
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        form = context.get("form")
        upload = getattr(form, "cleaned_data", {}).get("import_file")
        name = getattr(upload, "tmp_storage_name", None)
        if name and not context.get("confirm_form"):
            self.get_tmp_storage_class()(name=name).remove()
        return response

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """The confirmation. A preview it cannot find (a name the server did not give, a
        file imported or expired, no name at all) is a message on the import page, never
        an error page."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        try:
            if not self.create_confirm_form(request).is_valid():
                raise PreviewGone(self.get_tmp_storage_class().gone())
            return super().process_import(request, **kwargs)
        except PreviewGone as gone:
            messages.error(request, str(gone))
            return HttpResponseRedirect(reverse(f"admin:{self.import_url_name('import')}"))

    def process_result(self, result, request):
        report = getattr(result, "import_report", None)
        if report is not None and report.errors:
            # The data changed between preview and confirmation: nothing was written.
            for line in listed(report.errors):
                messages.error(request, line)
            messages.error(request, report.summary())
            return HttpResponseRedirect(reverse(f"admin:{self.import_url_name('import')}"))
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        report = getattr(result, "import_report", None)
        if report is None:
            return super().add_success_message(result, request)
        if report.record is not None:
            url = reverse("admin:agreements_importrecord_change", args=[report.record.pk])
            messages.success(
                request,
                format_html(
                    'Import finished: {} (<a href="{}">record</a>).', report.summary(), url
                ),
            )
        else:
            messages.success(request, f"Import finished: {report.summary()}.")


class MouImportExportMixin(SpreadsheetImportMixin):
    """The MoU import: ``fixtures/example-import.csv`` is three fictional MoUs that
    import as drafts."""


class FollowUpImportMixin(SpreadsheetImportMixin):
    """The follow-up import: ``fixtures/example-follow-ups.csv`` is fictional news about
    the example MoUs (which import as drafts)."""

    import_template_name = "admin/agreements/followup/import.html"
    import_form_class = FollowUpImportForm
    example_file = FOLLOW_UPS_EXAMPLE_FILE
    template_file_name = "follow-up-import-template.csv"
