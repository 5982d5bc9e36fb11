"""How dates and numbers are written on every page, feed and download: one definition each."""

from decimal import Decimal, InvalidOperation

from django.utils import dateformat
from django.utils.translation import gettext, gettext_noop

# Django's own Hindi catalogue spells three months without their halant ("सितमबर"), and
# writes file sizes with a trailing space and MB as "मेबी"; marked here, these take the
# right forms (सितंबर, नवंबर, दिसंबर; "21.7 केबी", "68.7 एमबी") from the project's
# catalogue, which Django reads before its own, wherever a date or a size is written.
DJANGO_HINDI_CORRECTED = (
    gettext_noop("September"),
    gettext_noop("November"),
    gettext_noop("December"),
    gettext_noop("%s KB"),
    gettext_noop("%s MB"),
    gettext_noop("%s GB"),
)


def format_partial_date(value, precision):
    """Render a date only as precisely as the source gave it.

    ``format_partial_date(date(2021, 9, 1), "month")`` is "September 2021" ("सितंबर 2021"
    on Hindi pages: Django's month names in the active language); an unknown date is
    "date not reported".
    """
    if value is None or precision == "unknown":
        return gettext("date not reported")
    if precision == "year":
        return str(value.year)
    return dateformat.format(value, "F Y" if precision == "month" else "j F Y")


def indian_number(value):
    """Group digits the Indian way: 750000 -> "7,50,000"; 12.50 -> "12.5".

    Anything that is not a number is returned unchanged.
    """
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return value
    if not number.is_finite():
        return value
    sign = "-" if number < 0 else ""
    text = f"{abs(number).normalize():f}"
    whole, _, fraction = text.partition(".")
    if len(whole) > 3:
        head, tail = whole[:-3], whole[-3:]
        groups = []
        while len(head) > 2:
            groups.insert(0, head[-2:])
            head = head[:-2]
        if head:
            groups.insert(0, head)
        whole = ",".join([*groups, tail])
    return f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}"
