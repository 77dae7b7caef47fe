"""When someone leaves: hand all their open complaints to a colleague, from a manager's screen or when an
administrator switches their account off; their complaints stay findable by owner meanwhile; and
reminders owed to an inactive owner go to the managers instead."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer, CustomerGroup
from recovery import selectors, tasks
from recovery.dashboard import list_url
from recovery.models import (
    Complaint,
    ComplaintEvent,
    EventKind,
    Reminder,
    ReminderKind,
    ReminderStatus,
    Stage,
)
from recovery.notifications import sending
from recovery.timeline import describe
from recovery.workflow import WorkflowError, complaint_escalate, complaints_hand_over
from tests.celery_services import wait_for_idle, wait_until
from tests.factories import CustomerFactory, UserFactory, front_line_user, log_complaint, log_complaint_at, manager_user
from tests.helpers.workflow import closed
from tests.smtp import SmtpServer

pytestmark = pytest.mark.django_db


def quiet(user: Any, **kwargs: Any) -> Any:
    return log_complaint(user=user, customer=cast(Customer, CustomerFactory(consents_to_contact=False)), **kwargs)


@pytest.fixture
def alices_work(alice: Any) -> list[Complaint]:
    """Three open complaints and a closed one, all alice's."""
    return [quiet(alice), quiet(alice), quiet(alice), closed(quiet(alice), alice)]


def leave(user: Any) -> None:
    """Switch the account off as Django's admin does, without handing anything over."""
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    user.refresh_from_db()


def step_reminders(c: Complaint) -> set[tuple[Any, str]]:
    rows = Reminder.objects.filter(
        complaint=c,
        status=ReminderStatus.PENDING,
        kind__in=[ReminderKind.STEP_DUE_SOON, ReminderKind.STEP_OVERDUE],
    )
    return {(r.recipient, r.recipient_email) for r in rows}


# --- the service ------------------------------------------------------------------------------------


def test_a_manager_hands_over_every_open_complaint_one_event_each(alices_work, alice, bob, maria):
    handed = complaints_hand_over(user=maria, owner=alice, to=bob)

    open_ones, done = alices_work[:3], alices_work[3]
    assert sorted(c.pk for c in handed) == sorted(c.pk for c in open_ones)
    for c in open_ones:
        c.refresh_from_db()
        assert c.owner == bob
        [event] = ComplaintEvent.objects.filter(complaint=c, kind=EventKind.ASSIGNED)
        assert (event.actor, event.payload["from"], event.payload["to"]) == (maria, "Alice Archer", "Bob Baker")
        assert event.payload["handover"] is True
        assert describe(event, {}).text == (
            "Maria Moreno reassigned the complaint from Alice Archer to Bob Baker, "
            "with all of Alice Archer’s open complaints"
        )
        assert step_reminders(c) == {(bob, "bob@example.com")}
        assert Reminder.objects.filter(complaint=c, kind=ReminderKind.ASSIGNED, recipient=bob).count() == 1
    done.refresh_from_db()
    assert done.owner == alice  # a closed complaint stays with who closed it


def test_only_a_manager_may_hand_over(alices_work, alice, bob):
    with pytest.raises(WorkflowError, match="Only a manager can hand over"):
        complaints_hand_over(user=bob, owner=alice, to=bob)
    assert Complaint.objects.filter(owner=alice).count() == 4


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("alice", "Choose someone other than Alice Archer."),
        ("olivia", "Olivia Outsider cannot handle complaints."),
        (None, "Choose a colleague."),
    ],
)
def test_the_successor_must_be_someone_else_who_handles_complaints(
    request, alices_work, alice, maria, olivia, target, message
):
    to = request.getfixturevalue(target) if target else None
    with pytest.raises(WorkflowError, match=message) as refused:
        complaints_hand_over(user=maria, owner=alice, to=to)
    assert refused.value.field == "to"
    assert Complaint.objects.filter(owner=alice).count() == 4


def test_nothing_to_hand_over_says_so(alice, bob, maria):
    with pytest.raises(WorkflowError, match="Alice Archer has no open complaints to hand over"):
        complaints_hand_over(user=maria, owner=alice, to=bob)


def test_a_complaint_from_the_successor_stops_the_whole_hand_over_and_names_it(alices_work, alice, bob, maria):
    bob_complains = log_complaint(
        user=alice,
        customer=cast(Customer, CustomerFactory(group=CustomerGroup.EMPLOYEE, staff_user=bob, name="Bob Baker")),
    )
    with pytest.raises(WorkflowError, match=f"Bob Baker cannot take {bob_complains.reference}") as refused:
        complaints_hand_over(user=maria, owner=alice, to=bob)
    assert refused.value.field == "to"
    # All or nothing: not one complaint moved, not one event written.
    assert Complaint.objects.filter(owner=alice).count() == 5
    assert not ComplaintEvent.objects.filter(kind=EventKind.ASSIGNED).exists()


def test_a_departing_managers_escalated_complaints_go_on_without_the_escalation(alice, maria):
    mark = manager_user(username="mark", first_name="Mark", last_name="Mills")
    c = complaint_escalate(complaint=quiet(alice), user=alice, to=maria, reason="Needs a manager")
    complaints_hand_over(user=mark, owner=maria, to=mark)
    c.refresh_from_db()
    assert (c.owner, c.is_escalated) == (mark, False)


def test_an_inactive_owners_complaints_can_be_handed_over(alices_work, alice, bob, maria):
    leave(alice)
    assert len(complaints_hand_over(user=maria, owner=alice, to=bob)) == 3


# --- (c) the list keeps an inactive owner's complaints findable --------------------------------------


def test_an_inactive_owner_stays_a_list_filter_marked_inactive(client, alices_work, alice, bob, maria):
    leave(alice)
    client.force_login(maria)
    response = client.get(reverse("recovery:complaint_list"), {"owner": alice.pk, "stage": "open"})
    html = response.content.decode()
    assert "Choose one of the options" not in html
    assert f'<option value="{alice.pk}" selected>Alice Archer (inactive)</option>' in html
    assert [c.pk for c in response.context["page"].object_list] == sorted((c.pk for c in alices_work[:3]), reverse=True)


def test_the_dashboards_handler_link_to_someone_who_left_lists_their_complaints(client, alices_work, alice, maria):
    leave(alice)
    client.force_login(maria)
    response = client.get(list_url(owner=str(alice.pk)))
    assert "Choose one of the options" not in response.content.decode()
    assert response.context["page"].paginator.count == 4


def test_inactive_people_who_own_nothing_are_not_offered(alice, bob):
    gone = UserFactory(username="gone", first_name="Gone", last_name="Away", is_active=False)
    owners = list(selectors.owners_to_filter_by())
    assert gone not in owners
    leave(bob)
    assert bob not in list(selectors.owners_to_filter_by())  # bob owns nothing either
    assert alice in owners


# --- (a) the manager's screen ---------------------------------------------------------------------------


def test_the_list_of_one_owner_offers_managers_the_hand_over(client, alices_work, alice, bob, maria):
    url = reverse("recovery:complaints_hand_over", args=[alice.pk])
    client.force_login(maria)
    html = client.get(reverse("recovery:complaint_list"), {"owner": alice.pk}).content.decode()
    assert f'href="{url}"' in html
    assert "Hand over all of Alice Archer’s open complaints" in html
    client.force_login(bob)
    assert f'href="{url}"' not in client.get(reverse("recovery:complaint_list"), {"owner": alice.pk}).content.decode()


def test_the_list_says_when_the_owner_has_left(client, alices_work, alice, maria):
    leave(alice)
    client.force_login(maria)
    html = client.get(reverse("recovery:complaint_list"), {"owner": alice.pk}).content.decode()
    assert "Alice Archer’s account is inactive" in html


def test_the_hand_over_screen_shows_the_complaints_and_hands_them_over(client, alices_work, alice, bob, maria):
    url = reverse("recovery:complaints_hand_over", args=[alice.pk])
    client.force_login(maria)
    page = client.get(url).content.decode()
    assert "Alice Archer owns 3 open complaints" in page
    for c in alices_work[:3]:
        assert c.reference in page
    assert alices_work[3].reference not in page  # closed

    response = client.post(url, {"to": bob.pk}, follow=True)

    assert response.redirect_chain[-1][0] == f"{reverse('recovery:complaint_list')}?owner={bob.pk}&stage=open"
    assert "Handed 3 open complaints from Alice Archer to Bob Baker." in response.content.decode()
    assert Complaint.objects.filter(owner=bob).count() == 3


def test_the_hand_over_screen_keeps_the_choice_and_shows_the_refusal_by_the_field(client, alices_work, alice, maria):
    client.force_login(maria)
    url = reverse("recovery:complaints_hand_over", args=[alice.pk])
    missing = client.post(url, {"to": ""})
    assert missing.status_code == 200
    assert "Choose who takes them over." in missing.content.decode()
    same = client.post(url, {"to": alice.pk})
    assert same.status_code == 200
    assert "Choose one of the colleagues listed." in same.content.decode()
    assert Complaint.objects.filter(owner=alice).count() == 4


def test_a_refusal_from_the_service_is_shown_by_the_field(client, alices_work, alice, bob, maria):
    log_complaint(
        user=alice,
        customer=cast(Customer, CustomerFactory(group=CustomerGroup.EMPLOYEE, staff_user=bob, name="Bob Baker")),
    )
    client.force_login(maria)
    response = client.post(reverse("recovery:complaints_hand_over", args=[alice.pk]), {"to": bob.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bob Baker cannot take" in html
    assert f'<option value="{bob.pk}" selected>' in html


def test_the_hand_over_screen_is_for_managers_only(client, alices_work, alice, bob):
    client.force_login(bob)
    assert client.get(reverse("recovery:complaints_hand_over", args=[alice.pk])).status_code == 403
    assert client.post(reverse("recovery:complaints_hand_over", args=[alice.pk]), {"to": bob.pk}).status_code == 403
    assert Complaint.objects.filter(owner=alice).count() == 4


def test_the_hand_over_screen_of_someone_with_nothing_open_says_so(client, alice, maria):
    client.force_login(maria)
    html = client.get(reverse("recovery:complaints_hand_over", args=[alice.pk])).content.decode()
    assert "Alice Archer has no open complaints" in html


def test_the_hand_over_screen_of_an_unknown_person_is_404(client, maria):
    client.force_login(maria)
    assert client.get(reverse("recovery:complaints_hand_over", args=[999_999])).status_code == 404


# --- (b) switching an account off in the admin asks who takes over ----------------------------------------


@pytest.fixture
def admin_user(starter_data: None) -> Any:
    return UserFactory(username="admin", first_name="Ada", last_name="Admin", is_superuser=True, is_staff=True)


def user_form(user: Any, **changes: Any) -> dict[str, Any]:
    """The admin's change form for `user` as the page fills it in, with `changes`."""
    data: dict[str, Any] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "groups": [g.pk for g in user.groups.all()],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": timezone.localtime(user.date_joined).strftime("%Y-%m-%d"),
        "date_joined_1": timezone.localtime(user.date_joined).strftime("%H:%M:%S"),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != "" or k.startswith(("last_login", "date_joined"))}


def test_switching_off_someone_with_open_complaints_asks_who_takes_them_over(client, admin_user, alices_work, alice):
    client.force_login(admin_user)
    url = reverse("admin:auth_user_change", args=[alice.pk])
    assert "Alice Archer owns 3 open complaints" in client.get(url).content.decode()

    response = client.post(url, user_form(alice, is_active=""))

    assert response.status_code == 200
    assert "choose who takes them over" in response.content.decode()
    alice.refresh_from_db()
    assert alice.is_active
    assert Complaint.objects.filter(owner=alice).count() == 4


def test_switching_off_with_a_successor_hands_everything_over_in_one_save(client, admin_user, alices_work, alice, bob):
    client.force_login(admin_user)
    url = reverse("admin:auth_user_change", args=[alice.pk])

    response = client.post(url, user_form(alice, is_active="", successor=bob.pk))

    assert response.status_code == 302, response.content.decode()[-3000:]
    alice.refresh_from_db()
    assert not alice.is_active
    assert Complaint.objects.filter(owner=bob).count() == 3
    assert set(ComplaintEvent.objects.filter(kind=EventKind.ASSIGNED).values_list("actor", flat=True)) == {
        admin_user.pk
    }


def test_the_successor_is_never_the_person_leaving(client, admin_user, alices_work, alice):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:auth_user_change", args=[alice.pk]), user_form(alice, is_active="", successor=alice.pk)
    )
    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.is_active


def test_a_refused_hand_over_in_the_admin_saves_nothing(client, admin_user, alices_work, alice, bob):
    log_complaint(
        user=alice,
        customer=cast(Customer, CustomerFactory(group=CustomerGroup.EMPLOYEE, staff_user=bob, name="Bob Baker")),
    )
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:auth_user_change", args=[alice.pk]), user_form(alice, is_active="", successor=bob.pk)
    )
    assert response.status_code == 200
    assert "Bob Baker cannot take" in response.content.decode()
    alice.refresh_from_db()
    assert alice.is_active
    assert Complaint.objects.filter(owner=alice).count() == 5


def test_switching_off_someone_with_nothing_open_needs_no_successor(client, admin_user, alice):
    client.force_login(admin_user)
    url = reverse("admin:auth_user_change", args=[alice.pk])
    response = client.post(url, user_form(alice, is_active=""))
    assert response.status_code == 302
    alice.refresh_from_db()
    assert not alice.is_active


# --- (d) reminders for someone who left go to the managers -------------------------------------------


def deliver(reminder: Reminder) -> mail.EmailMultiAlternatives:
    now = max(timezone.now(), reminder.due_at + timedelta(seconds=1))
    sending.reminders_claim_due(enqueue=lambda pk, attempt: None, now=now)
    reminder.refresh_from_db()
    mail.outbox.clear()
    assert sending.reminder_deliver(reminder_id=reminder.pk, attempt=reminder.attempts) == "sent"
    [message] = mail.outbox
    return cast(mail.EmailMultiAlternatives, message)


def test_an_inactive_owners_reminder_goes_to_the_managers_at_send_time(alice, maria):
    mark = manager_user(username="mark", first_name="Mark", last_name="Mills")
    c = quiet(alice)
    overdue = Reminder.objects.get(complaint=c, kind=ReminderKind.STEP_OVERDUE)
    leave(alice)

    message = deliver(overdue)

    assert sorted(message.to) == sorted([maria.email, mark.email])
    assert message.subject == f"[CareDesk] Complaint {c.reference}: Apologize is overdue (its owner is inactive)"
    assert "Alice Archer, who owns complaint" in message.body
    assert "is no longer active" in message.body
    assert "Hello Alice" not in message.body
    assert (
        f"You get this because you are a manager and Alice Archer, who owns complaint {c.reference}, "
        "is no longer active." in message.body
    )
    event = ComplaintEvent.objects.get(complaint=c, kind=EventKind.REMINDER_SENT)
    assert event.payload["to"] == ", ".join(sorted([maria.email, mark.email]))


def test_an_active_owners_reminder_still_goes_to_them(alice, maria):
    c = quiet(alice)
    message = deliver(Reminder.objects.get(complaint=c, kind=ReminderKind.STEP_OVERDUE))
    assert message.to == [alice.email]


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_an_inactive_owners_reminder_to_the_managers(
    alice: Any, maria: Any, worker: None, smtp: SmtpServer
) -> None:
    start = timezone.now() - timedelta(hours=5)
    # Logged five hours ago (due times count from logging): the apology was due an hour ago, not yet escalated.
    c = log_complaint_at(start, user=alice, customer=CustomerFactory(consents_to_contact=False))
    leave(alice)
    overdue = Reminder.objects.get(complaint=c, kind=ReminderKind.STEP_OVERDUE)

    tasks.dispatch_due_reminders.delay()

    wait_until(lambda: Reminder.objects.get(pk=overdue.pk).status == ReminderStatus.SENT)
    received = [m for m in smtp.wait_for(1) if m.message["X-CareDesk-Reminder"] == str(overdue.pk)]
    assert [m.rcpt_tos for m in received] == [("maria@example.com",)]
    wait_for_idle(smtp=smtp)  # every message taken and acknowledged: nothing more can come
    assert not [m for m in smtp.messages if "alice@example.com" in m.rcpt_tos]
    assert Stage.APOLOGIZE.label in received[0].subject


def test_the_dashboard_can_be_narrowed_to_someone_who_left(client, alices_work, alice, maria):
    leave(alice)
    client.force_login(maria)
    response = client.get(reverse("recovery:dashboard"), {"handler": alice.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose one of the options" not in html
    assert "Alice Archer (inactive)" in html


# --- two at once ------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_managers_handing_over_the_same_person_at_once_one_wins(alice, bob, maria):
    from tests.helpers.concurrency import one_winner, run_at_once

    mark = manager_user(username="mark", first_name="Mark", last_name="Mills")
    fiona = front_line_user(username="fiona", first_name="Fiona", last_name="Fox")
    work = [quiet(alice) for _ in range(5)]

    winner, loser = one_winner(
        run_at_once(
            lambda: complaints_hand_over(user=maria, owner=alice, to=bob),
            lambda: complaints_hand_over(user=mark, owner=alice, to=fiona),
        )
    )

    assert "Alice Archer has no open complaints to hand over" in str(loser.error)
    new_owner = winner.value[0].owner
    assert set(Complaint.objects.filter(pk__in=[c.pk for c in work]).values_list("owner", flat=True)) == {new_owner.pk}
    # One hand-over's events and notices, never a mix of both.
    assert ComplaintEvent.objects.filter(kind=EventKind.ASSIGNED).count() == 5
    assert set(Reminder.objects.filter(kind=ReminderKind.ASSIGNED).values_list("recipient", flat=True)) == {
        new_owner.pk
    }


def test_once_handed_over_the_list_offers_nothing_more_to_hand_over(client, alices_work, alice, bob, maria):
    leave(alice)
    complaints_hand_over(user=maria, owner=alice, to=bob)
    client.force_login(maria)
    html = client.get(reverse("recovery:complaint_list"), {"owner": alice.pk}).content.decode()
    assert "Hand over all of" not in html
    assert "Alice Archer’s account is inactive; they own no open complaints." in html
