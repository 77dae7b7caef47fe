"""The public complaint form at /complain/ (config/urls.py): no sign-in, linkable from the organisation's site."""

from __future__ import annotations

from django.urls import path

from intake.views import public

app_name = "complain"

urlpatterns = [
    path("", public.complain, name="form"),
    # The token is the complaint's status link (intake.status_links), so the page after the form can be reloaded.
    path("received/<str:token>/", public.received, name="received"),
]
