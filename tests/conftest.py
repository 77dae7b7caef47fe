"""Personas and shared fixtures.

alice works the front line, bob works the front line next to her, and
maria manages them both, and so does mark, who is also a colleague with a complaint of his own
(`marks_complaint`): the complainant never handles it. olivia is an outsider: an active account with no
CareDesk role, who should see nothing.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.apps import apps
from hypothesis import settings as hypothesis_settings

from customers.models import CustomerGroup
from recovery.bootstrap import ensure_starter_data
from tests.factories import CustomerFactory, UserFactory, front_line_user, log_complaint, manager_user
from training.bootstrap import ensure_starter_modules

# Fixtures shared by several modules, asked for by name and never imported (pytest only reads
# pytest_plugins here, in the top-level conftest). broker, smtp, worker: the real Redis, SMTP server and
# Celery worker, for the tests that ask for them; dashboard_world, list_world: the hand-built data the
# dashboard's and the complaint list's tests share; access_world: one of everything and every persona signed in.
pytest_plugins = [
    "tests.celery_services",
    "tests.helpers.fixtures_dashboard",
    "tests.helpers.fixtures_complaint_list",
    "tests.helpers.fixtures_access",
    "tests.helpers.fixtures_dovecot",
]

# Hypothesis: `make test` (and CI, which runs it) uses the "ci" profile: the property tests are
# derandomised, the same examples on every run and every machine, so a failure in CI fails again
# locally with `HYPOTHESIS_PROFILE=ci pytest …`. Plain pytest uses "dev" (new examples each run) unless
# CI is set. Either way a failure prints the blob to replay it with @reproduce_failure.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True, database=None)
hypothesis_settings.register_profile("dev", print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


@pytest.fixture
def starter_data(db: None) -> None:
    """Roles, categories, policies and the starter training modules (transactional tests flush the migrations' copy)."""
    ensure_starter_data(apps)
    ensure_starter_modules(apps)


@pytest.fixture
def alice(starter_data: None) -> Any:
    return front_line_user(username="alice", first_name="Alice", last_name="Archer")


@pytest.fixture
def bob(starter_data: None) -> Any:
    return front_line_user(username="bob", first_name="Bob", last_name="Baker")


@pytest.fixture
def maria(starter_data: None) -> Any:
    return manager_user(username="maria", first_name="Maria", last_name="Moreno")


@pytest.fixture
def mark(starter_data: None) -> Any:
    return manager_user(username="mark", first_name="Mark", last_name="Manning")


@pytest.fixture
def olivia(starter_data: None) -> Any:
    return UserFactory(username="olivia", first_name="Olivia", last_name="Outsider")


@pytest.fixture
def customer(starter_data: None) -> Any:
    return CustomerFactory(name="Carla Customer", email="carla@example.org")


@pytest.fixture
def complaint(alice: Any, customer: Any) -> Any:
    """A fresh medium-severity complaint owned by alice, at the apology step."""
    return log_complaint(user=alice, customer=customer)


@pytest.fixture
def marks_complaint(alice: Any, mark: Any) -> Any:
    """A confidential complaint from mark (a manager, complaining as a colleague), handled by alice."""
    mark_as_customer = CustomerFactory.create(name="Mark Manning", group=CustomerGroup.EMPLOYEE, staff_user=mark)
    return log_complaint(user=alice, customer=mark_as_customer, summary="My expenses claim was lost")
