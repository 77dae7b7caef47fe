"""Secure by default in production, and what `manage.py check --deploy` says about a deployment.

Each test starts a fresh interpreter with only the environment it gives (tests/helpers/subprocesses.py),
the way an operator's service starts: settings are read once, at import.
"""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path

import pytest

from tests.helpers.subprocesses import ROOT, run_python

# The five variables production needs (README, "Running in production"). The hosts are never contacted:
# `check --deploy` reads settings, and the request probe below touches no database.
REQUIRED = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "caredesk.example.com",
    "DATABASE_URL": "postgres://caredesk:secret@db.internal:5432/caredesk",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "CACHE_URL": "redis://redis.internal:6379/1",
    "LOG_LEVEL": "WARNING",
}
# What an operator must add for emails to reach anyone and for their links to work.
MAIL_AND_LINKS = {
    "EMAIL_HOST": "smtp.example.com",
    "EMAIL_FROM_ADDRESS": "care@example.com",
    "SITE_URL": "https://caredesk.example.com",
}


def deploy_check(tmp_path: Path, **env: str) -> tuple[int, set[str], str]:
    """Run `check --deploy --fail-level WARNING`; return its exit code, the check ids it reported, its output."""
    result = run_python(tmp_path, "manage.py", "check", "--deploy", "--fail-level", "WARNING", **env)
    output = result.stdout + result.stderr
    return result.returncode, set(re.findall(r"\(([a-z_]+\.[EWC]\d+)\)", output)), output


def test_the_required_variables_alone_leave_only_the_mail_and_link_warnings(tmp_path):
    code, ids, output = deploy_check(tmp_path, **REQUIRED)
    # Everything Django checks (HTTPS redirect, HSTS with subdomains and preload, secure cookies) is on by
    # default; what remains is what only the operator can know: where mail goes, and the site's address.
    assert ids == {"caredesk.W002", "caredesk.W003", "caredesk.W005"}, output
    assert code == 1
    assert "EMAIL_HOST is not set" in output
    assert "SITE_URL is http://127.0.0.1:8000" in output


def test_the_required_variables_with_mail_and_links_pass_the_deploy_check(tmp_path):
    code, ids, output = deploy_check(tmp_path, **REQUIRED, **MAIL_AND_LINKS)
    assert (code, ids) == (0, set()), output
    assert "System check identified no issues" in output


def example_environment() -> dict[str, str]:
    """Read deploy/caredesk.env.example as systemd's EnvironmentFile does: VAR=value, quotes stripped."""
    found = {}
    for line in (ROOT / "deploy" / "caredesk.env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            found[name.strip()] = value.strip().strip("\"'")
    return found


def test_the_example_environment_file_passes_the_deploy_check(tmp_path):
    example = example_environment()
    assert set(REQUIRED) - {"LOG_LEVEL"} <= set(example)
    assert example["BEHIND_TLS_PROXY"] == "true"
    # Only the key is the operator's to make; everything else as the example says (var dir aside).
    env = {**example, "SECRET_KEY": REQUIRED["SECRET_KEY"], "CAREDESK_VAR_DIR": str(tmp_path), "LOG_LEVEL": "WARNING"}
    code, ids, output = deploy_check(tmp_path, **env)
    assert (code, ids) == (0, set()), output


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"CELERY_BROKER_URL": "filesystem://"}, "caredesk.W004"),
        ({"SITE_URL": "http://caredesk.example.com"}, "caredesk.W006"),
        ({"SITE_URL": "https://caredesk.example.org"}, "caredesk.W007"),
        ({"SECURE_HSTS_PRELOAD": "false"}, "security.W021"),
        ({"SECURE_HSTS_INCLUDE_SUBDOMAINS": "false"}, "security.W005"),
        ({"SECURE_SSL_REDIRECT": "false"}, "security.W008"),
        ({"SECURE_COOKIES": "false"}, "security.W012 security.W016"),
    ],
)
def test_each_unsafe_or_unreachable_choice_is_reported(tmp_path, env, expected):
    code, ids, output = deploy_check(tmp_path, **{**REQUIRED, **MAIL_AND_LINKS, **env})
    assert code == 1
    assert ids == set(expected.split()), output


def test_plain_http_on_loopback_warns_of_each_thing_turned_off(tmp_path):
    # The trial of the README: the same settings, TLS off, links to the loopback address.
    trial = {"SECURE_SSL_REDIRECT": "false", "SECURE_COOKIES": "false", "SITE_URL": "http://127.0.0.1:8000"}
    code, ids, output = deploy_check(tmp_path, **{**REQUIRED, **MAIL_AND_LINKS, **trial})
    assert code == 1
    assert ids == {"security.W008", "security.W012", "security.W016", "caredesk.W005"}, output


# A request through the real middleware, in a fresh interpreter with the given environment.
REQUEST_PROBE = """
import json, sys
import django
django.setup()
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
headers = json.loads(sys.argv[1])
secure = sys.argv[2] == "https"
host = "caredesk.example.com"
response = Client().get(resolve_url(settings.LOGIN_URL), secure=secure, headers=headers, HTTP_HOST=host)
print(json.dumps({
    "status": response.status_code,
    "location": response.get("Location", ""),
    "hsts": response.get("Strict-Transport-Security", ""),
    "cookies": {name: bool(morsel["secure"]) for name, morsel in response.cookies.items()},
}))
"""


@pytest.fixture(scope="module")
def static_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The static files collected once, as an operator does: production pages name them by their manifest."""
    root = tmp_path_factory.mktemp("static")
    result = run_python(root, "manage.py", "collectstatic", "--noinput", "-v", "0", STATIC_ROOT=str(root))
    assert result.returncode == 0, result.stderr
    return root


def request(
    tmp_path: Path, static_root: Path, scheme: str, env: dict[str, str], headers: dict[str, str] | None = None
) -> dict[str, object]:
    """GET the sign-in page over `scheme` with `env` set; return the status and the security headers and cookies."""
    environ = {**env, "STATIC_ROOT": str(static_root)}
    result = run_python(tmp_path, "-c", REQUEST_PROBE, json.dumps(headers or {}), scheme, **environ)
    assert result.returncode == 0, result.stderr
    loaded: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def test_with_the_required_variables_plain_http_is_redirected_to_https(tmp_path, static_root):
    answer = request(tmp_path, static_root, "http", REQUIRED)
    assert answer["status"] == 301
    assert answer["location"] == "https://caredesk.example.com/login/"
    assert answer["hsts"] == ""  # never over plain HTTP: a browser would ignore it, and a trial pins nothing


def test_with_the_required_variables_https_gets_hsts_and_secure_cookies(tmp_path, static_root):
    answer = request(tmp_path, static_root, "https", REQUIRED)
    assert answer["status"] == 200
    assert answer["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert answer["cookies"] == {"csrftoken": True}


def test_behind_a_tls_proxy_its_forwarded_proto_counts_as_https(tmp_path, static_root):
    proxied = {**REQUIRED, "BEHIND_TLS_PROXY": "true"}
    answer = request(tmp_path, static_root, "http", proxied, {"X-Forwarded-Proto": "https"})
    assert answer["status"] == 200
    assert answer["hsts"] == "max-age=31536000; includeSubDomains; preload"
    # Without the header (someone reaching gunicorn around the proxy) it is plain HTTP, and redirected.
    assert request(tmp_path, static_root, "http", proxied)["status"] == 301


def test_without_behind_tls_proxy_a_forwarded_proto_header_is_not_believed(tmp_path, static_root):
    answer = request(tmp_path, static_root, "http", REQUIRED, {"X-Forwarded-Proto": "https"})
    assert answer["status"] == 301


def test_a_plain_http_trial_serves_pages_and_cookies_over_http(tmp_path, static_root):
    trial = {**REQUIRED, "SECURE_SSL_REDIRECT": "false", "SECURE_COOKIES": "false"}
    answer = request(tmp_path, static_root, "http", trial)
    assert answer["status"] == 200
    assert answer["cookies"] == {"csrftoken": False}
