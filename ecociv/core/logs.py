"""Logging filters.

Django logs a view's PermissionDenied on `django.request` with the exception attached, so each 403
(an ordinary event: someone opened a page outside their rights) printed a full traceback of 20–40
lines and buried real errors. The filter keeps the one line Django writes ("Forbidden (Permission
denied): /path") and drops the traceback; every other exception keeps its traceback."""
from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, SuspiciousOperation


class ForbiddenOneLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, (PermissionDenied, SuspiciousOperation)):
            record.exc_info = None
            record.exc_text = None
        return True
