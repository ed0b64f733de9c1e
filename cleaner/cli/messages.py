"""Messages for the operator on stderr: plain lines, or one JSON object per line (--log-format json)."""

from __future__ import annotations

import json
import logging
import sys
import time

#: Set by --log-format json (set_json): messages on stderr become one JSON object per line.
LOG_JSON = False


def set_json(on: bool) -> None:
    """Choose the --log-format of every message from now on."""
    global LOG_JSON
    LOG_JSON = on


def log(message: str, level: str = "info", **fields: object) -> None:
    """A message for the operator, on stderr (results go to stdout or files, never here)."""
    if LOG_JSON:
        record = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "level": level, "message": message, **fields}
        print(json.dumps(record, ensure_ascii=False), file=sys.stderr, flush=True)
    else:
        print(f"cleaner: {message}", file=sys.stderr, flush=True)


class LogHandler(logging.Handler):
    """Log records (the cleaner's modules and libraries) as the cleaner's own messages on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        """One message, in the chosen --log-format."""
        log(record.getMessage(), level=record.levelname.lower())


def route_logging() -> None:
    """Send warnings logged by the cleaner's modules through log(), once."""
    logger = logging.getLogger("cleaner")
    if not any(isinstance(h, LogHandler) for h in logger.handlers):
        logger.addHandler(LogHandler(logging.WARNING))
