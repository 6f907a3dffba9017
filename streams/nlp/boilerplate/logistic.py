"""The small logistic-regression models that decide, paragraph by paragraph, what is article
text. Their weights ship as JSON in ``data/boilerplate/``; ``streams.evals.train_boilerplate``
(HTML) and ``streams.evals.train_text`` (plain text) train them, cross-validated by site."""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Model:
    """Weights over a feature tuple and the keep threshold."""

    weights: tuple[float, ...]
    threshold: float

    def probability(self, row: Sequence[float]) -> float:
        return sigmoid(sum(w * x for w, x in zip(self.weights, row, strict=True)))


def sigmoid(z: float) -> float:
    """The logistic function, with ``z`` clipped to [-30, 30] so ``exp`` cannot overflow."""
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@functools.cache
def load_model(path: Path, features: tuple[str, ...]) -> Model | None:
    """The model in ``path``, or None when the file is missing or was trained on other
    features (then the caller's rule-based fallback decides)."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data["features"]) != features:
        return None
    return Model(tuple(float(w) for w in data["weights"]), float(data["threshold"]))
