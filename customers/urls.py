"""Customer screens, and the customer search/quick-add the log form uses."""

from __future__ import annotations

from django.urls import path

from customers import views
from customers.personal_data import views as personal_data

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="customer_list"),
    path("search/", views.customer_search, name="customer_search"),
    path("new/", views.customer_quick_create, name="customer_quick_create"),
    path("<int:pk>/", views.customer_detail, name="customer_detail"),
    path("<int:pk>/edit/", views.customer_edit, name="customer_edit"),
    path("<int:pk>/personal-data.json", personal_data.customer_export_view, name="customer_export"),
    path("<int:pk>/erase/", personal_data.customer_erase_view, name="customer_erase"),
]
