"""Each pytest process gets a Redis broker DB and cache DB of its own (config/settings_test.py).

The reminder tests FLUSHDB their broker and run a real worker on it: two processes sharing a DB
would flush or consume each other's messages, and fail at random.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings_test import MAX_TEST_PROCESSES, REDIS_DATABASES, redis_urls

BASE_DIR = Path(__file__).resolve().parent.parent


def db_of(url: str) -> int:
    return int(url.rpartition("/")[2])


@pytest.mark.parametrize("base", range(REDIS_DATABASES))
def test_eight_processes_use_sixteen_different_dbs_on_the_brokers_server(base: int) -> None:
    urls = [redis_urls(f"redis://10.0.0.5:6385/{base}", f"gw{i}") for i in range(MAX_TEST_PROCESSES)]

    dbs = [db_of(url) for pair in urls for url in pair]
    assert sorted(dbs) == list(range(REDIS_DATABASES))
    assert all(url.startswith("redis://10.0.0.5:6385/") for pair in urls for url in pair)
    assert db_of(urls[0][0]) == base  # the first process keeps the DB it was given


def test_the_standard_layout() -> None:
    assert redis_urls("redis://127.0.0.1:6379/15", "gw0") == ("redis://127.0.0.1:6379/15", "redis://127.0.0.1:6379/7")
    assert redis_urls("redis://127.0.0.1:6379/15", "gw7") == ("redis://127.0.0.1:6379/8", "redis://127.0.0.1:6379/0")


def test_without_xdist_it_is_the_first_process() -> None:
    assert redis_urls("redis://127.0.0.1:6379/15", "") == redis_urls("redis://127.0.0.1:6379/15", "gw0")


def test_a_broker_that_is_not_redis_is_kept_and_each_process_still_has_its_own_cache() -> None:
    caches = {redis_urls("filesystem://", f"gw{i}")[1] for i in range(MAX_TEST_PROCESSES)}
    assert redis_urls("filesystem://", "gw0") == ("filesystem://", "redis://127.0.0.1:6379/7")
    assert len(caches) == MAX_TEST_PROCESSES


@pytest.mark.parametrize("worker", ["gw8", "gw9", "gw15", "gw16", "gw31"])
def test_a_ninth_process_is_refused_rather_than_share_a_db(worker: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=rf"{worker} would share a Redis DB .* -n 8 or fewer"):
        redis_urls("redis://127.0.0.1:6379/15", worker)


def test_the_test_settings_refuse_a_ninth_process_when_imported() -> None:
    env = {**os.environ, "PYTEST_XDIST_WORKER": "gw8", "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: pytest-xdist process gw8 would share a Redis DB" in result.stderr


def test_make_test_runs_at_most_eight_processes() -> None:
    result = subprocess.run(
        ["make", "-n", "test"],  # noqa: S607 - make from PATH, a dry run that prints the commands
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    [workers] = re.findall(r"-m pytest -n (\S+)", result.stdout)
    assert 1 <= int(workers) <= MAX_TEST_PROCESSES
