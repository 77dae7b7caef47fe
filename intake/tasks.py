"""Intake's background work, thin: reading the intake mailbox (intake.mailbox does the work)."""

from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True)
def poll_mailbox() -> int:
    """Read new messages from the intake mailbox into complaints; nothing when no mailbox is set."""
    from intake.mailbox import mailbox_poll

    return mailbox_poll()
