"""The `money` filter, a template builtin (settings.TEMPLATES), so every template and email can use it.

`{{ action.atonement_value|money }}` → "£75.50" in the installation's currency (common.money).
"""

from __future__ import annotations

from decimal import Decimal

from django import template

from common.money import format_money

register = template.Library()


@register.filter
def money(amount: Decimal | float | int | None) -> str:
    """Return the amount with the currency's symbol and thousands separators ("" for none)."""
    return format_money(amount)
