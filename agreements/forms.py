"""The admin's MoU import: the upload form (size limit, file checks) and the admin hooks.

``MouImportExportMixin`` goes before ``ImportExportModelAdmin`` in ``MouAdmin``'s
bases; the reading, validation and writing are in ``agreements.importing``.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from import_export.forms import ImportForm

from .importing import ImportFileError, read_table

COMMAND_HINT = "python manage.py import_mous FILE"


def megabytes(size):
    return f"{size / (1024 * 1024):.1f} MB"


class MouImportForm(ImportForm):
    """The upload step: refuses files over the size limit or that cannot be read at all."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        self.fields["import_file"].help_text = (
            f"CSV (UTF-8) or XLSX in the MoU import format, at most {megabytes(limit)}; "
            f"import bigger files with <code>{COMMAND_HINT}</code>."
        )

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise ValidationError(
                f"The file is {megabytes(upload.size)}; the admin accepts at most "
                f"{megabytes(limit)}. Import bigger files on the server with: {COMMAND_HINT}"
            )
        data = b"".join(upload.chunks())
        try:
            table = read_table(data)
        except ImportFileError as problem:
            raise ValidationError(problem.messages) from problem
        if not table.rows:
            raise ValidationError([str(error) for error in table.errors])
        return upload


class MouImportExportMixin:
    """django-import-export hooks for MoUs: our summary, and no success after a failure."""

    import_template_name = "admin/agreements/mou/import.html"
    import_form_class = MouImportForm

    def get_import_form_class(self, request):
        return self.import_form_class

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context["max_upload"] = megabytes(settings.IMPORT_MAX_UPLOAD_BYTES)
        context["command_hint"] = COMMAND_HINT
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
