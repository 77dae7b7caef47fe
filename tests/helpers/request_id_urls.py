"""The project's URLs plus two views for the request-id tests: one that fails, one that queues a task."""

from __future__ import annotations

import logging

from celery import shared_task
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler500
from config.urls import urlpatterns as project_urls

__all__ = ["handler500", "urlpatterns"]

logger = logging.getLogger("tests.request_id")


class Boom(Exception):
    """A fault with a message that must never reach the person who met it."""


@login_not_required
def boom(request: HttpRequest) -> HttpResponse:
    logger.warning("about to fail")
    raise Boom("Key (email)=(carla@example.org) already exists.")


@shared_task(name="tests.log_something", ignore_result=True)
def log_something() -> None:
    logger.warning("the task ran")


@login_not_required
def queue_a_task(request: HttpRequest) -> HttpResponse:
    log_something.delay()
    return HttpResponse("queued")


urlpatterns = [
    *project_urls,
    path("test/boom/", boom),
    path("test/queue-a-task/", queue_a_task),
]
