"""Worker logs (text and JSON) and the metric definitions, without a broker."""

from __future__ import annotations

import io
import json
import logging

from prometheus_client import generate_latest

from streams import flow
from streams.kafka import metrics
from streams.kafka.logs import JsonFormatter, StageFilter, logging_config
from streams.messages.dead_letters import Failure
from streams.settings import Settings


def _logger(formatter: logging.Formatter) -> tuple[logging.Logger, io.StringIO]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(formatter)
    handler.addFilter(StageFilter("extract"))
    logger = logging.getLogger(f"test.ops.{id(out)}")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    return logger, out


def test_json_log_lines_are_json_with_the_article_fields() -> None:
    logger, out = _logger(JsonFormatter())
    fields = {"article_id": "a-1", "topic": "articles.clean", "partition": 2, "offset": 41}
    logger.warning("extract: a-1 dead letter (input): %s", "empty text", extra=fields)
    logger.info('not about an article, with "quotes" and a\nnewline')
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("failed")
    lines = out.getvalue().splitlines()
    assert len(lines) == 3  # one line per record, even with a newline or a traceback inside
    first, second, third = (json.loads(line) for line in lines)
    assert first["stage"] == "extract" and first["level"] == "warning"
    assert {k: first[k] for k in fields} == fields
    assert first["message"] == "extract: a-1 dead letter (input): empty text"
    assert first["time"].endswith("+00:00")
    assert second["stage"] == "extract" and "article_id" not in second
    assert "ValueError: boom" in third["exception"]
    assert "\x1b" not in out.getvalue()


def test_logging_config_per_format() -> None:
    json_config = logging_config("geotag", "warning", "json")
    assert json_config["formatters"]["newsstream"]["()"] is JsonFormatter
    assert json_config["root"]["level"] == "WARNING"
    text = logging_config("geotag", "info", "text")["formatters"]["newsstream"]["format"]
    logger, out = _logger(logging.Formatter(text))
    logger.info("hello")
    assert "[extract]" in out.getvalue() and "\x1b" not in out.getvalue()


def test_settings_take_the_log_format_and_metrics_port() -> None:
    settings = Settings(log_format="JSON", metrics_port=9500)  # type: ignore[arg-type]
    assert settings.log_format == "json"
    assert [metrics.port(settings, s) for s in flow.NAMES] == [9500, 9501, 9502, 9503, 9504]
    assert metrics.port(settings.replace(metrics_port=0), "geotag") == 0


def test_metric_names_are_the_documented_ones() -> None:
    names = metrics.metric_names()
    for name in (
        "newsstream_articles_in_total",
        "newsstream_articles_out_total",
        "newsstream_dead_letters_total",
        "newsstream_stage_batch_duration_seconds_bucket",
        "newsstream_batch_size_bucket",
        "newsstream_end_to_end_latency_seconds_bucket",
        "newsstream_consumer_lag",
        "newsstream_pool_restarts_total",
        "newsstream_articles_spread_total",
        "newsstream_entities_per_article_sum",
        "newsstream_claims_per_article_count",
        "newsstream_places_per_article",
        "newsstream_source_memory_sources",
        "newsstream_build_info",
    ):
        assert name in names


def test_delivered_counts_outputs_dead_letters_and_latency() -> None:
    def sample(name: str, **labels: str) -> float:
        return metrics.REGISTRY.get_sample_value(name, labels) or 0.0

    before_out = sample("newsstream_articles_out_total", stage="geotag")
    before_dead = sample("newsstream_dead_letters_total", stage="geotag", error_class="timeout")
    before_e2e = sample("newsstream_end_to_end_latency_seconds_count")
    record = {"article_id": "x", "ingested_at": "2020-01-01T00:00:00Z", "places": [{}, {}]}
    metrics.delivered("geotag", [record, Failure("timeout", "slow", "y")], last=True)
    assert sample("newsstream_articles_out_total", stage="geotag") == before_out + 1
    assert (
        sample("newsstream_dead_letters_total", stage="geotag", error_class="timeout")
        == before_dead + 1
    )
    assert sample("newsstream_end_to_end_latency_seconds_count") == before_e2e + 1
    assert sample("newsstream_places_per_article_sum", stage="geotag") >= 2
    page = generate_latest(metrics.REGISTRY).decode()
    assert "_created" not in page


def test_source_count_counts_domains() -> None:
    table = {"a.example|k1": {}, "a.example|k2": {}, "b.example|k1": {}}
    assert metrics.source_count(table) == 2
