from __future__ import annotations

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.db.backends.signals import connection_created


class ProjectConfig(AppConfig):
    """Registers the project-wide system checks (config/production.py) and the SQLite search function."""

    name = "config"
    verbose_name = "CareDesk configuration"

    def ready(self) -> None:
        from common.textsearch import register_sqlite_functions
        from config import production  # noqa: F401 - registers the deploy check

        # Every new SQLite connection (web, worker, beat, manage.py) gets `caredesk_fold` for searches.
        connection_created.connect(register_sqlite_functions, dispatch_uid="caredesk_sqlite_functions")


class CareDeskAdminConfig(AdminConfig):
    """django.contrib.admin with CareDesk's site (config/admin.py) as `admin.site`."""

    default_site = "config.admin.CareDeskAdminSite"
