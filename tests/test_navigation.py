"""The menu in the base layout: which entries each role sees, which one is current, and that an app adds its own."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from common import navigation


def menu(client: Any, url: str) -> list[tuple[str, bool]]:
    """Return the menu's entries on the page at `url`: (label, is it marked as the current page)."""
    response = client.get(url)
    html = response.content.decode()
    found = re.search(r'<ul class="navbar-nav me-auto">(.*?)</ul>', html, re.S)
    assert found is not None, response.status_code
    return [
        (label, 'aria-current="page"' in attrs)
        for attrs, label in re.findall(r'<a class="nav-link[^"]*"([^>]*)>([^<]+)</a>', found.group(1))
    ]


def test_front_line_see_their_entries_with_the_page_they_are_on_marked(client, alice):
    client.force_login(alice)
    assert menu(client, reverse("recovery:my_queue")) == [
        ("Log complaint", False),
        ("My queue", True),
        ("Inbox", False),
        ("Complaints", False),
        ("Customers", False),
        ("Training", False),
        ("Policy", False),
    ]


def test_managers_also_see_the_dashboard_and_a_complaint_page_belongs_to_complaints(client, maria, complaint):
    client.force_login(maria)
    assert menu(client, reverse("recovery:complaint_detail", args=[complaint.pk])) == [
        ("Log complaint", False),
        ("My queue", False),
        ("Inbox", False),
        ("Complaints", True),
        ("Customers", False),
        ("Dashboard", False),
        ("Training", False),
        ("Coaching", False),
        ("Policy", False),
    ]


def test_the_inbox_entry_counts_the_complaints_waiting_that_the_user_may_see(client, alice, maria):
    from customers.models import CustomerGroup
    from intake.services import public_complaint_submit

    for group in (CustomerGroup.END_USER, CustomerGroup.EMPLOYEE):
        public_complaint_submit(
            name="Pat",
            email=f"{group}@example.org",
            phone="",
            group=group,
            what_happened="It broke.",
            desired_remedy="",
            consents_to_contact=True,
        )
    badge = r'>Inbox <span class="badge rounded-pill nav-count">(\d+)<span class="visually-hidden"> waiting</span>'
    client.force_login(alice)
    assert re.findall(badge, client.get(reverse("recovery:my_queue")).content.decode()) == ["1"]
    client.force_login(maria)  # managers also see the employee's confidential complaint
    assert re.findall(badge, client.get(reverse("recovery:my_queue")).content.decode()) == ["2"]


@pytest.mark.parametrize("name", ["policy:current", "policy:versions"])
def test_the_policy_pages_belong_to_policy(client, alice, name):
    client.force_login(alice)
    assert ("Policy", True) in menu(client, reverse(name))


def test_a_customer_page_belongs_to_customers(client, alice, customer):
    client.force_login(alice)
    assert ("Customers", True) in menu(client, reverse("customers:customer_detail", args=[customer.pk]))


def test_someone_without_a_role_sees_no_entries(client, olivia):
    client.force_login(olivia)
    assert menu(client, reverse("recovery:my_queue")) == []  # the 403 page, in the base layout


@pytest.mark.parametrize("name", ["training:coaching", "training:coaching_queue"])
def test_the_coaching_pages_belong_to_coaching_for_managers(client, maria, name):
    client.force_login(maria)
    assert ("Coaching", True) in menu(client, reverse(name))


def test_front_line_see_no_coaching_entry(client, alice):
    client.force_login(alice)
    assert "Coaching" not in [label for label, _ in menu(client, reverse("training:my_training"))]


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let a test register entries without leaving them behind for the next test."""
    for name in ("_flags", "_roles", "_links"):
        monkeypatch.setattr(navigation, name, dict(getattr(navigation, name)))


def test_an_app_adds_its_entry_without_editing_another_app(client, registry, alice, maria):
    # What an app's AppConfig.ready does (here pointing at an existing page).
    navigation.register_link("Exports", view_name="recovery:complaint_list_csv", when="is_manager", order=90)

    client.force_login(maria)
    assert menu(client, reverse("recovery:my_queue"))[-1] == ("Exports", False)
    client.force_login(alice)
    assert "Exports" not in [label for label, _ in menu(client, reverse("recovery:my_queue"))]
