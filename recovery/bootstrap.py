"""Starter data every CareDesk needs: the two roles, categories and policies.

Used by the data migration and, because `live_server`/`transaction=True` tests
flush the database, callable again from tests. Each function takes the app
registry so the migration can pass its historical models. All are idempotent.
"""

from __future__ import annotations

from typing import Any

FRONT_LINE = "Front line"
MANAGERS = "Managers"

# What the screens and services check. The admin is for administrators (superusers), so the roles
# hold no model permissions for it, except the managers' reference data: categories and policies.
_FRONT_LINE_PERMISSIONS = [
    ("recovery", "work_complaint"),
    ("customers", "add_customer"),
    ("customers", "change_customer"),
]
_MANAGER_PERMISSIONS = [
    *_FRONT_LINE_PERMISSIONS,
    ("recovery", "manage_complaints"),
    ("recovery", "view_category"),
    ("recovery", "add_category"),
    ("recovery", "change_category"),
    ("recovery", "view_recoverypolicy"),
    ("recovery", "change_recoverypolicy"),
]

STARTER_CATEGORIES = [
    ("Product quality", "Faulty, damaged or not as described."),
    ("Delivery", "Late, missing or wrong deliveries."),
    ("Billing", "Wrong charges, refunds not received, invoices."),
    ("Staff behaviour", "How someone treated the customer."),
    ("Service availability", "Outages, closures, long waits."),
    ("Communication", "Not kept informed, promises not kept, unclear information."),
    ("Website or app", "Online ordering, accounts, the app."),
    ("Internal process", "Colleagues serving colleagues: hand-overs, requests, tools."),
    ("Other", "Anything that fits nowhere else."),
]

# hours to apologize, reinstate, empathize; days to atone; days after atonement to follow up; grace hours
STARTER_POLICIES = {
    "critical": (1, 8, 12, 2, 3, 2),
    "high": (2, 24, 24, 3, 5, 4),
    "medium": (4, 48, 48, 5, 7, 12),
    "low": (8, 72, 72, 7, 7, 24),
}


def ensure_permissions(apps: Any) -> None:
    """Create the models' permissions now (Django otherwise adds them only after migrate)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # Historical app configs have no models module, and create_permissions skips
        # those; restore the original so the live registry is left as it was.
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = original


def ensure_roles(apps: Any) -> None:
    """Create the Front line and Managers groups, or set their permissions back to these.

    The two roles are defined here; an organisation that wants to grant more makes a group of its own.
    """
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in ((FRONT_LINE, _FRONT_LINE_PERMISSIONS), (MANAGERS, _MANAGER_PERMISSIONS)):
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in wanted
            if _model_exists(apps, app_label, codename)
        ]
        group.permissions.set(permissions)


def _model_exists(apps: Any, app_label: str, codename: str) -> bool:
    """Return False for a model permission whose model a migration has not created yet.

    An early migration runs this with the historical registry of its time; a later migration
    calls `ensure_roles` again once the model exists.
    """
    action, _, model_name = codename.partition("_")
    if action not in ("add", "change", "delete", "view"):
        return True
    try:
        apps.get_model(app_label, model_name)
    except LookupError:
        return False
    return True


def ensure_categories(apps: Any) -> None:
    """Create the starter categories that do not exist yet."""
    Category = apps.get_model("recovery", "Category")
    for name, description in STARTER_CATEGORIES:
        Category.objects.get_or_create(name=name, defaults={"description": description})


def ensure_policies(apps: Any) -> None:
    """Create a recovery policy for each severity that has none."""
    RecoveryPolicy = apps.get_model("recovery", "RecoveryPolicy")
    for severity, (apologize, reinstate, empathize, atone, follow_up, grace) in STARTER_POLICIES.items():
        RecoveryPolicy.objects.get_or_create(
            severity=severity,
            defaults={
                "hours_to_apologize": apologize,
                "hours_to_reinstate": reinstate,
                "hours_to_empathize": empathize,
                "days_to_atone": atone,
                "days_to_follow_up": follow_up,
                "escalation_grace_hours": grace,
            },
        )


def ensure_starter_data(apps: Any) -> None:
    """Create roles, categories and policies; safe to call any number of times."""
    ensure_roles(apps)
    ensure_categories(apps)
    ensure_policies(apps)
