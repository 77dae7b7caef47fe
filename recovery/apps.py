from __future__ import annotations

from typing import ClassVar

from django.apps import AppConfig

from accounts.roles import FRONT_LINE, MANAGERS

_WORK = ("work_complaint",)


class RecoveryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "recovery"
    verbose_name = "Recovery"

    # What each role may do here (accounts.bootstrap sets the groups to these). The admin is for
    # administrators (superusers), so the roles hold no model permissions for it, except the
    # managers' reference data: categories and policies.
    role_permissions: ClassVar[dict[str, tuple[str, ...]]] = {
        FRONT_LINE: _WORK,
        MANAGERS: (
            *_WORK,
            "manage_complaints",
            "view_category",
            "add_category",
            "change_category",
            "view_recoverypolicy",
            "change_recoverypolicy",
        ),
    }
