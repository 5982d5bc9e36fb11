"""The API tested against its own OpenAPI document by schemathesis: for every endpoint
and every parameter the document lists, generated requests (valid ones, then invalid
ones) never get a 5xx, and every answer has a status code the document lists and a body
that matches it. The document is read from ``/api/v1/openapi.json`` and every request
goes through the site's own WSGI application, middleware included, on the founding
articles' records in the test database: on SQLite and on PostgreSQL alike.

Bounded in time: ``EXAMPLES`` requests per endpoint and mode, no deadline, the rate
limit out of the way. Each endpoint is a subtest, so a failure names it. A well-formed
value the registry does not know (``?state=atlantis``) is a 400, as in the downloads:
the document cannot list the slugs, which change with the data, so schemathesis'
"schema-valid request rejected" check is left out. (Schemathesis'
own pytest loader, ``from_fixture``, does not run under pytest 9: it sets a node id
attribute pytest no longer has.)"""

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance


@pytest.fixture
def connection_kept():
    """Requests through the WSGI application end, as in production, by closing the
    database connection when it is in a transaction: here the test's own, with its data.
    Django's test client keeps it the same way, for the length of the test."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


# Requests per endpoint and mode: 16 endpoints, the whole run within a minute.
EXAMPLES = 15


def test_every_endpoint_answers_as_its_openapi_document_says(
    founding_articles, connection_kept, settings, subtests
):
    settings.API_RATE_LIMIT = "100000/s"
    from mouregistry.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 16
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            with subtests.test(operation=operation.label, mode=mode.value):

                @given(case=operation.as_strategy(generation_mode=mode))
                @hypothesis.settings(
                    max_examples=EXAMPLES,
                    deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
                )
                def answers_as_documented(case):
                    case.call_and_validate(excluded_checks=[positive_data_acceptance])

                answers_as_documented()
