"""Short generated articles for the fault tests: 2-4 sentences, each with a name, a quote and
a place, varied enough that the NLP does real work but fast enough that thousands flow
through spaCy in about a minute."""

from __future__ import annotations

import random
from pathlib import Path

import orjson

FIRST = [
    "Ana",
    "David",
    "Maria",
    "James",
    "Li",
    "Fatima",
    "Olu",
    "Sofia",
    "Peter",
    "Aiko",
    "Carlos",
    "Grace",
    "Hassan",
    "Ingrid",
    "Tomas",
    "Nadia",
    "Samuel",
    "Elena",
    "Ravi",
    "Clara",
]
LAST = [
    "Ruiz",
    "Chen",
    "Okafor",
    "Miller",
    "Novak",
    "Haddad",
    "Schmidt",
    "Tanaka",
    "Silva",
    "Brown",
    "Kowalski",
    "Andersen",
    "Patel",
    "Moreau",
    "Rossi",
    "Kim",
    "Nguyen",
    "Owusu",
    "Lindqvist",
]
ROLES = [
    "Mayor",
    "Governor",
    "Senator",
    "Dr.",
    "Professor",
    "Councillor",
    "Minister",
    "Judge",
]
PLACES = [
    ("Denver", "Colorado"),
    ("Lyon", "France"),
    ("Austin", "Texas"),
    ("Kyoto", "Japan"),
    ("Porto", "Portugal"),
    ("Nairobi", "Kenya"),
    ("Leeds", "England"),
    ("Tampa", "Florida"),
    ("Gdansk", "Poland"),
    ("Bergen", "Norway"),
    ("Perth", "Australia"),
    ("Quito", "Ecuador"),
    ("Boise", "Idaho"),
    ("Hamburg", "Germany"),
    ("Accra", "Ghana"),
    ("Toledo", "Ohio"),
]
THINGS = [
    "nurses",
    "bus drivers",
    "teachers",
    "firefighters",
    "new homes",
    "electric buses",
    "wind turbines",
    "school places",
    "hospital beds",
    "police officers",
]
QUOTES = [
    "We cannot wait another year for this",
    "The numbers speak for themselves",
    "This is a good day for the city",
    "People here deserve better services",
    "We listened and we changed the plan",
    "It will take time, but it will work",
]
EXTRAS = [
    "The council will vote on the plan on {day}.",
    "Critics in {city2} said the cost of {money} million dollars was too high.",
    "The plan follows a similar program in {city2}, {region2}.",
    "Unions welcomed the move, according to {name2}, who leads the local branch.",
    "About {pct} percent of residents supported the idea in a recent survey.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def article(i: int, rng: random.Random) -> dict[str, str]:
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    role = rng.choice(ROLES)
    city, region = rng.choice(PLACES)
    city2, region2 = rng.choice(PLACES)
    count = rng.randint(12, 900)
    thing = rng.choice(THINGS)
    day = rng.choice(DAYS)
    lead = f"{role} {name} of {city}, {region} said on {day} the city would add {count} {thing}."
    quote = f'"{rng.choice(QUOTES)}," {name.split()[1]} told reporters in {city}.'
    sentences = [lead, quote]
    for extra in rng.sample(EXTRAS, rng.randint(0, 2)):
        sentences.append(
            extra.format(
                day=rng.choice(DAYS),
                city2=city2,
                region2=region2,
                money=rng.randint(2, 90),
                name2=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                pct=rng.randint(20, 80),
            )
        )
    return {
        "id": f"fault-{i:05d}",
        "url": f"https://news{i % 7}.example.org/{i}",
        "title": f"{city} to add {count} {thing}",
        "text": " ".join(sentences),
    }


def generate(count: int, seed: int = 7, start: int = 0) -> list[dict[str, str]]:
    rng = random.Random(seed + start)
    return [article(start + i, rng) for i in range(count)]


def write_jsonl(path: Path, items: list[dict[str, str]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(item) + b"\n" for item in items))
    return path
