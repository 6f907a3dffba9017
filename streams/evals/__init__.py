"""Scoring each stage on the public benchmark sets (``newsstream eval <bench>``)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from typing import Any


def read_records(path: str, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """The records of a JSONL or JSONL.gz benchmark file in file order, at most ``limit``."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        n = 0
        for line in fh:
            if not line.strip():
                continue
            if limit is not None and n >= limit:
                return
            n += 1
            yield json.loads(line)
