"""What CareDesk writes to its log."""

from __future__ import annotations

import logging
import re

import pytest
from django.conf import settings
from django.urls import reverse

from common.request_id import RequestIdFormatter

# The format of every line CareDesk logs (config/settings.py).
PLAIN = settings.LOGGING["formatters"]["plain"]["format"]  # type: ignore[index]


@pytest.mark.parametrize(("persona", "url_name"), [("alice", "recovery:dashboard"), ("olivia", "recovery:my_queue")])
def test_a_refused_request_is_one_log_line_without_a_traceback(
    client, starter_data, caplog, request, persona, url_name
):
    client.force_login(request.getfixturevalue(persona))
    url = reverse(url_name)
    with caplog.at_level(logging.WARNING):
        response = client.get(url)
    assert response.status_code == 403
    records = [record for record in caplog.records if record.name == "django.request"]
    assert len(records) == 1
    line = RequestIdFormatter(PLAIN).format(records[0])
    assert re.search(rf"WARNING \[[0-9a-f]{{32}}\] django.request Forbidden \(Permission denied\): {url}$", line)
    assert "Traceback" not in line
    assert "\n" not in line


def test_other_request_errors_keep_their_traceback(caplog):
    try:
        raise ValueError("a real fault")
    except ValueError:
        with caplog.at_level(logging.ERROR):
            logging.getLogger("django.request").error("Internal Server Error: /x/", exc_info=True)
    (record,) = caplog.records
    assert "ValueError: a real fault" in logging.Formatter().format(record)
