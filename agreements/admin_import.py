"""The MoU import in the admin: django-import-export's hooks, with our summary.

``MouImportExportMixin`` goes before ``ImportExportModelAdmin`` in ``MouAdmin``'s
bases; the upload form is ``agreements.forms.MouImportForm``, the reading, validation
and writing are in ``agreements.importing``.
"""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from .forms import COMMAND_HINT, MouImportForm, megabytes


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
