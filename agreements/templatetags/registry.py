"""Template helpers for the public pages: Indian numbers, lists of links, the SVG bar chart,
admin links."""

from django import template
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from mouregistry import i18n

from ..formats import indian_number
from ..models.entities import in_hindi, localized_name, marked_name

register = template.Library()


register.filter(indian_number)


@register.simple_tag
def in_english():
    """`` lang="en"`` on Hindi pages, for an element whose text stays in English as its
    source or the registry wrote it (an MoU's title, a summary, a quote); nothing on
    English pages."""
    return mark_safe(' lang="en"') if in_hindi() else ""  # noqa: S308 (a constant)


@register.filter
def shown_name(obj):
    """A record's name as the page shows it: its ``display_name`` (the Hindi name on
    Hindi pages where it has one), marked ``lang="en"`` where a Hindi page shows an
    English name (a party, a cluster, a source), so that screen readers say it in
    English. Escaped."""
    return marked_name(getattr(obj, "name", None) or str(obj), getattr(obj, "name_hi", ""))


@register.filter
def plain_name(obj):
    """A record's name in the page's language as plain text, unmarked: for a ``<title>``,
    an attribute or a sentence's variable that is escaped where it is written."""
    return localized_name(getattr(obj, "name", None) or str(obj), getattr(obj, "name_hi", ""))


@register.filter
def english(value):
    """``value`` (text a source or a record wrote: a short name, a place, a product) in a
    ``<span lang="en">`` on Hindi pages, so that a Hindi sentence around it is read as
    Hindi and it as English; as it is, escaped, on English pages. Nothing for nothing."""
    if value in (None, ""):
        return ""
    if in_hindi():
        return format_html('<span lang="en">{}</span>', value)
    return value


@register.filter
def heading_name(obj):
    """A record's name in its page's heading: on Hindi pages the Hindi name with the
    English one beside it, "उत्तर प्रदेश (Uttar Pradesh)", as readers meet both."""
    if in_hindi() and getattr(obj, "name_hi", ""):
        return format_html('{} (<span lang="en">{}</span>)', obj.name_hi, obj.name)
    return shown_name(obj)


@register.simple_tag
def links(objects, separator=", "):
    """Each object as a link to its page, joined: how every list of states, parties,
    programmes, sectors or clusters is written. Names are escaped, in the page's
    language (``shown_name``)."""
    return format_html_join(
        separator,
        '<a href="{}">{}</a>',
        ((obj.get_absolute_url(), shown_name(obj)) for obj in objects),
    )


@register.simple_tag(takes_context=True)
def admin_link(context, target=None):
    """An "Edit in admin" link, for staff who may view ``target`` in the admin; nothing for
    anyone else (staff in neither group included).

    ``target`` is an object (its change page), an "app.model" label (its list) or
    nothing (the admin index, for staff with any permission in the app). Checking costs
    the user's two permission queries, once per request. A model the admin does not
    register links to the index.
    """
    user = context.get("user")
    if user is None or not user.is_staff:
        return ""
    if target is None:
        allowed, url = user.has_module_perms("agreements"), reverse("admin:index")
    else:
        is_object = isinstance(target, models.Model)
        meta = target._meta if is_object else apps.get_model(target)._meta
        allowed = user.has_perm(f"{meta.app_label}.view_{meta.model_name}")
        page, args = ("change", [target.pk]) if is_object else ("changelist", [])
        try:
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_{page}", args=args)
        except NoReverseMatch:
            url = reverse("admin:index")
    if not allowed:
        return ""
    return format_html('<a class="admin-link" href="{}">{}</a>', url, gettext("Edit in admin"))


@register.inclusion_tag("includes/bar_chart.html")
def bar_chart(rows, label_attr, count_attr, title, chart_id, url_attr=""):
    """A horizontal bar chart drawn on the server: a table whose labels and counts are
    text (readable at any width, at the page's own size) and whose bars are small SVGs
    scaled to the largest count. Every name is auto-escaped.

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
    bars = []
    for row in rows:
        count = read(row, count_attr) or 0
        bars.append(
            {
                "label": read(row, label_attr),
                "count": count,
                "url": read(row, url_attr),
                "width": max(round(100 * count / top, 1), 1),
            }
        )
    return {"bars": bars, "title": title, "chart_id": chart_id}


@register.simple_tag
def registry_name():
    """settings.REGISTRY_NAME, for titles, the brand and citations (no context processor)."""
    return settings.REGISTRY_NAME


@register.simple_tag(takes_context=True)
def language_versions(context):
    """This page in each language (``mouregistry.i18n.language_versions``); none where
    there is no request (Django renders the 500 page without one)."""
    request = context.get("request")
    return i18n.language_versions(request) if request else []
