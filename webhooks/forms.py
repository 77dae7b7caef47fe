"""The endpoint form: it checks what was typed; `webhooks.services` decides (the address check included)."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms

from common.forms import PlainTextField
from webhooks.models import COMPLAINT_EVENTS, DESCRIPTION_MAX, URL_MAX, EventType, WebhookEndpoint


class EndpointForm(forms.Form):
    """Where events go, which ones, whether confidential complaints go too, and (editing) on or off."""

    url = forms.CharField(
        label="URL",
        max_length=URL_MAX,
        widget=forms.URLInput(attrs={"placeholder": "https://example.org/caredesk-webhooks"}),
        help_text="Events are POSTed here as signed JSON. Only http:// and https://, never an internal address.",
        error_messages={"required": "Enter the URL events are sent to."},
    )
    description = PlainTextField(
        limit=DESCRIPTION_MAX,
        label="Description",
        widget=forms.TextInput(),
        help_text="What receives them, so colleagues know (e.g. “Ticketing system”).",
    )
    events = forms.MultipleChoiceField(
        label="Events",
        choices=[(t, EventType(t).label) for t in COMPLAINT_EVENTS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event to send."},
    )
    include_confidential = forms.BooleanField(
        label="Also send employees’ complaints",
        required=False,
        help_text="Complaints from colleagues are confidential: only managers and the owner see them in CareDesk. "
        "Tick only if the receiver may see them too.",
    )
    is_active = forms.BooleanField(
        label="Switched on",
        required=False,
        help_text="Switched off, nothing is sent. Switched back on, events from then on are sent.",
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = ["url", "description", "events", "include_confidential"]
        if editing:
            fields.append("is_active")
        else:
            del self.fields["is_active"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(*fields)

    @classmethod
    def initial_from(cls, endpoint: WebhookEndpoint | None) -> dict[str, Any]:
        """Return the starting values: the endpoint's, or every event for a new one."""
        if endpoint is None:
            return {"events": list(COMPLAINT_EVENTS)}
        return {
            "url": endpoint.url,
            "description": endpoint.description,
            "events": list(endpoint.events) if isinstance(endpoint.events, list) else [],
            "include_confidential": endpoint.include_confidential,
            "is_active": endpoint.is_active,
        }
