from __future__ import annotations

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.db.backends.signals import connection_created


class ProjectConfig(AppConfig):
    """Registers the project-wide system checks (config/production.py), the SQLite search function and the
    request id on log records."""

    name = "config"
    verbose_name = "CareDesk configuration"

    def ready(self) -> None:
        from django.core.signals import request_finished

        from common.request_id import install_log_record_factory, unbind_request
        from common.textsearch import register_sqlite_functions
        from config import production  # noqa: F401 - registers the deploy check

        # Every log record of the web app, worker and beat carries the current request id.
        install_log_record_factory()
        request_finished.connect(unbind_request, dispatch_uid="caredesk_unbind_request_id")

        # Every new SQLite connection (web, worker, beat, manage.py) gets `caredesk_fold` for searches.
        connection_created.connect(register_sqlite_functions, dispatch_uid="caredesk_sqlite_functions")


class CareDeskAdminConfig(AdminConfig):
    """django.contrib.admin with CareDesk's site (config/admin.py) as `admin.site`."""

    default_site = "config.admin.CareDeskAdminSite"
