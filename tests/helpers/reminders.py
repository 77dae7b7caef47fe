"""Complaints whose customer did not consent to emails, so only the staff reminders are owed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

import time_machine
from django.utils import timezone

from customers.models import Customer
from tests.factories import CustomerFactory, log_complaint


def quiet(user: Any, **kwargs: Any) -> Any:
    """Log a complaint for a customer who did not consent to emails: only the owner's reminders are owed."""
    return log_complaint(user=user, customer=cast(Customer, CustomerFactory(consents_to_contact=False)), **kwargs)


def quiet_logged(user: Any, ago: timedelta, **kwargs: Any) -> Any:
    """A quiet complaint logged (and received) `ago` before now: due times count from logging."""
    with time_machine.travel(timezone.now() - ago, tick=False):
        return quiet(user, **kwargs)
