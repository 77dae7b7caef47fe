"""The inbox and taking a complaint from it, through the pages front-line staff and managers use."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from customers.models import CustomerGroup
from recovery.models import Category, Complaint, EventKind, Severity
from recovery.workflow import complaint_take
from tests.helpers.intake import file_from_public_form, take_data

pytestmark = pytest.mark.django_db


def test_the_inbox_shows_what_waits_with_the_suggestion_and_a_take_button(client: Any, alice: Any) -> None:
    complaint = file_from_public_form(what_happened="<script>alert(1)</script> The lid was cracked.")
    client.force_login(alice)
    response = client.get(reverse("intake:inbox"))
    html = response.content.decode()
    assert response.status_code == 200
    assert complaint.reference in html
    assert "&lt;script&gt;" in html
    assert "<script>alert" not in html
    assert "(suggested)" in html
    assert f'action="{reverse("intake:take", args=[complaint.pk])}"' in html


def test_the_inbox_is_for_people_who_work_complaints(client: Any, olivia: Any) -> None:
    client.force_login(olivia)
    assert client.get(reverse("intake:inbox")).status_code == 403
    client.logout()
    assert client.get(reverse("intake:inbox")).status_code == 302


@pytest.mark.parametrize("rows", [1, 50])
def test_the_inbox_reads_a_fixed_number_of_queries(
    client: Any, alice: Any, rows: int, django_assert_max_num_queries: Any
) -> None:
    for n in range(rows):
        file_from_public_form(n)
    client.force_login(alice)
    # Session, user, roles, the policy banner, the menu's count, the page's count and rows, the categories:
    # 9 for the front line (10 for a manager, with the form's refusals), however many complaints wait.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("intake:inbox"))
    assert response.content.decode().count('<li class="queue-item') == min(rows, 25)


def test_one_click_takes_it_with_the_suggested_assessment(client: Any, alice: Any) -> None:
    complaint = file_from_public_form()
    client.force_login(alice)
    response = client.post(reverse("intake:take", args=[complaint.pk]), take_data(complaint))
    assert response.status_code == 302
    assert response["Location"] == complaint.get_absolute_url()
    complaint.refresh_from_db()
    assert complaint.owner == alice
    assert complaint.events.filter(kind=EventKind.TAKEN, actor=alice).count() == 1


def test_a_corrected_assessment_is_kept_and_on_the_timeline(client: Any, alice: Any) -> None:
    complaint = file_from_public_form()
    other = Category.objects.exclude(pk=complaint.category_id).first()
    assert other is not None
    client.force_login(alice)
    client.post(
        reverse("intake:take", args=[complaint.pk]),
        take_data(complaint, category=other.pk, severity=Severity.CRITICAL),
    )
    complaint.refresh_from_db()
    assert (complaint.category, complaint.severity) == (other, Severity.CRITICAL)
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert "took the complaint from the inbox" in page


def test_the_second_taker_is_told_who_has_it_and_nothing_changes(client: Any, alice: Any, bob: Any) -> None:
    complaint = file_from_public_form()
    data = take_data(complaint)
    complaint_take(complaint=complaint, user=alice, category=complaint.category, severity=complaint.severity)
    client.force_login(bob)
    response = client.post(reverse("intake:take", args=[complaint.pk]), data, follow=True)
    assert "has already been taken by Alice Archer" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("intake:inbox")
    complaint.refresh_from_db()
    assert complaint.owner == alice


def test_bad_input_is_shown_by_the_field_and_nothing_is_taken(client: Any, alice: Any) -> None:
    complaint = file_from_public_form()
    client.force_login(alice)
    response = client.post(reverse("intake:take", args=[complaint.pk]), take_data(complaint, severity="huge"))
    assert response.status_code == 200
    assert "Choose one of the severities listed." in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.owner is None


def test_a_manager_assigns_it_to_a_colleague(client: Any, maria: Any, bob: Any) -> None:
    complaint = file_from_public_form()
    client.force_login(maria)
    page = client.get(reverse("intake:take", args=[complaint.pk])).content.decode()
    assert "Give it to" in page
    assert "a suggestion" in page
    response = client.post(reverse("intake:take", args=[complaint.pk]), take_data(complaint, to=bob.pk))
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.owner == bob


def test_front_line_cannot_give_it_to_someone_else(client: Any, alice: Any, bob: Any) -> None:
    complaint = file_from_public_form()
    client.force_login(alice)
    client.post(reverse("intake:take", args=[complaint.pk]), take_data(complaint, to=bob.pk))
    complaint.refresh_from_db()
    assert complaint.owner == alice  # the form has no "give it to" for the front line: taking it is all they do


def test_an_employees_complaint_is_not_found_for_the_front_line(client: Any, alice: Any) -> None:
    complaint = file_from_public_form(group=CustomerGroup.EMPLOYEE)
    client.force_login(alice)
    assert client.get(reverse("intake:take", args=[complaint.pk])).status_code == 404
    assert client.post(reverse("intake:take", args=[complaint.pk]), take_data(complaint)).status_code == 404
    complaint.refresh_from_db()
    assert complaint.owner is None


def test_the_complaint_page_of_an_inbox_complaint_offers_taking_it(client: Any, alice: Any) -> None:
    complaint = file_from_public_form()
    client.force_login(alice)
    html = client.get(complaint.get_absolute_url()).content.decode()
    assert "is in the inbox" in html
    assert "Nobody yet" in html
    assert reverse("intake:take", args=[complaint.pk]) in html
    assert "The customer sent the complaint with the complaint form on our website" in html


def test_managers_see_how_many_submissions_the_form_refused_lately(client: Any, alice: Any, maria: Any) -> None:
    from intake.services import refusal_count

    for reason in ("honeypot", "honeypot", "too_fast"):
        refusal_count(reason=reason)
    client.force_login(maria)
    assert "refused 3 submissions as likely spam" in client.get(reverse("intake:inbox")).content.decode()
    client.force_login(alice)
    assert "likely spam" not in client.get(reverse("intake:inbox")).content.decode()


def test_a_complaint_changed_while_looking_is_shown_again_to_take_with_the_choice_kept(client: Any, alice: Any) -> None:
    complaint = file_from_public_form()
    data = take_data(complaint, severity=Severity.HIGH)
    Complaint.objects.filter(pk=complaint.pk).update(version=complaint.version + 1)  # changed meanwhile
    client.force_login(alice)
    response = client.post(reverse("intake:take", args=[complaint.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "was changed while you were looking at it" in html
    assert f'name="expected_version" value="{complaint.version + 1}"' in html
    high = re.search(r'<input[^>]*value="high"[^>]*>', html)
    assert high is not None
    assert "checked" in high.group(0)  # the severity the taker chose is kept
    complaint.refresh_from_db()
    assert complaint.owner is None
    again = client.post(reverse("intake:take", args=[complaint.pk]), {**data, "expected_version": complaint.version})
    assert again.status_code == 302
