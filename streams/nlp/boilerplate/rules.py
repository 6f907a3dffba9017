"""Cue-pattern rules for boilerplate lines and sentences, loaded from data/boilerplate/rules.json.

Patterns live in a data file so editors can extend them without touching code. Each pattern
is applied to one short unit (a line or a sentence), with a length cap, so matching stays
linear on any input.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

from streams.resources import data_dir

RULES_FILE = data_dir("boilerplate") / "rules.json"
FULL_MAX_CHARS = 300
_EDGE_STRIP = " \t\r\n•·|*-–—>»›:,;"


@dataclass(frozen=True)
class Rule:
    """One reason with its compiled patterns."""

    reason: str
    full: bool
    max_chars: int
    regex: re.Pattern[str]


@functools.cache
def load_rules(path: Path = RULES_FILE) -> tuple[Rule, ...]:
    """Compile the rule file once per process."""
    data = json.loads(path.read_text(encoding="utf-8"))
    rules: list[Rule] = []
    for item in data["rules"]:
        flags = 0 if item.get("case_sensitive") else re.IGNORECASE
        full = item["match"] == "full"
        if full:
            joined = "|".join(f"(?:{p})" for p in item["patterns"])
            joined = f"(?:{joined})[.!?…]*"
        else:
            joined = _search_pattern(item["patterns"])
        max_chars = int(item.get("max_chars", FULL_MAX_CHARS))
        rules.append(Rule(item["reason"], full, max_chars, re.compile(joined, flags)))
    return tuple(rules)


def _search_pattern(patterns: list[str]) -> str:
    """One regex for an anywhere-in-unit rule: the patterns that open with a word boundary
    share it, checked once before their alternatives.

    Python's regex engine tries every alternative at every position of the unit; with the
    boundary in front, positions inside a word fail at once. The rule matches the same units
    (a search only asks whether some alternative matches somewhere). A pattern with a
    top-level ``|`` keeps its own place, since its boundary covers only its first branch.
    Reordering renumbers the patterns' groups: the rule file uses no back-references."""
    bounded = [p[2:] for p in patterns if p.startswith(r"\b") and not _has_top_level_bar(p)]
    others = [p for p in patterns if not p.startswith(r"\b") or _has_top_level_bar(p)]
    parts = [f"(?:{p})" for p in others]
    if bounded:
        parts.insert(0, r"\b(?:" + "|".join(f"(?:{p})" for p in bounded) + ")")
    return "|".join(parts)


def _has_top_level_bar(pattern: str) -> bool:
    """True if ``pattern`` has a ``|`` outside every group and character class."""
    depth = 0
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 1  # the escaped character is a literal
        elif ch == "[":
            i += 1
            if i < len(pattern) and pattern[i] == "^":
                i += 1
            if i < len(pattern) and pattern[i] == "]":
                i += 1  # a "]" first in a class is a literal
            while i < len(pattern) and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return True
        i += 1
    return False


_MEMO_MAX = 50_000
# Verdicts of classify per (unit, full_only), valid for one rule set (load_rules' result):
# a page's paragraphs, lines and sentences are often the same unit, and sites repeat their
# menus and footers from page to page.
# Units longer than every rule's max_chars match nothing and are not stored.
_memo: tuple[tuple[Rule, ...], int, dict[tuple[str, bool], str | None]] = ((), 0, {})


def classify(unit: str, *, full_only: bool = False) -> str | None:
    """Return the boilerplate reason for a line or sentence, or None if no rule matches.

    ``full_only`` skips the anywhere-in-unit cues: used on multi-sentence lines, where an
    appeal cue must only cost its own sentence.
    """
    global _memo
    core = unit.strip(_EDGE_STRIP)
    if not core:
        return None
    rules = load_rules()
    if _memo[0] is not rules:
        _memo = (rules, max((r.max_chars for r in rules), default=0), {})
    _, longest, memo = _memo
    if len(core) > longest:
        return None
    key = (core, full_only)
    if key in memo:
        return memo[key]
    if len(memo) >= _MEMO_MAX:
        memo.clear()
    memo[key] = reason = _classify(rules, core, full_only)
    return reason


def _classify(rules: tuple[Rule, ...], core: str, full_only: bool) -> str | None:
    for rule in rules:
        if len(core) > rule.max_chars or (full_only and not rule.full):
            continue
        if rule.full:
            if rule.regex.fullmatch(core):
                return rule.reason
        elif rule.regex.search(core):
            return rule.reason
    return None


@functools.cache
def _markers(name: str, path: Path = RULES_FILE) -> re.Pattern[str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    joined = "|".join(f"(?:{p})" for p in data[name]["patterns"])
    return re.compile(f"(?:{joined})[.!?…:]*", re.IGNORECASE)


def _is_marker(name: str, unit: str) -> bool:
    core = unit.strip(_EDGE_STRIP)
    return bool(core) and len(core) <= FULL_MAX_CHARS and bool(_markers(name).fullmatch(core))


def is_comments_start(unit: str) -> bool:
    """True for a line that opens a comment thread ("34 responses to ...", "Comments")."""
    return _is_marker("comments_start", unit)


def is_section_end(unit: str) -> bool:
    """True for a line that opens a comments or "more stories" section."""
    return is_comments_start(unit) or _is_marker("section_end", unit)
