"""The one settings object: every knob is an environment variable ``NEWSSTREAM_<NAME>``,
typed and checked when the process starts (a bad value names its variable)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PREFIX = "NEWSSTREAM_"


def _state_home() -> Path:
    """The default home: ``$XDG_STATE_HOME/newsstream`` (``~/.local/state/newsstream``)."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "newsstream"


def _cache_home() -> Path:
    """The default cache: ``$XDG_CACHE_HOME/newsstream`` (``~/.cache/newsstream``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsstream"


class SettingsError(ValueError):
    """A ``NEWSSTREAM_*`` variable has a value that cannot be used; the message names it."""


class Settings(BaseSettings):
    """Runtime configuration, read from the environment once per process."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, frozen=True, extra="ignore")

    # Broker: NEWSSTREAM_BROKER (kafka://host:port[,host:port]) wins; otherwise the embedded one.
    broker: str = ""
    # Embedded broker data and logs, worker state.
    home: Path = Field(default_factory=_state_home)
    # Built indexes (the geo gazetteer) and the Kafka jars, shared by every run of one user.
    cache: Path = Field(default_factory=_cache_home)
    broker_port: int = Field(19092, gt=0, lt=65535)
    broker_heap: str = Field("512m", pattern=r"^\d+[kmgKMG]$")
    topic_prefix: str = ""
    partitions: int = Field(4, ge=1)
    replication: int = Field(1, ge=1)
    raw_retention_ms: int = Field(-1, ge=-1)  # keep forever: replay reads it
    max_article_bytes: int = Field(2 * 1024 * 1024, ge=1024)
    batch_size: int = Field(16, ge=1)
    # How long a stage waits to fill a batch: short, so that at low rates an article is not
    # held back (at high rates batches fill anyway); benchmarks/bench_throughput.py.
    batch_within_s: float = Field(0.05, gt=0)
    stage_timeout_s: float = Field(120.0, gt=0)
    # NLP processes per stage worker; unset: the heavy stage (the language model) gets every
    # core of the machine, the others one each (streams/kafka/agent.py nlp_processes).
    nlp_processes: int | None = Field(None, ge=1)
    # A long article's model work spread over the free NLP processes (streams/nlp/pieces.py):
    # lower latency for long articles, at the cost of shipping their parsed pieces.
    spread_long_articles: bool = True
    # What the extract stage's models and scanners read of one article (docs/security.md):
    # past any of these the analysis stops at the paragraph or sentence before, and the
    # record says where and why (`truncated`). Sized for news: 10,000 words pass.
    max_text_chars: int = Field(80_000, ge=1000)
    max_tokens: int = Field(12_000, ge=100)
    max_numbers: int = Field(1000, ge=1)
    max_quotes: int = Field(300, ge=1)
    max_entities: int = Field(1000, ge=1)
    # Articles in a language without a model: to the sink without English NLP, or the DLQ.
    other_languages: Literal["sink", "dlq"] = "sink"
    # pipeline.version of every record; empty: computed from the code version and a
    # fingerprint of the model, curated rules and gazetteer (streams/stages/versioning.py).
    pipeline_version: str = ""
    # Per-source boilerplate learning.
    learn_min_articles: int = Field(5, ge=1)
    learn_half_life_days: float = Field(30.0, gt=0)
    # Stories and trends (docs/stories.md): how far apart in time a story's articles may be,
    # the trends stage's Faust windowed table (hopping windows of WINDOW_S every HOP_S when
    # 0 < HOP_S < WINDOW_S, else tumbling windows of WINDOW_S), how many previous windows
    # "rising" compares with, and how long windows are kept (the table's expires).
    stories_window_days: float = Field(3.0, gt=0)
    trends_window_s: int = Field(3600, ge=60)
    trends_hop_s: int = Field(900, ge=0)
    trends_history: int = Field(3, ge=1)
    trends_keep_days: float = Field(7.0, gt=0)
    # Security (docs/security.md).
    security_protocol: Literal["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL", "SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "SCRAM-SHA-512"
    sasl_username: str = ""
    sasl_password: SecretStr = SecretStr("")
    ssl_cafile: str = ""
    log_level: Literal["debug", "info", "warning", "error", "critical"] = "warning"
    # Worker logs: text, or one JSON object per line (docs/operations.md).
    log_format: Literal["text", "json"] = "text"
    # Prometheus /metrics: stage i of streams.flow.STAGES serves on this port + i; 0: off.
    metrics_port: int = Field(9464, ge=0, lt=65535)

    @field_validator("security_protocol", "sasl_mechanism", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @property
    def embedded(self) -> bool:
        """True when no external broker is configured and the tool runs its own."""
        return not self.broker

    @property
    def bootstrap(self) -> str:
        """``host:port[,host:port]`` for Kafka clients."""
        if self.broker:
            return ",".join(
                part.strip().removeprefix("kafka://")
                for part in self.broker.split(",")
                if part.strip()
            )
        return f"127.0.0.1:{self.broker_port}"

    @property
    def faust_broker(self) -> str:
        return ";".join(f"kafka://{hp}" for hp in self.bootstrap.split(","))

    def replace(self, **changes: object) -> Settings:
        """A copy with ``changes``, validated like the environment's values."""
        return type(self).model_validate(self.model_dump() | changes)

    def env(self) -> dict[str, str]:
        """Every setting as ``NEWSSTREAM_*`` variables: how a child process gets these."""
        out = {}
        for name, value in self.model_dump().items():
            if value is None:  # unset: the child computes the same default
                continue
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            out[PREFIX + name.upper()] = str(value)
        return out


def load() -> Settings:
    """Read the settings from the environment now; a bad value raises :class:`SettingsError`
    naming the variable, its value and what is allowed."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = PREFIX + "_".join(str(part) for part in error["loc"]).upper()
            problems.append(f"{field}={error.get('input')!r}: {error['msg']}")
        raise SettingsError("invalid settings: " + "; ".join(problems)) from None
