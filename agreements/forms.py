"""The admin's forms: the imports' upload forms (size limit, file checks), and one input
for a date known to the day, the month or the year; and the public's one form, a
reader's report of an error (``CorrectionForm``).

The imports' admin hooks are in ``agreements.admin_import``; the reading, validation
and writing in ``agreements.importing``.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import strip_tags
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.forms import ImportForm

from .formats import indian_number
from .importing import (
    FOLLOW_UP_COLUMNS,
    MOU_COLUMNS,
    ImportFileError,
    admin_limits,
    listed,
    read_table,
)
from .importing.cells import format_signed_on, read_partial_date
from .importing.reading import megabytes
from .models import Correction, Precision
from .models.corrections import REPORT_CHARS
from .models.entities import unreported_date


class MouImportForm(ImportForm):
    """The upload step of the MoU import: refuses files over the admin's limits (size,
    rows: ``admin_limits()``) or that cannot be read at all (``column_set``: the
    format's columns), pointing to the command for bigger files."""

    column_set = MOU_COLUMNS
    format_name = "MoU"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limits = admin_limits()
        self.fields["import_file"].help_text = (
            f"CSV (UTF-8) or XLSX in the {self.format_name} import format, at most "
            f"{megabytes(limits.file_bytes)} and {limits.rows:,} rows; import bigger files "
            f"on the server with <code>{self.column_set.command_line}</code>."
        )

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        limits = admin_limits()
        if upload.size > limits.file_bytes:
            raise ValidationError(
                f"The file is {megabytes(upload.size)}; the admin accepts at most "
                f"{megabytes(limits.file_bytes)}. Import bigger files on the server with: "
                f"{self.column_set.command_line}"
            )
        data = b"".join(upload.chunks())
        try:
            table = read_table(data, self.column_set, limits)
        except ImportFileError as problem:
            raise ValidationError(problem.messages) from problem
        if not table.rows:
            raise ValidationError(listed(table.errors))
        return upload


class FollowUpImportForm(MouImportForm):
    """The upload step of the follow-up import: the same checks, its own columns."""

    column_set = FOLLOW_UP_COLUMNS
    format_name = "follow-up"


# A text box as wide as the form, for a headline-long text: it shows whole.
FULL_WIDTH = forms.TextInput(attrs={"class": "full-width"})


class PartialDateField(forms.CharField):
    """A date as precisely as a source gives it, typed as ``2021``, ``2021-02`` or
    ``2021-02-18``: one input instead of a date and a precision to keep in step.

    Read by the import's own reader (``read_partial_date``), so the admin and the import
    accept the same dates with the same messages; whether the registry may hold the
    date is ``DatesForm``'s to say. Cleans to a ``(date, precision)`` pair,
    ``(None, Precision.UNKNOWN)`` when empty; shows a stored pair back as it would be
    typed (``format_signed_on``: 2021-09 for a month).
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "e.g. 2021-09"}))
        kwargs.setdefault(
            "help_text",
            "YYYY-MM-DD, YYYY-MM or YYYY: as precisely as the source gives it. "
            "Empty when it is not reported.",
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None, Precision.UNKNOWN
        try:
            return read_partial_date(text)
        except ValueError as problem:
            raise ValidationError(str(problem), code="invalid") from None

    def validate(self, value):
        super().validate(value[0])

    def prepare_value(self, value):
        return format_signed_on(*value) if isinstance(value, tuple) else value


class DatesForm(forms.ModelForm):
    """A model form whose dates are dates the registry may hold (``unreported_date``):
    ``dates`` names its plain date fields, ``partial_dates`` its partial ones (date
    field -> precision field), each a ``PartialDateField`` named after the date field
    whose precision field is set from what was typed and left out of the form.

    Only a date that differs from the stored one is held to the rule, with the text as
    typed: a rule on dates binds a new date, not an edit of anything else in a record
    stored before the rule. Compared with the record itself, not with what the browser
    sends back as the initial value (a date defaulting to today sends one).
    """

    dates = ()
    partial_dates = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, precision in self.partial_dates.items():
            # The stored pair, which the field shows back as typed (and compares typed
            # text with, so an untouched date is no change).
            self.initial[name] = (getattr(self.instance, name), getattr(self.instance, precision))

    def clean(self):
        cleaned = super().clean()
        for name in [*self.dates, *self.partial_dates]:
            value = cleaned.get(name)
            day = value[0] if isinstance(value, tuple) else value
            stored = self.instance.pk and getattr(self.instance, name)
            if day and day != stored and (problem := unreported_date(day)):
                self.add_error(name, f"{self[name].data} {problem}")
        for name, precision in self.partial_dates.items():
            if name in cleaned:
                cleaned[name], value = cleaned[name]
                setattr(self.instance, precision, value)
        return cleaned


class SourceAdminForm(DatesForm):
    dates = ("published_on", "url_checked_on")


class NewsCheckAdminForm(DatesForm):
    dates = ("checked_on",)


class MouAdminForm(DatesForm):
    """The MoU's own fields, and what its public history says of a change.

    A change to a published MoU, to its own fields or to any inline (parties,
    commitments, follow-ups...), needs a public change note: ``MouAdmin`` hands the
    inline formsets over as ``inline_formsets`` before this form is validated.
    """

    partial_dates = {"signed_on": "signed_on_precision"}

    signed_on = PartialDateField(label="Date", required=False)
    change_note = forms.CharField(
        label="Public change note",
        max_length=300,
        required=False,
        widget=FULL_WIDTH,
        help_text="Required when changing a published MoU: shown in its public history, "
        "e.g. 'Added the signing place from the state's press release'.",
    )
    correction = forms.BooleanField(
        label="This corrects a fact already published",
        required=False,
        help_text="Marks the new version as a correction, not an update.",
    )
    inline_formsets = ()

    class Meta:
        widgets = dict.fromkeys(["title", "signed_on_note"], FULL_WIDTH)

    def clean(self):
        cleaned = super().clean()
        was_published = bool(self.instance.pk) and self.initial.get("published", False)
        changed = self.has_changed() or any(f.has_changed() for f in self.inline_formsets)
        if was_published and changed and not cleaned.get("change_note", "").strip():
            self.add_error(
                "change_note", "Say what changed: the note is shown in the MoU's public history."
            )
        return cleaned

    def has_changed(self):
        """A change to the record itself, not merely a note or the correction box."""
        return bool(set(self.changed_data) - {"change_note", "correction"})


class FollowUpAdminForm(DatesForm):
    partial_dates = {"dated_on": "dated_on_precision"}

    dated_on = PartialDateField(label="Date")

    class Meta:
        widgets = {"summary": FULL_WIDTH}


class ReportedFigureAdminForm(DatesForm):
    partial_dates = {"as_of": "as_of_precision"}

    as_of = PartialDateField(label="As of", required=False)

    class Meta:
        widgets = {"description": FULL_WIDTH}


# Django's message for a report's text over its field's length, in the plural form
# Django itself would choose (no limit here is one character).
TOO_LONG = _("Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).")


class CorrectionForm(forms.ModelForm):
    """A reader's report on one MoU. Stored as plain text (tags removed), within the
    model's lengths, for Editors to review. ``website`` is a honeypot: hidden from people
    by the stylesheet and from screen readers, filled in by bots that fill in every
    field; a report with it is thanked for and dropped (``is_bot``)."""

    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = Correction
        fields = ["message", "source_url", "email"]
        labels = {
            "message": _("What is wrong or missing?"),
            "source_url": _("A source that says so (link, optional)"),
            "email": _("Your email (optional)"),
        }
        help_texts = {
            "message": format_lazy(
                _(
                    "Plain text, at most {chars} characters. Name the fact and what the "
                    "source says instead."
                ),
                chars=indian_number(REPORT_CHARS),
            ),
            "source_url": _(
                "A published article, notice or document; the registry records only what "
                "a source reports."
            ),
            "email": _(
                "Only if an editor may write to you about this report. It is never "
                "published or shared."
            ),
        }
        # Django's own messages, in the words the report's Hindi page uses.
        error_messages = {
            "message": {"required": _("This field is required."), "max_length": TOO_LONG},
            "source_url": {"invalid": _("Enter a valid URL."), "max_length": TOO_LONG},
            "email": {"invalid": _("Enter a valid email address.")},
        }
        widgets = {
            "message": forms.Textarea(attrs={"rows": 6, "maxlength": REPORT_CHARS}),
            "source_url": forms.URLInput(attrs={"placeholder": "https://"}),
        }

    def clean_message(self):
        text = strip_tags(self.cleaned_data["message"]).strip()
        if not text:
            raise ValidationError(gettext("Please say what is wrong or missing, in words."))
        return text

    def is_bot(self):
        return bool(self.cleaned_data.get("website"))
