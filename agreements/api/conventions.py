"""How every API answer is written, paged, limited and refused: the classes the
``REST_FRAMEWORK`` setting names (a module of their own, as Django REST framework
imports them while its views load).

Each list is a page of at most ``RegistryPagination.max_page_size`` rows in a stable
order (whatever the order asked, ties are broken by id), linked to the next page in
its envelope and in a ``Link`` header, its envelope naming the data's licence.
Anonymous clients are rate-limited per address (``API_RATE_LIMIT``) like the site's
searches and downloads (``mouregistry.throttling``).
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from rest_framework import exceptions, pagination, renderers, throttling
from rest_framework.response import Response

from mouregistry.throttling import over_the_limit

from .. import exports


class RegistryJSONRenderer(renderers.JSONRenderer):
    """JSON as the downloads write it (Django's encoder: decimals as strings, so no digit
    is lost to a float), so the API and the downloads give a field the same value."""

    encoder_class = DjangoJSONEncoder


def stably_ordered(queryset):
    """``queryset`` in its order (or its model's), ties broken by id, so that pages
    neither repeat nor skip a row."""
    order = queryset.query.order_by or queryset.model._meta.ordering
    return queryset.order_by(*order, "pk")


class RegistryPagination(pagination.PageNumberPagination):
    """``?page=2&page_size=100``: 50 rows a page unless asked, 200 at most. A page that is
    not there is a 404 saying so."""

    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    page_query_description = "Which page, from 1."
    page_size_query_description = (
        f"Rows a page, from 1 to {max_page_size}; {page_size} if not asked."
    )

    def get_page_number(self, request, paginator):
        """Page 1 when none is asked; anything but a page number, empty included, is a 404
        (Django's paginator refuses it)."""
        return request.query_params.get(self.page_query_param, 1)

    def get_page_size(self, request):
        """The size asked, or ``page_size``; one that is not a whole number from 1 to
        ``max_page_size`` is a 400, as a program must not get another size unawares."""
        asked = request.query_params.get(self.page_size_query_param)
        if asked is None:
            return self.page_size
        if not (asked.isascii() and asked.isdigit() and 1 <= int(asked[:4]) <= self.max_page_size):
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        f"{asked[:20]!r} is not a page size: give a whole number from 1 to "
                        f"{self.max_page_size}."
                    ]
                }
            )
        return int(asked)

    def get_schema_operation_parameters(self, view):
        """The page and its size, with their bounds, in the OpenAPI document."""
        bounds = {
            self.page_query_param: {"minimum": 1},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"].update(bounds[parameter["name"]])
        return parameters

    def paginate_queryset(self, queryset, request, view=None):
        return super().paginate_queryset(stably_ordered(queryset), request, view)

    def get_paginated_response(self, data):
        next_url = self.get_next_link()
        response = Response(
            {
                "registry": settings.REGISTRY_NAME,
                "licence": exports.DATA_LICENCE,
                "total": self.page.paginator.count,
                "page": self.page.number,
                "pages": self.page.paginator.num_pages,
                "next": next_url,
                "previous": self.get_previous_link(),
                "results": data,
            }
        )
        if next_url:
            response["Link"] = f'<{next_url}>; rel="next"'
        return response

    def get_paginated_response_schema(self, schema):
        url = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["registry", "licence", "total", "page", "pages", "next", "previous"],
            "properties": {
                "registry": {"type": "string", "description": "The registry's name."},
                "licence": {
                    "type": "object",
                    "description": "The licence the data is under: its name and address.",
                    "required": ["name", "url"],
                    "properties": {
                        "name": {"type": "string"},
                        "url": {"type": "string", "format": "uri"},
                    },
                },
                "total": {"type": "integer", "description": "How many rows in all pages."},
                "page": {"type": "integer", "description": "This page's number, from 1."},
                "pages": {"type": "integer", "description": "How many pages."},
                "next": {**url, "description": "The next page; null on the last."},
                "previous": {**url, "description": "The page before; null on the first."},
                "results": schema,
            },
        }


class AddressRateThrottle(throttling.BaseThrottle):
    """At most ``API_RATE_LIMIT`` requests per address (``mouregistry.throttling``); a
    response from the page cache costs nothing and is not counted. Past it, 429 with
    ``Retry-After`` and a JSON message."""

    def allow_request(self, request, view):
        self.seconds = over_the_limit(request, "api", settings.API_RATE_LIMIT)
        return self.seconds is None

    def wait(self):
        return self.seconds


def api_exception_handler(exc, context):
    """Errors as JSON with a ``detail``; a bad parameter also gets ``errors``, each
    parameter with what is wrong with it, as the downloads name the filters they refuse."""
    from rest_framework.views import exception_handler

    if isinstance(exc, exceptions.ValidationError):
        response = exception_handler(exc, context)
        response.data = {"detail": "These parameters cannot be applied.", "errors": exc.detail}
        return response
    return exception_handler(exc, context)
