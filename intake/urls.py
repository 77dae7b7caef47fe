"""Staff pages of intake: the inbox of complaints nobody has taken, and taking one."""

from __future__ import annotations

from django.urls import path

from intake.views import inbox

app_name = "intake"

urlpatterns = [
    path("", inbox.inbox, name="inbox"),
    path("<int:pk>/take/", inbox.take, name="take"),
]
