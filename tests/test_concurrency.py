"""Two people acting on one complaint at once: one wins, the other is told why.

These tests use real threads, each with its own PostgreSQL connection, so the
row lock in `recovery.workflow` is what keeps them apart. They are
transactional (`transaction=True`): the threads must see what the test set up,
so it is committed, and the database is flushed afterwards; the personas
depend on `starter_data`, which recreates roles, categories and policies.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from recovery.models import STEPS, Complaint, ComplaintEvent, EventKind, RecoveryAction, Stage
from recovery.workflow import (
    StaleComplaintError,
    WorkflowError,
    complaint_apologize,
    complaint_assign,
    complaint_atone,
    complaint_edit,
    complaint_empathize,
    complaint_escalate,
    complaint_follow_up,
    complaint_reinstate,
)
from tests.helpers.concurrency import TIMEOUT, Outcome, one_winner, run_at_once

pytestmark = pytest.mark.django_db(transaction=True)


def waiting_on_a_lock() -> int:
    """Return how many other connections to our database are waiting for a lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        (count,) = cursor.fetchone()
    return int(count)


def wait_until(condition: Callable[[], bool], *, timeout: float = TIMEOUT) -> bool:
    """Poll `condition` until it holds (True) or `timeout` seconds pass (False)."""
    done = threading.Event()
    for _ in range(int(timeout / 0.05)):
        if condition():
            return True
        done.wait(0.05)
    return condition()


def step_call(step: Stage, *, complaint: Complaint, user: Any) -> Callable[[], Complaint]:
    """Return a call that does `step` on `complaint` as `user`, with valid arguments."""
    if step == Stage.APOLOGIZE:
        return lambda: complaint_apologize(complaint=complaint.pk, user=user, note=f"Sorry, from {user.username}")
    if step == Stage.REINSTATE:
        return lambda: complaint_reinstate(complaint=complaint.pk, user=user, note=f"Fixed by {user.username}")
    if step == Stage.EMPATHIZE:
        return lambda: complaint_empathize(complaint=complaint.pk, user=user, note="That must have been annoying")
    if step == Stage.ATONE:
        return lambda: complaint_atone(complaint=complaint.pk, user=user, kind="voucher", value="20")
    return lambda: complaint_follow_up(complaint=complaint.pk, user=user, satisfaction=4, retained=True)


def test_two_people_doing_the_same_step_at_once_record_it_once(alice: Any, maria: Any, complaint: Complaint) -> None:
    names = {alice.pk: "Alice Archer", maria.pk: "Maria Moreno"}
    for step in STEPS:
        before = Complaint.objects.get(pk=complaint.pk)
        events_before = ComplaintEvent.objects.filter(complaint=complaint).count()

        winner, loser = one_winner(
            run_at_once(
                step_call(step, complaint=complaint, user=alice),
                step_call(step, complaint=complaint, user=maria),
            )
        )

        action = RecoveryAction.objects.get(complaint=complaint, step=step)
        assert winner.value.pk == complaint.pk
        assert not isinstance(loser.error, StaleComplaintError)
        assert loser.error is not None
        assert f"“{step.label}” was already recorded by {names[action.done_by_id]}" in str(loser.error)
        after = Complaint.objects.get(pk=complaint.pk)
        assert after.version == before.version + 1
        assert after.stage == (STEPS[STEPS.index(step) + 1] if step != Stage.FOLLOW_UP else Stage.CLOSE)
        new_events = list(ComplaintEvent.objects.filter(complaint=complaint).order_by("pk")[events_before:])
        assert [(e.kind, e.actor_id) for e in new_events] == [(EventKind.STEP_DONE, action.done_by_id)]
    assert RecoveryAction.objects.filter(complaint=complaint).count() == len(STEPS)


@pytest.mark.parametrize("change", ["reassign", "edit"])
def test_two_different_changes_from_the_same_version_let_only_one_through(
    alice: Any, bob: Any, maria: Any, complaint: Complaint, change: str
) -> None:
    version = complaint.version
    events_before = ComplaintEvent.objects.filter(complaint=complaint).count()
    changes: dict[str, Callable[[], Complaint]] = {
        "reassign": lambda: complaint_assign(complaint=complaint.pk, user=alice, to=bob, expected_version=version),
        "edit": lambda: complaint_edit(
            complaint=complaint.pk, user=alice, summary="Parcel lost", expected_version=version
        ),
    }

    first, apologize = run_at_once(
        changes[change],
        lambda: complaint_apologize(complaint=complaint.pk, user=maria, note="Sorry", expected_version=version),
    )

    winner, loser = one_winner([first, apologize])
    assert isinstance(loser.error, StaleComplaintError), repr(loser.error)
    assert "was changed by someone else" in str(loser.error)
    after = Complaint.objects.get(pk=complaint.pk)
    assert after.version == version + 1
    assert ComplaintEvent.objects.filter(complaint=complaint).count() == events_before + 1
    if winner is first:
        changed = (after.owner_id == bob.pk) if change == "reassign" else (after.summary == "Parcel lost")
        assert changed
        assert after.stage == Stage.APOLOGIZE
        assert not RecoveryAction.objects.filter(complaint=complaint).exists()
    else:
        assert (after.owner_id, after.summary, after.stage) == (alice.pk, complaint.summary, Stage.REINSTATE)
        assert RecoveryAction.objects.get(complaint=complaint).done_by_id == maria.pk


def run_behind(
    first: Callable[[], Any], second: Callable[[], Any], *, check_while_held: Callable[[], None]
) -> tuple[Outcome, Outcome]:
    """Run `first` in a transaction held open, then `second` in another thread; prove `second` waits for `first`.

    `check_while_held` runs while `second` is queued behind the lock, before `first` commits.
    Return what each returned or raised.
    """
    holding, release = threading.Event(), threading.Event()
    a, b = Outcome(), Outcome()

    def hold() -> None:
        try:
            with transaction.atomic():
                a.value = first()
                holding.set()
                assert release.wait(timeout=TIMEOUT), "never released"
        except BaseException as exc:  # handed back to the test
            a.error = exc
        finally:
            holding.set()
            connection.close()

    def wait_and_act() -> None:
        try:
            b.value = second()
        except BaseException as exc:  # handed back to the test
            b.error = exc
        finally:
            connection.close()

    # Daemon threads: one that hangs fails its test (pytest-timeout) and never keeps the run from ending.
    thread_a = threading.Thread(target=hold, daemon=True)
    thread_b = threading.Thread(target=wait_and_act, daemon=True)
    try:
        thread_a.start()
        assert holding.wait(timeout=TIMEOUT)
        assert a.error is None, repr(a.error)
        thread_b.start()
        # B is really queued behind A's row lock (PostgreSQL says so), not merely slow.
        assert wait_until(lambda: waiting_on_a_lock() == 1), "B never waited for the lock"
        assert thread_b.is_alive()
        check_while_held()
    finally:
        release.set()
        thread_a.join(timeout=TIMEOUT)
        thread_b.join(timeout=TIMEOUT)
    assert not thread_a.is_alive(), "A hung"
    assert not thread_b.is_alive(), "B hung"
    assert a.error is None, repr(a.error)
    return a, b


def test_a_step_waits_for_the_lock_and_then_sees_the_step_done_under_it(
    alice: Any, maria: Any, complaint: Complaint
) -> None:
    def nothing_committed_yet() -> None:
        assert Complaint.objects.get(pk=complaint.pk).stage == Stage.APOLOGIZE

    _, b = run_behind(
        step_call(Stage.APOLOGIZE, complaint=complaint, user=alice),
        step_call(Stage.APOLOGIZE, complaint=complaint, user=maria),
        check_while_held=nothing_committed_yet,
    )

    assert isinstance(b.error, WorkflowError), repr(b.error)
    assert not isinstance(b.error, StaleComplaintError)
    assert "“Apologize” was already recorded by Alice Archer" in str(b.error)
    stored = Complaint.objects.get(pk=complaint.pk)
    assert (stored.stage, stored.version) == (Stage.REINSTATE, complaint.version + 1)
    assert [action.done_by_id for action in RecoveryAction.objects.filter(complaint=complaint)] == [alice.pk]


def test_a_step_waits_while_another_transaction_holds_the_row_then_goes_ahead(alice: Any, complaint: Complaint) -> None:
    def nothing_recorded_yet() -> None:
        assert not RecoveryAction.objects.filter(complaint=complaint).exists()

    _, b = run_behind(
        lambda: Complaint.objects.select_for_update().get(pk=complaint.pk),
        step_call(Stage.APOLOGIZE, complaint=complaint, user=alice),
        check_while_held=nothing_recorded_yet,
    )

    assert b.error is None, repr(b.error)
    stored = Complaint.objects.get(pk=complaint.pk)
    assert (stored.stage, stored.version) == (Stage.REINSTATE, complaint.version + 1)
    assert RecoveryAction.objects.filter(complaint=complaint, step=Stage.APOLOGIZE).count() == 1


def test_a_change_from_a_version_that_went_stale_while_waiting_is_refused_as_stale(
    alice: Any, bob: Any, maria: Any, complaint: Complaint
) -> None:
    version = complaint.version

    # A reassigns the complaint; B's form was built from the same version as A's.
    _, b = run_behind(
        lambda: complaint_assign(complaint=complaint.pk, user=maria, to=bob, expected_version=version),
        lambda: complaint_apologize(complaint=complaint.pk, user=alice, expected_version=version),
        check_while_held=lambda: None,
    )

    assert isinstance(b.error, StaleComplaintError), repr(b.error)
    stored = Complaint.objects.get(pk=complaint.pk)
    assert (stored.owner_id, stored.stage, stored.version) == (bob.pk, Stage.APOLOGIZE, version + 1)
    assert not RecoveryAction.objects.filter(complaint=complaint).exists()


def test_a_manager_step_queued_behind_a_reassignment_goes_ahead(
    alice: Any, bob: Any, maria: Any, complaint: Complaint
) -> None:
    # alice hands the complaint to bob while maria, who may work on any complaint, apologises.
    _, b = run_behind(
        lambda: complaint_assign(complaint=complaint.pk, user=alice, to=bob),
        step_call(Stage.APOLOGIZE, complaint=complaint, user=maria),
        check_while_held=lambda: None,
    )

    assert b.error is None, repr(b.error)
    stored = Complaint.objects.get(pk=complaint.pk)
    assert (stored.owner_id, stored.stage, stored.version) == (bob.pk, Stage.REINSTATE, complaint.version + 2)
    assert RecoveryAction.objects.get(complaint=complaint).done_by_id == maria.pk


def test_a_step_queued_behind_an_escalation_is_refused_for_the_right_reason(
    alice: Any, maria: Any, complaint: Complaint
) -> None:
    # alice escalates to maria in one tab and, in another, apologises: once maria owns it, alice may not.
    _, b = run_behind(
        lambda: complaint_escalate(complaint=complaint.pk, user=alice, to=maria, reason="Customer asked for a manager"),
        step_call(Stage.APOLOGIZE, complaint=complaint, user=alice),
        check_while_held=lambda: None,
    )

    assert isinstance(b.error, WorkflowError), repr(b.error)
    assert "Only the owner (Maria Moreno) or a manager can work on" in str(b.error)
    stored = Complaint.objects.get(pk=complaint.pk)
    assert (stored.owner_id, stored.stage) == (maria.pk, Stage.APOLOGIZE)
