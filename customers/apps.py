from __future__ import annotations

from django.apps import AppConfig


class CustomersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "customers"
    verbose_name = "Customers"

    def ready(self) -> None:
        from common import navigation

        # "can_work" is the recovery roles' flag: whoever works complaints finds and adds customers.
        navigation.register_link(
            "Customers",
            url_name="customer_list",
            when="can_work",
            order=40,
            current_for=("customer_detail", "customer_edit", "customer_quick_create"),
        )
