"""Running Python in a fresh interpreter, from the project root, with only the environment a test gives it."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

from config.celery import app

ROOT = Path(__file__).resolve().parent.parent.parent
CELERY = str(Path(sys.executable).with_name("celery"))

PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], 'db': str(s.DATABASES['default']['NAME']), "
    "'broker': s.CELERY_BROKER_URL, 'email': s.EMAIL_BACKEND, 'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS}))"
)


def run_python(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `python *args` from the project root in a fresh interpreter with only `env` set."""
    environ = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings", "CAREDESK_VAR_DIR": str(tmp_path)}
    environ.update(env)
    return subprocess.run(  # noqa: S603 - fixed interpreter and arguments
        [sys.executable, *args], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60, check=False
    )


def load_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Import config.settings in a fresh interpreter with only `env` set."""
    return run_python(tmp_path, "-c", PROBE, **env)


def start_worker(name: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start a `celery worker` process (solo pool, no gossip) called `name` with only `env`, writing to `log`."""
    return subprocess.Popen(  # noqa: S603 - our own celery, fixed arguments
        [
            CELERY,
            *("-A", "config", "worker", "--pool=solo", f"--hostname={name}@%h", "--loglevel=WARNING"),
            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def database_url(name: str) -> str:
    """The test database server's address for database `name`."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def operator_environment(database: str, **extra: str) -> dict[str, str]:
    """What a production process sees: DEBUG off, real secrets, this database, this test's broker and cache."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_XDIST_WORKER", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="caredesk.example.com",
        DATABASE_URL=database_url(database),
        CELERY_BROKER_URL=app.conf.broker_url,
        CACHE_URL=str(settings.CACHES["default"]["LOCATION"]),
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env
