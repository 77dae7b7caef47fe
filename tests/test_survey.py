"""The customer's follow-up survey: when it is owed, the email, the public page, and the answer on the complaint."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from typing import Any, cast

import pytest
import time_machine
from django.core import mail, signing
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from common.errors import DomainError
from customers.models import Customer
from recovery import dashboard, surveys, tasks
from recovery.dashboard import DashboardFilters
from recovery.models import (
    ComplaintEvent,
    EventKind,
    Reminder,
    ReminderKind,
    ReminderStatus,
    Severity,
    Stage,
    Survey,
)
from recovery.notifications import sending
from recovery.workflow import (
    complaint_edit,
    complaint_follow_up,
    complaint_reopen,
    complaint_set_customer_emails,
)
from tests.factories import CustomerFactory, log_complaint
from tests.helpers.workflow import bring_to, closed
from tests.smtp import SmtpServer
from tests.xss import PAYLOADS, assert_shown_escaped

SURVEY = ReminderKind.CUSTOMER_SURVEY


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    """The rate-limit counters live in Redis and count per address: each test starts from zero."""
    cache.clear()


def at_follow_up(user: Any, **customer: Any) -> Any:
    customer = {"name": "Dana Day", "email": "dana@example.org", **customer}
    c = log_complaint(user=user, customer=cast(Customer, CustomerFactory(**customer)))
    return bring_to(c, user, Stage.FOLLOW_UP)


def survey_reminder(c: Any) -> Reminder:
    return Reminder.objects.get(complaint=c, kind=SURVEY, round=c.round)


def claim(c: Any) -> int:
    """Claim the due reminders as the beat task would on the follow-up day; return the survey's claim token."""
    sending.reminders_claim_due(enqueue=lambda pk, attempt: None, now=survey_reminder(c).due_at)
    reminder = survey_reminder(c)
    assert reminder.status == ReminderStatus.CLAIMED
    return reminder.attempts


def deliver_survey(c: Any) -> mail.EmailMultiAlternatives:
    """Claim and send the complaint's survey email here (the locmem backend keeps it); return it."""
    attempt = claim(c)
    mail.outbox.clear()
    assert sending.reminder_deliver(reminder_id=survey_reminder(c).pk, attempt=attempt) == "sent"
    [message] = mail.outbox
    assert isinstance(message, mail.EmailMultiAlternatives)
    return message


def link_of(message: mail.EmailMessage) -> str:
    """Return the survey's path from the email's text (the site address is configuration)."""
    line = next(line for line in str(message.body).splitlines() if "/survey/" in line)
    return line[line.index("/survey/") :].strip()


# --- when the survey is owed --------------------------------------------------------------------


def test_reaching_the_follow_up_owes_the_consenting_customer_one_survey_on_the_follow_up_day(alice):
    c = at_follow_up(alice)
    reminder = survey_reminder(c)
    assert (reminder.status, reminder.due_at, reminder.step) == (ReminderStatus.PENDING, c.step_due_at, "follow_up")
    assert (reminder.recipient_id, reminder.recipient_email) == (None, "dana@example.org")


@pytest.mark.parametrize("customer", [{"consents_to_contact": False}, {"email": ""}])
def test_no_survey_without_consent_or_an_address(alice, customer):
    c = at_follow_up(alice, **customer)
    assert not Reminder.objects.filter(complaint=c, kind=SURVEY).exists()


def test_switching_customer_emails_off_cancels_the_survey_and_on_again_brings_it_back(alice):
    c = at_follow_up(alice)
    c = complaint_set_customer_emails(complaint=c, user=alice, enabled=False)
    assert survey_reminder(c).status == ReminderStatus.CANCELLED
    complaint_set_customer_emails(complaint=c, user=alice, enabled=True)
    assert survey_reminder(c).status == ReminderStatus.PENDING


def test_a_severity_change_moves_the_unsent_survey_with_the_follow_up(alice):
    c = at_follow_up(alice)
    before = survey_reminder(c).due_at
    c = complaint_edit(complaint=c, user=alice, severity=Severity.CRITICAL)
    assert survey_reminder(c).due_at == c.step_due_at != before


def test_recording_the_follow_up_early_keeps_the_survey(alice):
    c = at_follow_up(alice)
    complaint_follow_up(complaint=c, user=alice, satisfaction=4, retained=True)
    assert survey_reminder(c).status == ReminderStatus.PENDING


def test_closing_cancels_the_unsent_survey(alice):
    c = at_follow_up(alice)
    c = closed(c, alice)
    assert survey_reminder(c).status == ReminderStatus.CANCELLED


def test_a_reopened_complaint_gets_a_survey_for_its_new_round(alice, maria):
    c = closed(at_follow_up(alice), alice)
    c = complaint_reopen(complaint=c, user=maria, to_step=Stage.ATONE, reason="Voucher never arrived")
    first = Reminder.objects.get(complaint=c, kind=SURVEY, round=1)
    assert first.status == ReminderStatus.CANCELLED
    c = bring_to(c, alice, Stage.FOLLOW_UP)
    assert survey_reminder(c).round == 2
    assert survey_reminder(c).status == ReminderStatus.PENDING


# --- the email --------------------------------------------------------------------------------------


def test_the_survey_email_is_warm_has_both_parts_and_a_link_with_no_user_text_in_the_subject(alice, settings):
    settings.SITE_URL = "https://care.example.com"
    c = at_follow_up(alice)
    message = deliver_survey(c)

    assert message.to == ["dana@example.org"]
    assert message.subject == f"[CareDesk] Complaint {c.reference}: how did we do?"
    assert "Dear Dana Day," in message.body
    assert "https://care.example.com/survey/" in message.body
    html = str(message.alternatives[0][0])
    assert 'href="https://care.example.com/survey/' in html
    survey = Survey.objects.get(complaint=c, round=1)
    assert survey.answered_at is None
    event = ComplaintEvent.objects.get(complaint=c, kind=EventKind.REMINDER_SENT, payload__reminder=SURVEY)
    assert event.payload["to"] == "dana@example.org"


def test_the_send_stands_down_when_the_customer_withdrew_consent_meanwhile(alice):
    c = at_follow_up(alice)
    attempt = claim(c)
    reminder = survey_reminder(c)
    c.customer.consents_to_contact = False
    c.customer.save()
    mail.outbox.clear()
    assert sending.reminder_deliver(reminder_id=reminder.pk, attempt=attempt) == "cancelled"
    assert mail.outbox == []
    assert not Survey.objects.filter(complaint=c).exists()


# --- the public page ----------------------------------------------------------------------------------


def test_the_link_opens_the_survey_without_signing_in(client, alice):
    c = at_follow_up(alice)
    response = client.get(link_of(deliver_survey(c)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "How did we do?" in html
    assert c.reference in html
    assert c.summary not in html  # the link shows the customer nothing staff wrote
    assert response["Referrer-Policy"] == "same-origin"  # the token never leaves as a referrer
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]


def test_answering_records_it_once_with_a_timeline_line(client, alice):
    c = at_follow_up(alice)
    link = link_of(deliver_survey(c))
    answer = {"satisfaction": "4", "would_return": "yes", "comment": "Sorted now, thank you."}

    response = client.post(link, answer)

    assert response.status_code == 302
    assert response["Location"] == reverse("survey:survey_thanks")
    assert "Thank you" in client.get(response["Location"]).content.decode()
    survey = Survey.objects.get(complaint=c)
    assert (survey.satisfaction, survey.would_return, survey.comment) == (4, True, "Sorted now, thank you.")
    assert survey.answered_at is not None
    [event] = ComplaintEvent.objects.filter(complaint=c, kind=EventKind.SURVEY_ANSWERED)
    assert event.actor is None
    assert (event.payload["satisfaction"], event.payload["would_return"]) == (4, True)

    # The same link again: a friendly "already answered", and nothing changes.
    again = client.post(link, {"satisfaction": "1", "would_return": "no", "comment": "Changed my mind"})
    assert again.status_code == 200
    assert "already have your answer" in again.content.decode()
    assert "already have your answer" in client.get(link).content.decode()
    survey.refresh_from_db()
    assert survey.satisfaction == 4
    assert ComplaintEvent.objects.filter(complaint=c, kind=EventKind.SURVEY_ANSWERED).count() == 1


@pytest.mark.parametrize(
    ("answer", "field", "message"),
    [
        ({"would_return": "yes", "comment": "kept"}, "satisfaction", "Please choose a score from 1 to 5."),
        ({"satisfaction": "6", "would_return": "yes", "comment": "kept"}, "satisfaction", "from 1 (very unhappy)"),
        ({"satisfaction": "3", "comment": "kept"}, "would_return", "Please answer yes or no."),
        ({"satisfaction": "3", "would_return": "maybe", "comment": "kept"}, "would_return", "yes or no"),
        ({"satisfaction": "3", "would_return": "no", "comment": "kept" + "x" * 2000}, "comment", "Keep this to 2,000"),
        ({"satisfaction": "3", "would_return": "no", "comment": "kept\x1b[31m"}, "comment", "control character"),
    ],
)
def test_a_bad_answer_comes_back_with_the_reason_by_the_field_and_the_text_kept(client, alice, answer, field, message):
    c = at_follow_up(alice)
    response = client.post(link_of(deliver_survey(c)), answer)

    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    assert "kept" in response.content.decode()
    assert Survey.objects.get(complaint=c).answered_at is None
    assert not ComplaintEvent.objects.filter(complaint=c, kind=EventKind.SURVEY_ANSWERED).exists()


# Tokens are made when the test runs (a signature holds its time, and xdist's processes must collect
# the same test ids), so each case is a function with a readable id.
BAD_TOKENS = {
    "nonsense": lambda: "nonsense",
    "very-long": lambda: "x" * 500,
    "bad-signature": lambda: "MQ:1tQ9aB:0000000000000000000000000000000000000000000",
    "unicode": lambda: "ünïcödé",
    "no-such-survey": lambda: signing.dumps(10**9, salt=surveys.SALT),
    "not-a-survey-id": lambda: signing.dumps("1", salt=surveys.SALT),
    "other-salt": lambda: signing.dumps(1, salt="some.other.salt"),
}


@pytest.mark.parametrize("case", BAD_TOKENS)
def test_a_bad_link_gets_a_friendly_page(client, alice, case):
    token = BAD_TOKENS[case]()
    at_follow_up(alice)
    response = client.get(reverse("survey:survey", args=[token]))
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert (
        client.post(reverse("survey:survey", args=[token]), {"satisfaction": "5", "would_return": "yes"}).status_code
        == 404
    )
    assert not Survey.objects.filter(answered_at__isnull=False).exists()


def test_a_tampered_link_for_someone_elses_survey_does_not_work(client, alice):
    c = at_follow_up(alice)
    link = link_of(deliver_survey(c))
    token = link.removeprefix("/survey/").removesuffix("/")
    other = Survey.objects.create(complaint=at_follow_up(alice), round=1)
    forged = f"{signing.b64_encode(str(other.pk).encode()).decode()}:{token.split(':', 1)[1]}"
    assert client.get(reverse("survey:survey", args=[forged])).status_code == 404


def test_an_expired_link_gets_a_friendly_page(client, alice, settings):
    settings.SURVEY_LINK_DAYS = 14
    c = at_follow_up(alice)
    link = link_of(deliver_survey(c))
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        response = client.get(link)
        posted = client.post(link, {"satisfaction": "5", "would_return": "yes"})
    assert response.status_code == posted.status_code == 410
    assert "This survey link has expired" in response.content.decode()
    assert Survey.objects.get(complaint=c).answered_at is None


def test_the_pages_are_rate_limited_per_address(client, alice, settings):
    settings.SURVEY_RATE_LIMIT = "3/m"
    c = at_follow_up(alice)
    link = link_of(deliver_survey(c))
    assert [client.get(link).status_code for _ in range(3)] == [200, 200, 200]

    limited = client.post(link, {"satisfaction": "5", "would_return": "yes"})

    assert limited.status_code == 429
    assert "Please wait a moment" in limited.content.decode()
    assert Survey.objects.get(complaint=c).answered_at is None
    # Another address is not held back by this one.
    assert client.get(link, REMOTE_ADDR="192.0.2.7").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_two_answers_at_once_record_one(alice):
    c = at_follow_up(alice)
    token = surveys.survey_token(surveys.survey_invite(complaint=c))
    results: list[str] = []
    barrier = threading.Barrier(2)

    def answer(score: int) -> None:
        try:
            barrier.wait()
            surveys.survey_answer(token=token, satisfaction=score, would_return=True)
            results.append("recorded")
        except surveys.SurveyLinkError as exc:
            results.append(exc.problem)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(score,)) for score in (2, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == sorted(["recorded", surveys.SurveyProblem.ANSWERED])
    assert ComplaintEvent.objects.filter(complaint=c, kind=EventKind.SURVEY_ANSWERED).count() == 1


def test_the_service_refuses_a_bad_answer_with_a_human_message(alice):
    c = at_follow_up(alice)
    token = surveys.survey_token(surveys.survey_invite(complaint=c))
    cases: list[tuple[dict[str, Any], str]] = [
        ({"satisfaction": 0, "would_return": True}, "satisfaction"),
        ({"satisfaction": True, "would_return": True}, "satisfaction"),
        ({"satisfaction": 3, "would_return": "yes"}, "would_return"),
        ({"satisfaction": 3, "would_return": True, "comment": "\x00"}, "comment"),
    ]
    for kwargs, field in cases:
        with pytest.raises(DomainError) as caught:
            surveys.survey_answer(token=token, **kwargs)
        assert caught.value.field == field
    assert Survey.objects.get(complaint=c).answered_at is None


# --- the answer on the complaint ------------------------------------------------------------------------


def test_the_answer_shows_on_the_complaint_and_fills_in_the_follow_up_for_the_owner(client, alice):
    c = at_follow_up(alice)
    token = surveys.survey_token(surveys.survey_invite(complaint=c))
    surveys.survey_answer(token=token, satisfaction=2, would_return=False, comment="Took far too long.")
    client.force_login(alice)

    html = client.get(reverse("recovery:complaint_detail", args=[c.pk])).content.decode()

    assert "The customer answered the follow-up survey" in html
    assert "Satisfaction <strong>2 of 5</strong>" in html
    assert "would not come back" in html
    assert "“Took far too long.”" in html
    form = client.get(reverse("recovery:complaint_detail", args=[c.pk])).context["forms"]["step"]
    assert (form["satisfaction"].value(), form["retained"].value()) == ("2", "no")
    assert form["customer_comment"].value() == "Took far too long."
    radios = re.findall(r'<input[^>]*name="satisfaction"[^>]*>', html)
    assert [tag for tag in radios if "checked" in tag] == [tag for tag in radios if 'value="2"' in tag] != []
    assert "satisfaction 2 of 5, would not come back" in html  # the timeline line


def test_an_unanswered_survey_says_it_is_awaited(client, alice):
    c = at_follow_up(alice)
    deliver_survey(c)
    client.force_login(alice)
    html = client.get(reverse("recovery:complaint_detail", args=[c.pk])).content.decode()
    assert "Survey emailed to the customer on" in html
    assert "no answer yet" in html


# --- a survey counts as sent only once the mail server accepted its email -------------------------------


def survey_figure(c: Any) -> str:
    """Return the dashboard's survey response detail ("1 of 2 sent") for the complaint's day."""
    day = timezone.localdate()
    board = dashboard.dashboard_compute(DashboardFilters(start=day - timedelta(days=1), end=day), now=timezone.now())
    return str(board.figures["survey_response"].detail)


def send_survey_task(c: Any) -> str:
    """Claim the survey and run its send task here, retries and all (none: REMINDER_MAX_RETRIES = 0)."""
    attempt = claim(c)
    return str(tasks.send_reminder.apply(args=(survey_reminder(c).pk, attempt)).get())


def test_a_survey_whose_email_the_server_refused_is_not_sent_and_shows_as_failed(
    client: Any, alice: Any, smtp: SmtpServer, settings: Any
) -> None:
    settings.REMINDER_MAX_RETRIES = 0
    c = at_follow_up(alice)
    smtp.stop()  # the real loopback server, down: the connection is refused

    assert send_survey_task(c) == "failed"

    assert survey_reminder(c).status == ReminderStatus.FAILED
    assert survey_figure(c) == "0 of 0 sent"
    client.force_login(alice)
    html = client.get(reverse("recovery:complaint_detail", args=[c.pk])).content.decode()
    assert "Survey emailed" not in html
    assert "no answer yet" not in html
    assert "The survey email to the customer could not be sent" in html
    # The email was rendered (its link names the survey row) but never accepted: not sent.
    survey = Survey.objects.get(complaint=c, round=c.round)
    assert survey.sent_at is None
    assert smtp.messages == []


def test_a_survey_the_server_accepted_is_sent_and_counted(
    client: Any, alice: Any, smtp: SmtpServer, settings: Any
) -> None:
    settings.REMINDER_MAX_RETRIES = 0
    c = at_follow_up(alice)

    assert send_survey_task(c) == "sent"

    [received] = smtp.wait_for(1)
    assert received.rcpt_tos == ("dana@example.org",)
    survey = Survey.objects.get(complaint=c, round=c.round)
    assert survey.sent_at == survey_reminder(c).sent_at is not None
    assert survey_figure(c) == "0 of 1 sent"
    client.force_login(alice)
    html = client.get(reverse("recovery:complaint_detail", args=[c.pk])).content.decode()
    assert "Survey emailed to the customer on" in html
    assert "no answer yet" in html
    assert "could not be sent" not in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_customers_comment_is_shown_as_text(client, alice, payload):
    c = at_follow_up(alice)
    token = surveys.survey_token(surveys.survey_invite(complaint=c))
    surveys.survey_answer(token=token, satisfaction=3, would_return=True, comment=payload)
    client.force_login(alice)
    assert_shown_escaped(client.get(reverse("recovery:complaint_detail", args=[c.pk])).content.decode(), payload)


# --- the customer-emails switch on the complaint page ---------------------------------------------------


def test_the_owner_switches_customer_emails_off_and_on_from_the_page(client, alice):
    c = at_follow_up(alice)
    client.force_login(alice)
    url = reverse("recovery:complaint_customer_emails", args=[c.pk])
    assert (
        "Switch customer emails off" in client.get(reverse("recovery:complaint_detail", args=[c.pk])).content.decode()
    )

    response = client.post(url, {"enabled": "off", "expected_version": c.version}, follow=True)

    assert "Emails to the customer are off" in response.content.decode()
    assert "Switch customer emails on" in response.content.decode()
    c.refresh_from_db()
    assert not c.customer_emails_enabled
    assert survey_reminder(c).status == ReminderStatus.CANCELLED
    client.post(url, {"enabled": "on", "expected_version": c.version})
    c.refresh_from_db()
    assert c.customer_emails_enabled


def test_a_stale_switch_is_refused_and_changes_nothing(client, alice):
    c = at_follow_up(alice)
    client.force_login(alice)
    response = client.post(
        reverse("recovery:complaint_customer_emails", args=[c.pk]),
        {"enabled": "off", "expected_version": c.version - 1},
    )
    assert response.status_code == 200
    assert "Changed by someone else" in response.content.decode()
    c.refresh_from_db()
    assert c.customer_emails_enabled


def test_a_colleague_who_is_not_the_owner_has_no_switch(client, alice, bob):
    c = at_follow_up(alice)
    client.force_login(bob)
    assert (
        "Switch customer emails" not in client.get(reverse("recovery:complaint_detail", args=[c.pk])).content.decode()
    )
    response = client.post(
        reverse("recovery:complaint_customer_emails", args=[c.pk]), {"enabled": "off", "expected_version": c.version}
    )
    assert response.status_code == 200
    c.refresh_from_db()
    assert c.customer_emails_enabled


def test_the_page_says_when_no_email_can_go_out_anyway(client, alice):
    c = at_follow_up(alice, consents_to_contact=False)
    client.force_login(alice)
    html = client.get(reverse("recovery:complaint_detail", args=[c.pk])).content.decode()
    assert "but none are sent: the customer has not agreed to be contacted" in html


def test_a_closed_complaint_offers_no_switch_and_promises_no_survey(client, alice):
    c = closed(at_follow_up(alice), alice)
    client.force_login(alice)
    html = client.get(reverse("recovery:complaint_detail", args=[c.pk])).content.decode()
    assert "Switch customer emails" not in html
    assert "short survey" not in html
    assert "closed, so CareDesk sends its customer no more emails" in html


def test_the_switch_is_refused_on_a_closed_complaint_with_the_reason(client, alice):
    c = closed(at_follow_up(alice), alice)
    with pytest.raises(DomainError, match="is closed, so CareDesk sends its customer no more emails"):
        complaint_set_customer_emails(complaint=c, user=alice, enabled=False)
    client.force_login(alice)
    response = client.post(
        reverse("recovery:complaint_customer_emails", args=[c.pk]), {"enabled": "off", "expected_version": c.version}
    )
    assert response.status_code == 200
    assert "is closed, so CareDesk sends its customer no more emails" in response.content.decode()
    c.refresh_from_db()
    assert c.customer_emails_enabled


def test_reopening_brings_the_switch_back(client, alice):
    c = closed(at_follow_up(alice), alice)
    c = complaint_reopen(complaint=c, user=alice, to_step=Stage.ATONE, reason="Voucher never arrived")
    client.force_login(alice)
    assert (
        "Switch customer emails off" in client.get(reverse("recovery:complaint_detail", args=[c.pk])).content.decode()
    )
