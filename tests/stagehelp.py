"""Run one stage of :data:`streams.flow.STAGES` the way the agents do, with the settings of
the environment (for the unit tests)."""

from __future__ import annotations

import functools

from streams import flow
from streams.nlp.geo import Gazetteer, load_gazetteer
from streams.settings import Settings, load
from streams.stages.base import Result, execute


@functools.cache
def env_settings() -> Settings:
    return load()


def run(stage: str, payloads: list[bytes]) -> list[Result]:
    return execute(flow.stage(stage), payloads, env_settings())


def gazetteer() -> Gazetteer:
    return load_gazetteer(env_settings().cache)
