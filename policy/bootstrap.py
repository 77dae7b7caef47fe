"""The policy every installation starts with (version 1), for the data migration and for tests.

Transactional and `live_server` tests flush the database, the migration's version 1 included; they call
`ensure_first_version` again. Takes the app registry so the migration can pass its historical models.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from policy import first_version


def ensure_first_version(apps: Any) -> None:
    """Publish version 1 as CareDesk ships it, unless a version exists already."""
    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    if PolicyVersion.objects.exists():
        return
    PolicyVersion.objects.create(
        number=1,
        title=first_version.TITLE,
        body=first_version.BODY,
        change_summary=first_version.CHANGE_SUMMARY,
        empowerment_limit=first_version.EMPOWERMENT_LIMIT,
        published_by=None,
        published_at=timezone.now(),
    )
