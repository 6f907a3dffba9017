"""Worker logging: plain text or one JSON object per line (``NEWSSTREAM_LOG_FORMAT=json``).

Every line carries the worker's ``stage``; a line about an article also carries its
``article_id`` and the input record's ``topic``, ``partition`` and ``offset`` (passed as
``extra`` by the agent). Neither format writes terminal colour codes, so log files stay
clean.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import orjson

# LogRecord attributes copied into a JSON line when a log call sets them (``extra=``).
FIELDS = ("article_id", "topic", "partition", "offset", "error_class")
TEXT_FORMAT = "[%(asctime)s] [%(process)d] [%(levelname)s] [%(stage)s] %(name)s: %(message)s"


class StageFilter(logging.Filter):
    """Stamps every record with the worker's stage (unless the call gave one)."""

    def __init__(self, stage: str) -> None:
        super().__init__()
        self.stage = stage

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "stage", None):
            record.stage = self.stage
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, stage, message and the article fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "stage": getattr(record, "stage", None),
            "message": record.getMessage(),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(line, default=str).decode()


def logging_config(stage: str, level: str, log_format: str) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for a stage worker (Faust's worker applies it)."""
    formatter: dict[str, Any] = (
        {"()": JsonFormatter} if log_format == "json" else {"format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"newsstream": formatter},
        "filters": {"stage": {"()": StageFilter, "stage": stage}},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "newsstream",
                "filters": ["stage"],
            }
        },
        "root": {"level": level.upper(), "handlers": ["default"]},
    }
