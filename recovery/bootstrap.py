"""Starter data every CareDesk needs: the two roles (`accounts.bootstrap`), categories and policies.

Used by the data migration and, because `live_server`/`transaction=True` tests
flush the database, callable again from tests. Each function takes the app
registry so the migration can pass its historical models. All are idempotent.
"""

from __future__ import annotations

from typing import Any

from accounts.bootstrap import ensure_roles

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
