"""Full addresses for links that leave the site (emails today, webhooks later): one place, one setting.

A page's own links are relative; an email is read elsewhere, so its links start with the address
people open CareDesk at (setting SITE_URL). Always reverse a URL name, so a changed route changes
every link that points to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse


def absolute_url(name: str, *args: Any, query: Mapping[str, str] | None = None, **kwargs: Any) -> str:
    """Return the full address of the URL named `name` (reversed with `args`/`kwargs`), with `query` if any.

    E.g. `absolute_url("recovery:complaint_detail", 42)` → "https://care.example.org/complaints/42/".
    """
    path = reverse(name, args=args or None, kwargs=kwargs or None)
    url = str(settings.SITE_URL).rstrip("/") + path
    return f"{url}?{urlencode(query)}" if query else url
