"""Run one stage of :data:`streams.flow.STAGES` the way the agents do, with the settings of
the environment (for the unit tests), and made-up articles of any length."""

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


TOWNS = ["Millbrook", "Cedar Falls", "Port Alder", "Greystone", "Wexham", "Linden Bay"]
PEOPLE = ["Maria Okafor", "Tomas Brandt", "Aisha Rahman", "Colin Devereaux", "Ines Salgado"]


def paragraph(i: int) -> str:
    """About 75 words of made-up local news, different for every ``i``."""
    person = PEOPLE[i % len(PEOPLE)]
    town = TOWNS[i % len(TOWNS)]
    return (
        f"Council member {person} of {town} said on Tuesday that the Regional Water Authority "
        f'would hire {20 + i} inspectors before the winter storms. "We cannot wait for another '
        f'flood," {person.split()[-1]} told reporters at the town hall. The plan, which also '
        f"covers {3 * i + 4} miles of levees along the Ashford River, passed by seven votes to "
        f"two after a long debate. Critics from the Taxpayers League said the cost, about "
        f"${i + 2} million, would fall on renters."
    )


def article(paragraphs: int, breaks: tuple[str, ...] = ("\n\n",)) -> str:
    parts = [paragraph(i) + breaks[i % len(breaks)] for i in range(paragraphs)]
    return "".join(parts).rstrip()
