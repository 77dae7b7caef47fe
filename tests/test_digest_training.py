"""The managers' digest says how much training is overdue: a line training registers with recovery's digest."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

import pytest
from django.utils import timezone

from common.urls import absolute_url
from recovery import digest
from recovery.models import ManagerDigest
from tests.factories import front_line_user
from training.models import Assignment

pytestmark = pytest.mark.django_db


def overdue(user: Any, *, days: int, count: int = 1) -> None:
    """Make `count` of the person's open assignments `days` overdue."""
    pks = list(Assignment.objects.filter(user=user, closed_at__isnull=True).values_list("pk", flat=True)[:count])
    assert len(pks) == count
    Assignment.objects.filter(pk__in=pks).update(due_on=timezone.localdate() - timedelta(days=days))


def training_lines(content: digest.DigestContent) -> list[digest.DigestLine]:
    return [line for line in content.extra if line.text.startswith("Overdue training:")]


def test_the_line_counts_open_overdue_assignments_and_the_people_they_belong_to(
    alice: Any, bob: Any, maria: Any
) -> None:
    gone = front_line_user(username="gone")
    overdue(alice, days=3, count=2)
    overdue(bob, days=1)
    overdue(gone, days=4)
    gone.is_active = False
    gone.save()  # someone who left is no one's training to chase
    # Due today is not overdue yet; a closed one never is.
    overdue(maria, days=0)
    closed = Assignment.objects.filter(user=bob, closed_at__isnull=True).exclude(due_on__lt=timezone.localdate())[0]
    Assignment.objects.filter(pk=closed.pk).update(
        due_on=timezone.localdate() - timedelta(days=9), closed_at=timezone.now()
    )

    [line] = training_lines(digest.digest_content(day=timezone.localdate()))

    assert line.text == "Overdue training: 3 assignments, 2 people"
    assert line.url.endswith("/training/manage/matrix/")


def test_one_overdue_assignment_reads_in_the_singular_and_none_says_zero(alice: Any) -> None:
    [line] = training_lines(digest.digest_content(day=timezone.localdate()))
    assert line.text == "Overdue training: 0 assignments, 0 people"
    overdue(alice, days=2)
    [line] = training_lines(digest.digest_content(day=timezone.localdate()))
    assert line.text == "Overdue training: 1 assignment, 1 person"


def test_both_parts_of_the_email_show_the_line_and_its_link(alice: Any, maria: Any) -> None:
    overdue(alice, days=2)
    row = ManagerDigest.objects.create(recipient=maria, day=timezone.localdate())
    message = digest.digest_message(digest.digest_content(day=row.day), digest=row)
    text = message.body
    html = cast(str, message.alternatives[0][0])
    assert "Overdue training: 1 assignment, 1 person" in text
    link = absolute_url("training:matrix")
    assert f"Overdue training: 1 assignment, 1 person\n  {link}\n" in text
    assert "Overdue training: 1 assignment, 1 person" in html
    assert f'<a href="{link}">' in html


def test_another_app_can_add_a_line_in_its_order(alice: Any) -> None:
    digest.register_line("test_first", lambda day, now: digest.DigestLine(text=f"First line for {day:%d %b}"), order=1)
    digest.register_line("test_none", lambda day, now: None, order=2)
    try:
        lines = digest.digest_content(day=timezone.localdate()).extra
    finally:
        digest._extra_lines.pop("test_first")
        digest._extra_lines.pop("test_none")
    assert lines[0].text.startswith("First line for ")
    assert [line.text for line in lines[1:]] == ["Overdue training: 0 assignments, 0 people"]
