"""Production settings with every beat entry due each second: two beats racing, in seconds, not minutes."""

from typing import Any

from config.settings import *  # noqa: F403 - the production settings, then the one change
from config.settings import CELERY_BEAT_SCHEDULE

_every_second: dict[str, dict[str, Any]] = {}
for _name, _entry in CELERY_BEAT_SCHEDULE.items():
    _every_second[_name] = {**_entry, "schedule": 1.0, "options": {"expires": 0.9}}
CELERY_BEAT_SCHEDULE = _every_second
