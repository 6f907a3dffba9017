"""The fault tests' harness: a three-node KRaft cluster that can lose a broker, and stage
workers that can be killed with SIGKILL, restarted, and run several to a stage."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from streams import flow
from streams.kafka.broker import Broker, new_cluster_id
from streams.kafka.clients import BrokerError, ensure_topics, wait_for_broker
from streams.settings import Settings, load
from tests.conftest import Workers, free_port, module_settings, settings_env

# Server properties for a cluster that survives the loss of one broker without losing
# acknowledged writes: three replicas, and a write is acknowledged by at least two.
CLUSTER_PROPERTIES = {
    "default.replication.factor": "3",
    "min.insync.replicas": "2",
    "offsets.topic.replication.factor": "3",
    "transaction.state.log.replication.factor": "3",
    "transaction.state.log.min.isr": "2",
    "unclean.leader.election.enable": "false",
}


@dataclass
class Cluster:
    brokers: list[Broker]
    cluster_id: str
    settings: Settings

    def kill(self, index: int) -> None:
        """SIGKILL one broker (no clean shutdown, no leadership hand-off)."""
        self.brokers[index].stop(kill=True)

    async def restart(self, index: int, timeout: float = 120.0) -> None:
        """Start a killed broker again on its old data; return when it answers."""
        broker = self.brokers[index]
        broker.launch(self.cluster_id)
        single = self.settings.replace(broker=f"kafka://{broker.bootstrap}")
        await wait_for_broker(single, timeout)

    def stop(self) -> None:
        for broker in self.brokers:
            broker.stop()


def start_cluster(home: Path) -> Cluster:
    """Three KRaft nodes (each broker and controller) on loopback, replication factor 3,
    min.insync.replicas 2; the settings point at all three."""
    ids = (1, 2, 3)
    ports = {n: (free_port(), free_port()) for n in ids}
    voters = [(n, ports[n][1]) for n in ids]
    brokers = [
        Broker(
            home=home / f"kafka-{n}",
            port=ports[n][0],
            node_id=n,
            controller_port=ports[n][1],
            voters=voters,
            heap="384m",
            extra=dict(CLUSTER_PROPERTIES),
        )
        for n in ids
    ]
    cluster_id = new_cluster_id()
    bootstrap = ",".join(f"kafka://{b.bootstrap}" for b in brokers)
    settings = load().replace(broker=bootstrap, home=home, replication=3)
    for broker in brokers:
        broker.launch(cluster_id)
    built = Cluster(brokers, cluster_id, settings)
    try:
        for broker in brokers:
            asyncio.run(
                wait_for_broker(settings.replace(broker=f"kafka://{broker.bootstrap}"), 150)
            )
    except BrokerError:
        built.stop()
        raise
    return built


def worker_env(settings: Settings, home: Path) -> dict[str, str]:
    return settings_env(settings.replace(home=home, log_level="info"))


class FaultWorkers(Workers):
    """Workers with a home of their own each, that a supervisor can restart."""

    def env(self, name: str) -> dict[str, str]:
        home = self.log_dir / "homes" / name
        home.mkdir(parents=True, exist_ok=True)
        return worker_env(self.settings, home)

    @staticmethod
    def group(pgid: int) -> list[str]:
        """Processes still alive in a process group (``pid command`` lines)."""
        done = subprocess.run(
            ["ps", "-o", "pid=,args=", "-g", str(pgid)], capture_output=True, text=True
        )
        return [line.strip() for line in done.stdout.splitlines() if line.strip()]

    def stop(self, name: str, timeout: float = 60.0) -> None:
        """Graceful stop (SIGTERM): the worker leaves its group, which rebalances."""
        proc = self.procs.pop(name)
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def restart_dead(self) -> dict[str, int]:
        """What a supervisor does: start again every worker that exited; their exit codes."""
        dead = {
            name: proc.returncode for name, proc in self.procs.items() if proc.poll() is not None
        }
        for name in dead:
            self.procs.pop(name)
            self.start(name.split("-")[0], name)
        return dead

    def alive(self) -> dict[str, bool]:
        return {name: proc.poll() is None for name, proc in self.procs.items()}

    def tail(self, name: str, lines: int = 30) -> str:
        path = self.log_dir / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def fault_settings(base: Settings, home: Path, **changes: object) -> Settings:
    """Own topics and groups (unique prefix), fast batches."""
    return module_settings(base, home, batch_within_s=0.2, **changes)


@asynccontextmanager
async def running_pipeline(
    base: Settings, home: Path, **changes: object
) -> AsyncIterator[tuple[Settings, FaultWorkers]]:
    """Topics of this test's own, one worker per stage, all stopped on the way out."""
    settings = fault_settings(base, home, **changes)
    await ensure_topics(settings)
    workers = FaultWorkers(settings, home)
    try:
        for stage in flow.NAMES:
            workers.start(stage)
        yield settings, workers
    finally:
        workers.stop_all()
