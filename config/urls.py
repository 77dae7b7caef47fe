"""Top-level URL configuration."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "CareDesk administration"
admin.site.site_title = "CareDesk"
admin.site.index_title = "Complaints, customers and recovery"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
]
