"""Entity extraction: document-level consistency on small hand-written news texts."""

from __future__ import annotations

import pytest

from streams.nlp.entities import extract_entities
from streams.nlp.entities.normalize import norm_key
from streams.nlp.model import load_nlp


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def _check_offsets(doc, ents):
    for e in ents:
        for m in e["mentions"]:
            assert doc.text[m["start"]:m["end"]] == m["text"]


def test_trump_is_one_person_with_all_mentions(nlp):
    text = (
        "President Donald Trump said on Monday that tariffs would stay. "
        "Trump told reporters in Washington that the economy was strong. "
        "Critics said Trump's plan would raise prices for families."
    )
    doc = nlp(text)
    ents = extract_entities(doc)
    _check_offsets(doc, ents)
    people = [e for e in ents if "Trump" in e["name"]]
    assert len(people) == 1
    trump = people[0]
    assert trump["name"] == "Donald Trump"
    assert trump["label"] == "PERSON"
    assert [m["text"] for m in trump["mentions"]] == ["Donald Trump", "Trump", "Trump"]
    assert trump["mentions"][0]["start"] == text.index("Donald")
    assert trump["mentions"][2]["start"] == text.index("Trump's")


def test_quote_fragment_title_case_is_not_an_entity(nlp):
    text = (
        'Senator Maria Lopez said the campaign would rely on its "Voter Base" and '
        'described the rally as "A Great Night For Everyone". '
        "Lopez spoke in Denver on Tuesday."
    )
    doc = nlp(text)
    ents = extract_entities(doc)
    _check_offsets(doc, ents)
    names = {e["name"] for e in ents}
    assert not any("Voter" in n or "Base" in n for n in names)
    assert not any("Night" in n for n in names)
    lopez = [e for e in ents if e["name"] == "Maria Lopez"]
    assert len(lopez) == 1 and len(lopez[0]["mentions"]) == 2


def test_acronym_linked_to_expansion(nlp):
    text = (
        "Agents from U.S. Immigration and Customs Enforcement (ICE) detained two men in Texas. "
        "ICE did not respond to a request for comment."
    )
    doc = nlp(text)
    ents = extract_entities(doc)
    _check_offsets(doc, ents)
    ice = [e for e in ents if any(m["text"] == "ICE" for m in e["mentions"])]
    assert len(ice) == 1
    assert ice[0]["name"] == "U.S. Immigration and Customs Enforcement"
    assert len(ice[0]["mentions"]) == 3


def test_possessive_stripped_and_ids_sorted(nlp):
    text = "Elon Musk's company Tesla reported record sales in China. Musk thanked workers."
    doc = nlp(text)
    ents = extract_entities(doc)
    _check_offsets(doc, ents)
    assert [e["id"] for e in ents] == [f"e{i}" for i in range(1, len(ents) + 1)]
    firsts = [e["mentions"][0]["start"] for e in ents]
    assert firsts == sorted(firsts)
    musk = [e for e in ents if e["name"] == "Elon Musk"]
    assert musk and all("'s" not in m["text"] for m in musk[0]["mentions"])
    assert all(0.0 <= e["salience"] <= 1.0 for e in ents)


def test_publisher_credit_dropped_but_story_mention_kept(nlp):
    text = (
        "LONDON (Reuters) - The Bank of England raised interest rates on Thursday.\n"
        "Governor Andrew Bailey said inflation was too high.\n"
        "Reporting by Jane Doe; editing by Reuters staff"
    )
    doc = nlp(text)
    ents = extract_entities(doc, publisher="Reuters")
    _check_offsets(doc, ents)
    assert not any(e["name"] == "Reuters" for e in ents)
    assert any(e["name"] == "Bank of England" and e["label"] == "ORG" for e in ents)


def test_norm_key_collapses_punctuation_variants():
    assert norm_key("U.S.") == norm_key("US")
    assert norm_key("The Fed") == "fed"
    assert norm_key("AL-AIN") == norm_key("Al Ain")
