"""Template helpers for the public pages: Indian numbers, the SVG bar chart, admin links."""

from decimal import Decimal, InvalidOperation

from django import template
from django.conf import settings
from django.db import models
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.filter
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


@register.simple_tag
def admin_url(target):
    """The admin page for an object (change) or an "app.model" label (changelist).

    Never raises: anything else, or a model the admin does not register, gives the
    admin index.
    """
    try:
        if isinstance(target, str) and "." in target:
            app_label, model_name = target.lower().split(".", 1)
            return reverse(f"admin:{app_label}_{model_name}_changelist")
        if isinstance(target, models.Model) and target.pk is not None:
            meta = target._meta
            return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[target.pk])
        if isinstance(target, type) and issubclass(target, models.Model):
            meta = target._meta
            return reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    except NoReverseMatch:
        pass
    return reverse("admin:index")


BAR_HEIGHT = 22
LABEL_WIDTH = 150
CHART_WIDTH = 440


@register.inclusion_tag("includes/bar_chart.html")
def bar_chart(rows, label_attr, count_attr, title, chart_id, url_attr=""):
    """A horizontal SVG bar chart, drawn server-side; every name is auto-escaped.

    ``rows`` are objects or dicts; ``label_attr``, ``count_attr`` and ``url_attr``
    name what to read from each. Costs no query if ``rows`` is already evaluated.
    """

    def read(row, attr):
        if not attr:
            return ""
        value = row.get(attr) if isinstance(row, dict) else getattr(row, attr, "")
        return value() if callable(value) else value

    rows = list(rows)
    top = max((read(row, count_attr) or 0 for row in rows), default=0) or 1
    space = CHART_WIDTH - LABEL_WIDTH - 40
    bars = []
    for index, row in enumerate(rows):
        count = read(row, count_attr) or 0
        width = max(round(space * count / top, 1), 1)
        bars.append(
            {
                "label": read(row, label_attr),
                "count": count,
                "url": read(row, url_attr),
                "y": index * BAR_HEIGHT,
                "text_y": round(index * BAR_HEIGHT + BAR_HEIGHT * 0.62, 1),
                "width": width,
                "end_x": LABEL_WIDTH + width + 6,
            }
        )
    return {
        "bars": bars,
        "title": title,
        "chart_id": chart_id,
        "width": CHART_WIDTH,
        "height": max(len(bars), 1) * BAR_HEIGHT,
        "label_width": LABEL_WIDTH,
        "label_x": LABEL_WIDTH - 8,
        "bar_height": BAR_HEIGHT - 6,
    }


@register.simple_tag
def registry_name():
    """settings.REGISTRY_NAME, for titles, the brand and citations (no context processor)."""
    return settings.REGISTRY_NAME
