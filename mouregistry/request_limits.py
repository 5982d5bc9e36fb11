"""Request bodies over a size are refused with 413 before anything reads them.

Django reads a body only when something asks for it, but then all of it: a multipart
POST streams its files to the temporary directory, whoever sent it, before any view
checks a login (the CSRF middleware reads the form to find its token), and
``DATA_UPLOAD_MAX_MEMORY_SIZE`` leaves files out. So ``RequestBodyLimitMiddleware``
compares the length a request declares (``Content-Length``, beyond which Django never
reads) with the most it may send, before any view or ``process_view`` runs:

- anyone: ``REQUEST_MAX_BODY_BYTES``, a login form and then some (the public site takes
  no form at all);
- staff, on the admin's pages: ``STAFF_REQUEST_MAX_BODY_BYTES``;
- staff, on the pages that upload an import's file (``IMPORT_UPLOAD_URLS``):
  ``IMPORT_MAX_UPLOAD_BYTES`` plus ``FORM_ALLOWANCE`` for the form around the file, so
  that a file a little too big still gets the form's own message pointing to the
  command.

A body sent without a length (``Transfer-Encoding: chunked``) is answered 411: Django
would read it as empty.
"""

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse

from agreements.importing.reading import megabytes

# The admin pages that upload an import's file, by URL name.
IMPORT_UPLOAD_URLS = ("admin:agreements_mou_import", "admin:agreements_followup_import")
# Room for a multipart form's boundaries, headers and other fields around its file.
FORM_ALLOWANCE = 1024 * 1024


def declared_length(request):
    """The body's length as the request declares it, or None if it declares none."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


def body_limit(request):
    """The most ``request`` may send (more for staff, most on the import pages), and what
    to do with more."""
    if request.user.is_staff:
        path = request.path_info
        if any(path == reverse(name) for name in IMPORT_UPLOAD_URLS):
            return settings.IMPORT_MAX_UPLOAD_BYTES + FORM_ALLOWANCE, IMPORT_ADVICE
        if path.startswith(reverse("admin:index")):
            return settings.STAFF_REQUEST_MAX_BODY_BYTES, ""
    return settings.REQUEST_MAX_BODY_BYTES, ""


IMPORT_ADVICE = (
    " Import bigger files on the server: python manage.py import_mous FILE (or "
    "import_follow_ups FILE)."
)


class RequestBodyLimitMiddleware:
    """See the module. After ``AuthenticationMiddleware`` (the limit depends on who
    asks), and anywhere before the views: the check is made on the way in, before any
    middleware's ``process_view``. The user is looked up only for a body bigger than
    anyone may send."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = declared_length(request)
        if length is None and "HTTP_TRANSFER_ENCODING" in request.META:
            return HttpResponse(
                "A request body must declare its length (Content-Length).\n",
                status=411,
                content_type="text/plain; charset=utf-8",
            )
        if length and length > settings.REQUEST_MAX_BODY_BYTES:
            limit, advice = body_limit(request)
            if length > limit:
                return HttpResponse(
                    f"This request sends {megabytes(length)}; at most {megabytes(limit)} "
                    f"is accepted here.{advice}\n",
                    status=413,
                    content_type="text/plain; charset=utf-8",
                )
        return self.get_response(request)
