"""Sending forms as the browser does: logging a complaint and recording a step on the complaint page."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from recovery.forms.steps import DATETIME_LOCAL
from recovery.models import AtonementKind, Category, Severity, Stage


def local_input(moment: datetime) -> str:
    return timezone.localtime(moment).strftime(DATETIME_LOCAL)


def log_data(customer: Any, owner: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "customer": customer.pk if customer is not None else "",
        "channel": "phone",
        "category": Category.objects.get(name="Delivery").pk,
        "severity": Severity.HIGH,
        "summary": "Parcel arrived two days late",
        "description": "Waited in all day, twice.",
        "desired_remedy": "Refund the delivery charge",
        "received_at": local_input(timezone.now() - timedelta(minutes=10)),
        "owner": owner.pk,
    }
    data.update(changes)
    return data


def post_log(client: Any, data: dict[str, Any]) -> Any:
    return client.post(reverse("recovery:complaint_log"), data)


# What a person types into each step's form, as the browser sends it.
STEP_POSTS: dict[str, dict[str, str]] = {
    Stage.APOLOGIZE: {"note": "Said sorry on the phone", "minutes": "5"},
    Stage.REINSTATE: {"note": "Re-sent the parcel", "minutes": "15"},
    Stage.EMPATHIZE: {"note": "Two wasted days are maddening", "minutes": "3"},
    Stage.ATONE: {"kind": AtonementKind.VOUCHER, "value": "25.50", "note": "Voucher", "minutes": "2"},
    Stage.FOLLOW_UP: {"satisfaction": "4", "retained": "yes", "customer_comment": "Happy now", "minutes": "6"},
}


def url(name: str, complaint: Any) -> str:
    return reverse(name, args=[complaint.pk])


def post_step(client: Any, complaint: Any, step: str, headers: dict[str, str] | None = None, **changes: str) -> Any:
    """Post the form for `step` as the page built it (from the complaint's current version)."""
    data = {"step": step, "expected_version": str(complaint.version), **STEP_POSTS[step], **changes}
    return client.post(url("recovery:complaint_step", complaint), data, headers=headers or {})
