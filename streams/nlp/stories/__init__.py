"""Live cross-source views, pure and Kafka-free: stories (one event across outlets, with the
numbers that spread between them) and trending entities and places. See docs/stories.md."""

from streams.nlp.stories.features import features, signature, similarity
from streams.nlp.stories.index import Stories, story_id
from streams.nlp.stories.trends import Trends

__all__ = [
    "Stories",
    "Trends",
    "features",
    "signature",
    "similarity",
    "story_id",
]
