"""The customer's follow-up survey email: a signed link to the survey (`recovery.surveys`).

Rendering it creates the round's `Survey` row (the link names it); the survey counts as sent only
when the mail server accepted the email (`surveys.survey_mark_sent`, in the mark-sent transaction).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.conf import settings

from common.urls import absolute_url
from recovery import surveys
from recovery.models import Reminder, ReminderKind
from recovery.notifications.customer import CustomerEmail


class SurveyEmail(CustomerEmail):
    kinds: ClassVar[tuple[ReminderKind, ...]] = (ReminderKind.CUSTOMER_SURVEY,)
    template: ClassVar[str] = "emails/survey"

    def what(self, reminder: Reminder, *, now: datetime) -> str:
        return "how did we do?"

    def context(self, reminder: Reminder, *, now: datetime) -> dict[str, Any]:
        complaint = reminder.complaint
        survey = surveys.survey_invite(complaint=complaint)
        return {
            "customer_name": complaint.customer.name,
            "survey_url": absolute_url("survey:survey", surveys.survey_token(survey)),
            "link_days": settings.SURVEY_LINK_DAYS,
        }

    def record_sent(self, reminder: Reminder, *, to: str, now: datetime) -> None:
        surveys.survey_mark_sent(complaint=reminder.complaint, at=now)


NOTICE = SurveyEmail()
