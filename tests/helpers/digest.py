"""The digest's day: local wall-clock times around one Tuesday, and the morning the digest is about."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings

LOCAL = ZoneInfo(django_settings.TIME_ZONE)


DAY = date(2026, 11, 24)  # a Tuesday


def local(days: int, hour: int, minute: int = 0) -> datetime:
    """Local wall-clock time `days` from DAY (negative: before)."""
    return datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=LOCAL) + timedelta(days=days)


T0 = local(0, 8)  # the morning the digest is about, after the default DIGEST_HOUR (7)
