"""The lease machinery for anything CareDesk owes someone later (emails today, webhooks later).

Each thing owed is a row (a model built on `models.LeasedEmail`) that a beat scan claims with a
lease, and a thin task sends, re-checking the claim (see `core`). At least once, with a stable id:
never lost to a killed worker or a flushed broker, never doubled by a stale task.

- `status`: `LeaseStatus` (the values every leased row stores) and `ACTIVE` (not finished yet).
- `models`: the abstract `LeasedEmail` and the database rules of a leased row.
- `core`: which rows a scan may claim (`claimable`), claim, finish, keep for a retry, send, the
  retry-with-backoff loop of a send task, the give-up cap (`REMINDER_MAX_ATTEMPTS`) for a row
  whose lease keeps running out, and sending failed rows again (`send_again`, the admin's action).

This package knows no app: the app says which rows are due and how one is delivered.
"""

from __future__ import annotations

from common.leases.core import (
    ERROR_MAX,
    DeliveryError,
    claim,
    claimable,
    finish,
    give_up_stuck,
    held,
    keep_for_retry,
    retry_countdown,
    send,
    send_again,
    send_with_retries,
)
from common.leases.status import ACTIVE, LeaseStatus

__all__ = [
    "ACTIVE",
    "ERROR_MAX",
    "DeliveryError",
    "LeaseStatus",
    "claim",
    "claimable",
    "finish",
    "give_up_stuck",
    "held",
    "keep_for_retry",
    "retry_countdown",
    "send",
    "send_again",
    "send_with_retries",
]
