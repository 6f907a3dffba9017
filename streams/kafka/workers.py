"""Running stage workers: one Faust worker per process; ``all`` supervises one child per
stage, which also spreads the stages over the machine's cores."""

from __future__ import annotations

import logging
import logging.config
import os
import signal
import subprocess
import sys
import time

from streams import flow
from streams.settings import Settings

log = logging.getLogger(__name__)


def run_stage(stage: str, settings: Settings) -> None:
    """Run one stage's Faust worker in this process until it is stopped (never returns):
    with its /metrics endpoint (streams.kafka.metrics) and logs as configured."""
    from faust.worker import Worker

    from streams.kafka import metrics
    from streams.kafka.app import create_app
    from streams.kafka.logs import logging_config

    def config() -> dict:  # a fresh one each time: dictConfig may consume parts of it
        return logging_config(stage, settings.log_level, settings.log_format)

    logging.config.dictConfig(config())  # Faust's worker applies it again when it starts
    app = create_app(stage, settings)
    port = metrics.serve(app, stage, settings)

    class StageWorker(Worker):
        async def on_startup_finished(self) -> None:
            await super().on_startup_finished()
            ready = logging.getLogger("streams.worker")
            ready.setLevel(logging.INFO)  # said at any log level
            where = f"metrics at http://127.0.0.1:{port}/metrics" if port else "metrics off"
            ready.info("%s worker ready (pid %d); %s", stage, os.getpid(), where)

    worker = StageWorker(
        app,
        loglevel=settings.log_level.upper(),
        quiet=True,
        logging_config=config(),
    )
    if not sys.stdout.isatty():
        worker.spinner = None  # its frames are terminal escapes: not in a log file
    worker.execute_from_commandline()


def stage_command(stage: str) -> list[str]:
    return [sys.executable, "-m", "streams", "worker", "--stage", stage]


def run_all(settings: Settings) -> int:
    """Run every stage as a child process; restart a child that dies; stop all on a signal."""
    children = {stage: subprocess.Popen(stage_command(stage)) for stage in flow.NAMES}
    stopping = False

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping:
        time.sleep(0.5)
        for stage, child in children.items():
            code = child.poll()
            if code is not None and not stopping:
                print(f"worker {stage} exited with {code}; restarting", file=sys.stderr)
                children[stage] = subprocess.Popen(stage_command(stage))
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 30
    for child in children.values():
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
    return 0
