"""Logging filters the settings attach to Django's loggers."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


class RefusalWithoutTraceback(logging.Filter):
    """Drop the traceback Django attaches to a refused request's log line (403, PermissionDenied).

    A refusal is the access rules working, not a fault: the line "Forbidden (Permission denied): /path"
    says all there is, and a traceback for each would bury real errors in the log.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
