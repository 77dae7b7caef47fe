"""factory_boy factories for volume; the personas live in conftest.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import factory
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.roles import FRONT_LINE, MANAGERS
from customers.models import Customer, CustomerGroup, Organization
from recovery.models import Category, Channel, Severity
from recovery.workflow import complaint_log


class UserFactory(factory.django.DjangoModelFactory[Any]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pw")

    @factory.post_generation  # type: ignore[untyped-decorator]
    def role(obj: Any, create: bool, extracted: str | None, **kwargs: Any) -> None:
        if create and extracted:
            obj.groups.add(Group.objects.get(name=extracted))


def front_line_user(**kwargs: Any) -> Any:
    return UserFactory(role=FRONT_LINE, **kwargs)


def manager_user(**kwargs: Any) -> Any:
    return UserFactory(role=MANAGERS, **kwargs)


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")


class CustomerFactory(factory.django.DjangoModelFactory[Customer]):
    class Meta:
        model = Customer

    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"customer{n}@example.org")
    phone = "+44 20 7946 0000"
    group = CustomerGroup.END_USER
    consents_to_contact = True


def log_complaint(
    *, user: Any, customer: Customer | None = None, severity: str = Severity.MEDIUM, **kwargs: Any
) -> Any:
    """Log a complaint through the workflow, as the application does."""
    defaults: dict[str, Any] = {
        "channel": Channel.PHONE,
        "category": Category.objects.get(name="Delivery"),
        "summary": "Parcel arrived two days late",
        "description": "Customer waited in all day twice.",
        "desired_remedy": "Refund the delivery charge",
    }
    defaults.update(kwargs)
    customer = customer if customer is not None else cast(Customer, CustomerFactory())
    return complaint_log(user=user, customer=customer, severity=severity, **defaults)


def log_complaint_at(moment: datetime, *, user: Any, **kwargs: Any) -> Any:
    """Log a complaint at `moment`, received then: due times count from logging, so this makes an old one."""
    with time_machine.travel(moment, tick=False):
        return log_complaint(user=user, **kwargs)
