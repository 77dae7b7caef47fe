from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """The staff roles every app shares: the Front line and Managers groups and the checks on them."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Accounts"
