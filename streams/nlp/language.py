"""The language of an article, detected with py3langid (a trained character n-gram model,
97 languages, no network)."""

from __future__ import annotations

import functools

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Detection reads the start of the text: a few thousand characters decide any language.
SAMPLE_CHARS = 5000
# Below this probability the detection is not trusted and the article is read as English,
# the pipeline's main language (its record still says what was detected).
MIN_SCORE = 0.8


@functools.cache
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(text: str) -> dict[str, object]:
    """``{"code": ISO 639-1, "score": probability}`` of the text's language."""
    code, score = _identifier().classify(text[:SAMPLE_CHARS])
    return {"code": str(code), "score": round(float(score), 3)}


def pipeline_language(language: dict[str, object] | None) -> str:
    """The language whose NLP the article gets: the detected one when trusted, else English."""
    if not language or float(language["score"]) < MIN_SCORE:  # type: ignore[arg-type]
        return "en"
    return str(language["code"])
