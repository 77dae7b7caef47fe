"""The managers' webhook pages: endpoints, their delivery log, sending again."""

from __future__ import annotations

from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoint_list, name="endpoint_list"),
    path("new/", views.endpoint_create, name="endpoint_create"),
    path("<int:pk>/", views.endpoint_detail, name="endpoint_detail"),
    path("<int:pk>/edit/", views.endpoint_edit, name="endpoint_edit"),
    path("<int:pk>/new-secret/", views.endpoint_new_secret, name="endpoint_new_secret"),
    path("<int:pk>/test/", views.endpoint_send_test, name="endpoint_send_test"),
    path("deliveries/<int:pk>/send-again/", views.delivery_send_again, name="delivery_send_again"),
]
