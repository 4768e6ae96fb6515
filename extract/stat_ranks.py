"""Ranks: ordinals with a ranking cue, rank phrases with no digit ("the top spot"), and counts out of a
"top N" (stage 3 of `extract.statistics`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from newstrace.extract.numbers import NumberMention, parse_number
from newstrace.extract.stat_amounts import RANK_NOUNS, RANK_VERBS, TOP_LISTS, Amount, number_token, sentence_span

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span, Token


def top_number_tokens(mentions: Sequence[NumberMention], table: dict[str, list[tuple[int, int]]]) -> dict[int, float]:
    """Token index -> value of every number right after "top" ("top 10", "top ten")."""
    found: dict[int, float] = {}
    ends = {m.token_end - 1: m for m in mentions}
    for _start, end in table.get("TOP_N", []):
        mention = ends.get(end - 1)
        if mention is not None and mention.kind == "cardinal":
            found[end - 1] = mention.value
    return found


def find_ranks(doc: "Doc", amounts: Sequence[Amount], table: dict[str, list[tuple[int, int]]]) -> list[Amount]:
    """Ordinals with a ranking cue, and rank phrases with no digits ("the top spot")."""
    ranks: list[Amount] = []
    ordinals = [a for a in amounts if a.unit == "rank"]
    accepted: set[int] = set()
    for amount in ordinals:
        token = number_token(doc, amount)
        if _has_rank_cue(doc, token):
            accepted.add(token.i)
    # coordinated ordinals share the cue: "ranked second and ninth"
    changed = True
    while changed:
        changed = False
        for amount in ordinals:
            token = number_token(doc, amount)
            if token.i in accepted:
                continue
            linked = token.head.i if token.dep_ == "conj" else None
            if linked in accepted or any(c.i in accepted for c in token.children if c.dep_ == "conj"):
                accepted.add(token.i)
                changed = True
    # A ranking sentence lends its cue to bare ordinals: "took the top spot, with X 2nd
    # and Y 9th"; "ranked 9th, up from 14th". An ordinal modifying another noun ("the
    # first time", "second quarter") stays out.
    ranking = {doc[i].sent.start for i in accepted}
    ranking |= {doc[start].sent.start for start, _ in table.get("TOP_RANK", [])}
    for amount in ordinals:
        token = number_token(doc, amount)
        if token.i in accepted or token.sent.start not in ranking:
            continue
        modifies = token.dep_ in ("amod", "nummod", "compound") and token.head.pos_ in ("NOUN", "PROPN") \
            and token.head.lemma_.lower() not in RANK_NOUNS
        if not modifies:
            accepted.add(token.i)
    ranks.extend(a for a in ordinals if number_token(doc, a).i in accepted)
    taken = {i for a in amounts for i in range(a.token_start, a.token_end)}
    for start, end in table.get("TOP_RANK", []):
        if any(i in taken for i in range(start, end)):
            continue
        span = doc[start:end]
        ranks.append(Amount(span.start_char, span.end_char, span.text, 1.0, "rank", start, end))
    for start, end in table.get("NUMBER_SIGN", []):
        span = doc[start:end]
        value = parse_number(span[-1].text)
        if value is None or value != int(value) or value <= 0 or value > 1000:
            continue
        ranks.append(Amount(span.start_char, span.end_char, span.text, value, "rank", start, end))
    for token in doc:
        if token.lemma_ == "top" and token.pos_ == "VERB":
            objects = [c for c in token.children if c.dep_ == "dobj"]
            if objects and objects[0].lemma_.lower() in TOP_LISTS:
                ranks.append(Amount(token.idx, token.idx + len(token.text), token.text, 1.0, "rank",
                                    token.i, token.i + 1))
    return ranks


def _has_rank_cue(doc: "Doc", token: "Token") -> bool:
    head = token.head
    if head.lemma_.lower() in RANK_VERBS and head.pos_ in ("VERB", "AUX") and token.dep_ in (
            "advmod", "oprd", "npadvmod", "attr", "acomp", "dobj", "xcomp", "amod", "ccomp", "dep", "nsubj"):
        return True
    if head.lower_ == "in" and head.head.lemma_.lower() in RANK_VERBS:
        return True  # "came in second"
    if head.lemma_.lower() in RANK_NOUNS and token.dep_ in ("amod", "nummod", "compound"):
        before = doc[token.i - 2:token.i] if token.i >= 2 else None
        if before is not None and [t.lower_ for t in before] == ["in", "the"] and head.lower_ == "place":
            return False  # "in the first place" is an idiom
        return True  # "second place"
    nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
    if nxt is not None and nxt.text == "-" and token.i + 2 < len(doc):
        nxt = doc[token.i + 2]
    if nxt is not None and (nxt.tag_ in ("JJS", "RBS") or nxt.lower_ == "most"):
        return True  # "second-largest", "third most popular"
    prev = doc[token.i - 1] if token.i > 0 else None
    if prev is not None and prev.lemma_.lower() in RANK_VERBS and prev.pos_ == "VERB":
        return True
    return False


def counts_in_top(doc: "Doc", amounts: list[Amount], top: dict[int, float],
                   sentence_of: dict[int, "Span"]) -> list[Amount]:
    """"eight models ... made it into the top ten": the count gets `of` = 10."""
    if not top:
        return amounts
    updated: list[Amount] = []
    for amount in amounts:
        if amount.unit == "number" and amount.of is None:
            token = number_token(doc, amount)
            sentence = sentence_span(token, sentence_of)
            for index, value in top.items():
                if not sentence.start <= index < sentence.end or value <= amount.value or index == token.i:
                    continue
                noun = token.head if token.dep_ == "nummod" else token
                if _governs(noun, doc[index]) or noun.lemma_.lower() in RANK_NOUNS:
                    amount = replace(amount, unit="count", of=value)
                    break
        updated.append(amount)
    return updated


def _governs(noun: "Token", target: "Token") -> bool:
    """Is `target` inside the clause whose subject (or object) is `noun`?"""
    if noun.dep_ not in ("nsubj", "nsubjpass", "dobj", "attr"):
        return False
    verb = noun.head
    return target in verb.subtree and target not in noun.subtree
