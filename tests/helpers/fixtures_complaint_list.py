"""The complaint list's world (`list_world`): complaints that differ in every way the list's filters tell apart."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import CustomerGroup
from recovery.models import Category, Severity, Stage
from recovery.workflow import complaint_escalate
from tests.factories import log_complaint, log_complaint_at
from tests.helpers.customers import new_customer
from tests.helpers.workflow import advance, closed, employee_complaint


@pytest.fixture
def list_world(alice, bob, maria, customer):
    """Complaints that differ in every way the filters can tell apart."""
    now = timezone.now()
    supplier = new_customer(name="Sam Supplier", group=CustomerGroup.SUPPLIER)
    billing = Category.objects.get(name="Billing")
    return {
        "fresh": log_complaint(user=alice, customer=customer, summary="Parcel arrived two days late"),
        "old overdue": log_complaint_at(
            now - timedelta(days=40), user=bob, customer=customer, severity=Severity.HIGH, category=billing,
            summary="Charged twice",
        ),
        "supplier": log_complaint_at(
            now - timedelta(days=10), user=alice, customer=supplier, severity=Severity.LOW,
            summary="Pallets returned unpaid",
        ),
        "reinstating": advance(
            log_complaint(user=bob, customer=customer, summary="Broken kettle"), bob, Stage.REINSTATE
        ),
        "closed": closed(log_complaint(user=alice, customer=customer, summary="Wrong size shoes"), alice),
        "escalated": complaint_escalate(
            complaint=log_complaint(user=alice, customer=customer, summary="Rude driver"),
            user=alice, to=maria, reason="Needs a manager",
        ),
        "alice employee": employee_complaint(alice),
        "bob employee": log_complaint(
            user=bob,
            customer=new_customer(name="Greta Grievance", email="greta@staff.test", group=CustomerGroup.EMPLOYEE),
            summary="Shouted at in front of the team",
        ),
    }  # fmt: skip
