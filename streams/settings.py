"""The one settings object: every knob is an environment variable ``NEWSSTREAM_<NAME>``."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    return os.environ.get(f"NEWSSTREAM_{name}", default)


@dataclass(frozen=True)
class Settings:
    """Runtime configuration, read from the environment once per process."""

    # Broker: NEWSSTREAM_BROKER (kafka://host:port[,host:port]) wins; otherwise the embedded one.
    broker: str = field(default_factory=lambda: _env("BROKER", ""))
    home: Path = field(default_factory=lambda: Path(_env("HOME", str(REPO_ROOT / ".newsstream"))))
    # Built indexes (the geo gazetteer) live here, shared by every checkout of one user.
    cache: Path = field(
        default_factory=lambda: Path(_env("CACHE", str(Path.home() / ".cache" / "newsstream")))
    )
    broker_port: int = field(default_factory=lambda: int(_env("BROKER_PORT", "19092")))
    broker_heap: str = field(default_factory=lambda: _env("BROKER_HEAP", "512m"))
    topic_prefix: str = field(default_factory=lambda: _env("TOPIC_PREFIX", ""))
    partitions: int = field(default_factory=lambda: int(_env("PARTITIONS", "4")))
    replication: int = field(default_factory=lambda: int(_env("REPLICATION", "1")))
    raw_retention_ms: int = field(
        default_factory=lambda: int(_env("RAW_RETENTION_MS", str(-1)))  # keep forever: replay
    )
    max_article_bytes: int = field(
        default_factory=lambda: int(_env("MAX_ARTICLE_BYTES", str(2 * 1024 * 1024)))
    )
    batch_size: int = field(default_factory=lambda: int(_env("BATCH_SIZE", "16")))
    batch_within_s: float = field(default_factory=lambda: float(_env("BATCH_WITHIN_S", "0.5")))
    stage_timeout_s: float = field(default_factory=lambda: float(_env("STAGE_TIMEOUT_S", "120")))
    nlp_processes: int = field(default_factory=lambda: int(_env("NLP_PROCESSES", "1")))
    # Per-source boilerplate learning.
    learn_min_articles: int = field(default_factory=lambda: int(_env("LEARN_MIN_ARTICLES", "5")))
    learn_half_life_days: float = field(
        default_factory=lambda: float(_env("LEARN_HALF_LIFE_DAYS", "30"))
    )
    # Security: SASL_PLAINTEXT, SASL_SSL, SSL or PLAINTEXT.
    security_protocol: str = field(default_factory=lambda: _env("SECURITY_PROTOCOL", "PLAINTEXT"))
    sasl_mechanism: str = field(default_factory=lambda: _env("SASL_MECHANISM", "SCRAM-SHA-512"))
    sasl_username: str = field(default_factory=lambda: _env("SASL_USERNAME", ""))
    sasl_password: str = field(default_factory=lambda: _env("SASL_PASSWORD", ""), repr=False)
    ssl_cafile: str = field(default_factory=lambda: _env("SSL_CAFILE", ""))
    log_level: str = field(default_factory=lambda: _env("LOG_LEVEL", "warning"))

    @property
    def embedded(self) -> bool:
        """True when no external broker is configured and the tool runs its own."""
        return not self.broker

    @property
    def bootstrap(self) -> str:
        """``host:port[,host:port]`` for Kafka clients."""
        if self.broker:
            return ",".join(
                part.removeprefix("kafka://") for part in self.broker.split(",") if part.strip()
            )
        return f"127.0.0.1:{self.broker_port}"

    @property
    def faust_broker(self) -> str:
        return ";".join(f"kafka://{hp}" for hp in self.bootstrap.split(","))

    def replace(self, **changes: object) -> Settings:
        return dataclasses.replace(self, **changes)


def load() -> Settings:
    """Read the settings from the environment now."""
    return Settings()
