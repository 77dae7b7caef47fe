"""Every page keeps working while the cache's Redis is down (common/cache.py).

The cache is a throwaway redis-server on a free loopback port, stopped and started by the test: a
real outage, not a mocked error. The dashboard is computed uncached with the right figures, the
rate limits fail open (RATELIMIT_FAIL_OPEN, the one rule for every limit), one warning is logged per
outage, and the cache is used again once Redis is back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from common import cache as fail_safe
from recovery import surveys
from recovery.dashboard import dashboard_compute
from recovery.models import Stage, Survey
from tests.factories import CustomerFactory, log_complaint
from tests.helpers.forms import log_data
from tests.helpers.redis_server import RedisServer
from tests.helpers.workflow import bring_to

pytestmark = pytest.mark.django_db

UNREACHABLE = "Cache unreachable"


@pytest.fixture
def cache_server(settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[RedisServer]:
    """Point the cache at a Redis of this test's own, which it may stop; every request tries it again."""
    server = RedisServer(tmp_path)
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "common.cache.FailSafeRedisCache",
            "LOCATION": server.url,
            "OPTIONS": settings.CACHE_OPTIONS,
        }
    }
    fail_safe.outages.reset()
    monkeypatch.setattr(fail_safe, "RETRY_AFTER_SECONDS", 0.0)
    yield server
    server.stop()
    fail_safe.outages.reset()


@pytest.fixture
def world(alice: Any, maria: Any) -> dict[str, Any]:
    """An open complaint, one closed by alice (for coaching), and a survey link for its customer."""
    open_one = log_complaint(user=alice)
    closed_one = bring_to(log_complaint(user=alice), alice, Stage.CLOSED)
    at_follow_up = bring_to(
        log_complaint(user=alice, customer=CustomerFactory.create(name="Dana Day", email="dana@example.org")),
        alice,
        Stage.FOLLOW_UP,
    )
    token = surveys.survey_token(surveys.survey_invite(complaint=at_follow_up))
    return {"open": open_one, "closed": closed_one, "follow_up": at_follow_up, "token": token}


def staff_pages(world: dict[str, Any], alice: Any) -> dict[str, list[str]]:
    """Every staff page a person in each role opens (GET), by persona."""
    c, closed_one = world["open"], world["closed"]
    slug = "five-step-recovery"
    both = [
        reverse("recovery:my_queue"),
        reverse("recovery:complaint_list"),
        reverse("recovery:complaint_log"),
        reverse("recovery:complaint_detail", args=[c.pk]),
        reverse("customers:customer_list"),
        reverse("customers:customer_detail", args=[c.customer_id]),
        reverse("customers:customer_edit", args=[c.customer_id]),
        reverse("customers:customer_list") + "?q=Dana",
        reverse("recovery:complaint_list") + "?q=Dana",
        reverse("policy:current"),
        reverse("policy:versions"),
        reverse("policy:version", args=[1]),
        reverse("training:my_training"),
        reverse("training:module_take", args=[slug]),
    ]
    managers = [
        reverse("recovery:dashboard"),
        reverse("recovery:dashboard") + "?period=365",
        reverse("recovery:dashboard_handlers_csv"),
        reverse("recovery:dashboard_review"),
        reverse("recovery:complaint_list_csv"),
        reverse("policy:publish"),
        reverse("policy:acknowledgements", args=[1]),
        reverse("training:module_list"),
        reverse("training:module_create"),
        reverse("training:module_edit", args=[slug]),
        reverse("training:module_assign", args=[slug]),
        reverse("training:matrix"),
        reverse("training:matrix_csv"),
        reverse("training:person_attempts", args=[alice.pk, slug]),
        reverse("training:coaching"),
        reverse("training:coaching_queue"),
        reverse("training:coaching_complaint", args=[closed_one.pk]),
        reverse("training:coaching_review_create", args=[closed_one.pk]),
    ]
    return {"alice": both, "maria": both + managers}


def walk(user: Any, urls: list[str]) -> dict[str, int]:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    statuses = {}
    for url in urls:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        statuses[url] = response.status_code
    return statuses


def answer_survey(token: str) -> tuple[int, int, int]:
    customer = Client(raise_request_exception=False)
    link = reverse("survey:survey", args=[token])
    shown = customer.get(link).status_code
    posted = customer.post(link, {"satisfaction": "4", "would_return": "yes"})
    thanks = customer.get(posted["Location"]).status_code if posted.status_code == 302 else 0
    return shown, posted.status_code, thanks


def test_every_page_works_for_every_role_while_the_cache_is_down(cache_server, world, alice, maria, caplog):
    pages = staff_pages(world, alice)
    # With the cache up, every page answers; the dashboard's figures are now cached.
    up = walk(maria, pages["maria"]) | walk(alice, pages["alice"])
    assert {url: status for url, status in up.items() if status != 200} == {}

    cache_server.stop()
    with caplog.at_level(logging.WARNING, logger="common.cache"):
        as_manager = walk(maria, pages["maria"])
        as_front_line = walk(alice, pages["alice"])
        shown, posted, thanks = answer_survey(world["token"])
        # Logging a complaint (a POST that queues emails) works too.
        logged = Client(raise_request_exception=False)
        logged.force_login(alice)
        response = logged.post(
            reverse("recovery:complaint_log"),
            log_data(world["open"].customer, alice, summary="Logged while the cache was down"),
        )

    assert {url: status for url, status in as_manager.items() if status != 200} == {}
    assert {url: status for url, status in as_front_line.items() if status != 200} == {}
    assert (shown, posted, thanks) == (200, 302, 200)
    assert Survey.objects.get(complaint=world["follow_up"]).satisfaction == 4
    assert response.status_code == 302, response.content.decode()[:2000]
    # One warning for the whole outage, however many requests met it.
    warnings = [r for r in caplog.records if r.name == "common.cache"]
    assert [r.getMessage().split(" (")[0] for r in warnings] == [UNREACHABLE]


def test_the_dashboard_is_computed_uncached_with_the_right_figures_and_cached_again_once_redis_is_back(
    cache_server, world, alice, maria, caplog
):
    client = Client()
    client.force_login(maria)
    url = reverse("recovery:dashboard")
    before = client.get(url).context["board"]
    assert before.values["received"] == 3

    cache_server.stop()
    log_complaint(user=alice)  # a figure the cached board does not have
    during = client.get(url).context["board"]

    assert during.values["received"] == 4
    assert during.values == dashboard_compute(during.filters, now=during.computed_at).values

    cache_server.start()  # an empty Redis, as after a restart
    with caplog.at_level(logging.WARNING, logger="common.cache"):
        after = client.get(url).context["board"]
        again = client.get(url).context["board"]
    assert after.values["received"] == 4
    assert again.computed_at == after.computed_at  # served from the cache
    assert "Cache reachable again." in [r.getMessage() for r in caplog.records]


def test_rate_limits_fail_open_while_the_cache_is_down_and_count_again_after(cache_server, world, settings):
    settings.SURVEY_RATE_LIMIT = "2/m"
    link = reverse("survey:survey", args=[world["token"]])
    customer = Client(raise_request_exception=False)
    assert [customer.get(link).status_code for _ in range(3)] == [200, 200, 429]

    cache_server.stop()
    assert [customer.get(link).status_code for _ in range(5)] == [200] * 5

    cache_server.start()
    assert [customer.get(link).status_code for _ in range(3)] == [200, 200, 429]


def test_failing_closed_would_refuse_every_survey_during_an_outage(cache_server, world, settings):
    """The alternative rule, shown so the choice in config/settings.py is a real one."""
    settings.RATELIMIT_FAIL_OPEN = False
    link = reverse("survey:survey", args=[world["token"]])
    cache_server.stop()
    assert Client(raise_request_exception=False).get(link).status_code == 429


def test_after_a_failure_the_cache_is_left_alone_for_a_few_seconds(cache_server, monkeypatch):
    monkeypatch.setattr(fail_safe, "RETRY_AFTER_SECONDS", 5.0)
    cache_server.stop()
    assert cache.get("k") is None  # fails: the next five seconds skip Redis
    cache_server.start()
    redis.Redis.from_url(cache_server.url).set(cache.make_and_validate_key("k"), cache._cache._serializer.dumps("v"))  # type: ignore[attr-defined]
    assert cache.get("k") is None  # Redis is back, but this process does not know yet

    later = fail_safe._clock() + 6
    monkeypatch.setattr(fail_safe, "_clock", lambda: later)
    assert cache.get("k") == "v"


def test_the_health_probe_is_never_skipped(cache_server):
    cache_server.stop()
    with pytest.raises(redis.ConnectionError):
        fail_safe.cache_ping()
    cache_server.start()
    fail_safe.cache_ping()


def test_an_in_process_cache_always_answers(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    fail_safe.cache_ping()
