"""The service policy's screens: read it, its versions, and (managers) publish and see who has read it."""

from __future__ import annotations

from django.urls import path

from policy import views

app_name = "policy"

urlpatterns = [
    path("", views.current, name="current"),
    path("versions/", views.version_list, name="versions"),
    path("publish/", views.publish, name="publish"),
    path("v<int:number>/", views.version, name="version"),
    path("v<int:number>/read/", views.acknowledge, name="acknowledge"),
    path("v<int:number>/readers/", views.acknowledgements, name="acknowledgements"),
]
