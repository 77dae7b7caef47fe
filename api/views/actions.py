"""The actions on a complaint, one POST each: `POST /complaints/{id}/<action>/` calls one workflow function.

Each checks what was sent with its serializer (the page's form, field by field: 400), then calls
`recovery.workflow`, which decides whether it is allowed (422 with the reason and the field, 409 for a
stale `expected_version`, 404 for a complaint the user may not see: `api.problems` turns them into
problem details). No other path writes. The answer is the complaint's detail representation, with its
new `version`; 204 when the change took it out of the user's sight (a colleague's confidential complaint
handed on).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.problems import problems
from api.serializers import actions as action_serializers
from api.serializers.complaints import ComplaintDetailSerializer
from api.views.base import ApiGenericView
from api.views.complaints import complaint_detail_data
from recovery import selectors, workflow

TAG = "Complaint actions"
VERSION_RULES = (
    " Send `expected_version` (the `version` you read) to be refused with 409 if someone changed the complaint first."
)


@dataclass(frozen=True)
class Action:
    """One action: its endpoint name, what it takes, the workflow function it calls, and how it is described."""

    name: str
    serializer: type[serializers.Serializer[Any]]
    perform: Callable[..., Any]
    summary: str
    description: str
    # Changes the complaint's state, so takes `expected_version` and may be refused as stale (409).
    versioned: bool = True

    @property
    def operation_id(self) -> str:
        return f"complaints_{self.name.replace('-', '_')}"


ACTIONS = (
    Action(
        "apologize",
        action_serializers.ApologizeSerializer,
        workflow.complaint_apologize,
        "Record the apology (step 1)",
        "Sincerely acknowledge the error: fast, in minutes or hours.",
    ),
    Action(
        "reinstate",
        action_serializers.ReinstateSerializer,
        workflow.complaint_reinstate,
        "Record what was fixed (step 2)",
        "What you put back in order for the customer; `note` is required.",
    ),
    Action(
        "empathize",
        action_serializers.EmpathizeSerializer,
        workflow.complaint_empathize,
        "Record the empathy (step 3)",
        "How you acknowledged the customer's frustration, not just the breakdown.",
    ),
    Action(
        "atone",
        action_serializers.AtoneSerializer,
        workflow.complaint_atone,
        "Record the atonement (step 4)",
        "What was offered and its value. Above the service policy's empowerment limit only a manager may "
        "record it: the front line is refused (422 on `value`) and escalates to a manager instead. The "
        "follow-up falls due from now.",
    ),
    Action(
        "follow-up",
        action_serializers.FollowUpSerializer,
        workflow.complaint_follow_up,
        "Record the follow-up (step 5)",
        "How satisfied the customer is now, and whether they stayed. The complaint then waits to be closed.",
    ),
    Action(
        "skip",
        action_serializers.SkipSerializer,
        workflow.complaint_skip_step,
        "Mark the current step as not needed",
        "Reinstate, empathize or atone only, saying why.",
    ),
    Action(
        "notes",
        action_serializers.NoteSerializer,
        workflow.complaint_add_note,
        "Add a note",
        "A clarification for the timeline. It changes nothing else, so the version stays and it takes no "
        "`expected_version`. Anyone who may see the complaint may add one.",
        versioned=False,
    ),
    Action(
        "assign",
        action_serializers.AssignSerializer,
        workflow.complaint_assign,
        "Give the complaint to another handler",
        "The front line hands on their own complaints, a manager anyone's; it ends an escalation.",
    ),
    Action(
        "escalate",
        action_serializers.EscalateSerializer,
        workflow.complaint_escalate,
        "Escalate to a manager",
        "Step back: hand the complaint to a manager, saying why.",
    ),
    Action(
        "close",
        action_serializers.CloseSerializer,
        workflow.complaint_close,
        "Close the complaint",
        "After its follow-up, with the outcome (from the follow-up if not given). An escalated complaint is "
        "closed by a manager.",
    ),
    Action(
        "reopen",
        action_serializers.ReopenSerializer,
        workflow.complaint_reopen,
        "Reopen a closed complaint",
        "At the step that failed, in a new round; earlier rounds stay in the history.",
    ),
    Action(
        "edit",
        action_serializers.EditSerializer,
        workflow.complaint_edit,
        "Correct the details",
        "Send only the details that change; the others stay as they are. A change of severity re-times the "
        "current step under the new severity's targets.",
    ),
    Action(
        "customer-emails",
        action_serializers.CustomerEmailsSerializer,
        workflow.complaint_set_customer_emails,
        "Switch the emails to the customer on or off",
        "Off: CareDesk sends this complaint's customer nothing (acknowledgement, survey); any not yet sent are "
        "cancelled. Not on a closed complaint.",
    ),
)


class ComplaintActionView(ApiGenericView):
    """Validate the action's fields, call its workflow function, answer with the complaint as it is now."""

    action_spec: Action

    def get_serializer_class(self) -> type[serializers.Serializer[Any]]:
        return self.action_spec.serializer

    def post(self, request: Request, pk: int) -> Response:
        complaint = selectors.get_complaint_for(request.user, pk)
        # The people and categories a field offers depend on the complaint.
        serializer = self.get_serializer(data=request.data, context={"request": request, "complaint": complaint})
        serializer.is_valid(raise_exception=True)
        self.action_spec.perform(complaint=complaint, user=request.user, **serializer.validated_data)
        try:
            updated = selectors.get_complaint_for(request.user, pk)
        except Http404:
            return Response(status=204)  # handed on out of this user's sight: done, and nothing to show
        return Response(complaint_detail_data(request, updated))


def _view_for(action: Action) -> Any:
    """Return the view of one action, described for the schema."""
    schema = extend_schema(
        operation_id=action.operation_id,
        summary=action.summary,
        description=action.description
        + (VERSION_RULES if action.versioned else "")
        + " The workflow may refuse (422): `detail` says why, `field` which field it is about.",
        tags=[TAG],
        request=action.serializer,
        responses={
            200: OpenApiResponse(ComplaintDetailSerializer, description="Done: the complaint as it is now."),
            204: OpenApiResponse(description="Done, and you may no longer see the complaint (handed on)."),
            **problems(400, 404, 422, *((409,) if action.versioned else ())),
        },
    )

    class View(ComplaintActionView):
        action_spec = action

        @schema
        def post(self, request: Request, pk: int) -> Response:
            return super().post(request, pk)

    View.__name__ = View.__qualname__ = f"Complaint{action.name.title().replace('-', '')}View"
    View.__doc__ = action.summary
    return View.as_view()


urlpatterns = [
    path(f"complaints/<int:pk>/{action.name}/", _view_for(action), name=f"complaint-{action.name}")
    for action in ACTIONS
]
