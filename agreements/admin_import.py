"""The MoU import in the admin: django-import-export's hooks, with our summary, a page
that explains the columns, and a template and an example file to download.

``MouImportExportMixin`` goes before ``ImportExportModelAdmin`` in ``MouAdmin``'s
bases; the upload form is ``agreements.forms.MouImportForm``, the reading, validation
and writing are in ``agreements.importing``.
"""

import csv

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html

from .forms import COMMAND_HINT, MouImportForm, megabytes
from .importing.cells import COLUMN_DESCRIPTIONS, COLUMNS, column_requirement

EXAMPLE_FILE = settings.BASE_DIR / "fixtures" / "example-import.csv"


def column_help():
    """The columns as the import page explains them: (column, required, pieces of the
    description as (text, is code)), from their one definition in ``cells``."""
    return [
        (
            column,
            column_requirement(column),
            [(piece, n % 2 == 1) for n, piece in enumerate(text.split("`")) if piece],
        )
        for column, text in COLUMN_DESCRIPTIONS.items()
    ]


class MouImportExportMixin:
    """django-import-export hooks for MoUs: our summary, and no success after a failure."""

    import_template_name = "admin/agreements/mou/import.html"
    import_form_class = MouImportForm

    def get_import_form_class(self, request):
        return self.import_form_class

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
                name="agreements_mou_import_template",
            ),
            path(
                "import/example.csv",
                editors_only(self.import_example),
                name="agreements_mou_import_example",
            ),
            *super().get_urls(),
        ]

    def import_template(self, request):
        """A CSV of the header row alone, to fill in."""
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="mou-import-template.csv"'
        csv.writer(response, lineterminator="\r\n").writerow(COLUMNS)
        return response

    def import_example(self, request):
        """``fixtures/example-import.csv``: three fictional MoUs that import as drafts."""
        return FileResponse(EXAMPLE_FILE.open("rb"), as_attachment=True, content_type="text/csv")

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context["max_upload"] = megabytes(settings.IMPORT_MAX_UPLOAD_BYTES)
        context["command_hint"] = COMMAND_HINT
        context["columns"] = column_help()
        return context

    def process_result(self, result, request):
        report = getattr(result, "mou_report", None)
        if report is not None and report.errors:
            # The data changed between preview and confirmation: nothing was written.
            for error in report.errors:
                messages.error(request, str(error))
            messages.error(request, report.summary())
            return HttpResponseRedirect(reverse("admin:agreements_mou_import"))
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        report = getattr(result, "mou_report", None)
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
