"""What is kept of each export and erasure: who, when and (for an erasure) why, never the data itself.

One `PersonalDataRecord` on the customer, listed on their page, and one line on the timeline of each
of their complaints, so whoever reads a complaint sees that its customer's data was downloaded or
erased. Two queries, however many complaints.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from customers.models import Customer, DataRequestKind, PersonalDataRecord
from recovery.models import ComplaintEvent, EventKind

TIMELINE_KIND = {DataRequestKind.EXPORTED: EventKind.DATA_EXPORTED, DataRequestKind.ERASED: EventKind.DATA_ERASED}


def record_data_request(
    *,
    customer: Customer,
    kind: DataRequestKind,
    user: Any,
    now: datetime,
    complaint_ids: Iterable[int],
    reason: str = "",
) -> PersonalDataRecord:
    """Record an export or erasure of `customer`'s data on their record and on their complaints' timelines."""
    ids = list(complaint_ids)
    record = PersonalDataRecord.objects.create(
        customer=customer, kind=kind, actor=user, created_at=now, reason=reason, complaints=len(ids)
    )
    ComplaintEvent.objects.bulk_create(
        ComplaintEvent(complaint_id=pk, actor=user, kind=TIMELINE_KIND[kind], created_at=now) for pk in ids
    )
    return record
