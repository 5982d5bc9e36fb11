"""Rate limits on what an anonymous address can make the server do: searches and
downloads, the public requests that cost real work (pages served from the page cache
cost nothing and are not counted).

Counted by django-ratelimit in the default cache (shared Redis in production), per
address as ``security.client_address`` sees it (the same answer the login lockout uses).
django-ratelimit is used as a library, not an installed app: its system check predates
Django's own RedisCache and warns about it (jsocol/django-ratelimit#283).
"""

import functools

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import get_usage

from .security import client_address

PERIODS = {"s": _("a second"), "m": _("a minute"), "h": _("an hour")}
# What a group counts, for the 429 page.
COUNTED = {
    "search": _("searches"),
    "download": _("downloads"),
    "correction": _("reports of errors"),
}


def describe_rate(rate):
    """``"60/m"`` as "60 a minute", for the page that says it."""
    count, _, period = rate.partition("/")
    return gettext("%(count)s %(period)s") % {"count": count, "period": PERIODS[period]}


def _address(group, request):
    return client_address(request) or "unknown"


def over_the_limit(request, group, rate):
    """The seconds until ``request``'s address may be served again, when it is over
    ``rate`` for ``group``, counting this request; None when it is not. The one count
    behind the pages' 429 (``too_many``) and the API's."""
    usage = get_usage(request, group=group, key=_address, rate=rate, increment=True)
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, int(usage["time_left"]))


def too_many(request, group, rate=None):
    """The 429 page for ``request`` if its address is over ``rate`` (by default
    ``PUBLIC_RATE_LIMIT``) for ``group`` ("search", "download", "correction"), counting
    this request; None otherwise. Staff are not limited."""
    if request.user.is_authenticated:
        return None
    rate = rate or settings.PUBLIC_RATE_LIMIT
    seconds = over_the_limit(request, group, rate)
    if seconds is None:
        return None
    response = render(
        request,
        "429.html",
        {
            "seconds": seconds,
            "rate": describe_rate(rate),
            "counted": COUNTED.get(group, _("requests")),
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


def throttled(group):
    """A view decorator: ``too_many`` before the view runs."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            return too_many(request, group) or view(request, *args, **kwargs)

        return wrapper

    return decorate
