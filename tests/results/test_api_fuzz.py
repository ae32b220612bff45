"""The results API fuzzed from its own OpenAPI description: schemathesis generates requests
(valid and invalid bodies, odd paths and headers) for every operation, against the product's
WSGI application on the test database. No answer may be a 500, whatever is sent."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from results.models import PlenarySettings
from results.services import api_token_create
from tests.factories import make_groups, make_questionnaire

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
EXAMPLES = 60  # per operation, with and without real path parameters: about 10 s in all


@pytest.fixture
def api_world(event):
    make_questionnaire(event)
    groups = make_groups(event, 2)
    PlenarySettings.objects.create(event=event, results_visible=True)
    _token, key = api_token_create(event=event, name="fuzz")
    real = {"slug": event.slug, "group_id": groups[0].pk, "session_code": "digital-public-sphere"}
    return key, real


@pytest.fixture
def wsgi_app():
    """The product's WSGI handler; like Django's test client, it keeps the test's database
    connection open between requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_no_request_to_the_api_answers_500(api_world, wsgi_app):
    key, real = api_world
    app = wsgi_app
    schema = schemathesis.openapi.from_wsgi("/api/schema.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 2
    failures = []

    def fuzz(operation):
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(), use_real_path=st.booleans(), authorised=st.booleans())
        def check(case, use_real_path, authorised):
            if use_real_path:
                case.path_parameters = {k: real[k] for k in (case.path_parameters or {}) if k in real}
            headers = {"Authorization": f"Bearer {key}"} if authorised else {}
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append((operation.label, case.path_parameters, case.body, response.status_code))

        check()

    for operation in operations:
        fuzz(operation)
    assert failures == []
