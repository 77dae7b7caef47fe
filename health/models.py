"""The heartbeat: when beat's periodic heartbeat task last ran on a worker."""

from __future__ import annotations

from django.db import models


class Heartbeat(models.Model):
    """One row per periodic job that reports being alive (today only "beat"), with the time it last did."""

    name = models.CharField(max_length=40, primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"
