"""The Redis cache, kept optional: when Redis cannot be reached every page still works.

Nothing CareDesk keeps in the cache is the only copy of anything: the dashboard's figures are
recomputed from the database, and the survey and health-check rate-limit counters only slow down
abuse. So `FailSafeRedisCache` is Django's Redis backend with every operation answering as a
cache miss when Redis is down (a read finds nothing, a write stores nothing, `incr` finds no
counter), instead of raising into the view. Rate limits then follow django-ratelimit's
`RATELIMIT_FAIL_OPEN` (on: see config/settings.py for why).

One warning is logged per outage (per process), and one line when Redis answers again. After a
failure the cache is not tried for `RETRY_AFTER_SECONDS`, so an unreachable host (a connect that
hangs until its timeout) costs one request per process a delay, not every request.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Seconds after a failed operation during which the cache is not tried again (per process and server).
RETRY_AFTER_SECONDS = 5.0


def _clock() -> float:
    return time.monotonic()


class _Outages:
    """Which cache servers this process found unreachable, and until when not to try them again.

    Django keeps one cache object per thread, so the state lives here, shared by the process's threads.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._retry_at: dict[str, float] = {}

    def skipping(self, server: str) -> bool:
        with self._lock:
            retry_at = self._retry_at.get(server)
            return retry_at is not None and _clock() < retry_at

    def failed(self, server: str, operation: str, exc: Exception) -> None:
        with self._lock:
            first = server not in self._retry_at
            self._retry_at[server] = _clock() + RETRY_AFTER_SECONDS
        if first:
            logger.warning(
                "Cache unreachable (%s failed: %s); pages work without it until it is back.",
                operation,
                type(exc).__name__,
            )

    def succeeded(self, server: str) -> None:
        with self._lock:
            was_down = self._retry_at.pop(server, None) is not None
        if was_down:
            logger.warning("Cache reachable again.")

    def reset(self) -> None:
        with self._lock:
            self._retry_at.clear()


outages = _Outages()


class FailSafeRedisCache(RedisCache):
    """Django's Redis cache backend, answering as a cache miss while Redis cannot be reached."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._server_key = str(server)

    def _safely(self, operation: str, call: Callable[[], T], fallback: T) -> T:
        if outages.skipping(self._server_key):
            return fallback
        try:
            result = call()
        except (RedisError, OSError) as exc:
            outages.failed(self._server_key, operation, exc)
            return fallback
        outages.succeeded(self._server_key)
        return result

    def ping(self) -> None:
        """Round-trip to Redis now, raising when it does not answer (the health check; never skipped)."""
        # RedisCache's client (a cached property the type stubs do not declare).
        cast(Any, self)._cache.get_client(write=True).ping()

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._safely("add", lambda: super(FailSafeRedisCache, self).add(key, value, timeout, version), False)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._safely("get", lambda: super(FailSafeRedisCache, self).get(key, default, version), default)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._safely("set", lambda: super(FailSafeRedisCache, self).set(key, value, timeout, version), None)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._safely("touch", lambda: super(FailSafeRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._safely("delete", lambda: super(FailSafeRedisCache, self).delete(key, version), False)

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return self._safely("get_many", lambda: super(FailSafeRedisCache, self).get_many(keys, version), {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._safely("has_key", lambda: super(FailSafeRedisCache, self).has_key(key, version), False)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        # A missing counter raises ValueError, as in every Django backend (django-ratelimit expects it).
        result = self._safely("incr", lambda: super(FailSafeRedisCache, self).incr(key, delta, version), None)
        if result is None:
            raise ValueError(f"Key {key!r} not found (the cache is unreachable).")
        return result

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[Any]:
        return self._safely(
            "set_many", lambda: super(FailSafeRedisCache, self).set_many(data, timeout, version), list(data)
        )

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._safely("delete_many", lambda: super(FailSafeRedisCache, self).delete_many(keys, version), None)

    def clear(self) -> None:
        self._safely("clear", lambda: super(FailSafeRedisCache, self).clear(), None)


def cache_ping(alias: str = DEFAULT_CACHE_ALIAS) -> None:
    """Raise when the cache `alias` cannot be reached now; an in-process cache always can."""
    backend = caches[alias]
    if isinstance(backend, FailSafeRedisCache):
        backend.ping()
