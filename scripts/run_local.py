"""Start the web server, a Celery worker and beat together for local use.

Ctrl-C (or SIGTERM or SIGHUP to this process) stops all three at once and exits with status 0. The
worker embeds beat (-B), which is right for one machine; production runs beat once, as its own process
(see the README).

Links in emails start with SITE_URL; unless it is set, it is where this serves (HOST and PORT).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from types import FrameType

# Hosts that mean "every interface"; this machine reaches the server on loopback.
EVERY_INTERFACE = {"0.0.0.0", "::", ""}  # noqa: S104 - recognised, not bound
# How long the web server may take to stop on SIGTERM before it is killed.
WEB_STOP_SECONDS = 5


def site_url(environ: Mapping[str, str]) -> str:
    """Return SITE_URL if set, else the address the local server is reached at (HOST and PORT)."""
    if environ.get("SITE_URL"):
        return environ["SITE_URL"]
    host = environ.get("HOST", "127.0.0.1")
    return f"http://{'127.0.0.1' if host in EVERY_INTERFACE else host}:{environ.get('PORT', '8000')}"


class StopRequest:
    """A signal handler that only notes the request; the main loop then stops everything in order."""

    signum: int | None = None

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.signum = signum


def start(command: list[str], environ: Mapping[str, str]) -> subprocess.Popen[bytes]:
    # A process group of its own: Ctrl-C in the terminal reaches only this script, which then stops
    # each group whole (the worker's pool and beat processes, the web server's reloader child).
    return subprocess.Popen(command, env=environ, stdin=subprocess.DEVNULL, process_group=0)


def signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # the whole group has ended already
        os.killpg(process.pid, signum)


def stop(*, web: subprocess.Popen[bytes], worker: subprocess.Popen[bytes]) -> None:
    """Stop the worker (with its pool and beat) and the web server at once, leaving no process behind."""
    # Celery's warm shutdown waits for its next broker poll and its pool, several seconds. Nothing is
    # lost by killing it: reminders are rows, and a claimed one is claimed again when its lease runs out.
    signal_group(worker, signal.SIGKILL)
    signal_group(web, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        web.wait(timeout=WEB_STOP_SECONDS)
    signal_group(web, signal.SIGKILL)
    web.wait()
    worker.wait()


def main() -> int:
    request = StopRequest()
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, request)
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    environ = {**os.environ, "SITE_URL": site_url(os.environ)}
    # The demo's webhook endpoint is a receiver on this machine (scripts/webhook_receiver.py), an address
    # refused elsewhere (server-side request forgery): allowed for this local run only, unless set.
    environ.setdefault("WEBHOOK_ALLOW_PRIVATE", "true")
    python = sys.executable
    worker = start(
        [
            python,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-B",
            "--loglevel=INFO",
            "--concurrency=2",
            "--without-gossip",
            "--without-mingle",
        ],
        environ,
    )
    web = start([python, "manage.py", "runserver", f"{host}:{port}"], environ)
    print(f"\nCareDesk is starting on http://{host}:{port}/  (Ctrl-C stops it)\n", flush=True)
    processes = {"web server": web, "worker": worker}
    ended: list[str] = []
    while request.signum is None and not ended:
        time.sleep(0.2)
        ended = [name for name, process in processes.items() if process.poll() is not None]
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)
    stop(web=web, worker=worker)
    if request.signum is not None:
        print("\nCareDesk stopped.", flush=True)
        return 0
    status = processes[ended[0]].returncode
    print(f"\nThe {ended[0]} stopped (exit status {status}), so CareDesk stopped.", file=sys.stderr, flush=True)
    return status if status > 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
