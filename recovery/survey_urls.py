"""The public survey pages (no sign-in)."""

from __future__ import annotations

from django.urls import path

from recovery.views import survey

app_name = "survey"

urlpatterns = [
    path("thanks/", survey.survey_thanks, name="survey_thanks"),
    path("<str:token>/", survey.survey, name="survey"),
]
