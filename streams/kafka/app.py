"""The Faust app factory: one app, hence one consumer group, per stage."""

from __future__ import annotations

import faust

from streams import flow
from streams.kafka.agent import StageAgent
from streams.kafka.clients import client_options
from streams.kafka.internals import (
    check_versions,
    commit_behind_in_flight,
    keep_queues_on_resume,
    refetch_undelivered,
)
from streams.messages import topics
from streams.settings import Settings


def create_app(stage: str, settings: Settings) -> faust.App:
    """Build the Faust app for ``stage`` with its agent registered."""
    check_versions()
    spec = flow.stage(stage)
    datadir = settings.home / "faust" / stage
    datadir.mkdir(parents=True, exist_ok=True)
    app = faust.App(
        topics.app_id(settings, stage),
        broker=settings.faust_broker,
        broker_credentials=_credentials(settings),
        key_serializer="raw",
        value_serializer="raw",
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication,
        store="memory://",  # tables are rebuilt from their changelog topics on start
        web_enabled=False,
        datadir=str(datadir),
        producer_acks=-1,
        # A batch's outputs go out as one produce request rather than one per record (the
        # broker's CPU per record falls), for 5 ms more latency per hop.
        producer_linger=0.005,
        producer_max_request_size=topics.MAX_MESSAGE_BYTES,
        consumer_max_fetch_size=topics.MAX_MESSAGE_BYTES,
        consumer_auto_offset_reset="earliest",
        processing_guarantee="at_least_once",
        broker_commit_every=100,
        # NLP runs off the loop, so heartbeats are never late: a shorter session lets a
        # restarted worker take over a killed one's partitions sooner.
        broker_session_timeout=30.0,
        broker_commit_interval=1.0,
    )
    StageAgent(app, spec, settings).register(app)
    refetch_undelivered(app)
    keep_queues_on_resume(app)
    commit_behind_in_flight(app)
    return app


def _credentials(settings: Settings) -> faust.types.auth.CredentialsT | None:
    protocol = settings.security_protocol.upper()
    if protocol == "PLAINTEXT":
        return None
    options = client_options(settings)
    if protocol == "SSL":
        return faust.SSLCredentials(options["ssl_context"])
    return faust.SASLCredentials(
        username=settings.sasl_username,
        password=settings.sasl_password.get_secret_value(),
        mechanism=settings.sasl_mechanism,
        ssl_context=options.get("ssl_context"),
    )
