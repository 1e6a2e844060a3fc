"""What the server writes to its log: no participant's address, no join code, and no
traceback for a client's bad bytes. The README promises that no IP is kept."""

from __future__ import annotations

import copy
import logging
from typing import Any

from uvicorn.config import LOGGING_CONFIG

# uvicorn's WebSocket protocol logs one line per phone with its address and the path (which
# holds the join code); websockets logs an open and a close per phone: noise at 10,000.
_PER_PHONE_PREFIX = '%s - "WebSocket '
_PER_PHONE = frozenset({"connection open", "connection closed"})
# A text frame that is not UTF-8 is the client's fault; uvicorn logs it with a traceback.
_CLIENT_FAULTS = ("Invalid UTF-8 sequence received from client",)


class PrivacyFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.msg if isinstance(record.msg, str) else ""
        if message.startswith(_PER_PHONE_PREFIX) or message in _PER_PHONE:
            return False
        if message.startswith(_CLIENT_FAULTS):
            record.exc_info, record.exc_text = None, None  # one line is enough
        return True


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's own logging configuration with the filter on its error log's handler (the
    access log is off: `access_log=False`)."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["privacy"] = {"()": "server.logs.PrivacyFilter"}
    config["handlers"]["default"].setdefault("filters", []).append("privacy")
    return config
