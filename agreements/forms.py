"""The admin's forms: the MoU import's upload form (size limit, file checks).

The import's admin hooks are in ``agreements.admin_import``; the reading, validation
and writing in ``agreements.importing``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
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
