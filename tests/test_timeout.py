"""A test that hangs fails on its own (pytest-timeout, pytest.ini) and the run goes on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

HANGS = """
import threading


def test_waits_for_a_partner_who_never_comes():
    threading.Barrier(2).wait()


def test_runs_after_it():
    assert True
"""


def test_every_test_has_a_time_limit(request: pytest.FixtureRequest) -> None:
    assert request.config.pluginmanager.hasplugin("timeout")
    assert float(request.config.getini("timeout")) >= 60


def test_a_hung_barrier_fails_its_test_and_the_next_one_runs(tmp_path: Path) -> None:
    (tmp_path / "test_hangs.py").write_text(HANGS)
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "pytest", "-p", "no:xdist", "-q", "-o", "timeout=2", str(tmp_path / "test_hangs.py")],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Failed: Timeout (>2.0s) from pytest-timeout." in result.stdout
    assert "1 failed, 1 passed" in result.stdout
