"""
Who a request comes from, and the browser's second line of defence.

``client_address`` is the one answer to "which address is this?" for anything that
counts requests per address (the login lockout): behind a proxy every request comes
from the proxy, so the real address is in ``X-Forwarded-For``, but only a proxy the
site trusts may be believed; a client can write anything there itself.

``lockout_response`` is the page a login refused by django-axes gets.

``ContentSecurityPolicyMiddleware`` sends the Content Security Policy (django-csp's,
with the admin's additions) and ``BrowserPolicyMiddleware`` the headers Django has no
setting for: what browser features a page may use and who may load the site's
resources.
"""

import ipaddress

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.shortcuts import render
from django.urls import reverse


def _address(text):
    """``text`` as an IP address, or None when it is not one (a proxy that forwards
    garbage must not put it in the database's address column)."""
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(request):
    """The address of the client, as the nearest proxy the site trusts saw it.

    With ``TRUSTED_PROXY_COUNT`` proxies in front, each appending the address it was
    reached from to ``X-Forwarded-For``, the client is that many entries from the right;
    entries further left were written by the client and prove nothing. Without trusted
    proxies, or when the header is shorter than it must be, it is the connection's
    address.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(forwarded) >= proxies:
            address = _address(forwarded[-proxies])
            if address:
                return address
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response, credentials):
    """What a login refused by the lockout gets (django-axes' ``AXES_LOCKOUT_CALLABLE``):
    a page saying why and for how long, 429 with ``Retry-After``, rather than a bare 403."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": seconds // 60}
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with ``ADMIN_CONTENT_SECURITY_POLICY_ADDITIONS`` added to
    the policy of the admin's pages (and only theirs)."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if parts.update is None and request.path_info.startswith(reverse("admin:index")):
            parts.update = settings.ADMIN_CONTENT_SECURITY_POLICY_ADDITIONS
        return parts


class BrowserPolicyMiddleware:
    """``Permissions-Policy`` (no camera, microphone, location, payment... for any page)
    and ``Cross-Origin-Resource-Policy: same-origin`` (other sites cannot embed the
    registry's pages, images or scripts), on every response that has none yet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
