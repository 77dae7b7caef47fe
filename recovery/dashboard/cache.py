"""The computed dashboard, cached per set of filters for DASHBOARD_CACHE_SECONDS (never more than five
minutes), and the beat task's warming of the default view."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.utils import timezone

from recovery.dashboard.compute import dashboard_compute
from recovery.dashboard.figures import Dashboard
from recovery.dashboard.filters import DashboardFilters, default_filters

logger = logging.getLogger(__name__)

# Figures older than this are never shown, whatever DASHBOARD_CACHE_SECONDS says.
MAX_AGE = timedelta(minutes=5)
# Raised whenever Dashboard's fields change, so no process reads a board pickled with other fields.
CACHE_VERSION = 3


def cache_key(filters: DashboardFilters) -> str:
    parts = (filters.start, filters.end, filters.group, filters.severity, filters.category_id, filters.handler_id)
    return f"dashboard:v{CACHE_VERSION}:" + ":".join("" if p is None else str(p) for p in parts)


def cache_seconds() -> int:
    return min(int(settings.DASHBOARD_CACHE_SECONDS), int(MAX_AGE.total_seconds()))


def cache_is_shared() -> bool:
    """Return True when the cache is one every process reads (Redis via CACHE_URL), not each process's own."""
    return not isinstance(caches[DEFAULT_CACHE_ALIAS], (LocMemCache, DummyCache))


def dashboard_refresh(filters: DashboardFilters | None = None, *, now: datetime | None = None) -> Dashboard | None:
    """Compute the figures for `filters` (default: the default view) now and cache them.

    Beat runs this for the default view a little more often than the cache expires, so a manager
    opening the dashboard gets figures at most DASHBOARD_CACHE_SECONDS old without waiting for them.
    Only a shared cache is warmed: without CACHE_URL the worker's cache is its own memory, which no
    web process reads, so computing the figures there would only load the database.
    """
    now = now or timezone.now()
    seconds = cache_seconds()
    if seconds <= 0:
        return None
    if not cache_is_shared():
        logger.info("Dashboard not warmed: the cache is this process's own memory; set CACHE_URL to share one.")
        return None
    filters = filters or default_filters(now)
    board = dashboard_compute(filters, now=now)
    cache.set(cache_key(filters), board, timeout=seconds)
    return board


def dashboard_for(filters: DashboardFilters, *, now: datetime | None = None) -> Dashboard:
    """Return the figures for `filters`, from the cache when they are recent enough, else fresh ones."""
    now = now or timezone.now()
    seconds = cache_seconds()
    if seconds <= 0:
        return dashboard_compute(filters, now=now, wait=False)
    key = cache_key(filters)
    cached = cache.get(key)
    # The age is checked here too: the cache's own expiry runs on the cache server's clock.
    if isinstance(cached, Dashboard) and timedelta(0) <= now - cached.computed_at < timedelta(seconds=seconds):
        return cached
    board = dashboard_compute(filters, now=now, wait=False)
    cache.set(key, board, timeout=seconds)
    return board
