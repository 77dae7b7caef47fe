"""Stored customers and organisations with the factories' defaults for whatever a test leaves out."""

from __future__ import annotations

from typing import Any

from tests.factories import CustomerFactory, OrganizationFactory


def new_customer(**fields: Any) -> Any:
    """Return a stored customer (typed loosely: factory_boy's types say the factory, not the model)."""
    return CustomerFactory(**fields)


def new_organization(**fields: Any) -> Any:
    """Return a stored organisation (typed loosely, like `new_customer`)."""
    return OrganizationFactory(**fields)
