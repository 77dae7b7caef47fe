"""Racing calls in threads released together, and checking exactly one of two rivals won."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection

from recovery.workflow import WorkflowError

# Generous: a thread only takes this long when something is wrong (a deadlock, a lost wake-up).
TIMEOUT = 20


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None


def run_at_once(*calls: Callable[[], Any]) -> list[Outcome]:
    """Run `calls` in threads released together by a barrier; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    outcomes = [Outcome() for _ in calls]

    def work(call: Callable[[], Any], outcome: Outcome) -> None:
        try:
            barrier.wait(timeout=TIMEOUT)
            outcome.value = call()
        except BaseException as exc:  # handed back to the test, which asserts on it
            outcome.error = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=work, args=(call, outcome), daemon=True)
        for call, outcome in zip(calls, outcomes, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return outcomes


def one_winner(outcomes: list[Outcome]) -> tuple[Outcome, Outcome]:
    """Return (winner, loser), asserting exactly one succeeded and the other got a WorkflowError."""
    winners = [o for o in outcomes if o.error is None]
    losers = [o for o in outcomes if o.error is not None]
    assert len(winners) == 1, f"expected one winner, got {[o.error for o in outcomes]}"
    assert len(losers) == 1
    assert isinstance(losers[0].error, WorkflowError), f"the loser got {losers[0].error!r}"
    return winners[0], losers[0]
