from __future__ import annotations

from typing import ClassVar

from django.apps import AppConfig

from accounts.roles import FRONT_LINE, MANAGERS

# What the customer screens and services check: both roles add customers and correct their details.
_CUSTOMER_WORK = ("add_customer", "change_customer")


class CustomersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "customers"
    verbose_name = "Customers"

    # What each role may do here (accounts.bootstrap sets the groups to these).
    role_permissions: ClassVar[dict[str, tuple[str, ...]]] = {FRONT_LINE: _CUSTOMER_WORK, MANAGERS: _CUSTOMER_WORK}

    def ready(self) -> None:
        from common import navigation

        # "can_work" is the staff roles' flag (accounts): whoever works complaints finds and adds customers.
        navigation.register_link(
            "Customers",
            view_name="customers:customer_list",
            when="can_work",
            order=40,
            current_for=(
                "customers:customer_detail",
                "customers:customer_edit",
                "customers:customer_quick_create",
                "customers:customer_erase",
            ),
        )
