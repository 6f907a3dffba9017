"""The embedded broker: a real single-node Apache Kafka (KRaft) run from jars that Maven
resolves with the pom shipped in ``streams/kafka/maven/`` into the cache folder
(``NEWSSTREAM_CACHE``). Data and logs live under the settings' home folder."""

from __future__ import annotations

import asyncio
import base64
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from streams.kafka.clients import BrokerError, wait_for_broker
from streams.resources import package_path
from streams.settings import Settings, load

MAVEN = package_path("kafka", "maven")


def jar_dir(cache: Path) -> Path:
    """Where the jars of the pom's Kafka version live under the cache folder."""
    version = re.search(r"<kafka.version>(.+?)</kafka.version>", (MAVEN / "pom.xml").read_text())
    assert version is not None, "the pom names its Kafka version"
    return cache / "kafka" / version.group(1)


def ensure_jars(cache: Path) -> Path:
    """Resolve the Kafka jars with Maven into the cache folder, once; returns their folder."""
    lib = jar_dir(cache)
    if lib.is_dir() and any(lib.glob("kafka_2.13-*.jar")):
        return lib
    if shutil.which("mvn") is None:
        raise BrokerError("Maven (mvn) is needed to fetch the Kafka jars; install it and retry")
    print(f"Fetching Apache Kafka jars with Maven into {lib} (once)…", file=sys.stderr, flush=True)
    tmp = lib.with_name(f"{lib.name}.{os.getpid()}.tmp")  # a failed fetch leaves no half folder
    done = subprocess.run(
        [
            "mvn", "-q", "-B", "-Dstyle.color=never", "-f", str(MAVEN / "pom.xml"),
            f"-Dkafka.lib={tmp}", "dependency:copy-dependencies",
        ],
        capture_output=True,
        text=True,
    )  # fmt: skip
    if done.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise BrokerError(
            f"mvn could not fetch the Kafka jars:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
        )
    try:
        tmp.replace(lib)
    except OSError:  # another process finished first
        shutil.rmtree(tmp, ignore_errors=True)
    return lib


@dataclass
class Broker:
    """One KRaft node (broker and controller in one JVM).

    ``voters`` lists ``(node_id, controller_port)`` of the whole quorum; a single node by default.
    ``extra`` adds or overrides server properties (listeners for SASL/TLS, for example).
    """

    home: Path
    port: int
    node_id: int = 1
    controller_port: int | None = None
    voters: list[tuple[int, int]] | None = None
    heap: str = "512m"
    extra: dict[str, str] = field(default_factory=dict)
    listeners: str | None = None  # full `listeners` value when the default PLAINTEXT one won't do
    # SCRAM credentials as (mechanism, user, password); KRaft stores them at format time.
    scram_users: list[tuple[str, str, str]] = field(default_factory=list)
    cache: Path = field(default_factory=lambda: load().cache)  # where the jars are kept

    @classmethod
    def from_settings(cls, settings: Settings) -> Broker:
        return cls(
            home=settings.home / "kafka",
            port=settings.broker_port,
            heap=settings.broker_heap,
            cache=settings.cache,
        )

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def cport(self) -> int:
        return self.controller_port or self.port + 1

    @property
    def pid_file(self) -> Path:
        return self.home / "broker.pid"

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"

    def pid(self) -> int | None:
        """The broker's pid when its process is alive."""
        try:
            pid = int(self.pid_file.read_text())
            os.kill(pid, 0)
        except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
            return None
        return pid

    def properties(self) -> dict[str, str]:
        voters = self.voters or [(self.node_id, self.cport)]
        props = {
            "process.roles": "broker,controller",
            "node.id": str(self.node_id),
            "controller.quorum.voters": ",".join(f"{n}@127.0.0.1:{p}" for n, p in voters),
            "listeners": self.listeners
            or f"PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.cport}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs": str(self.home / "data"),
            "num.partitions": "4",
            "offsets.topic.num.partitions": "10",  # a fresh broker is ready for groups sooner
            "offsets.topic.replication.factor": str(min(3, len(voters))),
            "transaction.state.log.replication.factor": str(min(3, len(voters))),
            "transaction.state.log.min.isr": str(min(2, len(voters))),
            "group.initial.rebalance.delay.ms": "0",
            "message.max.bytes": str(16 * 1024 * 1024 + 1024),
            "replica.fetch.max.bytes": str(16 * 1024 * 1024 + 1024),
            "auto.create.topics.enable": "true",
        }
        return props | self.extra

    def _java(self, *args: str) -> list[str]:
        return [
            "java",
            f"-Xmx{self.heap}",
            f"-Xms{self.heap}",
            "-XX:+UseG1GC",
            "-Djava.awt.headless=true",
            f"-Dkafka.logs.dir={self.log_dir}",
            f"-Dlog4j.configuration=file:{MAVEN / 'log4j.properties'}",
            "-cp",
            str(ensure_jars(self.cache) / "*"),
            *args,
        ]

    def format_storage(self, cluster_id: str) -> None:
        """Format the KRaft log dir once; a formatted dir is left alone."""
        if (self.home / "data" / "meta.properties").exists():
            return
        (self.home / "data").mkdir(parents=True, exist_ok=True)
        scram = [
            arg
            for mechanism, user, password in self.scram_users
            for arg in ("--add-scram", f"{mechanism}=[name={user},password={password}]")
        ]
        done = subprocess.run(
            self._java(
                "kafka.tools.StorageTool",
                "format",
                "-t",
                cluster_id,
                "-c",
                str(self._config()),
                *scram,
            ),
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BrokerError(f"formatting Kafka storage failed: {done.stdout}{done.stderr}")

    def _config(self) -> Path:
        path = self.home / "server.properties"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{k}={v}\n" for k, v in self.properties().items()))
        return path

    def launch(self, cluster_id: str | None = None) -> None:
        """Start the JVM in the background (no waiting). Formats storage on first start."""
        if self.pid() is not None:
            return
        self.format_storage(cluster_id or new_cluster_id())
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_dir / "stdout.log", "ab") as out:
            process = subprocess.Popen(
                self._java("kafka.Kafka", str(self._config())),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # outlives the command that started it
            )
        self.pid_file.write_text(str(process.pid))

    def start(self, settings: Settings, timeout: float = 90.0) -> None:
        """Idempotent: launch if not running, then wait until it answers metadata requests."""
        self.launch()
        try:
            asyncio.run(
                wait_for_broker(settings.replace(broker=f"kafka://{self.bootstrap}"), timeout)
            )
        except BrokerError as exc:
            if self.pid() is None:
                raise BrokerError(f"the broker exited; see {self.log_dir}/server.log") from exc
            raise

    def stop(self, timeout: float = 30.0, *, kill: bool = False) -> bool:
        """Stop the broker: SIGTERM, SIGKILL after ``timeout``. False if it was not running."""
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        os.kill(pid, signal.SIGKILL if kill else signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.2)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
            while _alive(pid):
                time.sleep(0.1)
        self.pid_file.unlink(missing_ok=True)
        return True


def new_cluster_id() -> str:
    """A KRaft cluster id: 16 random bytes, URL-safe base64 without padding. Like Kafka's own
    Uuid.randomUuid, never one starting with "-": the storage tool would read it as an option."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def _alive(pid: int) -> bool:
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
        if waited == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
