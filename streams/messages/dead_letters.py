"""Dead letters: what failed, why, where it came from, and the original payload."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from streams.messages.codec import now_iso
from streams.messages.types import DeadLetter, InputRef
from streams.messages.validation import schema_id


@dataclass(frozen=True)
class Failure:
    """A stage's verdict on one input it could not process."""

    error_class: str  # decode, json, schema, oversize, input, language, exception, timeout
    message: str
    article_id: str | None = None


def dead_letter(
    stage: str,
    failure: Failure,
    payload: bytes | None,
    *,
    input_ref: InputRef | None = None,
    source_ref: str | None = None,
    payload_bytes: int | None = None,
) -> DeadLetter:
    """Build a ``dead_letter`` message. ``payload=None`` means oversize: ``input_ref`` (or
    ``source_ref``) then says where the original can be read again."""
    text, b64 = None, None
    if payload is not None:
        try:
            text = payload.decode("utf-8")
        except UnicodeDecodeError:
            b64 = base64.b64encode(payload).decode("ascii")
    return {
        "schema": schema_id("dead_letter"),
        "article_id": failure.article_id,
        "stage": stage,
        "error": {"class": failure.error_class, "message": failure.message[:2000]},
        "input": input_ref,
        "source_ref": source_ref,
        "payload": text,
        "payload_b64": b64,
        "payload_bytes": payload_bytes if payload_bytes is not None else len(payload or b""),
        "failed_at": now_iso(),
    }
