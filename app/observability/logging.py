"""Log lines as JSON objects (`RUCHE_LOG_FORMAT=json`) and the request id they carry.

The request id lives in a context variable set by the middleware (`app.observability.middleware`): every line
logged while a request is served (by Ruche, SQLAlchemy, uvicorn's error log) carries it, and the response echoes
it in `X-Request-ID`. With the default `text` format nothing here is installed: logging stays as it was."""

import json
import logging
import logging.config
import re
import secrets
import time
from contextvars import ContextVar
from typing import Any

REQUEST_ID: ContextVar[str | None] = ContextVar("ruche_request_id", default=None)
# A client's own id is kept when it is a short token (a proxy's or a caller's correlation id); anything else could
# be a log injection or an unbounded value, and is replaced.
CLIENT_ID = re.compile(rb"[A-Za-z0-9._-]{1,64}")

# One encoder, made once: `json.dumps` with options builds a new one per call (a third of a line's cost).
_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)
# What every LogRecord has: the rest are `extra=` fields (the access line's method, route, status...).
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


def new_request_id() -> str:
    return secrets.token_hex(8)


def request_id_from(header: bytes | None) -> str:
    """The client's `X-Request-ID` when it is a short token, else a new one."""
    if header is not None and CLIENT_ID.fullmatch(header):
        return header.decode("ascii")
    return new_request_id()


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id (while serving a request), exception
    text, and any `extra=` fields."""

    def format(self, record: logging.LogRecord) -> str:
        # UTC, ISO 8601 with milliseconds; strftime on a struct_time costs a third of datetime's isoformat().
        seconds = int(record.created)
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
            + f".{int((record.created - seconds) * 1000):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = REQUEST_ID.get()
        if request_id is not None:
            entry["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # Newlines inside strings are escaped by json.dumps: a traceback stays on its one line.
        return _ENCODER.encode(entry)


def logging_config(log_format: str) -> dict[str, Any] | None:
    """The `logging.config.dictConfig` of a process (uvicorn's `log_config` too), or None to keep the defaults.

    JSON: the root logger and uvicorn's loggers write JSON lines, errors to stderr, uvicorn's access lines (when
    enabled) to stdout like uvicorn does; Ruche's own access lines come from the middleware."""
    if log_format != "json":
        return None
    formatter = {"()": f"{JsonFormatter.__module__}.JsonFormatter"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": formatter},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
            "stdout": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
        },
        "root": {"handlers": ["stderr"], "level": "INFO"},
        "loggers": {
            "uvicorn": {"handlers": [], "level": "INFO", "propagate": True},
            "uvicorn.error": {"handlers": [], "level": "INFO", "propagate": True},
            "uvicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        },
    }


def configure_logging(log_format: str) -> None:
    """Set up this process's logging for `log_format` (`ruche` commands; uvicorn's workers get the same through
    `log_config`). Warnings become log lines too: with JSON, nothing else may write to stderr."""
    config = logging_config(log_format)
    if config is None:
        return
    logging.config.dictConfig(config)
    logging.captureWarnings(True)
