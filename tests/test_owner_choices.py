"""Who is offered as a complaint's owner or as a manager: active front-line staff and managers only.

The administrator account (a superuser in no role) looks after CareDesk; it is not offered as an
owner, a manager to escalate to, or a handler to filter by, and it gets no manager's emails. A
superuser who is also in a role is offered for that role.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from accounts import roles
from accounts.roles import MANAGERS
from recovery import digest
from recovery.forms.dashboard import DashboardFilterForm
from recovery.models import Category, Complaint, ManagerDigest
from tests.factories import UserFactory, front_line_user
from tests.helpers.digest import T0


@pytest.fixture
def ada(starter_data: None) -> Any:
    """The administrator: a superuser in no role, as `createsuperuser` and the demo data make one."""
    return UserFactory(username="admin", first_name="Ada", last_name="Admin", is_superuser=True, is_staff=True)


@pytest.fixture
def boss(starter_data: None) -> Any:
    """A superuser who also manages (in the Managers group)."""
    user: Any = UserFactory(username="boss", first_name="Bea", last_name="Boss", is_superuser=True, is_staff=True)
    user.groups.add(Group.objects.get(name=MANAGERS))
    return user


@pytest.fixture
def gone(starter_data: None) -> Any:
    """A front-line colleague who has left (deactivated)."""
    return front_line_user(username="gone", first_name="Gavin", last_name="Gone", is_active=False)


def options(html: str, select_id: str) -> list[str]:
    """Return the visible labels of the <select> with this id."""
    match = re.search(rf'<select[^>]*\bid="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no select #{select_id}"
    return [unescape(label).strip() for label in re.findall(r"<option[^>]*>(.*?)</option>", match.group(1), re.S)]


def page(user: Any, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


PEOPLE = ["Alice Archer", "Bea Boss", "Bob Baker", "Maria Moreno"]


def test_the_log_form_offers_staff_in_a_role_not_the_administrator(alice, bob, maria, ada, boss, gone):
    assert options(page(alice, reverse("recovery:complaint_log")), "id_owner") == PEOPLE


def test_the_list_and_dashboard_filters_offer_staff_in_a_role_not_the_administrator(alice, bob, maria, ada, boss):
    assert options(page(maria, reverse("recovery:complaint_list")), "id_owner") == ["Anyone", *PEOPLE]
    # The dashboard's handler filter, as its page renders it.
    assert options(str(DashboardFilterForm()["handler"]), "id_handler") == ["Everyone", *PEOPLE]


def test_assign_and_escalate_offer_staff_in_a_role_not_the_administrator(alice, bob, maria, ada, boss, complaint):
    html = page(alice, reverse("recovery:complaint_detail", args=[complaint.pk]))
    assert options(html, "id_assign_to") == ["Choose a colleague…", "Bea Boss", "Bob Baker", "Maria Moreno"]
    assert options(html, "id_escalate_to") == ["Choose a manager…", "Bea Boss", "Maria Moreno"]


def test_the_admin_offers_staff_in_a_role_as_owner(alice, maria, ada, boss):
    html = page(ada, reverse("admin:recovery_complaint_add"))
    assert options(html, "id_owner") == ["---------", "Alice Archer", "Bea Boss", "Maria Moreno"]


def test_handlers_and_managers_are_the_active_people_in_a_role(alice, bob, maria, ada, boss, gone):
    assert set(roles.handlers()) == {alice, bob, maria, boss}
    assert set(roles.managers()) == {maria, boss}


def test_the_administrator_gets_no_managers_digest(maria, ada, boss):
    with time_machine.travel(T0, tick=False):
        assert digest.digests_schedule() == 2
    assert set(ManagerDigest.objects.values_list("recipient__username", flat=True)) == {"maria", "boss"}


def selected(html: str, select_id: str) -> list[str]:
    match = re.search(rf'<select[^>]*\bid="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no select #{select_id}"
    return [
        unescape(label).strip() for label in re.findall(r"<option[^>]*selected[^>]*>(.*?)</option>", match.group(1))
    ]


def test_the_log_form_preselects_its_user_as_owner_or_asks_the_administrator_to_choose(alice, maria, ada):
    assert selected(page(alice, reverse("recovery:complaint_log")), "id_owner") == ["Alice Archer"]
    # Not offered, so not silently replaced by the first colleague in the list: the administrator chooses.
    html = page(ada, reverse("recovery:complaint_log"))
    assert options(html, "id_owner") == ["Choose who owns it…", "Alice Archer", "Maria Moreno"]
    assert selected(html, "id_owner") == []  # so the browser shows the first option, the prompt


def test_the_admin_asks_the_administrator_to_choose_an_owner(alice, ada, customer):
    client = Client()
    client.force_login(ada)
    data = {
        "customer": str(customer.pk),
        "channel": "phone",
        "category": str(Category.objects.get(name="Billing").pk),
        "severity": "high",
        "summary": "Charged twice for one order",
        "received_at_0": "",
        "received_at_1": "",
        "owner": "",
        "_save": "Save",
    }
    response = client.post(reverse("admin:recovery_complaint_add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["owner"] == ["Choose who handles it."]
    assert not Complaint.objects.exists()

    response = client.post(reverse("admin:recovery_complaint_add"), {**data, "owner": str(alice.pk)})
    assert response.status_code == 302
    assert Complaint.objects.get().owner == alice
