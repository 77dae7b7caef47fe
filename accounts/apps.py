from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """The staff roles every app shares: the Front line and Managers groups and the checks on them."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from accounts import roles
        from common import navigation

        # The roles are project-wide, so their flags and labels are registered here, for every app's links.
        navigation.register_flag("can_work", roles.can_work)
        navigation.register_flag("is_manager", roles.is_manager)
        navigation.register_role("Manager", when="is_manager", rank=10)
        navigation.register_role("Front line", when="can_work", rank=20)
