"""The real-services helpers themselves: `wait_for_idle` sees work in every place it can hide.

A helper that returned at once would make every "nothing more arrived" assertion vacuous.
"""

from __future__ import annotations

import smtplib
from typing import Any

import pytest
import redis

from config.celery import app
from recovery import tasks
from recovery.models import Reminder, ReminderStatus
from tests.celery_services import queued_messages, unacked_messages, wait_for_idle, wait_until
from tests.factories import front_line_user, log_complaint
from tests.smtp import SmtpServer

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_queued_message_is_work_left(broker: None) -> None:
    tasks.dispatch_due_reminders.delay()  # no worker to take it

    client = redis.Redis.from_url(app.conf.broker_url)
    assert queued_messages(client) == 1
    with pytest.raises(AssertionError, match="1 queued, 0 unacknowledged"):
        wait_for_idle(timeout=1)
    client.close()


def test_a_retry_waiting_out_its_countdown_is_work_left(
    starter_data: None, worker: None, smtp: SmtpServer, settings: Any
) -> None:
    settings.REMINDER_MAX_RETRIES = 20
    settings.REMINDER_RETRY_BASE_SECONDS = settings.REMINDER_RETRY_MAX_SECONDS = 30
    log_complaint(user=front_line_user(username="alice"))  # owes the customer an acknowledgement, due now
    smtp.stop()
    assert tasks.dispatch_due_reminders() == 1

    wait_until(lambda: Reminder.objects.filter(status=ReminderStatus.CLAIMED, attempts__gte=2).exists())
    # The retry is held by the worker until its countdown ends: taken, not acknowledged. For a moment
    # after the retry is published, the first message is not yet acknowledged and the retry not yet
    # taken, so wait for the state that then stays: nothing queued, one message taken.
    client = redis.Redis.from_url(app.conf.broker_url)
    wait_until(lambda: queued_messages(client) == 0 and len(unacked_messages(client)) == 1)
    client.close()
    with pytest.raises(AssertionError, match="still busy"):
        wait_for_idle(timeout=1)


def test_an_open_smtp_session_is_work_left(broker: None, smtp: SmtpServer) -> None:
    with smtplib.SMTP(smtp.host, smtp.port) as client:
        client.noop()
        with pytest.raises(AssertionError, match="still busy"):
            wait_for_idle(smtp=smtp, timeout=1)
    wait_for_idle(smtp=smtp, timeout=10)
