"""``newsstream dashboard``: one aiohttp process that samples Kafka (:mod:`streams.ops.monitor`)
and serves what it has seen.

- ``GET /`` — the page (``static/index.html``: plain HTML, CSS and JS, no network beyond this
  server);
- ``GET /api/state`` — the figures as JSON (throughput and lag per stage over the last
  minutes, dead letters by class, the latest sink articles, recent places);
- ``GET /world.json`` — the world outline the map draws (:mod:`streams.ops.world`).
"""

from __future__ import annotations

import asyncio
import signal
from typing import Any

import orjson
from aiohttp import web

from streams.ops.monitor import Monitor
from streams.resources import package_path
from streams.settings import Settings

MONITOR = web.AppKey("monitor", Monitor)
SETTINGS = web.AppKey("settings", Settings)


def static(name: str) -> bytes:
    return package_path("ops", "static", name).read_bytes()


async def index(request: web.Request) -> web.Response:
    return web.Response(
        body=static("index.html"),
        content_type="text/html",
        charset="utf-8",
        headers={"Cache-Control": "no-cache"},
    )


async def world(request: web.Request) -> web.Response:
    return web.Response(
        body=static("world.json"),
        content_type="application/json",
        headers={"Cache-Control": "max-age=86400"},
    )


async def api_state(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    state: dict[str, Any] = request.app[MONITOR].board.state()
    state["broker"] = settings.bootstrap
    state["topic_prefix"] = settings.topic_prefix
    return web.Response(
        body=orjson.dumps(state),
        content_type="application/json",
        headers={"Cache-Control": "no-store"},
    )


def make_app(settings: Settings, *, interval: float = 2.0) -> web.Application:
    app = web.Application()
    app[SETTINGS] = settings
    app[MONITOR] = Monitor(settings, interval=interval)

    async def lifecycle(app: web.Application) -> Any:
        await app[MONITOR].start()
        yield
        await app[MONITOR].stop()

    app.cleanup_ctx.append(lifecycle)
    app.router.add_get("/", index)
    app.router.add_get("/api/state", api_state)
    app.router.add_get("/world.json", world)
    return app


async def start(
    settings: Settings, host: str, port: int, *, interval: float = 2.0
) -> web.AppRunner:
    """Start serving on ``host:port``; ``await runner.cleanup()`` stops it."""
    runner = web.AppRunner(make_app(settings, interval=interval), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


async def serve(settings: Settings, host: str, port: int, *, interval: float = 2.0) -> None:
    """Serve until SIGINT/SIGTERM, printing the URL once the port is open."""
    runner = await start(settings, host, port, interval=interval)
    shown = f"[{host}]" if ":" in host else host
    print(f"dashboard at http://{shown}:{port}/", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
