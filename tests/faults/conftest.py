"""Fixtures for the fault tests: a three-node KRaft cluster per module, and the accounting
figures of every test, printed in pytest's terminal summary (so they show without ``-s``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.faults.harness import Cluster, start_cluster

FIGURES = pytest.StashKey[list[str]]()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    built = start_cluster(tmp_path_factory.mktemp("cluster"))
    yield built
    built.stop()


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> list[str]:
    """Append a test's accounting line here; the terminal summary prints them all."""
    return request.config.stash.setdefault(FIGURES, [])


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = terminalreporter.config.stash.get(FIGURES, [])
    if lines:
        terminalreporter.section("fault tests: accounting")
        for line in lines:
            terminalreporter.write_line(line)
