from __future__ import annotations

from typing import ClassVar

from django.apps import AppConfig

from accounts.roles import MANAGERS


class PolicyConfig(AppConfig):
    """The customer-service policy: its versions, who has read each, and the empowerment limit.

    It sits below the apps that read it: recovery (the empowerment limit in the workflow) and training
    both import `policy`; `policy` imports only `common` and `accounts`.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "policy"
    verbose_name = "Service policy"

    # What each role may do here (accounts.bootstrap sets the groups to these): managers publish.
    role_permissions: ClassVar[dict[str, tuple[str, ...]]] = {MANAGERS: ("publish_policy",)}

    def ready(self) -> None:
        from common import navigation

        # Everyone who works with customers reads the policy; one click away on every page.
        navigation.register_link(
            "Policy",
            view_name="policy:current",
            when="can_work",
            order=70,
            current_for=("policy:version", "policy:versions", "policy:publish", "policy:acknowledgements"),
        )
