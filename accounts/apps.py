from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """The staff roles every app shares, and signing in: two-step sign-in, the account pages, sessions."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts import roles, sign_in
        from common import navigation

        # After the password: which step the sign-in still needs, and the lockout's count cleared when none.
        user_logged_in.connect(sign_in.on_sign_in, dispatch_uid="caredesk_sign_in_step")

        # The roles are project-wide, so their flags and labels are registered here, for every app's links.
        navigation.register_flag("can_work", roles.can_work)
        navigation.register_flag("is_manager", roles.is_manager)
        navigation.register_role("Manager", when="is_manager", rank=10)
        navigation.register_role("Front line", when="can_work", rank=20)
