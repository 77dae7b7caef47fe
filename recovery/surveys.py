"""The customer's follow-up survey: the signed link in the email, and recording the one answer.

The link carries the survey's id signed with its own salt (`common.signed_links`: Django's timestamped
signature), so a token is valid only as CareDesk made it and only for `SURVEY_LINK_DAYS`. "Works once" is the
database's job: a survey row holds at most one answer, written under a row lock, so two clicks
racing each other record one answer and the other gets the "already answered" page.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from common.errors import DomainError
from common.signed_links import LinkExpired, LinkInvalid, link_id, link_token
from common.validators import no_control_characters, visible_or_empty
from customers.models import Customer
from recovery.models import SURVEY_COMMENT_MAX, Complaint, ComplaintEvent, EventKind, Survey

SALT = "caredesk.recovery.survey"


class SurveyProblem(StrEnum):
    """Why a survey link cannot be used; each has its own friendly page."""

    INVALID = "invalid"
    EXPIRED = "expired"
    ANSWERED = "answered"


class SurveyLinkError(DomainError):
    """The link is not one CareDesk made, has expired, or its survey was already answered."""

    def __init__(self, problem: SurveyProblem, message: str) -> None:
        super().__init__(message)
        self.problem = problem


def survey_invite(*, complaint: Complaint) -> Survey:
    """Return the survey for the complaint's current round, creating it the first time it is emailed."""
    survey, _ = Survey.objects.get_or_create(complaint=complaint, round=complaint.round)
    return survey


def survey_mark_sent(*, complaint: Complaint, at: datetime) -> None:
    """Record that the survey email of the complaint's current round was accepted by the mail server.

    Call it in the transaction that marks the survey's reminder sent. Until then the survey is not
    sent: a failed email leaves `sent_at` empty, so the dashboard does not count it.
    """
    Survey.objects.filter(complaint=complaint, round=complaint.round, sent_at__isnull=True).update(sent_at=at)


def survey_token(survey: Survey) -> str:
    """Return the signed token for the survey's link; a new one (same survey) each time it is made."""
    return link_token(survey.pk, salt=SALT)


def survey_link_max_age() -> timedelta:
    return timedelta(days=settings.SURVEY_LINK_DAYS)


def _survey_id(token: str) -> int:
    try:
        return link_id(token, salt=SALT, max_age=survey_link_max_age())
    except LinkExpired as exc:
        raise SurveyLinkError(SurveyProblem.EXPIRED, "This survey link has expired.") from exc
    except LinkInvalid as exc:
        raise SurveyLinkError(SurveyProblem.INVALID, "This survey link is not valid.") from exc


def survey_open(token: str) -> Survey:
    """Return the unanswered survey the token names, or raise SurveyLinkError saying why not."""
    survey = Survey.objects.select_related("complaint__customer").filter(pk=_survey_id(token)).first()
    # An erased customer's link leads nowhere: nothing more is collected about them.
    if survey is None or survey.complaint.customer.is_erased:
        raise SurveyLinkError(SurveyProblem.INVALID, "This survey link is not valid.")
    if survey.answered_at is not None:
        raise SurveyLinkError(SurveyProblem.ANSWERED, "This survey has already been answered. Thank you!")
    return survey


def _clean_answer(satisfaction: object, would_return: object, comment: object) -> tuple[int, bool, str]:
    if isinstance(satisfaction, bool) or not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        raise DomainError("Choose how satisfied you are, from 1 to 5.", field="satisfaction")
    if not isinstance(would_return, bool):
        raise DomainError("Tell us whether you would come back to us.", field="would_return")
    if not isinstance(comment, str):
        raise DomainError("The comment must be text.", field="comment")
    comment = visible_or_empty(comment)
    if len(comment) > SURVEY_COMMENT_MAX:
        raise DomainError(
            f"Please keep the comment to {SURVEY_COMMENT_MAX:,} characters (it has {len(comment):,}).",
            field="comment",
        )
    try:
        no_control_characters(comment)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field="comment") from exc
    return satisfaction, would_return, comment


@transaction.atomic
def survey_answer(
    *, token: str, satisfaction: object, would_return: object, comment: object = "", now: datetime | None = None
) -> Survey:
    """Record the customer's answer once, with a line on the complaint's timeline.

    Raises SurveyLinkError for a bad, expired or already used link, DomainError for a bad answer.
    """
    satisfaction, would_return, comment = _clean_answer(satisfaction, would_return, comment)
    survey_id = _survey_id(token)
    survey = Survey.objects.select_for_update().filter(pk=survey_id).first()
    if survey is None or Customer.objects.filter(complaints=survey.complaint_id, erased_at__isnull=False).exists():
        raise SurveyLinkError(SurveyProblem.INVALID, "This survey link is not valid.")
    if survey.answered_at is not None:
        raise SurveyLinkError(SurveyProblem.ANSWERED, "This survey has already been answered. Thank you!")
    survey.answered_at = now or timezone.now()
    survey.satisfaction = satisfaction
    survey.would_return = would_return
    survey.comment = comment
    survey.save(update_fields=["answered_at", "satisfaction", "would_return", "comment"])
    complaint = Complaint.objects.only("pk", "stage").get(pk=survey.complaint_id)
    ComplaintEvent.objects.create(
        complaint=complaint,
        actor=None,
        kind=EventKind.SURVEY_ANSWERED,
        created_at=survey.answered_at,
        stage_before=complaint.stage,
        stage_after=complaint.stage,
        payload={
            "survey_id": survey.pk,
            "round": survey.round,
            "satisfaction": satisfaction,
            "would_return": would_return,
            "comment": comment,
        },
    )
    return survey
