"""The command line as a new user meets it: help that works, read-only commands that never
start a broker, errors that say what is wrong."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from streams.cli import main


def newsstream(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "streams", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def test_eval_help_lists_the_benchmarks(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["eval", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert all(bench in out for bench in ("boilerplate", "ner", "quotes", "geo"))


def test_a_benchmark_help_shows_its_own_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["eval", "ner", "--help"])
    assert exit_.value.code == 0
    assert "--data" in capsys.readouterr().out


def test_a_benchmark_reads_its_options_in_any_order(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:  # it gets as far as its own check of --limit
        main(["eval", "ner", "--data", "x.jsonl", "--json", "--limit", "many"])
    assert exit_.value.code == 2
    assert "--limit: invalid int value: 'many'" in capsys.readouterr().err


def test_unknown_options_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["tail", "--bogus"])
    assert exit_.value.code == 2
    assert "--bogus" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["tail"], ["dlq", "list"], ["replay"]])
def test_read_only_commands_say_the_broker_is_down(command: list[str], tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    home = tmp_path / "home"
    done = newsstream(
        *command, env={"NEWSSTREAM_HOME": str(home), "NEWSSTREAM_BROKER_PORT": str(port)}
    )
    assert done.returncode == 2, done.stderr
    assert "no Kafka broker answers" in done.stderr and "newsstream broker start" in done.stderr
    assert not home.exists()  # no embedded broker was started


def test_a_bad_setting_names_its_variable() -> None:
    done = newsstream("process", env={"NEWSSTREAM_SECURITY_PROTOCOL": "TLS"})
    assert done.returncode == 2
    assert "NEWSSTREAM_SECURITY_PROTOCOL='TLS'" in done.stderr
