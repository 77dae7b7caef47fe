"""The API keeps its published contract: the schema is valid OpenAPI 3, and every answer matches it.

schemathesis reads the live schema from the running application (/api/v1/schema/) and, for every
operation, sends requests Hypothesis generates from it (valid and invalid), as a front-line person and as
a manager, each with a real token. Every answer must: not be a server error, use a status code and content
type the schema declares, and match the declared body. For the front-line person, no answer may carry a
word of the colleague's confidential complaint, which only its owner and managers may see.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from customers.models import CustomerGroup
from tests.factories import CustomerFactory, log_complaint
from tests.helpers.api import api_client, token_for

pytestmark = pytest.mark.django_db

SCHEMA = "/api/v1/schema/?format=json"
SECRET = "Zanzibar-confidential-grievance"  # a word only the confidential complaint holds


def test_the_schema_is_valid_openapi_3(maria: Any) -> None:
    response = api_client(maria).get(SCHEMA)
    assert response.status_code == 200
    spec = response.json()
    validate(spec)  # raises on an invalid schema
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/complaints/" in spec["paths"]
    assert "/api/v1/customers/" in spec["paths"]
    # Every operation says what it does and what can go wrong.
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert operation.get("summary") or operation.get("description"), f"{method} {path} is not described"
            assert "401" in operation["responses"], f"{method} {path} does not list 401"


@pytest.fixture
def contract_world(alice: Any, bob: Any, maria: Any, settings: Any) -> dict[str, Any]:
    """A little of everything; alice's colleague complained, and only alice (its owner) and managers see it."""
    settings.API_RATE_PER_MINUTE = 100_000
    for index in range(3):
        someone = CustomerFactory.create(name=f"Customer {index}")
        log_complaint(user=bob, customer=someone, summary=f"Parcel late {index}")
    # The colleague is a customer like any other (the customer list shows them); their complaint is not.
    colleague = CustomerFactory.create(name="Colin Colleague", group=CustomerGroup.EMPLOYEE)
    confidential = log_complaint(
        user=alice, customer=colleague, summary=f"{SECRET}: payroll mistake", description=f"{SECRET} in detail"
    )
    return {"confidential": confidential}


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """The application in this process, inside the test's transaction (as Django's test client runs it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _every_operation(user: Any, app: WSGIHandler, *, hidden: str | None = None) -> int:
    """Run every operation of the live schema with generated requests as `user`; return how many ran.

    Valid requests (by the schema) and invalid ones; each answer passes CHECKS, and with `hidden` no
    answer may contain that word.
    """
    headers = {"Authorization": f"Bearer {token_for(user)}"}
    schema = schemathesis.openapi.from_wsgi(SCHEMA, app, headers=headers)
    ran = 0
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"the schema has an operation schemathesis cannot read: {result.err()}"
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @HYPOTHESIS
            def call(case: Any) -> None:
                response = case.call_and_validate(headers=headers, checks=CHECKS)
                if hidden is not None:
                    assert hidden not in response.text, f"{case.method} {case.formatted_path} showed what is hidden"

            call()
        ran += 1
    return ran


HYPOTHESIS = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


def test_every_answer_to_the_front_line_matches_the_schema_and_hides_the_confidential(
    contract_world: dict[str, Any], bob: Any, wsgi_app: WSGIHandler
) -> None:
    assert _every_operation(bob, wsgi_app, hidden=SECRET) >= 20


def test_every_answer_to_a_manager_matches_the_schema(
    contract_world: dict[str, Any], maria: Any, wsgi_app: WSGIHandler
) -> None:
    assert _every_operation(maria, wsgi_app) >= 20
