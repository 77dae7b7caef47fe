"""Webhooks in the admin, for the administrator: read-only, because the managers' pages keep the rules.

Managers add and change endpoints on /webhooks/, where the address is checked and a switched-off endpoint
is switched back on properly; the deliveries and their tries are written only by the sending. Here an
administrator looks into them (the secret is not shown) and puts failed deliveries and emails back in the
queue (`common.leases.send_again`). Nothing is deleted: it is the delivery log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from common import leases
from common.admin import NeverDeleted, ReadOnly, ReadOnlyInline, SuperusersOnly, report_sent_again
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookNotice

# Django's admin classes are generic only to the type checker.
if TYPE_CHECKING:
    EndpointAdminBase = admin.ModelAdmin[WebhookEndpoint]
    DeliveryAdminBase = admin.ModelAdmin[WebhookDelivery]
    NoticeAdminBase = admin.ModelAdmin[WebhookNotice]
else:
    EndpointAdminBase = admin.ModelAdmin
    DeliveryAdminBase = admin.ModelAdmin
    NoticeAdminBase = admin.ModelAdmin


def _send_again(model_admin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[Any], noun: str) -> None:
    selected = queryset.count()
    count = leases.send_again(queryset, now=timezone.now())
    report_sent_again(model_admin, request, selected=selected, count=count, noun=noun)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(
    SuperusersOnly[WebhookEndpoint], NeverDeleted[WebhookEndpoint], ReadOnly[WebhookEndpoint], EndpointAdminBase
):
    """Every endpoint; managers change them on the webhook pages."""

    never_deleted_because = "Webhook endpoints are not deleted here: a manager switches one off on the webhook pages."
    list_display = ("url", "description", "is_active", "consecutive_failures", "include_confidential", "disabled_at")
    list_filter = ("is_active", "include_confidential")
    search_fields = ("url", "description")
    exclude = ("secret",)
    # Django 6 changes the form field's default scheme; say it, so the page is the same either side.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class AttemptInline(ReadOnlyInline):
    model = WebhookAttempt
    fk_name = "delivery"
    fields = ("at", "status_code", "error", "duration_ms", "response_snippet")
    readonly_fields = fields
    ordering = ("-at",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(
    SuperusersOnly[WebhookDelivery], NeverDeleted[WebhookDelivery], ReadOnly[WebhookDelivery], DeliveryAdminBase
):
    """Every event on its way to an endpoint, with each try; failed ones can be sent again (same id and body)."""

    never_deleted_because = "Webhook deliveries are not deleted: they are the delivery log."
    list_display = ("due_at", "event_type", "endpoint", "status", "attempts", "sent_at", "error")
    list_filter = ("status", "event__type")
    list_select_related = ("endpoint", "event")
    search_fields = ("endpoint__url", "event__id", "last_error")
    date_hierarchy = "due_at"
    show_full_result_count = False
    readonly_fields = ("body",)
    inlines = [AttemptInline]
    actions = ["send_again"]

    @admin.display(description="event type", ordering="event__type")
    def event_type(self, delivery: WebhookDelivery) -> str:
        return delivery.event.type

    @admin.display(description="body")
    def body(self, delivery: WebhookDelivery) -> str:
        return delivery.event.body

    @admin.display(description="last error")
    def error(self, delivery: WebhookDelivery) -> str:
        return delivery.last_error[:120]

    @admin.action(description="Send the selected failed deliveries again")
    def send_again(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        _send_again(self, request, queryset, "delivery")


@admin.register(WebhookNotice)
class WebhookNoticeAdmin(
    SuperusersOnly[WebhookNotice], NeverDeleted[WebhookNotice], ReadOnly[WebhookNotice], NoticeAdminBase
):
    """Every email telling a manager an endpoint was switched off; failed ones can be sent again."""

    never_deleted_because = "Webhook emails are not deleted: they record what CareDesk owed and sent."
    list_display = ("due_at", "endpoint", "recipient", "status", "attempts", "sent_at", "error")
    list_filter = ("status",)
    list_select_related = ("endpoint", "recipient")
    search_fields = ("recipient__username", "recipient__email", "last_error")
    date_hierarchy = "due_at"
    show_full_result_count = False
    actions = ["send_again"]

    @admin.display(description="last error")
    def error(self, notice: WebhookNotice) -> str:
        return notice.last_error[:120]

    @admin.action(description="Send the selected failed emails again")
    def send_again(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        _send_again(self, request, queryset, "email")
