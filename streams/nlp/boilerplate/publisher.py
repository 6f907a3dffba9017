"""Blocks about the publisher rather than the story, found without a fixed phrase.

Donation, membership and subscription appeals are worded differently on every site, but they
share a shape: the publisher speaks in the first person plural ("we", "our reporting") and
asks for support, money or a subscription, or explains why the site has no paywall. This
module scores a paragraph or sentence on three cue families — first-person-plural words, ask
words and words about the publication itself — after setting aside quoted speech and
reported-speech sentences, so a politician's "we must support our farmers" stays news.
All regexes are linear and run on one paragraph (capped) at a time.
"""

from __future__ import annotations

import functools
import re

from streams.nlp.boilerplate import segment

MAX_CHARS = 2000
# First person plural, as the publisher writes it.
FPP = re.compile(r"\b(?:we|we['’](?:re|ve|ll|d)|our|ours|us|ourselves)\b", re.IGNORECASE)
# Asking for money, support or a subscription.
ASK = re.compile(
    r"\b(?:support(?:s|ing|ed|ers?)?|donat\w*|contribut\w*|subscri\w*|membership|members?|"
    r"paywalls?|pay ?wall|chip in|pledge|gifts?|give|giving|fund(?:s|ed|ing)?|"
    r"sponsor\w*|patrons?|back us|pays? for|afford|"
    r"free (?:to read|for (?:all|everyone)|of charge))\b",
    re.IGNORECASE,
)
# The publication itself: its journalism, its readers, its business model.
PUB = re.compile(
    r"\b(?:journalism|journalists|reporting|reporters|newsroom|news ?organi[sz]ation|"
    r"readers?|readership|(?:independent|local|quality|public[- ]interest) (?:news|media)|"
    r"non-?profit|ad-free|advertisers?|paywalls?|pay ?wall|our (?:work|mission|coverage|stories|"
    r"site|website|staff|writers|editors|content|articles|podcast|publication)|"
    r"this (?:site|website|publication|newsletter|podcast))\b",
    re.IGNORECASE,
)
# Quoted speech is set aside before counting: "we" inside quotes is the speaker's.
_QUOTED = re.compile(r"“[^”\n]{0,600}”|\"[^\"\n]{0,600}\"|«[^»\n]{0,600}»|‘[^’\n]{0,300}’")
_REPORTED = re.compile(
    r"\b(?:said|says|say|told|tells|asked|added|according to|argued|warned|wrote|stated|"
    r"announced|declared|insisted|urged|explained)\b",
    re.IGNORECASE,
)
_WORDS = re.compile(r"\w+")
# An ask in the imperative: "Join thousands of readers", "Please give what you can".
_IMPERATIVE_ASK = re.compile(
    r"\W{0,8}+(?:please |so )?(?:join|become|donate|give|support|subscribe|sign up|help|chip in|"
    r"make a (?:gift|donation|contribution)|contribute|pledge|back)\b",
    re.IGNORECASE,
)


def _unquoted(text: str) -> str:
    """``text`` without quoted speech and without sentences that report someone's words."""
    text = _QUOTED.sub(" ", text)
    kept = [
        text[s:e]
        for ls, le in segment.lines(text, 0, len(text))
        for s, e in segment.sentences(text, ls, le)
        if not _REPORTED.search(text, s, e)
    ]
    return " ".join(kept)


def cues(text: str) -> tuple[int, int, int, int]:
    """(first-person-plural, ask, publication, word) counts of ``text`` outside quotes."""
    return _cues(text[:MAX_CHARS])


@functools.lru_cache(maxsize=8192)
def _cues(text: str) -> tuple[int, int, int, int]:
    # memoised: the HTML combiner asks for a paragraph's cues, then the appeal rule does
    own = _unquoted(text)
    return (
        len(FPP.findall(own)),
        len(ASK.findall(own)),
        len(PUB.findall(own)),
        len(_WORDS.findall(own)),
    )


def voice_share(text: str) -> float:
    """Share of the characters of ``text`` in sentences written in the publisher's voice
    (first person plural, or an ask in the imperative; outside quotes and reported speech)."""
    total = voiced = 0
    for ls, le in segment.lines(text, 0, len(text)):
        for s, e in segment.sentences(text, ls, le):
            total += e - s
            own = _unquoted(text[s:e])
            if own and (FPP.search(own) or _IMPERATIVE_ASK.match(own)):
                voiced += e - s
    return voiced / total if total else 0.0


def is_appeal_block(text: str) -> bool:
    """True for a paragraph in which the publisher asks for support in its own voice.

    Needs first-person-plural voice (at least two such words, or one in a short unit), an
    ask and a word about the publication, and enough of the paragraph in that voice: an
    article paragraph that mentions "our readers" once is not an appeal.
    """
    if len(text) > MAX_CHARS or not FPP.search(text):
        # No first-person-plural word in the text, none outside its quotes either (every
        # word there is a word of the text, with the same neighbours or a quote mark or
        # space beside it): fpp would be 0, so the quote and sentence pass is skipped.
        return False
    fpp, ask, pub, words = cues(text)
    if not words or not ask or not pub:
        return False
    if voice_share(text) < 0.5:  # story sentences with one appeal sentence glued on
        return False
    if fpp >= 2:
        return (fpp + ask + pub) / words >= 0.08
    return fpp == 1 and words <= 40 and ask + pub >= 3


# A photo credit set in parentheses inside a paragraph: "(Photo by Jane Doe/Getty Images)",
# "(AP Photo/Sam Doe)", "(Image: Valley Times)". A dateline's "(AP)" is not one.
CREDIT = re.compile(
    r"[(\[] ?(?:(?:photo|image|picture|photograph|illustration|graphic|video|credit|foto)s?"
    r"(?: credit)?:?\s?(?:by|courtesy(?: of)?|:|/|©)\s?[^()\[\]\n]{1,80}"
    r"|(?:AP|AFP|Reuters|EPA|PA|dpa|Getty Images|Bloomberg)(?: Photo| Images)?(?: ?/ ?| via )"
    r"[^()\[\]\n]{1,80}) ?[)\]]",
    re.IGNORECASE,
)


def credit_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Parenthesised photo credits inside ``text[start:end]`` (with one space before)."""
    out: list[tuple[int, int]] = []
    for m in CREDIT.finditer(text, start, end):
        s = m.start() - 1 if m.start() > start and text[m.start() - 1] == " " else m.start()
        out.append((s, m.end()))
    return out


# A teaser: a Title Case headline run straight into its summary, as a link list renders when
# its elements are joined without a break ("Bridge Closed To TrucksThe council voted ...").
TEASER_HEAD = 200  # is_teaser reads a paragraph's first characters only
TEASER = re.compile(
    r"(?:[A-Z0-9‘'“\"$][\w'’:,.$%&-]{0,30} ){2,20}[A-Z0-9][\w'’:,.$%&-]{0,30}?"
    r"(?:[a-z]{2}|[0-9]{2}|[’'”?!)])[A-Z][a-z]{0,30} "
)


def is_teaser(text: str) -> bool:
    """True for a paragraph that starts with a headline glued to a summary."""
    return len(text) > 60 and bool(TEASER.match(text[:TEASER_HEAD]))
