"""Who may do what with the service policy.

Everyone who works with customers reads it and says they have (`accounts.roles.can_work`); managers
publish new versions and see who has read each (`can_publish`, the permission the Managers role gets
from `PolicyConfig.role_permissions`).
"""

from __future__ import annotations

from typing import Any

PUBLISH_PERMISSION = "policy.publish_policy"


def can_publish(user: Any) -> bool:
    """Return True when the user may publish a new version and see who has read each one."""
    return bool(user is not None and user.is_active and user.has_perm(PUBLISH_PERMISSION))
