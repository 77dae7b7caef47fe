"""A picture of the complaint page as people use it, for the docs (`make screenshots` writes docs/complaint.png).

With CAREDESK_SCREENSHOT_DIR set, the picture goes there; otherwise into the
test's temporary folder, so `make test` checks the page can be pictured
without touching the docs.
"""

from __future__ import annotations

import os
import struct
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from customers.models import CustomerGroup, Organization
from recovery import workflow
from recovery.models import Category, Channel, Severity
from tests.browser.helpers import (
    alice,
    complaint_path,
    customer,
    expect_timeline_count,
    maria,
    next_step,
    sign_in,
)
from tests.factories import log_complaint

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 1280
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def screenshot_path(tmp_path: Path) -> Path:
    folder = os.environ.get("CAREDESK_SCREENSHOT_DIR")
    target = Path(folder) if folder else tmp_path
    target.mkdir(parents=True, exist_ok=True)
    return target / "complaint.png"


def a_complaint_half_way(owner: Any, manager: Any) -> Any:
    """A complaint as it looks mid-recovery: three steps done, one to go before atoning, and a note."""
    now = timezone.now()
    someone = customer(
        name="Dana Whitfield",
        email="dana.whitfield@harbourlights.example",
        phone="+44 161 496 0734",
        group=CustomerGroup.DISTRIBUTOR,
        organization=Organization.objects.create(name="Harbour Lights Ltd"),
    )
    complaint = log_complaint(
        user=owner,
        customer=someone,
        severity=Severity.HIGH,
        channel=Channel.EMAIL,
        category=Category.objects.get(name="Billing"),
        summary="Invoice charged twice for the March order",
        description=(
            "Dana's finance team paid invoice 4471 on 2 April, and the same amount was taken again by direct "
            "debit on 5 April. She has asked twice by email and heard nothing back."
        ),
        desired_remedy="Refund the second payment and confirm in writing.",
        received_at=now - timedelta(hours=3),
    )
    complaint = workflow.complaint_apologize(
        complaint=complaint,
        user=owner,
        note="Called Dana, apologised for the double charge and for the silence on her emails.",
        minutes=10,
    )
    complaint = workflow.complaint_reinstate(
        complaint=complaint,
        user=owner,
        note="Refund of the second payment raised; finance confirmed it leaves today.",
        minutes=15,
    )
    workflow.complaint_add_note(
        complaint=complaint,
        user=manager,
        text="Direct debit mandate for Harbour Lights cancelled so it cannot happen again.",
    )
    complaint = workflow.complaint_empathize(
        complaint=complaint,
        user=owner,
        note="Acknowledged that chasing us twice, with month-end coming, was stressful.",
        minutes=5,
    )
    return complaint


def png_size(data: bytes) -> tuple[int, int]:
    """Return (width, height) from a PNG's header."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_screenshot_of_the_complaint_page(
    live_server: Any, starter_data: None, new_page: Any, new_context: Any, tmp_path: Path
) -> None:
    owner = alice()
    complaint = a_complaint_half_way(owner, maria())
    page = new_page(new_context(viewport={"width": WIDTH, "height": 900}))
    sign_in(page, "alice")
    page.goto(complaint_path(complaint))
    expect(page.get_by_role("heading", level=1)).to_contain_text(complaint.reference)
    expect(next_step(page).get_by_role("heading")).to_have_text("Next step: Atone")
    expect_timeline_count(page, 5)

    # Last: a screenshot can leave a style attribute behind that a later htmx swap would copy (a CSP error).
    path = screenshot_path(tmp_path)
    page.screenshot(path=str(path), full_page=True, animations="disabled")

    data = path.read_bytes()
    width, height = png_size(data)
    assert width == WIDTH
    assert height > 900  # the whole page, not just the window
    assert len(data) > 50_000, "the picture is suspiciously small: is the page blank?"
