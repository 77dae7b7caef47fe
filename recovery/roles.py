"""Old import path for the complaint rules and the roles, kept only for modules not yet switched.

The rules live in `recovery.permissions` (who may see or do what with a complaint) and
`accounts.roles` (the two roles); `owners_to_filter_by` is in `recovery.selectors`. Remove this
module once `recovery/filters.py`, `recovery/reminders.py` and `recovery/digest.py` import from
those instead (they are being reorganised at the same time).
"""

from __future__ import annotations

from accounts.roles import can_work, handlers, is_manager, managers
from recovery.permissions import can_handle, can_view
from recovery.selectors import owners_to_filter_by

__all__ = ["can_handle", "can_view", "can_work", "handlers", "is_manager", "managers", "owners_to_filter_by"]
