"""Files shipped inside the package: curated data, the bundled sample, the message schemas and
the Kafka pom. Found with ``importlib.resources``, so an installed wheel works from any folder."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def package_path(*parts: str) -> Path:
    """A file or folder of the ``streams`` package as a filesystem path (wheels install
    unpacked, so the resources are real files)."""
    found = files("streams").joinpath(*parts)
    if not isinstance(found, Path):
        raise RuntimeError(f"newsstream must be installed unpacked; cannot read {found}")
    return found


def data_dir(*parts: str) -> Path:
    """A folder of curated data under ``streams/data``."""
    return package_path("data", *parts)
