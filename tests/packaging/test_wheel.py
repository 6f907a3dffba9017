"""The built wheel is a working ``newsstream`` outside the checkout: it holds every resource the
runtime reads (schemas, curated data, the sample, the Kafka pom), and its console script
processes sample articles from a folder that is not the repository.

The wheel is installed with ``--no-deps`` into a fresh venv; the dependencies come from the
test interpreter's site-packages through a plain path line in a ``.pth`` file (``.pth`` files
inside that folder are not executed, so the checkout's editable-install hook stays out).

This folder has no ``__init__.py`` on purpose: as a regular package, ``tests/packaging`` would
shadow the ``packaging`` distribution (``tests/`` is on ``sys.path`` for the conftest) and
break every import of ``packaging.version``, aiokafka's among them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import orjson
import pytest
from packaging.requirements import Requirement

from streams.messages.validation import validate
from streams.settings import load

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "streams"
SAMPLES = ("transit-fares.txt", "harbor-strike.html")
# What setuptools reads to build the wheel; nothing else of the checkout is copied.
BUILD_INPUTS = ("pyproject.toml", "README.md")


def have_build_requirements() -> bool:
    """True when this interpreter already has the exact ``[build-system] requires``."""
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    for line in requires:
        req = Requirement(line)
        try:
            if not req.specifier.contains(metadata.version(req.name), prereleases=True):
                return False
        except metadata.PackageNotFoundError:
            return False
    return True


def run(
    cmd: list[str | Path],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in cmd],
        check=False,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
    )


def explain(proc: subprocess.CompletedProcess[str]) -> str:
    return f"{proc.args!r} exited {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"


@dataclass(frozen=True)
class Installed:
    venv: Path
    python: Path
    newsstream: Path
    site: Path
    workdir: Path
    env: dict[str, str]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a clean copy of the sources: an in-tree build would reuse the
    checkout's ``build/lib``, where stale files could stand in for ones the wheel misses."""
    src = tmp_path_factory.mktemp("src")
    for name in BUILD_INPUTS:
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(PACKAGE, src / "streams", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = tmp_path_factory.mktemp("wheel")
    cmd: list[str | Path] = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", out]
    if have_build_requirements():  # the pinned backend is already here: build offline with it
        cmd.append("--no-build-isolation")
    # else pip fetches the pinned setuptools into an isolated build env (bin/setup's .venv has
    # the setuptools that venv bundles, not the pinned one)
    proc = run([*cmd, src])
    assert proc.returncode == 0, explain(proc)
    (built,) = out.glob("newsstream-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel in a fresh venv, run from a folder outside the checkout."""
    base = tmp_path_factory.mktemp("fresh")
    venv = base / "venv"
    proc = run([sys.executable, "-m", "venv", "--without-pip", venv])
    assert proc.returncode == 0, explain(proc)
    python = venv / "bin" / "python"
    proc = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    assert proc.returncode == 0, explain(proc)
    site = Path(proc.stdout.strip())
    deps = Path(sysconfig.get_paths()["purelib"])  # the test venv's, with every dependency
    (site / "zz-newsstream-deps.pth").write_text(f"{deps}\n")
    pip: list[str | Path] = [sys.executable, "-m", "pip", "--python", python]
    proc = run([*pip, "install", "-q", "--no-deps", "--no-index", wheel])
    assert proc.returncode == 0, explain(proc)

    workdir = base / "work"
    workdir.mkdir()
    home = base / "home"
    home.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("NEWSSTREAM_")
        and k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")
    }
    env.update(
        HOME=str(home),
        NEWSSTREAM_HOME=str(home / "state"),
        # the user's cache: the geo gazetteer index is keyed by content, so the one built for
        # the checkout serves the wheel too (building it takes ~30 s)
        NEWSSTREAM_CACHE=str(load().cache),
    )
    env.pop("XDG_STATE_HOME", None)
    return Installed(venv, python, venv / "bin" / "newsstream", site, workdir, env)


def test_wheel_holds_the_runtime_resources(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    schemas = sorted(PACKAGE.glob("messages/schemas/*.json"))
    assert len(schemas) >= 5
    data = [p for p in (PACKAGE / "data").rglob("*") if p.is_file() and p.suffix != ".pyc"]
    for sub in ("sample", "geo", "entities", "claims", "boilerplate"):
        assert any(p.parent.name == sub for p in data), f"no streams/data/{sub} in the checkout"
    kafka = [
        PACKAGE / "kafka" / "maven" / "pom.xml",
        PACKAGE / "kafka" / "maven" / "log4j.properties",
    ]
    wanted = {p.relative_to(ROOT).as_posix() for p in [*schemas, *data, *kafka]}
    missing = sorted(wanted - names)
    assert not missing, f"the wheel misses {missing}"
    # and every module: a package without __init__.py would be left out by packages.find
    modules = {
        p.relative_to(ROOT).as_posix()
        for p in PACKAGE.rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert not sorted(modules - names), f"the wheel misses {sorted(modules - names)}"


def test_streams_imports_from_the_fresh_venv(installed: Installed) -> None:
    code = (
        "import streams, streams.resources as r, streams.messages.validation as v;"
        "print(streams.__file__); print(r.data_dir('geo')); print(v.SCHEMA_DIR)"
    )
    proc = run([installed.python, "-c", code], cwd=installed.workdir, env=installed.env)
    assert proc.returncode == 0, explain(proc)
    for line in proc.stdout.split():
        path = Path(line)
        assert path.is_relative_to(installed.site), f"{path} is not in the fresh venv"
        assert not path.is_relative_to(ROOT)
        assert path.exists()


def test_help(installed: Installed) -> None:
    proc = run([installed.newsstream, "--help"], cwd=installed.workdir, env=installed.env)
    assert proc.returncode == 0, explain(proc)
    assert "process" in proc.stdout


def test_process_sample_from_outside_the_checkout(installed: Installed) -> None:
    sample = installed.workdir / "sample"
    sample.mkdir()
    for name in SAMPLES:
        shutil.copy2(PACKAGE / "data" / "sample" / name, sample / name)
    proc = run(
        [installed.newsstream, "process", "sample"],
        cwd=installed.workdir,
        env=installed.env,
    )
    assert proc.returncode == 0, explain(proc)
    records = [orjson.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    assert len(records) == len(SAMPLES), explain(proc)
    for record in records:
        validate("article.geo", record)
        assert record["entities"], f"no entities in {record['article_id']}"
        assert record["places"], f"no places in {record['article_id']}"
    # the installed package validates them too, with its own copy of the schemas
    out = installed.workdir / "out.jsonl"
    out.write_text(proc.stdout)
    code = (
        "import sys, orjson; from streams.messages.validation import validate\n"
        "for line in open(sys.argv[1], 'rb'): validate('article.geo', orjson.loads(line))\n"
    )
    check = run([installed.python, "-c", code, out], cwd=installed.workdir, env=installed.env)
    assert check.returncode == 0, explain(check)
