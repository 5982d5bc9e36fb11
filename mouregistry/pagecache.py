"""Whole public pages cached for anonymous readers until the data changes.

Public pages change only when the registry's data does (``DataVersion``) or when the day
does (overdue promises, "no news since"), so an anonymous GET is answered from the
shared cache (``CACHE_URL``: Redis in production, every worker benefiting) under a key
of that version, the day and the full URL, with an ``ETag`` of the same and a
``Last-Modified`` of the version's time; a reader who already holds the page gets 304.
One query per request (the version), then no rendering at all.

Never cached and never served from the cache: staff (anyone with a session cookie, so
the check needs no session lookup), a request carrying a message to show, anything but
GET and HEAD, the admin and ``/healthz``, a response that sets a cookie, streams, says
``private`` or ``no-store``, or is not a 200.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from agreements.models import DataVersion

# Seconds a reader's browser may keep a page without asking again; after that it asks
# with If-None-Match and gets a 304 while the data is unchanged.
BROWSER_MAX_AGE = 60
# Seconds a page stays in the shared cache (a new data version makes it unreachable at
# once; this only returns the memory).
CACHE_SECONDS = 600
# Pages bigger than this are not cached (no public page is near it).
MAX_CACHED_BYTES = 2 * 1024 * 1024
NEVER_CACHED = ("/admin/", "/healthz")


def cacheable_request(request):
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith(NEVER_CACHED)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def cacheable_response(response):
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in control
        and "no-store" not in control
        and len(response.content) <= MAX_CACHED_BYTES
    )


class PublicPageCacheMiddleware:
    """Near the top of ``MIDDLEWARE``: a cached page skips everything below it; the
    headers the middleware below added (CSP and the rest) were cached with it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not cacheable_request(request):
            response = self.get_response(request)
            patch_vary_headers(response, ["Cookie"])
            return response
        # Kept for the page's cached aggregates (agreements.models.freshness.cached).
        request.data_version = version = DataVersion.current()
        # The version's time too: a restored backup can bring back an older number.
        changed = int(version.changed_at.timestamp() * 1000)
        tag = f"{version.number}.{changed}.{timezone.localdate():%Y%m%d}"
        etag = f'"{tag}"'
        last_modified = http_date(version.changed_at.timestamp())
        not_modified = get_conditional_response(
            request, etag=etag, last_modified=version.changed_at.timestamp()
        )
        if not_modified is not None:
            return self._headers(not_modified, etag, last_modified)
        url = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"page:{tag}:{request.method}:{url}"
        response = cache.get(key)
        if response is None:
            response = self.get_response(request)
            if not cacheable_response(response):
                patch_vary_headers(response, ["Cookie"])
                return response
            self._headers(response, etag, last_modified)
            cache.set(key, response, CACHE_SECONDS)
        return response

    @staticmethod
    def _headers(response, etag, last_modified):
        response["ETag"] = etag
        response["Last-Modified"] = last_modified
        response["Cache-Control"] = f"public, max-age={BROWSER_MAX_AGE}"
        patch_vary_headers(response, ["Cookie"])
        return response
