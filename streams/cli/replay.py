"""``newsstream replay``: start, resume, dry-run and list replays (streams/kafka/replay.py)."""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from collections.abc import Iterable

from streams.kafka.replay import (
    EXIT_INTERRUPTED,
    Checkpoint,
    Replay,
    ensure_replay_topics,
    load_checkpoints,
    lower_priority,
    new_id,
    parse_time,
    plan,
    scan,
)
from streams.settings import Settings
from streams.stages.versioning import pipeline_version

ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}"  # also a transactional.id part


def replay_command(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(_replay(settings, args))


async def _replay(settings: Settings, args: argparse.Namespace) -> int:
    await ensure_replay_topics(settings, None)
    checkpoints = await load_checkpoints(settings)
    if args.list:
        print(listing(checkpoints.values()))
        return 0
    if args.id is not None and not re.fullmatch(ID_PATTERN, args.id):
        raise ValueError(f"replay id {args.id!r}: use letters, digits, '.', '_' and '-'")
    existing = checkpoints.get(args.id) if args.id else None
    if existing is not None:
        cp = existing
        given = [f"--{n}" for n in ("since", "until", "to") if getattr(args, n)] + (
            ["--source"] if args.source else []
        )
        if given:
            raise ValueError(
                f"replay {cp.id} exists ({cp.state}); resume it with `newsstream replay --id "
                f"{cp.id}` alone (it keeps its range and options), or choose another --id"
            )
        if cp.state == "done":
            print(f"replay {cp.id} is done\n{summary(cp)}")
            return 0
        current = pipeline_version(settings)
        if current != cp.version:
            print(
                f"note: this replay produces version {cp.version} as when it started; the "
                f"installed pipeline is {current}",
                file=sys.stderr,
            )
        print(
            f"resuming replay {cp.id}: {cp.remaining} of {cp.total} records of {cp.input} left",
            file=sys.stderr,
        )
    elif args.dry_run:
        cp = await new_checkpoint(settings, args)
    else:
        cp = await new_checkpoint(settings, args)
        print(
            f"replay {cp.id}: {cp.total} records of {cp.input} "
            f"[{cp.since}, {cp.until or 'now'}) from the {cp.from_stage} stage to "
            f"{cp.to or 'the live sink'}, version {cp.version}; after an interruption resume "
            f"with `newsstream replay --id {cp.id}`",
            file=sys.stderr,
        )
    if args.dry_run:
        per_partition, per_source = await scan(settings, cp)
        print(f"would replay {sum(per_partition.values())} article(s) of {cp.input}")
        for partition in sorted(cp.ends):
            print(f"  partition {partition}: {per_partition[partition]}")
        for source, count in per_source.most_common():
            print(f"  source {source}: {count}")
        return 0
    await ensure_replay_topics(settings, cp.to)
    lower_priority(args.nice)
    outcome = await Replay(settings, cp).run()
    state = "interrupted" if outcome.interrupted else "done"
    print(f"replay {cp.id} {state} after {outcome.seconds:.1f}s\n{summary(cp)}")
    if outcome.interrupted:
        print(f"resume with `newsstream replay --id {cp.id}`", file=sys.stderr)
        return EXIT_INTERRUPTED
    return 0


async def new_checkpoint(settings: Settings, args: argparse.Namespace) -> Checkpoint:
    if not args.since:
        raise ValueError("--since is required for a new replay (resume one with --id NAME)")
    since, until = parse_time(args.since), parse_time(args.until)
    if until is not None and since is not None and until <= since:
        raise ValueError("--until must be later than --since")
    if args.rate is not None and args.rate <= 0:
        raise ValueError("--rate must be positive")
    found = await plan(settings, args.from_stage, since, until)
    return Checkpoint(
        id=args.id or new_id(),
        since=since.isoformat() if since else None,
        until=until.isoformat() if until else None,
        from_stage=args.from_stage,
        sources=list(args.source),
        to=args.to,
        version=pipeline_version(settings),
        rate=args.rate,
        input=found.topic,
        starts=found.starts,
        ends=found.ends,
        positions=dict(found.starts),
    )


def summary(cp: Checkpoint) -> str:
    c = cp.counts
    return (
        f"read {c['read']} (filtered out {c['filtered']}), written {c['written']} "
        f"(unchanged content {c['unchanged']}), dead letters {c['dead_letters']}; "
        f"to {cp.to or 'the live sink'}, version {cp.version}"
    )


def listing(checkpoints: Iterable[Checkpoint]) -> str:
    rows = sorted(checkpoints, key=lambda cp: cp.created_at)
    if not rows:
        return "no replays"
    lines = [
        f"{'ID':<32} {'STATE':<12} {'DONE':>13} {'FROM':<8} {'TO':<24} "
        f"{'SINCE':<26} {'UNTIL':<26} UPDATED"
    ]
    for cp in rows:
        done = f"{cp.total - cp.remaining}/{cp.total}"
        lines.append(
            f"{cp.id:<32} {cp.state:<12} {done:>13} {cp.from_stage:<8} "
            f"{(cp.to or 'live sink'):<24} {cp.since or '-':<26} {cp.until or 'its start':<26} "
            f"{cp.updated_at}"
        )
    return "\n".join(lines)
