"""Ids carried in forms, not in the address: other people's and absurd ones are refused, never a 500.

A form names people (whom to assign, escalate or hand over to, whom to ask to calibrate, who a customer
is on the staff, whom to train), the version it was built from, and the token that makes sending it
twice harmless. Each is sent here with people who may not be named (an outsider, a deactivated account,
the superuser, a front-line colleague where a manager is needed) and with ids nobody has; the form comes
back refused (200 or 400, the person's input kept) and nothing is stored.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.helpers import access
from tests.helpers.training import module_form_data

# Ids nobody has, and none at all; a case whose field may be left empty or hold any text says so.
NOBODY = [str(2**63), "9" * 5000, "-1", "abc", ""]


def _people(world: access.World) -> dict[str, str]:
    users = get_user_model().objects.in_bulk(field_name="username")
    return {name: str(users[name].pk) for name in ("olivia", "dora", "root", "bob")}


FORMS = (
    "assign to",
    "escalate to",
    "hand over to",
    "train",
    "calibrate",
    "staff account",
    "expected version",
    "module based on",
    "module version taken",
    "reply token",
    "log for customer",
)


def _cases(world: access.World) -> dict[str, tuple[str, str, str, dict[str, Any], list[str]]]:
    """Return, per form, (persona, URL, field, the rest of the form, values the field may not take)."""
    people = _people(world)
    complaint = world.arguments["complaint"]["pk"]
    closed = world.arguments["closed"]["pk"]
    customer = world.arguments["customer"]["pk"]
    review = world.arguments["review"]["pk"]
    form = world.post_data
    outsiders = [people["olivia"], people["dora"], people["root"]]
    return {
        "assign to": (
            access.OWNER,
            reverse("recovery:complaint_assign", args=[complaint]),
            "to",
            form["recovery:complaint_assign"],
            [*outsiders, *NOBODY],
        ),
        "escalate to": (
            access.OWNER,
            reverse("recovery:complaint_escalate", args=[complaint]),
            "to",
            form["recovery:complaint_escalate"],
            [*outsiders, people["bob"], *NOBODY],  # bob does not manage
        ),
        "hand over to": (
            access.MANAGER,
            reverse("recovery:complaints_hand_over", args=[world.objects["alice"].pk]),
            "to",
            {},
            [*outsiders, *NOBODY],
        ),
        "train": (
            access.MANAGER,
            reverse("training:module_assign", args=["five-step-recovery"]),
            "person",
            {"due_on": "2030-01-31"},
            [*outsiders, *NOBODY],
        ),
        "calibrate": (
            access.MANAGER,
            reverse("training:coaching_complaint", args=[closed]),
            "asked",
            {},
            [*outsiders, people["bob"], *NOBODY],  # calibrating is between managers
        ),
        "staff account": (
            access.MANAGER,
            reverse("customers:customer_edit", args=[customer]),
            "staff_user",
            {**form["customers:customer_edit"], "group": "employee"},
            [people["dora"], *NOBODY[:-1]],  # left empty: not on the staff
        ),
        "expected version": (
            access.OWNER,
            reverse("recovery:complaint_step", args=[complaint]),
            "expected_version",
            form["recovery:complaint_step"],
            NOBODY,
        ),
        "module based on": (
            access.MANAGER,
            reverse("training:module_edit", args=["five-step-recovery"]),
            "based_on",
            module_form_data(),
            ["0", "٣", "1" * 30, *NOBODY],
        ),
        "module version taken": (
            access.MANAGER,
            reverse("training:module_take", args=["five-step-recovery"]),
            "version",
            {"token": "form-token"},
            [str(world.objects["training.moduleversion"].pk + 10_000), *NOBODY],
        ),
        "reply token": (
            access.OWNER,
            reverse("training:coaching_reply", args=[review]),
            "token",
            {"stance": "agree", "text": "Fair."},
            ["x" * 65, "x" * 5000, ""],  # any short text is a token
        ),
        "log for customer": (
            access.MANAGER,
            reverse("recovery:complaint_log"),
            "customer",
            {"channel": "phone", "severity": "medium", "summary": "Late again"},
            NOBODY,
        ),
    }


@pytest.mark.parametrize("form", FORMS)
def test_a_form_naming_someone_it_may_not_or_nothing_is_refused_and_stores_nothing(access_world, form):
    persona, url, field, rest, refused = _cases(access_world)[form]
    session = access_world.sessions[persona]
    wrong = []
    for value in refused:
        sent = access.send(session, "POST", url, {**rest, field: value}, watch=True)
        if sent.status not in ("200", "400") or sent.changed:
            error = f" ({sent.error})" if sent.error else ""
            wrong.append(
                f"{field}={value[:20]!r}: {sent.status}{error}{' and stored something' if sent.changed else ''}"
            )
    assert not wrong, f"POST {url}:\n" + "\n".join(wrong)


def test_every_form_is_tried(access_world):
    assert tuple(_cases(access_world)) == FORMS


def test_a_reply_with_a_token_the_page_never_made_comes_back_with_a_fresh_one(access_world):
    url = reverse("training:coaching_reply", args=[access_world.arguments["review"]["pk"]])
    data = {"stance": "agree", "text": "Fair.", "token": "x" * 5000}

    sent = access.send(access_world.sessions[access.OWNER], "POST", url, data, watch=True)

    assert sent.status == "400"
    assert not sent.changed
    assert b"This form was out of date" in sent.body
    assert b"Fair." in sent.body


def test_an_edit_built_from_no_version_at_all_is_refused_as_out_of_date(access_world):
    url = reverse("training:module_edit", args=["five-step-recovery"])

    sent = access.send(access_world.sessions[access.MANAGER], "POST", url, module_form_data(based_on="abc"), watch=True)

    assert sent.status == "400"
    assert not sent.changed
    assert b"Someone saved a newer version of this module" in sent.body
