"""Complaint screens: log, queue, list and the complaint page with its actions."""

from __future__ import annotations

from django.urls import path

from recovery.views import dashboard, detail, exports, handover, lists, log

app_name = "recovery"

urlpatterns = [
    path("queue/", lists.my_queue, name="my_queue"),
    path("complaints/", lists.complaint_list, name="complaint_list"),
    path("complaints/export.csv", exports.complaint_list_csv, name="complaint_list_csv"),
    path("complaints/new/", log.complaint_log, name="complaint_log"),
    path("complaints/owner/<int:pk>/hand-over/", handover.complaints_hand_over, name="complaints_hand_over"),
    path("complaints/<int:pk>/", detail.complaint_detail, name="complaint_detail"),
    path("complaints/<int:pk>/step/", detail.complaint_step, name="complaint_step"),
    path("complaints/<int:pk>/skip/", detail.complaint_skip, name="complaint_skip"),
    path("complaints/<int:pk>/note/", detail.complaint_note, name="complaint_note"),
    path("complaints/<int:pk>/assign/", detail.complaint_assign, name="complaint_assign"),
    path("complaints/<int:pk>/escalate/", detail.complaint_escalate, name="complaint_escalate"),
    path("complaints/<int:pk>/close/", detail.complaint_close, name="complaint_close"),
    path("complaints/<int:pk>/reopen/", detail.complaint_reopen, name="complaint_reopen"),
    path("complaints/<int:pk>/edit/", detail.complaint_edit, name="complaint_edit"),
    path("complaints/<int:pk>/customer-emails/", detail.complaint_customer_emails, name="complaint_customer_emails"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/handlers.csv", dashboard.dashboard_handlers_csv, name="dashboard_handlers_csv"),
    path("dashboard/review/", dashboard.dashboard_review, name="dashboard_review"),
]
