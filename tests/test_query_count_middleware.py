"""The opt-in X-Query-Count / Server-Timing middleware that `make bench` reads."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import RequestFactory

from common.middleware import QueryCountMiddleware


def _view_with_queries(n: int):
    def view(request):
        for _ in range(n):
            get_user_model().objects.exists()
        return HttpResponse("ok")

    return view


@pytest.mark.django_db
@pytest.mark.parametrize("queries", [0, 3])
def test_counts_the_queries_of_the_request_and_times_it(queries):
    response = QueryCountMiddleware(_view_with_queries(queries))(RequestFactory().get("/"))

    assert response["X-Query-Count"] == str(queries)
    assert re.fullmatch(r"app;dur=\d+\.\d", response["Server-Timing"])


@pytest.mark.django_db
def test_counts_each_request_on_its_own():
    middleware = QueryCountMiddleware(_view_with_queries(2))
    middleware(RequestFactory().get("/"))

    assert middleware(RequestFactory().get("/"))["X-Query-Count"] == "2"


@pytest.mark.django_db
def test_stops_counting_after_the_response():
    from django.db import connection

    QueryCountMiddleware(_view_with_queries(1))(RequestFactory().get("/"))

    assert connection.execute_wrappers == []


def test_is_off_unless_asked_for(settings):
    assert "common.middleware.QueryCountMiddleware" not in settings.MIDDLEWARE
