from __future__ import annotations

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class ProjectConfig(AppConfig):
    """Registers the project-wide system checks (config/production.py)."""

    name = "config"
    verbose_name = "CareDesk configuration"

    def ready(self) -> None:
        from config import production  # noqa: F401 - registers the deploy check


class CareDeskAdminConfig(AdminConfig):
    """django.contrib.admin with CareDesk's site (config/admin.py) as `admin.site`."""

    default_site = "config.admin.CareDeskAdminSite"
