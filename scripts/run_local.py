"""Start the web server, a Celery worker and beat together for local use.

Ctrl-C (or SIGTERM to this process) stops all three. The worker embeds beat (-B), which is right for one
machine; production runs beat once, as its own process (see the README).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time


def _interrupt(signum: int, frame: object) -> None:
    # SIGTERM would otherwise end this process at once and leave the worker and beat running.
    raise KeyboardInterrupt


def main() -> int:
    signal.signal(signal.SIGTERM, _interrupt)
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    python = sys.executable
    worker = subprocess.Popen(
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
        ]
    )
    web = subprocess.Popen([python, "manage.py", "runserver", f"{host}:{port}"])
    print(f"\nCareDesk is starting on http://{host}:{port}/  (Ctrl-C stops it)\n", flush=True)
    processes = [web, worker]
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    return max((p.returncode or 0) for p in processes)


if __name__ == "__main__":
    raise SystemExit(main())
