"""The site's two languages: English at today's addresses, Hindi at the same under /hi/.

The language is read from the address alone, never from Accept-Language or a cookie, so
that one address is always one page: the whole-page cache (``mouregistry.pagecache``)
keys on the address, and neither it nor any cache downstream has to vary on the
reader's browser. Django's ``LocaleMiddleware`` would send English pages with ``Vary:
Accept-Language`` although they never vary on it.
"""

import functools
from typing import NamedTuple

from django.conf import settings
from django.utils import translation


class PathLanguageMiddleware:
    """Activates the address's language while the response is made: Hindi under /hi/,
    English everywhere else (the admin, /healthz and /api/ included). Below the session,
    above ``CommonMiddleware``, whose added slash must resolve in the address's
    language. A streamed response is written after it returns, so a streamed download
    sets its own (``in_default_language``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = translation.get_language_from_path(request.path_info)
        # Only for this request: whatever runs next on the thread starts in English.
        with translation.override(language or settings.LANGUAGE_CODE):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


def default_path(path):
    """The address of a page in the default language, English: ``/hi/mous/`` -> ``/mous/``."""
    code = translation.get_language_from_path(path)
    if code is None or code == settings.LANGUAGE_CODE:
        return path
    return path[len(code) + 1 :] or "/"


class LanguageVersion(NamedTuple):
    code: str
    name: str  # in its own language, as the switch shows it
    path: str  # with the query string
    url: str  # absolute, as hreflang links need
    is_default: bool  # English, x-default


def language_versions(request):
    """The page ``request`` asked for in every language of ``LANGUAGES``, each keeping
    the query string: for the language switch and the ``hreflang`` links. Every public
    page's Hindi address is its English one under /hi/ (``i18n_patterns`` with
    ``prefix_default_language=False``), a 404's included."""
    script = request.META.get("SCRIPT_NAME", "").rstrip("/")
    path = default_path(request.path_info)
    query = request.META.get("QUERY_STRING", "")
    suffix = f"?{query}" if query else ""
    versions = []
    for code, name in settings.LANGUAGES:
        default = code == settings.LANGUAGE_CODE
        address = f"{script}{path if default else f'/{code}{path}'}{suffix}"
        versions.append(
            LanguageVersion(code, name, address, request.build_absolute_uri(address), default)
        )
    return versions


def in_default_language(view):
    """A view whose answer is data, not a page (the CSV and JSON downloads): the same
    English text at its /hi/ address as at today's, its streamed rows included, which
    are written after the view has returned."""

    def chunks_in_default_language(chunks):
        with translation.override(settings.LANGUAGE_CODE):
            yield from chunks

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            response = view(request, *args, **kwargs)
        if response.streaming:
            response.streaming_content = chunks_in_default_language(response.streaming_content)
        return response

    return wrapped
