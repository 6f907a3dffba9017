"""Shared fixtures: a real Apache Kafka broker for the session, and stage workers per module."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.kafka.broker import Broker
from streams.settings import Settings, load


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def settings_env(settings: Settings) -> dict[str, str]:
    """Environment that makes a child process see ``settings``."""
    return {**os.environ, **settings.env()}


@pytest.fixture(scope="session")
def kafka(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A single-node KRaft Apache Kafka on free loopback ports, for the whole session."""
    home = tmp_path_factory.mktemp("kafka")
    broker = Broker(home=home / "kafka", port=free_port(), controller_port=free_port())
    # Metrics off (the default ports may be in use); tests of metrics set a free base port.
    settings = load().replace(broker=f"kafka://{broker.bootstrap}", home=home, metrics_port=0)
    broker.start(settings, timeout=120)
    yield settings
    broker.stop()


class Workers:
    """Stage workers as child processes, the way ``newsstream worker`` runs them, each in its
    own process group (the worker and its NLP pool children) and addressable by a name such
    as ``clean`` or ``extract-b``."""

    def __init__(self, settings: Settings, log_dir: Path) -> None:
        self.settings = settings
        self.log_dir = log_dir
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.killed: list[int] = []  # process groups of killed workers

    def env(self, name: str) -> dict[str, str]:
        """The environment of the worker called ``name``."""
        return settings_env(self.settings)

    def start(self, stage: str, name: str | None = None) -> None:
        name = name or stage
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - lives with the process
        self.procs[name] = subprocess.Popen(
            [sys.executable, "-m", "streams", "worker", "--stage", stage],
            env=self.env(name),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self, name: str) -> int:
        """SIGKILL the worker's main process, as the OOM killer or ``kill -9`` would; its NLP
        pool processes must notice and exit by themselves. Returns its process group id."""
        proc = self.procs.pop(name)
        proc.kill()
        proc.wait()
        self.killed.append(proc.pid)
        return proc.pid

    def stop(self, name: str) -> None:
        """Graceful stop (SIGTERM): the worker leaves its consumer group."""
        proc = self.procs.pop(name)
        proc.terminate()
        proc.wait(60)

    def stop_all(self) -> None:
        for proc in self.procs.values():
            proc.terminate()
        deadline = time.monotonic() + 30
        for proc in self.procs.values():
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # also any NLP pool children left over
            except ProcessLookupError:
                pass
            proc.wait()
        self.procs.clear()
        for pgid in self.killed:  # leftovers of killed workers, if any
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def module_settings(kafka: Settings, tmp_path: Path, **changes: object) -> Settings:
    """Settings with topics and consumer groups of this module's own (a unique prefix)."""
    prefix = f"t{uuid.uuid4().hex[:8]}."
    return kafka.replace(topic_prefix=prefix, home=tmp_path, **changes)


@pytest.fixture(scope="module")
def pipeline(kafka: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """All three stages running (one worker process each) on this module's topics."""
    import asyncio

    from streams.kafka.clients import ensure_topics

    home = tmp_path_factory.mktemp("pipeline")
    settings = module_settings(kafka, home, batch_within_s=0.2)
    asyncio.run(ensure_topics(settings))
    workers = Workers(settings, home)
    for stage in ("clean", "extract", "geotag"):
        workers.start(stage)
    yield settings
    workers.stop_all()
