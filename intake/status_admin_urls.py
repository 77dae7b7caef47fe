"""Managers' page for a customer's status link, mounted at /inbox/status-links/ (config/urls.py)."""

from __future__ import annotations

from django.urls import path

from intake.views import status_admin

app_name = "status_admin"

urlpatterns = [
    path("<int:pk>/revoke/", status_admin.revoke, name="revoke"),
]
