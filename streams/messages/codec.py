"""Topic messages as bytes: JSON via orjson, timestamps as ISO 8601 UTC."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import orjson


def now_iso() -> str:
    """UTC now as ISO 8601 with milliseconds."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def encode(message: Mapping[str, Any]) -> bytes:
    return orjson.dumps(message)


def decode(payload: bytes) -> Any:
    """Parse a JSON payload; raises ``orjson.JSONDecodeError`` (a ValueError) on bad input."""
    return orjson.loads(payload)
