"""Complaints customers send themselves, made as the public form makes them, and the take form's data."""

from __future__ import annotations

from typing import Any

from customers.models import CustomerGroup
from intake.services import public_complaint_submit
from recovery.models import Complaint


def file_from_public_form(n: int = 0, **overrides: Any) -> Complaint:
    """File complaint number `n` as a customer would on the public form (it lands in the inbox)."""
    data: dict[str, Any] = {
        "name": f"Pat Public {n}",
        "email": f"pat{n}@example.org",
        "phone": "",
        "group": CustomerGroup.END_USER,
        "what_happened": f"My parcel number {n} arrived broken.",
        "desired_remedy": "",
        "consents_to_contact": True,
    }
    data.update(overrides)
    return public_complaint_submit(**data)


def take_data(complaint: Complaint, **overrides: Any) -> dict[str, Any]:
    """What taking `complaint` sends: its suggested category and severity, and the version it was shown at."""
    return {
        "category": complaint.category_id,
        "severity": complaint.severity,
        "expected_version": complaint.version,
        **overrides,
    }
