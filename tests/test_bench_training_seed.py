"""`make bench`'s training history (bench/seed_training.py), on a small staff: who passed, when, and that a
second run replaces the first rather than adding to it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bench.seed_training import FIVE_STEP_RECOVERY, seed_training
from tests.factories import front_line_user, manager_user
from training.definitions import latest_passes
from training.models import Assignment, Attempt
from training.selectors import modules_listed

END = datetime(2026, 12, 1, 12, tzinfo=UTC)
START = END - timedelta(days=3 * 365)


def test_half_the_front_line_passed_the_recovery_within_the_data_period(starter_data):
    front = [front_line_user(username=f"front{n:02d}") for n in range(1, 9)]
    manager = manager_user(username="manager01")
    counts = seed_training(start=START, end=END)
    recovery = Attempt.objects.filter(version__module__slug=FIVE_STEP_RECOVERY, passed=True)
    passed = set(recovery.values_list("user__username", flat=True))
    assert passed == {"front01", "front03", "front05", "front07", "manager01"}
    assert all(START <= at <= END for at in recovery.values_list("submitted_at", flat=True))
    assert counts["passes"] == Attempt.objects.filter(passed=True).count()
    # Some of those who passed hold every required module today; their assignments were closed by the pass.
    required = list(modules_listed().filter(current_version__required=True).values_list("pk", flat=True))
    holds = latest_passes(required, [p.pk for p in front])
    fully = [p for p in front if all((p.pk, m) in holds for m in required)]
    assert fully
    assert not Assignment.objects.filter(user__in=fully, module__in=required, closed_at__isnull=True).exists()
    assert manager.pk not in {p.pk for p in fully}
    # Run again (BENCH_RESEED or a lost marker): the same rows, not twice as many.
    again = seed_training(start=START, end=END)
    assert again["attempts"] == counts["attempts"] == Attempt.objects.count()
