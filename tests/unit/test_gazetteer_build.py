"""A fresh cache gets its gazetteer index from a child process, so the process that asked for
it never holds the build's memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.nlp.geo import build, gazetteer


def test_a_fresh_cache_is_built_in_a_child_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def not_here(path: Path) -> Path:
        raise AssertionError("the index was built in this process")

    monkeypatch.setattr(build, "write", not_here)  # the child imports its own, unpatched
    found = gazetteer.load_gazetteer.__wrapped__(tmp_path)
    assert build.cache_path(tmp_path).exists()
    assert any(p.country_code == "FR" for p in found.candidates("Paris"))


def test_a_build_that_fails_says_how_to_see_why(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    with pytest.raises(RuntimeError, match="streams.nlp.geo.build"):
        gazetteer.load_gazetteer.__wrapped__(blocked)
