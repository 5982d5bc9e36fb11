"""
``/healthz``: may a load balancer send this server requests?

Yes ("ok", 200) when the database answers a query and the cache stores and returns a
value; otherwise 503 with the same one word for everyone, the reason going to the log
only. Never cached, so that every probe asks afresh.
"""

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def database_answers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def cache_answers():
    token = secrets.token_hex(8)
    cache.set("healthz", token, timeout=10)
    return cache.get("healthz") == token


CHECKS = {"database": database_answers, "cache": cache_answers}


def healthy():
    """Whether every check passes; a failing one is logged with its reason."""
    for name, check in CHECKS.items():
        try:
            if check():
                continue
            logger.error("health check failed: %s gave a wrong answer", name)
        except Exception:  # whatever went wrong, the server is not fit to serve
            logger.exception("health check failed: %s", name)
        return False
    return True


@never_cache
def healthz(request):
    ok = healthy()
    return HttpResponse(
        "ok" if ok else "unavailable",
        status=200 if ok else 503,
        content_type="text/plain; charset=utf-8",
    )
