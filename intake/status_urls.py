"""The customer's status page, mounted at /status/ (config/urls.py): reached with the signed link only."""

from __future__ import annotations

from django.urls import path

from intake.views import status

app_name = "status"

urlpatterns = [
    path("<str:token>/", status.status, name="status"),
]
