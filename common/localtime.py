"""Calendar days and wall-clock times in the configured local time zone (settings.TIME_ZONE).

What people read off a calendar or a wall clock follows the local time zone across daylight-saving
changes: "atone within 5 days" and "follow up 7 days after" are calendar days (the same clock time,
5 days later, so 23 or 25 hours make a day across a change), and a day ("received today", a
dashboard period, the digest's morning) runs from local midnight to local midnight. Targets in
hours are elapsed time and need none of this: 4 hours are 4 hours on the night the clocks change.

Every result is in UTC. Aware datetimes that share one zone object subtract as wall-clock times
(Python ignores their offsets), so handing out London-zoned values would make spans like
`due - started` wrong by an hour across a change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from django.utils import timezone


def _zone() -> tzinfo:
    return timezone.get_current_timezone()


def at_wall_time(wall: datetime, *, fold: int = 0) -> datetime:
    """Return the moment a local clock showed `wall` (naive), in UTC.

    A time the clocks skipped (spring) is read with the offset before the change, so it lands as far
    after the gap as it was into it: 01:30 on the London spring night is 02:30 BST. A time that
    happened twice (autumn) is the first of the two unless `fold` is 1.
    """
    return wall.replace(tzinfo=_zone(), fold=fold).astimezone(UTC)


def add_local_days(moment: datetime, days: int) -> datetime:
    """Return the moment `days` calendar days after `moment`, at the same local clock time, in UTC."""
    wall = timezone.localtime(moment, _zone()).replace(tzinfo=None, fold=0)
    return at_wall_time(wall + timedelta(days=days))


def local_midnight(day: date) -> datetime:
    """Return the first moment of local calendar day `day`, in UTC."""
    return at_wall_time(datetime.combine(day, time.min))


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """Return the first moment of `day` and the first moment of the day after (the end, excluded)."""
    return local_midnight(day), local_midnight(day + timedelta(days=1))


@dataclass(frozen=True)
class ClockChange:
    """A local clock time (as typed) that the clocks skipped or showed twice, and what it may mean."""

    wall: datetime
    repeated: bool
    # The two moments the person may have meant, earlier first, each with its zone name.
    earlier: datetime
    later: datetime

    def _local(self, moment: datetime) -> datetime:
        return timezone.localtime(moment, _zone())

    def label(self, moment: datetime) -> str:
        """Return `moment` as a local clock time with its zone name, e.g. "01:30 BST"."""
        local = self._local(moment)
        return f"{local:%H:%M} {local.tzname()}"

    @property
    def message(self) -> str:
        """Say in plain words what went wrong with the time, with the two times it may mean."""
        day = f"{self.wall.day} {self.wall:%b %Y}"
        clock = f"{self.wall:%H:%M}"
        first, second = self._local(self.earlier).tzname(), self._local(self.later).tzname()
        shift = self.later - self.earlier
        by = "an hour" if shift == timedelta(hours=1) else f"{int(shift.total_seconds() // 60)} minutes"
        if self.repeated:
            return (
                f"{clock} happened twice on {day} ({first} and {second}): the clocks went back {by}. "
                f"Choose which {clock} you mean."
            )
        return (
            f"{clock} did not exist on {day}: the clocks went forward {by}, from {first} to {second}. "
            f"Did you mean {self.label(self.earlier)} or {self.label(self.later)}?"
        )


def clock_change_at(wall: datetime) -> ClockChange | None:
    """Return how the local clock time `wall` (naive) falls in a clock change, or None if it is plain."""
    first, second = at_wall_time(wall, fold=0), at_wall_time(wall, fold=1)
    if first == second:
        return None
    # Both readings name the same clock time for a repeated one; for a skipped one neither does.
    repeated = timezone.localtime(first, _zone()).replace(tzinfo=None, fold=0) == wall
    return ClockChange(wall=wall, repeated=repeated, earlier=min(first, second), later=max(first, second))
