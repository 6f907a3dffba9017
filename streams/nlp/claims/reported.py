"""Reported speech and beliefs read off the dependency parse.

A cue verb (said, told, believes, accused, ...) whose clausal complement is the content;
"according to X" attached to a clause; and the parenthetical "..., he said, ..." (parataxis)
where the content is the rest of the clause. Each finding is an :class:`Attribution`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from streams.nlp.doctext import text_of

from .lexicon import (
    according_phrases,
    adjective_cues,
    cue_classes,
    impression_verbs,
    noun_cues,
    pronoun_labels,
    role_nouns,
    source_nouns,
    topic_preps,
)

# Verbs whose direct object is the listener, not the content ("told reporters").
_LISTENER_OBJECT = frozenset(
    {
        "tell",
        "ask",
        "inform",
        "remind",
        "assure",
        "warn",
        "advise",
        "urge",
        "accuse",
        "blame",
        "thank",
        "show",
    }
)
# Cues whose content is a clause only: "continued that ..." but not "continues to rise".
_CLAUSE_ONLY = frozenset({"continue"})
# Verbs whose infinitive is the content even when it is a cue itself ("declined to comment").
_REFUSALS = frozenset({"decline", "refuse"})
# ... of which these never have content in their object ("told reporters", "thanked voters").
_ONLY_LISTENER = frozenset({"tell", "inform", "remind", "assure", "thank"})
_WEAK_OBJECTS = frozenset({"it", "this", "that", "so", "something", "anything", "nothing", "what"})
# Reflexive objects are content only with what is said of them ("described himself as a
# centrist"), not alone ("found himself", "pushed themselves").
_REFLEXIVES = frozenset(
    "himself herself itself themselves myself ourselves yourself yourselves".split()
)
_MONEY_NOUNS = frozenset({"money", "fund", "funds", "cash", "sum", "dollar", "donation"})
_ADJ_PREPS = frozenset({"of", "about", "on", "with", "in", "to", "toward", "towards"})
_END_PUNCT = frozenset({".", "!", "?"})
_SHORT_ANSWERS = frozenset({"yes", "no", "so"})
_EDGE_PUNCT = frozenset(",;:-\u2014\u2013")


@dataclass
class Attribution:
    """A content span with its cue token and the token heading its source, if any."""

    start: int
    end: int
    cue: Token | None
    cue_text: str | None
    source: Token | None
    cls: str
    fragments: list[tuple[int, int]] = field(default_factory=list)


def _span_of(tokens: list[Token]) -> tuple[int, int] | None:
    """Character span of tokens with edge punctuation and spaces trimmed."""
    toks = sorted(tokens, key=lambda t: t.i)
    while toks and (toks[0].is_punct and toks[0].text in _EDGE_PUNCT or toks[0].is_space):
        toks.pop(0)
    while toks and (
        toks[-1].text in _EDGE_PUNCT or toks[-1].text in _END_PUNCT or toks[-1].is_space
    ):
        toks.pop()
    if not toks:
        return None
    return toks[0].idx, toks[-1].idx + len(toks[-1])


_FINITE = frozenset({"VBD", "VBZ", "VBP"})
_OBJECT_PRONOUNS = frozenset({"him", "her", "them", "me", "us", "it"})


def left_subject(verb: Token) -> Token | None:
    """The subject the parser lost of a finite speech verb: the noun right before it ("the
    poll taker , said"), or, across a comma-bounded description, the name the description
    follows ("Jane Roe, a teacher who ..., said")."""
    if verb.tag_ not in _FINITE:
        return None
    sent = verb.sent
    j = verb.i - 1
    while j >= sent.start and verb.doc[j].dep_ in ("aux", "auxpass", "neg", "advmod"):
        j -= 1
    if j < sent.start:
        return None
    tok = verb.doc[j]
    if tok.text in (",", "-", "\u2014", "\u2013"):
        # names before a comma, nearest first; a person's name wins, the first one written
        names = [
            verb.doc[k]
            for k in range(j - 1, max(sent.start, j - 40) - 1, -1)
            if verb.doc[k + 1].text == tok.text and _name_like(verb.doc[k])
        ]
        people = [t for t in names if t.ent_type_ == "PERSON"]
        return people[-1] if people else (names[0] if names else None)
    return tok if _name_like(tok) else None


def _name_like(tok: Token) -> bool:
    if tok.ent_type_ in ("DATE", "TIME", "CARDINAL", "MONEY", "PERCENT", "ORDINAL"):
        return False
    if tok.pos_ == "PRON":
        return tok.lower_ not in _OBJECT_PRONOUNS and tok.lower_ in pronoun_labels()
    return tok.pos_ in ("PROPN", "NOUN") and plausible_source(tok)


def find_subject(verb: Token, depth: int = 0) -> Token | None:
    """Source of a cue verb: its subject, the agent of a passive, or an inherited subject."""
    for c in verb.children:
        if c.dep_ in ("nsubj", "csubj"):
            return c
    for c in verb.children:
        if c.dep_ == "agent":
            for g in c.children:
                if g.dep_ == "pobj":
                    return g
    if depth < 3 and verb.dep_ in ("xcomp", "conj", "advcl") and verb.head is not verb:
        return find_subject(verb.head, depth + 1)
    if depth < 3 and verb.dep_ == "acomp" and verb.head is not verb:
        # "was quick to point out", "is likely to stress": the copula's subject
        return find_subject(verb.head, depth + 1)
    if depth < 3 and verb.dep_ == "pcomp" and verb.head.head is not verb.head:
        # "... by saying X": the subject of the verb the preposition hangs on
        return find_subject(verb.head.head, depth + 1)
    if verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN"):
        noun = verb.head
        src = _issuer(noun)
        if (
            src is noun
            and verb.tag_ == "VBG"
            and depth < 3
            and not plausible_source(noun)
            and noun.lemma_.lower() not in source_nouns()
        ):
            # "at one point calling the mayor a liar", "holding signs calling him a loser": a
            # participle on a noun that cannot speak (nor is a document) goes with the
            # subject of its clause
            head = noun.head
            for _ in range(4):
                if head.pos_ in ("VERB", "AUX") or head.head.i == head.i:
                    break
                head = head.head
            if head.pos_ in ("VERB", "AUX"):
                return find_subject(head, depth + 1) or src
        return src
    return None


def _issuer(noun: Token) -> Token:
    """Who a document speaks for: "his office put out a statement saying ..." -> "office"
    (the subject of the verb that issued it), "Trump's tweet saying ..." -> "Trump"; any
    other noun is its own source ("supporters chanting ...")."""
    if noun.lemma_.lower() not in source_nouns():
        return noun
    for c in noun.children:
        if c.dep_ == "poss":
            return c
    if noun.dep_ == "dobj":
        subj = next((c for c in noun.head.children if c.dep_ == "nsubj"), None)
        if subj is not None and plausible_source(subj):
            return subj
    return noun


def _cue_text(verb: Token) -> str:
    """The cue as written, with particles such as "pointed out" / "called for"."""
    parts = [verb]
    parts += [c for c in verb.children if c.dep_ == "prt"]
    preps = topic_preps().get(verb.lemma_.lower())
    if preps:
        parts += [c for c in verb.children if c.dep_ == "prep" and c.lower_ in preps][:1]
    return " ".join(t.text for t in sorted(parts, key=lambda t: t.i))


def _same_paragraph(verb: Token, toks: list[Token]) -> list[Token]:
    """Tokens not separated from the verb by a newline."""
    text = text_of(verb.doc)
    lo = text.rfind("\n", 0, verb.idx) + 1
    hi = text.find("\n", verb.idx)
    hi = len(text) if hi < 0 else hi
    return [t for t in toks if lo <= t.idx < hi]


def _gap(verb: Token, comp: Token) -> int:
    """Tokens between a verb and the nearer edge of a complement's subtree."""
    if comp.i > verb.i:
        return comp.left_edge.i - verb.i
    return verb.i - comp.right_edge.i


def _content_tokens(verb: Token) -> list[Token]:
    """Tokens of the content of a cue verb, or [] when it has none."""
    kids = list(verb.children)
    # the parser sometimes hangs a neighbouring sentence on the cue: take the complement
    # nearest to the verb among those in its paragraph ('..., Jane Roe said. / The firm
    # plans ...' has two, and the nearer one is across the break)
    comp = _same_paragraph(verb, [c for c in kids if c.dep_ == "ccomp"])
    if comp:
        best = min(comp, key=lambda c: _gap(verb, c))
        return _same_paragraph(verb, list(best.subtree))
    lemma = verb.lemma_.lower()
    if lemma in _CLAUSE_ONLY:
        return []
    wh = [
        c
        for c in kids
        if c.dep_ == "advcl"
        and c.i > verb.i
        and c.left_edge.lower_ in ("whether", "if", "when", "why", "how", "where", "what")
    ]
    if wh and not any(c.dep_ in ("dobj", "xcomp") for c in kids):
        # "did not say when they would vote", "asked whether it was legal"
        return _same_paragraph(verb, list(wh[0].subtree))
    short = [
        c
        for c in kids
        if c.lower_ in _SHORT_ANSWERS and c.i > verb.i and c.dep_ in ("intj", "advmod", "dobj")
    ]
    if short and lemma in ("say", "answer", "reply", "respond"):
        return short[:1]
    out: list[Token] = []
    for c in kids:
        if c.i < verb.i:
            continue
        if c.dep_ == "xcomp" and (lemma in _REFUSALS or c.lemma_.lower() not in cue_classes()):
            out += list(c.subtree)
        elif c.dep_ == "dobj" and lemma not in _LISTENER_OBJECT:
            if c.lower_ in _WEAK_OBJECTS and len(list(c.subtree)) == 1:
                continue
            pred = _predicated(verb, c)
            if c.lower_ in _REFLEXIVES and not pred:
                continue
            out += list(c.subtree) + pred
        elif (
            c.dep_ == "prep"
            and c.lower_ in ("for", "of", "that")
            and lemma in ("call", "accuse", "blame", "criticize", "praise", "warn", "ask", "charge")
        ) or (c.dep_ == "prep" and c.lower_ == "about" and lemma == "ask"):
            # "called for X", "accused him of X", "asked about X" (the topic of a question)
            out += list(c.subtree)
    if out and lemma in _LISTENER_OBJECT:
        # "urged him to resign": the listener belongs to the content
        out += [t for c in kids if c.dep_ == "dobj" for t in c.subtree]
    elif lemma in _LISTENER_OBJECT and lemma not in _ONLY_LISTENER:
        # "polls show Clinton with a lead", "warned China against provocations": with nothing
        # else to say, the object and what is said of it are the content
        obj = [
            c for c in kids if c.dep_ == "dobj" and c.i > verb.i and c.lower_ not in _WEAK_OBJECTS
        ]
        if obj and obj[0].ent_type_ not in ("DATE", "TIME"):
            after = [c for c in kids if c.dep_ in ("prep", "oprd", "xcomp") and c.i > obj[0].i]
            out = [t for c in obj[:1] + after for t in c.subtree]
    return out


def plausible_source(tok: Token, depth: int = 0) -> bool:
    """A person, organisation, pronoun or role noun: something that can hold a stance. A
    proper noun the model left untyped ("Bryant signed") counts, and so does a part of a
    plausible group ("two of the senators", "a number of lawmakers", "most of them")."""
    if tok.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
        return True
    if tok.ent_type_ == "PERCENT" and tok.dep_ == "nsubj":
        return True  # "41 percent back Sanders": a share of those polled
    if tok.pos_ == "PRON":
        if tok.lower_ in pronoun_labels() or tok.lower_ in ("you", "us", "them", "me"):
            return True
    elif tok.pos_ == "PROPN" and not tok.ent_type_:
        return True
    if tok.lemma_.lower() in role_nouns():
        return True
    if depth == 0 and tok.pos_ in ("NUM", "NOUN", "PRON", "ADJ", "DET"):
        of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        obj = next((g for g in of.children if g.dep_ == "pobj"), None) if of else None
        return obj is not None and plausible_source(obj, 1)
    return False


def _predicated(verb: Token, obj: Token) -> list[Token]:
    """What a verb says of its object: 'called the plan [a disaster]', 'described him [as a
    liar]', 'sees the deal [as a threat]' (an object predicate or an 'as' phrase after it)."""
    return [
        t
        for c in verb.children
        if c.i > obj.i and (c.dep_ == "oprd" or (c.dep_ == "prep" and c.lower_ == "as"))
        for t in c.subtree
    ]


def _object_tokens(verb: Token) -> list[Token]:
    """Object of a stance/topic verb: its direct object, the object of its preposition, or
    the subject of a passive with an agent."""
    for c in verb.children:
        if c.dep_ == "dobj" and c.i > verb.i and c.lower_ not in _WEAK_OBJECTS:
            if c.ent_type_ == "MONEY" or c.lemma_.lower() in _MONEY_NOUNS:
                return []  # "raised $5 million", "accepted money": a transaction, no stance
            pred = _predicated(verb, c)
            if c.lower_ not in _REFLEXIVES or pred:
                return _same_paragraph(verb, list(c.subtree) + pred)
    for c in verb.children:
        preps = topic_preps().get(verb.lemma_.lower(), frozenset())
        if c.dep_ == "prep" and c.i > verb.i and c.lower_ in preps:
            objs = [
                g
                for g in c.children
                if g.dep_ in ("pobj", "pcomp") and g.ent_type_ not in ("DATE", "TIME")
            ]
            if objs:
                toks = [t for g in objs for t in g.subtree] + _predicated(verb, c)
                return _same_paragraph(verb, toks)
    for c in verb.children:
        if c.dep_ in ("xcomp", "ccomp") and c.i > verb.i and c.pos_ in ("VERB", "AUX"):
            # "sought to rally older voters", "offered to resign": the aim or offer
            return _same_paragraph(verb, list(c.subtree))
    if any(c.dep_ == "agent" for c in verb.children):
        # passive with its agent: "the bill was backed by the mayor" -> "the bill"
        for c in verb.children:
            if c.dep_ == "nsubjpass" and c.lower_ not in _WEAK_OBJECTS and c.pos_ != "PRON":
                return _same_paragraph(verb, list(c.subtree))
    return []


def _objects(prep: Token) -> list[Token]:
    """The words a preposition governs: "of [her emails]", "for [building a wall]"."""
    return [t for g in prep.children if g.dep_ in ("pobj", "pcomp") for t in g.subtree]


def _attribution(
    tok: Token, content: list[Token], cue: str, src: Token, kind: str
) -> Attribution | None:
    """The attribution of ``content`` (kept within the cue's paragraph) to ``src``."""
    span = _span_of(_same_paragraph(tok, content))
    if span is None:
        return None
    return Attribution(span[0], span[1], tok, cue, src, kind)


def _noun_cue(tok: Token) -> Attribution | None:
    """ "Trump's vow to build a wall", "the claim by officials that ...", "her support for X"."""
    preps = noun_cues().get(tok.lemma_.lower())
    if preps is None:
        return None
    src = None
    content: list[Token] = []
    for c in tok.children:
        if c.dep_ == "poss":
            src = c
        elif c.dep_ == "prep" and c.lower_ in ("by", "from") and src is None:
            src = next((g for g in c.children if g.dep_ == "pobj"), None)
        elif c.dep_ in ("acl", "ccomp") and c.i > tok.i and not content:
            content = list(c.subtree)
        elif c.dep_ == "prep" and c.lower_ in preps and c.i > tok.i and not content:
            content = _objects(c)
    if src is None or not content or not plausible_source(src):
        return None
    return _attribution(tok, content, tok.text, src, "speech")


def _adjective_cue(tok: Token) -> Attribution | None:
    """ "Cruz is confident that ...", "Republicans were critical of her emails", "voters are
    convinced that ..." (a participle the tagger calls a verb)."""
    adjs = adjective_cues()
    if tok.dep_ != "acomp" or (tok.lemma_.lower() not in adjs and tok.lower_ not in adjs):
        return None
    content: list[Token] = []
    for c in tok.children:
        if c.dep_ in ("ccomp", "xcomp") and c.i > tok.i:
            content = list(c.subtree)
            break
        if c.dep_ == "prep" and c.i > tok.i and c.lower_ in _ADJ_PREPS:
            content = _objects(c)
            break
    if not content:
        # "has been confident that ...": the parser hangs the clause on the copula
        comp = [c for c in tok.head.children if c.dep_ == "ccomp" and c.i > tok.i]
        if comp:
            content = list(comp[0].subtree)
    if not content:
        return None
    src = find_subject(tok.head)
    if src is None or not plausible_source(src):
        return None
    return _attribution(tok, content, tok.text, src, "belief")


def _generic(tok: Token) -> Attribution | None:
    """Any other verb with a person-like subject and a clausal complement ("Trump bet that").

    Verb + direct object without a lexicon cue was tried and cost more precision than it
    gained recall on the dev bench, so only clausal complements are taken.
    """
    src = next((c for c in tok.children if c.dep_ == "nsubj"), None)
    if src is None or not plausible_source(src):
        return None
    comp = [c for c in tok.children if c.dep_ == "ccomp"]
    if not comp:
        return None
    toks = list(min(comp, key=lambda c: _gap(tok, c)).subtree)
    return _attribution(tok, toks, _cue_text(tok), src, "generic")


def _headline_cue(word: str) -> str | None:
    """The cue lemma a capitalised headline verb stands for ('Tells' -> tell, 'Denies' ->
    deny), read off the word since the parser tags Title Case lines poorly."""
    low = word.lower()
    forms = (
        low,
        low[:-1] if low.endswith("s") else "",
        low[:-3] + "y" if low.endswith("ies") else "",
    )
    for lemma in forms:
        if lemma and cue_classes().get(lemma) in ("speech", "belief", "stance", "evidence"):
            return lemma
    return None


def _headlines(doc: Doc, found: list[Attribution]) -> list[Attribution]:
    """Headline lines in Title Case, 'Senator Tells Voters The Plan Is Dead': the name, a cue
    verb in the present tense, what was said (the parser reads such lines poorly)."""
    text = text_of(doc)
    cued = {a.cue.i for a in found if a.cue is not None}
    out = []
    pos = 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        words = [w for w in line.split() if w[:1].isalpha()]
        if len(words) < 4 or sum(w[:1].isupper() for w in words) < 0.8 * len(words):
            continue
        span = doc.char_span(start, start + len(line.rstrip()), alignment_mode="contract")
        if span is None or any(t.i in cued for t in span):
            continue
        for k, tok in enumerate(span):
            if k == 0 or not tok.text[:1].isupper() or not tok.text.endswith("s"):
                continue
            if _headline_cue(tok.text) is None:
                continue
            src = span[k - 1]
            if not (src.pos_ == "PROPN" or src.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")):
                break
            content = _span_of(list(span[k + 1 :]))
            if content and len(span) - k - 1 >= 2:
                out.append(Attribution(content[0], content[1], tok, tok.text, src, "speech"))
            break
    return out


def _colon_lines(doc: Doc) -> list[Attribution]:
    """Headline and transcript lines "Speaker: what they said" (a name, a colon, content)."""
    text = text_of(doc)
    out = []
    pos = 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        k = line.find(": ")
        if k <= 0 or k > 60 or len(line) - k < 12:
            continue
        prefix = line[:k].strip()
        if not prefix or not prefix[0].isupper() or prefix[-1].isdigit():
            continue
        span = doc.char_span(start, start + k, alignment_mode="contract")
        if span is None or not 0 < len(span) <= 6 or not any(t.pos_ == "PROPN" for t in span):
            continue
        if any(t.pos_ in ("VERB", "AUX") for t in span):
            continue
        c0 = start + k + 2
        c1 = start + len(line.rstrip())
        out.append(Attribution(c0, c1, doc[span.end], ":", span.root, "speech"))
    return out


def _clause_content(first: Token, last: Token) -> tuple[Token, tuple[int, int]] | None:
    """The clause a source marker (``first`` .. ``last``, "according to X", "in a poll")
    modifies, without the marker: (clause head, span), keeping the side that holds the head."""
    marker = {t.i for t in first.subtree} | {t.i for t in last.subtree}
    marker |= set(range(first.i, last.i + 1))
    clause = first.head
    while clause.dep_ not in ("ROOT", "ccomp", "conj") and clause.head is not clause:
        if clause.pos_ in ("VERB", "AUX"):
            break
        clause = clause.head
    toks = [t for t in clause.subtree if t.i not in marker]
    toks = [t for t in toks if (t.i < first.i) == (clause.i < first.i)]
    span = _span_of(_same_paragraph(first, toks))
    return (clause, span) if span else None


def _according(doc: Doc) -> list[Attribution]:
    """'according to X' (and similar) attached to a clause."""
    out = []
    phrases = according_phrases()
    for tok in doc:
        for words in phrases:
            if tok.lower_ != words[0] or tok.i + len(words) > len(doc):
                continue
            if tuple(t.lower_ for t in doc[tok.i : tok.i + len(words)]) != words:
                continue
            last = doc[tok.i + len(words) - 1]
            src = next((c for c in last.children if c.dep_ == "pobj"), None)
            found = _clause_content(tok, last)
            if found:
                span = found[1]
                cue = " ".join(words)
                out.append(Attribution(span[0], span[1], tok, cue, src, "speech"))
    return out


def _in_document(tok: Token) -> Attribution | None:
    """ "In a new poll, most voters back X", "in a statement, the group called ...": a clause
    modified by "in" + a document or statement noun (``source_nouns.tsv``), which is the
    source. Not when the clause's own verb is a cue: its subject is the source ("In a
    statement, Moss said ...")."""
    if tok.dep_ != "prep" or tok.lower_ not in ("in", "per"):
        return None
    src = next((c for c in tok.children if c.dep_ == "pobj"), None)
    if src is None or src.lemma_.lower() not in source_nouns() or src.tag_ == "NNS":
        return None  # a plural is a standing ("leads in the polls"), not one source
    found = _clause_content(tok, tok)
    if found is None:
        return None
    clause, span = found
    if clause.lemma_.lower() in cue_classes() or any(c.dep_ == "ccomp" for c in clause.children):
        return None
    if clause.pos_ not in ("VERB", "AUX"):
        return None
    if source_nouns()[src.lemma_.lower()] == "medium":
        # "In a video, the actor praised ...": the one speaking in it is the source
        subj = next((c for c in clause.children if c.dep_ == "nsubj"), None)
        if subj is not None and plausible_source(subj):
            src = subj
    return Attribution(span[0], span[1], tok, tok.text, src, "evidence")


def _appearance(tok: Token) -> Attribution | None:
    """ "Clinton seemed irritated", "the plan appears to stall": an impression, the whole
    clause is the content; the source is the one it seems to ("to me"), else a person-like
    subject ("Rubio seemed hopeful that ...": the one who seems holds the stance)."""
    if tok.lemma_.lower() not in impression_verbs():
        return None
    if tok.dep_ in ("ccomp", "xcomp") and tok.head.lemma_.lower() in cue_classes():
        return None  # "he said Clinton seemed irritated": reported by the cue already
    kids = list(tok.children)
    comp = [c for c in kids if c.dep_ in ("oprd", "acomp", "xcomp", "attr") and c.i > tok.i]
    like = [c for c in kids if c.dep_ == "prep" and c.lower_ in ("like", "as") and c.i > tok.i]
    subj = next((c for c in kids if c.dep_ in ("nsubj", "expl")), None)
    if subj is None or not (comp or like):
        return None
    if any(
        c.lemma_.lower() in cue_classes() or (c.lower_ in adjective_cues() and c.dep_ == "acomp")
        for c in comp
    ):
        # "seemed to suggest that", "appeared pleased with": the cue reports it (an adjective
        # the parser calls an object predicate, "seemed certain to leave", is not read as one)
        return None
    # "seems credible to me": the one it seems to, on the verb or on its complement
    heads = kids + [g for c in comp for g in c.children]
    to = next((c for c in heads if c.dep_ == "prep" and c.lower_ == "to"), None)
    src = next((g for g in to.children if g.dep_ == "pobj"), None) if to is not None else None
    if src is not None and not plausible_source(src):
        to = src = None
    if src is None and subj.dep_ == "nsubj" and plausible_source(subj):
        src = subj  # "Rubio seemed hopeful that ...": PolNeAR's source is the one who seems
    # the subject without its clauses, the verb, its negation and auxiliaries, the complement
    inner = {t.i for c in subj.children if c.dep_ in ("relcl", "acl", "appos") for t in c.subtree}
    if to is not None:
        inner |= {t.i for t in to.subtree}
    toks = [t for t in subj.subtree if t.i not in inner]
    toks += [tok] + [c for c in kids if c.dep_ in ("aux", "neg", "advmod") and c.i < tok.i]
    toks += [t for c in comp + like for t in c.subtree if t.i not in inner]
    span = _span_of(_same_paragraph(tok, toks))
    if span is None:
        return None
    return Attribution(span[0], span[1], tok, tok.text, src, "belief")


def find_attributions(doc: Doc) -> list[Attribution]:
    """All reported-speech and belief attributions in a parsed document."""
    cues = cue_classes()
    out: list[Attribution] = []
    for tok in doc:
        if tok.pos_ == "ADJ" or (tok.dep_ == "acomp" and tok.tag_ == "VBN"):
            att = _adjective_cue(tok)
            if att is not None:
                out.append(att)
            continue
        if tok.pos_ == "ADP":
            att = _in_document(tok)
            if att is not None:
                out.append(att)
            continue
        if tok.pos_ == "NOUN":
            att = _noun_cue(tok)
            if att is not None:
                out.append(att)
            continue
        if tok.pos_ not in ("VERB", "AUX") and tok.dep_ != "ROOT":
            continue
        cls = cues.get(tok.lemma_.lower())
        if cls is None:
            att = _appearance(tok)
            if att is not None:
                out.append(att)
                continue
            if tok.pos_ == "VERB":
                att = _generic(tok)
                if att is not None:
                    out.append(att)
            continue
        as_aside = (
            tok.dep_ == "advcl"
            and cls in ("speech", "belief", "evidence")
            and any(c.dep_ == "mark" and c.lower_ == "as" for c in tok.children)
            and not any(c.dep_ in ("ccomp", "dobj", "xcomp") for c in tok.children)
        )
        if (tok.dep_ == "parataxis" or as_aside) and tok.head is not tok:
            # "The economy, he said, is weak", "as the results show, Florida is in reach":
            # the content is the head clause minus the aside
            aside = {t.i for t in tok.subtree}
            toks = _same_paragraph(tok, [t for t in tok.head.subtree if t.i not in aside])
            src = find_subject(tok)
            if as_aside and not any(c.dep_ in ("nsubj", "agent") for c in tok.children):
                src = None  # "as reported, ...": no one named (not the main clause's subject)
            span = _span_of(toks)
            if span and (src is not None or as_aside):
                out.append(Attribution(span[0], span[1], tok, _cue_text(tok), src, cls))
            continue
        if cls in ("stance", "topic"):
            src = find_subject(tok)
            toks = _object_tokens(tok)
            if src is None or not toks or not plausible_source(src):
                continue
            span = _span_of(toks)
            if span:
                out.append(Attribution(span[0], span[1], tok, _cue_text(tok), src, cls))
            continue
        toks = _same_paragraph(tok, _content_tokens(tok))
        if not toks:
            continue
        span = _span_of(toks)
        if span is None:
            continue
        src = find_subject(tok)
        if src is None:
            src = left_subject(tok)
        out.append(Attribution(span[0], span[1], tok, _cue_text(tok), src, cls))
    out += _according(doc)
    out += _colon_lines(doc)
    out += _headlines(doc, out)
    return _outside_markup(text_of(doc), out)


# A markup tag left in the text ('<tweet author="..." id="...">'): its words are no speech.
_TAG = re.compile(r"<[^<>\n]{1,500}>")


def _outside_markup(text: str, atts: list[Attribution]) -> list[Attribution]:
    """Attributions whose cue is not a word inside a markup tag (the parser reads '<tweet
    pic=...>' as the verb 'tweet')."""
    if "<" not in text:
        return atts
    tags = [m.span() for m in _TAG.finditer(text)]
    starts = [a for a, _ in tags]
    out = []
    for att in atts:
        if att.cue is not None:
            k = bisect.bisect_right(starts, att.cue.idx) - 1
            if k >= 0 and att.cue.idx < tags[k][1]:
                continue
        out.append(att)
    return out
