"""An erasure racing a colleague's edit of the same complaint: whichever wins, none of the old text is left.

The erasure locks the customer and then the complaints, as the workflow locks a complaint; an edit sent
with the version its form was built from is either done first (and then erased) or refused as out of date.
"""

from __future__ import annotations

from typing import Any, cast

import pytest

from customers.models import Customer
from customers.personal_data.erasure import ERASED, customer_erase
from recovery.models import Complaint, ComplaintEvent
from recovery.workflow import StaleComplaintError, complaint_add_note, complaint_edit
from tests.factories import CustomerFactory, log_complaint
from tests.helpers.concurrency import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("attempt", range(3))
def test_an_edit_racing_the_erasure_leaves_no_old_text(alice: Any, maria: Any, attempt: int) -> None:
    customer = cast(Customer, CustomerFactory(name="Carla Núñez", email="carla@example.org"))
    complaint = log_complaint(user=alice, customer=customer, summary="Carla's cake")
    version = complaint.version

    edit, erase = run_at_once(
        lambda: complaint_edit(
            complaint=complaint.pk, user=alice, expected_version=version, summary="Carla's cake, again"
        ),
        lambda: customer_erase(customer=customer, user=maria, reason="Request 19", confirmation="ERASE"),
    )

    assert erase.error is None
    assert edit.error is None or isinstance(edit.error, StaleComplaintError), repr(edit.error)
    stored = Complaint.objects.get(pk=complaint.pk)
    assert stored.summary == ERASED
    payloads = str(list(ComplaintEvent.objects.filter(complaint=complaint).values_list("payload", flat=True)))
    assert "Carla" not in payloads


def test_a_note_racing_the_erasure_is_erased_or_written_after_it(alice: Any, maria: Any) -> None:
    customer = cast(Customer, CustomerFactory(name="Carla Núñez"))
    complaint = log_complaint(user=alice, customer=customer)

    note, erase = run_at_once(
        lambda: complaint_add_note(complaint=complaint.pk, user=alice, text="Carla rang"),
        lambda: customer_erase(customer=customer, user=maria, reason="Request 20", confirmation="ERASE"),
    )

    assert (note.error, erase.error) == (None, None)
    event = ComplaintEvent.objects.get(pk=note.value.pk)
    erased_at = Customer.objects.get(pk=customer.pk).erased_at
    assert erased_at is not None
    # Written before the erasure committed: erased with the rest. After it: new text, kept.
    assert event.payload["text"] in (ERASED, "Carla rang")
    if event.payload["text"] == "Carla rang":
        assert event.created_at >= erased_at
