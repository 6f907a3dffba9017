"""Kafka client plumbing shared by the CLI, the stages and the tests: connection options
(with SASL/TLS from the settings), topic creation and a readiness probe."""

from __future__ import annotations

import asyncio
import logging
import ssl
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError

from streams.messages import topics
from streams.settings import Settings


class BrokerError(RuntimeError):
    """The broker cannot be reached or refused us; the message says what to check."""


def client_options(settings: Settings) -> dict[str, Any]:
    """aiokafka connection options: bootstrap servers plus SASL/TLS when configured."""
    options: dict[str, Any] = {"bootstrap_servers": settings.bootstrap}
    protocol = settings.security_protocol.upper()
    if protocol == "PLAINTEXT":
        return options
    options["security_protocol"] = protocol
    if "SSL" in protocol:
        options["ssl_context"] = ssl_context(settings)
    if protocol.startswith("SASL"):
        options["sasl_mechanism"] = settings.sasl_mechanism
        options["sasl_plain_username"] = settings.sasl_username
        options["sasl_plain_password"] = settings.sasl_password.get_secret_value()
    return options


def ssl_context(settings: Settings) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=settings.ssl_cafile or None)
    return context


def producer(settings: Settings, **extra: Any) -> AIOKafkaProducer:
    """A durable producer: acks from all in-sync replicas, idempotent, large records allowed."""
    return AIOKafkaProducer(
        **client_options(settings),
        acks="all",
        enable_idempotence=True,
        max_request_size=topics.MAX_MESSAGE_BYTES,
        linger_ms=5,
        **extra,
    )


def consumer(settings: Settings, *topic_names: str, **extra: Any) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        *topic_names,
        **client_options(settings),
        fetch_max_bytes=topics.MAX_MESSAGE_BYTES * 2,
        max_partition_fetch_bytes=topics.MAX_MESSAGE_BYTES,
        **extra,
    )


async def wait_for_broker(settings: Settings, timeout: float = 60.0) -> None:
    """Return when the cluster answers a metadata request; raise BrokerError after ``timeout``."""
    deadline = asyncio.get_running_loop().time() + timeout
    quiet = logging.getLogger("aiokafka")  # it logs every refused connection while we poll
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        await _poll(settings, deadline)
    finally:
        quiet.setLevel(level)


async def _poll(settings: Settings, deadline: float) -> None:
    last: Exception | None = None
    while asyncio.get_running_loop().time() < deadline:
        admin = AIOKafkaAdminClient(**client_options(settings), request_timeout_ms=5000)
        try:
            await admin.start()
            await admin.describe_cluster()
            return
        except Exception as exc:  # noqa: BLE001 - any failure means "not yet"
            last = exc
            if not _is_auth_failure(exc):  # aiokafka logs the real cause and says "Unable to
                exc = await _connect_error(settings) or exc  # bootstrap": ask once more, directly
            if _is_auth_failure(exc):
                raise BrokerError(
                    f"authentication with broker {settings.bootstrap} failed ({exc}); check "
                    "NEWSSTREAM_SECURITY_PROTOCOL, NEWSSTREAM_SASL_MECHANISM, "
                    "NEWSSTREAM_SASL_USERNAME, NEWSSTREAM_SASL_PASSWORD and NEWSSTREAM_SSL_CAFILE"
                ) from exc
        finally:
            await admin.close()
        await asyncio.sleep(0.5)
    raise BrokerError(f"no Kafka broker answers at {settings.bootstrap}: {last}")


def _is_auth_failure(exc: Exception) -> bool:
    name = type(exc).__name__
    return "Authentication" in name or isinstance(exc, ssl.SSLError) or "SSLError" in name


async def _connect_error(settings: Settings) -> Exception | None:
    """What a direct connection to the first bootstrap server fails with (TLS handshake, SASL
    authentication), or None; only for secured connections, where that is worth telling."""
    options = client_options(settings)
    if "security_protocol" not in options:
        return None
    from aiokafka.conn import create_conn

    host, _, port = settings.bootstrap.split(",")[0].rpartition(":")
    try:
        conn = await create_conn(
            host,
            int(port),
            request_timeout_ms=5000,
            **{k: v for k, v in options.items() if k != "bootstrap_servers"},
        )
    except Exception as exc:  # noqa: BLE001 - the cause is what we are after
        return exc
    conn.close()
    return None


async def ensure_topics(settings: Settings) -> None:
    """Create every pipeline topic with its configured partitions and replication (idempotent)."""
    from streams import flow

    tables = [
        (stage.name, stage.table, stage.window is not None) for stage in flow.STAGES if stage.table
    ]
    admin = AIOKafkaAdminClient(**client_options(settings), request_timeout_ms=30000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        new = [
            NewTopic(
                spec.name, settings.partitions, settings.replication, topic_configs=spec.config
            )
            for spec in topics.specs(settings, tables)
            if spec.name not in existing
        ]
        if new:
            try:
                await admin.create_topics(new)
            except TopicAlreadyExistsError:
                pass
            except KafkaError as exc:
                raise BrokerError(f"could not create topics: {exc}") from exc
    finally:
        await admin.close()
