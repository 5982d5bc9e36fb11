"""
The read-only API, ``/api/v1/``: the registry's published data as JSON, built with
Django REST framework and documented by drf-spectacular, which writes the OpenAPI
document (``/api/v1/openapi.json``) from the views themselves, the list filters' query
parameters included from the same django-filter FilterSets the pages use
(``agreements.filters``), so the filters are defined once.

What the public may see is decided where the pages decide it (``published()``,
``public()``), and every row is written by the downloads' own functions
(``agreements.exports``), so the API and the downloads name every field alike.
"""
