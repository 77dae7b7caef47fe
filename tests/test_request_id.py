"""One access line per request, a request id on every line of the request and of the tasks it
queued (run by the real worker), and on the 500 page, which shows nothing else."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from common.request_id import RequestIdFormatter
from recovery import surveys
from recovery.models import Stage
from tests.celery_services import wait_until
from tests.factories import log_complaint
from tests.helpers import request_id_urls
from tests.helpers.workflow import bring_to

PLAIN = settings.LOGGING["formatters"]["plain"]["format"]  # type: ignore[index]
ID = r"[0-9a-f]{32}"


def line(record: logging.LogRecord) -> str:
    """The record as the console handler writes it."""
    return RequestIdFormatter(PLAIN).format(record)


def access_lines(caplog: Any) -> list[str]:
    return [line(r) for r in caplog.records if r.name == "caredesk.access"]


@pytest.mark.django_db
def test_each_request_is_one_access_line_with_its_id_also_in_the_answer(client, alice, caplog):
    client.force_login(alice)
    with caplog.at_level(logging.INFO, logger="caredesk.access"):
        response = client.get(reverse("recovery:my_queue"), {"q": "Carla Customer"})

    request_id = response["X-Request-ID"]
    assert re.fullmatch(ID, request_id)
    [access] = access_lines(caplog)
    assert re.fullmatch(
        rf"\S+ \S+ INFO \[{request_id}\] caredesk.access GET /queue/ 200 \d+ms user={alice.pk}", access
    ), access
    assert "Carla" not in access  # no query string: searches hold customers' names


@pytest.mark.django_db
def test_two_requests_get_two_ids_and_signed_out_ones_no_user(client, alice, caplog):
    with caplog.at_level(logging.INFO, logger="caredesk.access"):
        first = client.get(reverse("login"))
        second = client.get(reverse("login"))
    assert first["X-Request-ID"] != second["X-Request-ID"]
    lines = access_lines(caplog)
    assert len(lines) == 2
    for response, access in zip((first, second), lines, strict=True):
        expected = rf"\S+ \S+ INFO \[{response['X-Request-ID']}\] caredesk.access GET /login/ 200 \d+ms user=-"
        assert re.fullmatch(expected, access), access


@pytest.mark.django_db
def test_the_survey_token_stays_out_of_the_log(client, alice, caplog):
    c = bring_to(log_complaint(user=alice), alice, Stage.FOLLOW_UP)
    token = surveys.survey_token(surveys.survey_invite(complaint=c))
    with caplog.at_level(logging.INFO, logger="caredesk.access"):
        assert client.get(reverse("survey:survey", args=[token])).status_code == 200
    [access] = access_lines(caplog)
    assert token not in access
    assert " GET /survey/<token>/ 200 " in access


@pytest.mark.django_db
def test_other_lines_of_the_request_carry_its_id(client, alice, caplog):
    client.force_login(alice)
    with caplog.at_level(logging.INFO):
        response = client.get(reverse("recovery:dashboard"))  # refused: a warning from django.request
    assert response.status_code == 403
    [refusal] = [line(r) for r in caplog.records if r.name == "django.request"]
    assert f"WARNING [{response['X-Request-ID']}] django.request Forbidden" in refusal


@pytest.mark.django_db
def test_djangos_line_for_a_4xx_answer_and_a_streamed_download_carry_the_id_and_then_it_is_forgotten(
    client, alice, maria, caplog
):
    client.force_login(alice)
    with caplog.at_level(logging.INFO):
        # A view answering 400 itself: Django logs "Bad Request" after the middleware has returned.
        refused = client.post(reverse("training:module_take", args=["five-step-recovery"]), {})
    assert refused.status_code == 400
    [bad] = [line(r) for r in caplog.records if r.name == "django.request"]
    assert f"WARNING [{refused['X-Request-ID']}] django.request Bad Request" in bad

    client.force_login(maria)
    caplog.clear()
    download = client.get(reverse("recovery:complaint_list_csv"))
    logging.getLogger("caredesk.test").warning("while streaming")  # a line written as the file is sent
    b"".join(download.streaming_content)
    streaming = [line(r) for r in caplog.records if r.name == "caredesk.test"]
    assert f"[{download['X-Request-ID']}] caredesk.test while streaming" in streaming[0]
    download.close()  # the server closes the response: the id is forgotten
    logging.getLogger("caredesk.test").warning("after the request")
    assert "[-] caredesk.test after the request" in line(caplog.records[-1])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("proxies", "sent", "kept"),
    [
        (0, "abcdef0123456789", False),  # no trusted proxy: anyone could send one
        (1, "abcdef0123456789", True),  # the proxy's id, so its log and ours meet
        (1, "abc\r\nFAKE LINE", False),  # never written into the log as sent
        (1, "x" * 200, False),
    ],
)
def test_an_id_from_a_trusted_proxy_is_kept_when_it_looks_like_one(settings, proxies, sent, kept):
    settings.TRUSTED_PROXY_COUNT = proxies
    response = Client().get(reverse("login"), HTTP_X_REQUEST_ID=sent)
    assert (response["X-Request-ID"] == sent) is kept
    if not kept:
        assert re.fullmatch(ID, response["X-Request-ID"])


@pytest.mark.django_db
@pytest.mark.urls("tests.helpers.request_id_urls")
def test_the_500_page_shows_the_request_id_and_nothing_else(caplog):
    with caplog.at_level(logging.INFO):
        response = Client(raise_request_exception=False).get("/test/boom/")

    request_id = response["X-Request-ID"]
    page = response.content.decode()
    assert response.status_code == 500
    assert f"<code>{request_id}</code>" in page
    for leak in ("carla@example.org", "already exists", "Boom", "Traceback", "/test/boom/"):
        assert leak not in page
    # The error's lines, with its traceback, carry the same id; so does the access line.
    lines = {r.name: line(r) for r in caplog.records}
    assert f"[{request_id}] tests.request_id about to fail" in lines["tests.request_id"]
    assert f"ERROR [{request_id}] django.request Internal Server Error: /test/boom/" in lines["django.request"]
    assert "Boom: Key (email)=(carla@example.org) already exists." in lines["django.request"]  # the server's log
    assert f"[{request_id}] caredesk.access GET /test/boom/ 500 " in lines["caredesk.access"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.urls("tests.helpers.request_id_urls")
def test_a_task_queued_by_a_request_logs_the_request_s_id_on_the_real_worker(worker, caplog):
    assert request_id_urls.log_something.name == "tests.log_something"
    with caplog.at_level(logging.INFO):
        response = Client().get("/test/queue-a-task/")
        wait_until(lambda: any(r.name == "tests.request_id" for r in caplog.records))

    [task_line] = [line(r) for r in caplog.records if r.name == "tests.request_id"]
    assert f"WARNING [{response['X-Request-ID']}] tests.request_id the task ran" in task_line
    # The line is the worker's: written on its thread, not the request's.
    [record] = [r for r in caplog.records if r.name == "tests.request_id"]
    assert record.threadName != "MainThread"
