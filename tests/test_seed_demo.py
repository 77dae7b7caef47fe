"""`manage.py seed_demo`: demo logins, customers in every group, complaints at every stage."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from accounts.roles import FRONT_LINE, MANAGERS
from customers.models import Customer, CustomerGroup, Organization
from recovery.management.commands.seed_demo import DEMO_PASSWORD
from recovery.models import (
    STEPS,
    Channel,
    Complaint,
    ComplaintEvent,
    EventKind,
    RecoveryAction,
    Reminder,
    Severity,
    Stage,
    Survey,
)

UNFILLED_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


@pytest.fixture(scope="module")
def seed_output(django_db_setup, django_db_blocker):
    """Seed once for the whole module (it takes a few seconds) and roll it all back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def seeded(seed_output, db):
    return seed_output


def counts():
    return {
        "users": get_user_model().objects.count(),
        "organizations": Organization.objects.count(),
        "customers": Customer.objects.count(),
        "complaints": Complaint.objects.count(),
        "actions": RecoveryAction.objects.count(),
        "events": ComplaintEvent.objects.count(),
    }


def test_it_creates_staff_in_both_roles_with_the_printed_password(seeded):
    users = {user.username: user for user in get_user_model().objects.prefetch_related("groups")}
    roles = {name: {group.name for group in users[name].groups.all()} for name in users}
    assert roles["maria"] == roles["mark"] == {MANAGERS}
    assert roles["alice"] == roles["bob"] == roles["fiona"] == {FRONT_LINE}
    assert users["admin"].is_superuser
    for name in ("admin", "maria", "mark", "alice", "bob", "fiona"):
        # Staff status opens the admin to the administrator and the managers (reference data), no one else.
        assert users[name].is_staff == (name in ("admin", "maria", "mark"))
        assert users[name].is_active
        assert users[name].check_password(DEMO_PASSWORD)
        assert name in seeded
    assert DEMO_PASSWORD in seeded


def test_it_creates_customers_in_all_five_groups(seeded):
    by_group = dict(Customer.objects.values_list("group").annotate(n=Count("pk")))
    assert set(by_group) == set(CustomerGroup.values)
    # 300 added by staff, and the six who sent their complaint themselves (the inbox: intake/demo.py).
    assert sum(by_group.values()) == 306
    assert Customer.objects.filter(created_by__isnull=True).count() == 6
    trade = Customer.objects.filter(group__in=[CustomerGroup.DISTRIBUTOR, CustomerGroup.SUPPLIER])
    # Those staff added (people who send a complaint themselves give no organisation).
    assert not trade.filter(organization__isnull=True, created_by__isnull=False).exists()
    employees = Customer.objects.filter(group=CustomerGroup.EMPLOYEE)
    assert employees.filter(staff_user__isnull=False).exists()
    assert employees.filter(staff_user__isnull=True).exists()
    assert not Customer.objects.exclude(group=CustomerGroup.EMPLOYEE).filter(staff_user__isnull=False).exists()
    assert Customer.objects.filter(created_by__username="admin").count() == 300


def test_its_inbox_holds_complaints_from_the_web_form_and_by_email(seeded):
    inbox = Complaint.objects.filter(owner__isnull=True)
    assert inbox.count() == 5
    assert set(inbox.values_list("channel", flat=True)) == {Channel.WEB, Channel.EMAIL}
    assert inbox.filter(step_due_at__lt=timezone.now()).exists()  # one already overdue for its apology
    assert ComplaintEvent.objects.filter(kind=EventKind.CUSTOMER_WROTE, payload__via="email").count() == 1


def test_it_creates_complaints_at_every_stage_and_in_every_variation(seeded):
    complaints = Complaint.objects.all()
    assert complaints.count() == 206
    assert set(complaints.values_list("stage", flat=True)) == set(Stage.values)
    assert set(complaints.values_list("severity", flat=True)) == set(Severity.values)
    assert set(complaints.values_list("channel", flat=True)) == set(Channel.values)
    assert set(complaints.values_list("customer__group", flat=True)) == set(CustomerGroup.values)
    assert complaints.values("category").distinct().count() >= 5
    assert complaints.filter(round=2).exclude(stage=Stage.CLOSED).exists()
    assert complaints.filter(round=2, stage=Stage.CLOSED).exists()
    assert complaints.filter(escalated_at__isnull=False).count() >= 5
    skipped = set(RecoveryAction.objects.filter(skipped=True).values_list("step", flat=True))
    assert skipped == {Stage.REINSTATE, Stage.EMPATHIZE, Stage.ATONE}
    kinds = set(RecoveryAction.objects.exclude(atonement_kind="").values_list("atonement_kind", flat=True))
    assert len(kinds) >= 4
    events = set(ComplaintEvent.objects.values_list("kind", flat=True))
    # Every kind of timeline line appears in the demo, except those only a worker writes when it sends
    # (the seed runs no worker) and a manager's download or erasure of a customer's personal data (left for
    # whoever tries the demo); the survey emails count as sent, so their customers could answer.
    worker_only = {EventKind.REMINDER_FAILED, EventKind.AUTO_ESCALATED}
    assert events == set(EventKind.values) - worker_only - {EventKind.DATA_EXPORTED, EventKind.DATA_ERASED}


def test_customers_whose_survey_went_out_have_mostly_answered(seeded):
    answered = Survey.objects.filter(answered_at__isnull=False)
    assert answered.count() >= 2
    assert Survey.objects.filter(answered_at__isnull=True).exists()
    for survey in answered.select_related("complaint"):
        # Waiting for the follow-up, or closed and reviewed (the coach against the customer: training/coaching/demo.py).
        assert survey.complaint.stage == Stage.FOLLOW_UP or survey.complaint.coaching_reviews.exists()
        assert survey.answered_at is not None
        assert survey.answered_at <= timezone.now()
        reminder = Reminder.objects.get(complaint=survey.complaint, kind="customer_survey", round=survey.round)
        assert reminder.status == "sent"
        assert reminder.sent_at is not None
        assert reminder.sent_at <= survey.answered_at


def test_its_complaints_keep_the_workflow_invariants(seeded):
    now = timezone.now()
    actions = defaultdict(list)
    for action in RecoveryAction.objects.order_by("done_at", "pk"):
        actions[action.complaint_id].append(action)
    events = defaultdict(list)
    # The workflow's own events, in the order written (emails sent and survey answers are added afterwards).
    for event in ComplaintEvent.objects.exclude(kind__in=[EventKind.REMINDER_SENT, EventKind.SURVEY_ANSWERED]).order_by(
        "pk"
    ):
        events[event.complaint_id].append(event)

    for complaint in Complaint.objects.all():
        first = STEPS.index(complaint.round_first_step)
        last = STEPS.index(complaint.stage) if complaint.stage in STEPS else len(STEPS)
        this_round = [a.step for a in actions[complaint.pk] if a.round == complaint.round]
        assert this_round == [step.value for step in STEPS[first:last]], complaint.reference
        assert (complaint.stage == Stage.CLOSED) == bool(complaint.outcome) == (complaint.closed_at is not None)
        assert (complaint.stage in STEPS) == (complaint.step_due_at is not None), complaint.reference
        if complaint.stage == Stage.CLOSED:
            assert complaint.satisfaction is not None

        timeline = events[complaint.pk]
        assert timeline[0].kind == EventKind.LOGGED
        assert timeline[0].created_at == complaint.received_at
        times = [event.created_at for event in timeline]
        assert times == sorted(times), complaint.reference
        assert times[-1] <= now
        assert complaint.received_at >= now - timedelta(days=121)
        assert all(action.done_at <= now for action in actions[complaint.pk])
        for event in timeline:
            if "done_at" in event.payload:
                assert event.payload["done_at"] == event.created_at.isoformat()
        if complaint.escalated_at is not None:
            escalation = next(e for e in timeline if e.kind == EventKind.ESCALATED)
            assert escalation.created_at == complaint.escalated_at
        if complaint.stage == Stage.CLOSED:
            closing = [e for e in timeline if e.kind == EventKind.CLOSED][-1]
            assert closing.created_at == complaint.closed_at


def test_its_texts_read_like_people_wrote_them(seeded):
    texts = [
        *Complaint.objects.values_list("summary", flat=True),
        *Complaint.objects.values_list("description", flat=True),
        *RecoveryAction.objects.values_list("note", flat=True),
        *RecoveryAction.objects.values_list("customer_comment", flat=True),
        *ComplaintEvent.objects.filter(kind=EventKind.NOTE).values_list("payload__text", flat=True),
    ]
    assert not [text for text in texts if UNFILLED_PLACEHOLDER.search(text) or "lorem" in text.lower()]
    assert Complaint.objects.values("summary").distinct().count() >= 100
    assert Complaint.objects.values("description").distinct().count() >= 150


def test_running_it_again_adds_nothing(seeded):
    before = counts()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert counts() == before
    assert "nothing else added" in out.getvalue()
    assert get_user_model().objects.get(username="bob").check_password(DEMO_PASSWORD)


def test_running_it_again_resets_the_demo_passwords(seeded):
    bob = get_user_model().objects.get(username="bob")
    bob.set_password("something-else")
    bob.save()
    call_command("seed_demo", stdout=StringIO())
    bob.refresh_from_db()
    assert bob.check_password(DEMO_PASSWORD)


def test_if_empty_only_prints_the_logins_once_there_are_complaints(seeded):
    bob = get_user_model().objects.get(username="bob")
    bob.set_password("something-else")
    bob.save()
    before = counts()
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert counts() == before
    bob.refresh_from_db()
    assert bob.check_password("something-else")
    assert "alice" in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()


def test_a_fresh_demo_does_not_email_every_customer_about_old_complaints(seeded):
    an_hour_ago = timezone.now() - timedelta(hours=1)
    old = Reminder.objects.filter(kind="acknowledgement", complaint__received_at__lte=an_hour_ago)
    assert old.exists()
    assert not old.exclude(status="sent").exists()
    assert ComplaintEvent.objects.filter(kind=EventKind.REMINDER_SENT, payload__reminder="acknowledgement").count() == (
        old.count()
    )
    closed_complaints = Complaint.objects.filter(stage=Stage.CLOSED)
    assert not Reminder.objects.filter(
        complaint__in=closed_complaints, kind="customer_survey", status__in=["pending", "claimed"]
    ).exists()


def test_a_fresh_demo_does_not_email_staff_about_old_hand_overs(seeded):
    old = Reminder.objects.filter(
        kind__in=["assigned", "escalated"], event__created_at__lte=timezone.now() - timedelta(hours=1)
    )
    assert old.exists()
    assert not old.exclude(status="sent").exists()


def test_demo_staff_have_training_in_every_state(seeded):
    from training.models import Assignment, AssignmentReason, Attempt, TrainingModule
    from training.selectors import my_training

    today = timezone.localdate()
    users = {u.username: u for u in get_user_model().objects.all()}
    # Required modules reached the demo staff through the seed's own saves (the signals), not by hand.
    required = TrainingModule.objects.filter(archived=False, current_version__required=True).count()
    for name in ("alice", "bob", "fiona", "maria", "mark"):
        assert Assignment.objects.filter(user=users[name], reason=AssignmentReason.REQUIRED).count() == required
    assert not Assignment.objects.filter(user=users["admin"]).exists()

    alice, bob, fiona = (my_training(users[name], today=today) for name in ("alice", "bob", "fiona"))
    # alice is fully trained: every required module passed; an optional one overdue.
    assert {row.module.slug for row in alice.passed} == {
        "five-step-recovery",
        "who-is-the-customer",
        "person-then-problem",
        "our-service-policy",
    }
    assert [
        row.passed
        for row in Attempt.objects.filter(user=users["alice"], version__module__slug="five-step-recovery").order_by(
            "submitted_at"
        )
    ] == [False, True]
    assert [(row.assignment.module.slug, row.overdue) for row in alice.to_do] == [("when-to-step-back", True)]
    assert {row.overdue for row in bob.to_do} == {True, False}
    expired = next(row for row in bob.passed if row.module.slug == "five-step-recovery")
    assert expired.expired
    assert Assignment.objects.get(
        user=users["bob"], module__slug="five-step-recovery", closed_at__isnull=True
    ).reason == (AssignmentReason.RENEWAL)
    assert not fiona.passed  # not started, or failed only
    assert Attempt.objects.filter(user=users["fiona"], passed=False).exists()
    assert {row.overdue for row in fiona.to_do} == {True, False}


def test_the_demo_dashboard_compares_trained_and_untrained_handling(seeded):
    # The training panel of the default view has complaints on both sides, alice's among them on each:
    # she passed the five-step recovery in the middle of the period.
    from recovery.dashboard import dashboard_compute, default_filters, split_values
    from training.dashboard_panel import passed_recovery_before_received, people_training

    now = timezone.now()
    filters = default_filters(now)
    pays = next(p for p in dashboard_compute(filters, now=now).panels if p.key == "training").content
    assert pays.trained.handled > 0
    assert pays.untrained.handled > 0
    assert pays.trained.closed > 0
    assert pays.untrained.closed > 0
    assert (pays.front_line, pays.front_line_trained) == (3, 1)  # alice
    alice = get_user_model().objects.get(username="alice")
    split = passed_recovery_before_received(people_training([alice.pk], today=timezone.localdate(now)))
    only_alice = replace(filters, handler_id=alice.pk)
    trained, untrained = split_values(only_alice, split, vendor=connection.vendor)
    assert trained["handled"] > 0
    assert untrained["handled"] > 0


def test_the_demo_has_a_second_policy_version_read_by_most_but_not_all_of_the_staff(seeded):
    from policy import selectors as policy_selectors

    current = policy_selectors.current_policy()
    assert current is not None
    assert current.number == 2
    assert current.published_by is not None
    readers = policy_selectors.acknowledgements_for(current)
    assert len(readers.have) > len(readers.have_not) > 0
    first = policy_selectors.acknowledgements_for(policy_selectors.get_version(1))
    assert first.have_not == []  # version 1's acknowledgements are kept


def test_no_front_line_atonement_in_the_demo_is_above_the_limit(seeded):
    from policy import selectors as policy_selectors

    limit = policy_selectors.empowerment_limit()
    above = RecoveryAction.objects.filter(step=Stage.ATONE, atonement_value__gt=limit)
    assert above.exists()  # managers approved some
    assert not above.filter(done_by__groups__name=FRONT_LINE).exists()


def test_demo_has_reviewed_complaints_replies_a_calibration_pair_and_a_queue(seeded):
    from training.coaching.models import CalibrationRequest, CoachingNotice, CoachingReply, CoachingReview
    from training.coaching.selectors import coaching_overview, coaching_queue

    assert CoachingReview.objects.values("reviewer").distinct().count() == 2
    assert CoachingReview.objects.count() >= 8
    assert CoachingReply.objects.exists()
    request = CalibrationRequest.objects.get()
    assert CoachingReview.objects.filter(complaint=request.complaint).count() == 2
    assert not CoachingNotice.objects.exclude(status="sent").exists()  # the seed runs no worker
    overview = coaching_overview(since=timezone.now() - timedelta(days=365))
    assert any(d.praised for d in overview.disagreements)  # "well done" where the customer was unhappy
    assert overview.compared >= 3
    queue = coaching_queue()
    assert queue.urgent
    assert queue.sample
    assert any(row.reviews for row in queue.handlers)
