"""The geotag stage agent: geotag via :mod:`streams.pipeline`, off the event loop."""

from __future__ import annotations

import faust

from streams.settings import Settings
from streams.stages.runner import StageRunner


def register(app: faust.App, settings: Settings) -> None:
    StageRunner(app, "geotag", settings).agent(app)
