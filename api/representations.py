"""A complaint as the API shows it, for code outside a request (the webhooks' payloads).

`complaint_representation` is the same dict the complaint list gives for one complaint
(`api.serializers.complaints.ComplaintSerializer`), so a webhook and the list never describe a
complaint differently. It reads only the complaint and its customer, category and owner: load it with
`select_related("customer", "category", "owner")` (as `recovery.selectors.complaints_visible_to`
does) and it makes no query.
"""

from __future__ import annotations

from typing import Any

from api.serializers.complaints import ComplaintSerializer
from recovery.models import Complaint


def complaint_representation(complaint: Complaint) -> dict[str, Any]:
    """Return the complaint's API representation (JSON-ready: times as ISO 8601 text, URLs absolute)."""
    return dict(ComplaintSerializer(complaint).data)
