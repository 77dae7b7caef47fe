"""The access tests' world (`access_world`): one of everything, owned by alice, and every persona signed in."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.test import Client

from api.tokens import token_create
from customers.models import CustomerGroup
from health.checks import heartbeat_record
from intake.public_forms import form_stamp
from intake.services import public_complaint_submit
from intake.status_links import status_link_for, status_token
from recovery import surveys
from recovery.models import Complaint
from tests.factories import UserFactory, manager_user
from tests.helpers import access
from tests.helpers.admin import admin_rows
from tests.helpers.coaching import review_form_data
from training.models import TrainingModule

MODULE = "five-step-recovery"


def _signed_in(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return str(client.session.session_key)


def targets(objects: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return each target's URL arguments: the table's second column names one of these."""
    complaint: Complaint = objects["recovery.complaint"]
    review = objects["training.coachingreview"]
    alice = objects["alice"]
    return {
        "-": {},
        "complaint": {"pk": complaint.pk},  # alice's, open
        "closed": {"pk": review.complaint_id},  # alice's, closed and reviewed by maria
        "customer": {"pk": complaint.customer_id},
        "policy": {"number": objects["policy.policyversion"].number},
        "module": {"slug": MODULE},
        "attempt": {"pk": objects["training.attempt"].pk},  # alice's
        "review": {"pk": review.pk},  # maria's review of alice's handling
        "person": {"user_pk": alice.pk, "slug": MODULE},  # alice's attempts at the module
        "owner": {"pk": alice.pk},  # alice's complaints, to hand over
        "token": {"token": objects["token"]},  # the survey link of alice's complaint
        "inboxed": {"pk": objects["inboxed"].pk},  # a customer's complaint from the public form, in the inbox
        "status": {"token": objects["status"]},  # that complaint's status link (a link in force)
        "user": {"id": alice.pk},  # alice's account in the admin
        "object": {  # the admin's "view on site" of alice's complaint
            "content_type_id": ContentType.objects.get_for_model(Complaint).pk,
            "object_id": complaint.pk,
        },
        "nowhere": {"url": "no-such-page/"},
        "endpoint": {"pk": objects["webhooks.webhookendpoint"].pk},  # a webhook endpoint, switched on
        "delivery": {"pk": objects["webhooks.webhookdelivery"].pk},  # an event sent to it
        "token_id": {"pk": objects["api_token"].pk},  # alice's API token, to revoke
    }


def post_data(objects: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return real-ish form data for the URLs whose POST does something; every other POST is sent empty."""
    complaint: Complaint = objects["recovery.complaint"]
    bob, maria = objects["bob"], objects["maria"]
    version = str(complaint.version)
    return {
        "recovery:complaint_step": {
            "step": complaint.stage,
            "note": "Put it right",
            "minutes": "5",
            "expected_version": version,
        },
        "recovery:complaint_skip": {"step": complaint.stage, "reason": "Not needed", "expected_version": version},
        "recovery:complaint_note": {"text": "Called the customer back"},
        "recovery:complaint_assign": {"to": str(bob.pk), "expected_version": version},
        "recovery:complaint_escalate": {"to": str(maria.pk), "reason": "Needs a manager", "expected_version": version},
        "recovery:complaint_customer_emails": {"enabled": "off", "expected_version": version},
        "recovery:complaints_hand_over": {"to": str(bob.pk)},
        "customers:customer_edit": {"name": "Carla Changed", "group": "end_user", "email": "carla@example.org"},
        "customers:customer_quick_create": {"name": "Nina New", "group": "end_user", "email": "nina@example.org"},
        "training:module_assign": {"person": str(bob.pk), "due_on": "2030-01-31"},
        "training:coaching_reply": {"stance": "agree", "text": "Fair.", "token": "matrix-reply"},
        "training:coaching_review_create": review_form_data(),
        "survey:survey": {"satisfaction": "4", "would_return": "yes", "comment": "Thank you"},
        # The public form as a person sends it: the honeypot empty, the signed stamp from a minute ago (the
        # tests set PUBLIC_FORM_MIN_SECONDS to 0 as well), so it is filed whoever sends it.
        "complain:form": {
            "name": "Pat Public",
            "email": "pat@example.org",
            "phone": "",
            "group": CustomerGroup.END_USER,
            "what_happened": "My parcel arrived broken.",
            "desired_remedy": "A replacement",
            "consents_to_contact": "on",
            "website": "",
            "shown_at": form_stamp(now=time.time() - 60),
        },
        "status:status": {"text": "Any news?"},
    }


@pytest.fixture
def access_world(alice: Any, bob: Any, maria: Any, olivia: Any) -> access.World:
    """One row of every model (alice's), a survey link, and a signed-in session for every persona but anonymous."""
    maria.is_staff = True
    maria.save(update_fields=["is_staff"])
    objects: dict[str, Any] = {**admin_rows(alice, maria), "alice": alice, "bob": bob, "maria": maria}
    objects["token"] = surveys.survey_token(objects["recovery.survey"])
    objects["module"] = TrainingModule.objects.get(slug=MODULE)
    # A complaint a customer sent with the public form: unowned, in the inbox, with its status link.
    objects["inboxed"] = public_complaint_submit(
        name="Ivy Inbox",
        email="ivy@example.org",
        phone="",
        group=CustomerGroup.END_USER,
        what_happened="The lift was out of order all week.",
        desired_remedy="",
        consents_to_contact=True,
    )
    objects["status"] = status_token(status_link_for(objects["inboxed"]))
    objects["api_token"] = token_create(user=alice, name="Matrix")[0]  # alice's API token
    # The rate limits count in Redis, which outlives the test database: the status page's messages are
    # counted per link, and a new test database numbers its links from 1 again.
    cache.clear()
    # Beat has dispatched lately, so /healthz answers 200 (its own tests break each check).
    heartbeat_record()
    dora = manager_user(username="dora", is_staff=True)
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    sessions: dict[str, str | None] = {
        access.ANONYMOUS: None,
        access.OUTSIDER: _signed_in(olivia),
        access.FRONT_LINE: _signed_in(bob),
        access.OWNER: _signed_in(alice),
        access.MANAGER: _signed_in(maria),
        access.DEACTIVATED: _signed_in(dora),
        access.SUPERUSER: _signed_in(root),
    }
    # Switched off after signing in: the open session must stop working.
    dora.is_active = False
    dora.save(update_fields=["is_active"])
    return access.World(objects=objects, sessions=sessions, arguments=targets(objects), post_data=post_data(objects))
