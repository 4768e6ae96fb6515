"""Claims: sentences that assert something a reader could check.

`find_claims(doc, statistics, entities)` keeps the sentences of a doc that state a
checkable fact, types each one, scores how worth checking it is, and links it to the
statistics and entities inside it (indices into the lists passed in).

Sentences are spaCy's, cut again at line breaks (`sentences`): news text keeps
headlines, bylines and bullets on their own lines without final punctuation, and the
parser would otherwise run them into the next sentence.

Left out (not claims):

- questions (the sentence ends with "?");
- headers: a whole line with no final punctuation, or a line in title case
  ("Jobless Claims Fall To Four-Month Low", "Energy Outlook: Solar Overtakes Coal ...!");
- boilerplate: disclaimers, "Read more", "Leave a Reply", breadcrumbs ("Home / ..."),
  "Original: <link>", "This article represents the views of the author", and the like;
- fragments of fewer than four words, and sentences that match no claim type below.

Types, first match wins:

| type | when |
| --- | --- |
| `ranking` | a rank statistic, or a ranking verb ("ranks", "topped") |
| `comparison` | statistics the text compares, or a comparison cue ("surpassed", "than") |
| `statistic` | any other statistic |
| `prediction` | future or forecast cues ("will", "expected to", "forecast", "in the coming years") |
| `opinion` | stance cues ("believe", "should", "is seen as", "argue") |
| `event` | a named actor or a date with a verb: "OpenAI released its first open-weight model in August" |

Check-worthiness is a logistic score over these features (weights in `_WEIGHTS`):
statistics in the sentence (+1.6, +0.3 for each further one), a ranking or
comparison (+0.6), named entities (+0.35 each, up to three), an attribution cue
("according to", "study", "showed", "reported", "said": +0.6), a date (+0.3), hedges
("may", "reportedly", "seems": -0.4), opinion cues (-0.5), first person outside quotes
(-0.6), modal verbs (-0.2), very short or very long sentences (-0.4 / -0.2), on top
of a bias of -1.2. The weights are hand-set, not trained: they order sentences the
way a fact-checker would triage them (a sourced figure first, an unsourced figure
next, a named event after, an opinion last).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from newstrace.extract.langdata import table
from newstrace.extract.models import model_cache
from newstrace.extract.records import Claim, Entity, Statistic

if TYPE_CHECKING:  # pragma: no cover
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc, Span, Token
    from spacy.vocab import Vocab

__all__ = ["claim_features", "entities_in", "entity_span", "find_claims", "sentences"]

_WEIGHTS = {
    "bias": -1.2,
    "statistic": 1.6,
    "more_statistics": 0.3,
    "ranking_or_comparison": 0.6,
    "entity": 0.35,
    "attribution": 0.6,
    "date": 0.3,
    "hedge": -0.4,
    "opinion": -0.5,
    "first_person": -0.6,
    "modal": -0.2,
    "short": -0.4,
    "long": -0.2,
}

# The cue phrases are language data (extract/lang/en/claim_cues.yaml).
_CUES = table("en", "claim_cues")
_BOILERPLATE = tuple(_CUES["boilerplate"])
# These give a sentence away wherever they sit in it; the rest only at its start.
_BOILERPLATE_ANYWHERE = tuple(_CUES["boilerplate_anywhere"])
_ATTRIBUTION_CUES = tuple(_CUES["attribution"])
_HEDGES = tuple(_CUES["hedge"])
_OPINION_CUES = tuple(_CUES["opinion"])
_PREDICTION_CUES = tuple(_CUES["prediction"])
_COMPARISON_CUES = tuple(_CUES["comparison"])
_RANKING_CUES = tuple(_CUES["ranking"])
_FIRST_PERSON = {"i", "me", "my", "we", "us", "our", "ours", "mine"}
_MODALS = {"would", "should", "could", "might", "may", "must", "can"}
_ACTOR_LABELS = {"ORG", "PERSON", "GPE", "NORP", "PRODUCT", "FAC", "LOC", "EVENT", "LAW", "WORK_OF_ART"}


def sentences(doclike: "Doc | Span") -> list["Span"]:
    """spaCy sentences cut at line breaks, with surrounding whitespace trimmed.

    Headlines, bullets and bylines sit on their own lines; a sentence never spans two
    lines here.
    """
    doc = doclike.doc  # a Doc's .doc is the Doc itself
    pieces: list["Span"] = []
    # without a parser or sentencizer the lines are the only boundaries we have
    # Span.sents exists at runtime (spaCy >= 3.2) but spaCy's span.pyi does not declare it
    spans = doclike.sents if doc.has_annotation("SENT_START") else [doclike[:]]  # type: ignore[union-attr]
    for sentence in spans:
        start = sentence.start
        for token in sentence:
            breaks = token.is_space and "\n" in token.text
            if breaks:
                if start < token.i:
                    pieces.append(doc[start:token.i])
                start = token.i + 1
            elif "\n" in token.whitespace_:
                pieces.append(doc[start:token.i + 1])
                start = token.i + 1
        if start < sentence.end:
            pieces.append(doc[start:sentence.end])
    return [_trim(piece) for piece in pieces if any(not t.is_space for t in piece)]


_BULLETS = {"•", "·", "*", "-", "–", "—", "▪", "►", "‣", "◦", ">"}


def _trim(span: "Span") -> "Span":
    start, end = span.start, span.end
    while start < end and (span.doc[start].is_space or span.doc[start].text in _BULLETS):
        start += 1
    while end > start and span.doc[end - 1].is_space:
        end -= 1
    return span.doc[start:end]


def entity_span(token: "Token") -> "Span":
    """The entity a token belongs to, read from the IOB tags (cheaper than `doc.ents`)."""
    from spacy.tokens import Span

    doc = token.doc
    if not token.ent_type_:
        return doc[token.i:token.i + 1]
    start = token.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = token.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return Span(doc, start, end, label=token.ent_type_)


def entities_in(span: "Span") -> list["Span"]:
    """Entities starting inside `span` (`Span.ents` rebuilds every entity of the doc)."""
    return [entity_span(t) for t in span if t.ent_iob_ == "B"]


@model_cache(maxsize=8)
def _phrases(vocab: "Vocab") -> dict[str, "PhraseMatcher"]:
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc

    def matcher(label: str, phrases: Sequence[str]) -> "PhraseMatcher":
        built = PhraseMatcher(vocab, attr="LOWER")
        built.add(label, [Doc(vocab, words=_words(p)) for p in phrases])
        return built

    return {
        "boilerplate": matcher("BOILERPLATE", _BOILERPLATE),
        "attribution": matcher("ATTRIBUTION", _ATTRIBUTION_CUES),
        "hedge": matcher("HEDGE", _HEDGES),
        "opinion": matcher("OPINION", _OPINION_CUES),
        "prediction": matcher("PREDICTION", _PREDICTION_CUES),
        "comparison": matcher("COMPARISON", _COMPARISON_CUES),
        "ranking": matcher("RANKING", _RANKING_CUES),
    }


def _words(phrase: str) -> list[str]:
    """Split a cue phrase the way spaCy's English tokenizer splits running text."""
    words: list[str] = []
    for word in phrase.split():
        if word.endswith(":") and len(word) > 1:
            words.extend([word[:-1], ":"])
        elif "-" in word.strip("-") and word.replace("-", "").isalpha():
            parts = word.split("-")
            for index, part in enumerate(parts):
                if index:
                    words.append("-")
                words.append(part)
        elif word.endswith("'s"):
            words.extend([word[:-2], "'s"])
        else:
            words.append(word)
    return words


def _has(span: "Span", name: str) -> bool:
    return bool(_phrases(span.doc.vocab)[name](span))


def find_claims(doc: "Doc", statistics: Sequence[Statistic], entities: Sequence[Entity], *,
                min_score: float = 0.0) -> list[Claim]:
    """Checkable sentences of `doc`, typed and scored.

    Args:
        doc: the parsed doc the statistics and entities were found in.
        statistics: statistics of the doc (`find_statistics`); `Claim.statistics` holds
            indices into this sequence.
        entities: entities of the doc; `Claim.entities` holds indices into it.
        min_score: leave out claims scoring below this.

    Returns:
        `Claim` records in text order, with `attribution` left None.
    """
    claims: list[Claim] = []
    for sentence in sentences(doc):
        if _is_non_claim(sentence):
            continue
        inside_stats = tuple(i for i, s in enumerate(statistics)
                             if sentence.start_char <= s.start and s.end <= sentence.end_char)
        inside_entities = tuple(i for i, e in enumerate(entities)
                                if sentence.start_char <= e.start and e.end <= sentence.end_char)
        stats = [statistics[i] for i in inside_stats]
        kind = _claim_type(sentence, stats, [entities[i] for i in inside_entities])
        if kind is None:
            continue
        score = _score(claim_features(sentence, stats, [entities[i] for i in inside_entities], kind=kind))
        if score < min_score:
            continue
        claims.append(Claim(
            start=sentence.start_char,
            end=sentence.end_char,
            text=sentence.text,
            type=kind,
            score=score,
            statistics=inside_stats,
            entities=inside_entities,
        ))
    return claims


def _is_non_claim(sentence: "Span") -> bool:
    text = sentence.text.strip()
    words = [t for t in sentence if t.is_alpha]
    if len(words) < 4:
        return True
    if text.rstrip("\"'”’)»").endswith("?"):
        return True
    if " / " in text or (text.count("/") >= 3 and not any(t.like_url for t in sentence)):
        return True  # breadcrumbs
    boilerplate = _phrases(sentence.doc.vocab)["boilerplate"]
    for _, start, end in boilerplate(sentence):  # offsets are doc token indices
        cue = sentence.doc[start:end].text.lower()
        if start == sentence.start or cue in _BOILERPLATE_ANYWHERE:
            return True
    return _is_header(sentence)


def _is_header(sentence: "Span") -> bool:
    doc = sentence.doc
    text = sentence.text.strip()
    starts_line = sentence.start == 0 or "\n" in doc[sentence.start - 1].whitespace_ or (
        doc[sentence.start - 1].is_space and "\n" in doc[sentence.start - 1].text)
    ends_line = sentence.end >= len(doc) or "\n" in doc[sentence.end - 1].whitespace_ or (
        doc[sentence.end].is_space and "\n" in doc[sentence.end].text)
    content = [t for t in sentence if t.is_alpha and not t.is_stop]
    titled = sum(1 for t in content if t.text[:1].isupper())
    if content and starts_line and ends_line and titled / len(content) >= 0.8 and len(content) >= 2:
        return True  # a line in title case is a headline, punctuation or not
    if starts_line and ends_line and not text.rstrip("\"'”’)»").endswith((".", "!", "?", ":", ";")):
        return True
    first_line = all(t.is_space for t in doc[:sentence.start])
    if first_line and ends_line and not text.rstrip("\"'”’)»").endswith("."):
        return True  # the title line, however it is punctuated
    return not any(t.pos_ in ("VERB", "AUX") for t in sentence)


def _claim_type(sentence: "Span", stats: Sequence[Statistic], entities: Sequence[Entity]) -> str | None:
    if any(s.unit == "rank" for s in stats) or _has(sentence, "ranking") and any(
            t.lemma_ in ("rank", "top") and t.pos_ == "VERB" for t in sentence):
        return "ranking"
    if any(s.compared_with for s in stats) or (stats and _has(sentence, "comparison")):
        return "comparison"
    if stats:
        return "statistic"
    if _future(sentence):
        return "prediction"
    if _has(sentence, "comparison") and _has_actor(sentence, entities):
        return "comparison"
    if _has(sentence, "opinion"):
        return "opinion"
    if _has_actor(sentence, entities) and any(t.pos_ == "VERB" for t in sentence):
        return "event"
    return None


def _future(sentence: "Span") -> bool:
    """"will", "'ll", forecasting verbs, or a forecast phrase ("is expected to", "over the next")."""
    for token in sentence:
        if token.lower_ in ("will", "'ll") and token.tag_ == "MD":
            return True
        if token.lemma_ in ("expect", "forecast", "predict", "project") and token.pos_ == "VERB":
            return True
    return _has(sentence, "prediction")


def _has_actor(sentence: "Span", entities: Sequence[Entity]) -> bool:
    if entities:
        return True
    return any(ent.label_ in _ACTOR_LABELS or ent.label_ == "DATE" for ent in entities_in(sentence))


def claim_features(sentence: "Span", stats: Sequence[Statistic], entities: Sequence[Entity], *,
                   kind: str) -> dict[str, float]:
    """Check-worthiness features of a sentence: flags and small counts that `_WEIGHTS` scales.

    `entities` are the caller's entities inside the sentence; without them the
    sentence's own NER spans are counted.
    """
    ents = entities_in(sentence)
    named = len(entities) if entities else sum(1 for e in ents if e.label_ in _ACTOR_LABELS)
    quoted = _quoted_tokens(sentence)
    first_person = any(t.lower_ in _FIRST_PERSON and t.i not in quoted for t in sentence)
    words = sum(1 for t in sentence if t.is_alpha)
    return {
        "bias": 1.0,
        "statistic": 1.0 if stats else 0.0,
        "more_statistics": float(max(0, min(len(stats), 4) - 1)),
        "ranking_or_comparison": 1.0 if kind in ("ranking", "comparison") else 0.0,
        "entity": float(min(named, 3)),
        "attribution": 1.0 if _has(sentence, "attribution") else 0.0,
        "date": 1.0 if any(e.label_ == "DATE" for e in ents) else 0.0,
        "hedge": 1.0 if _has(sentence, "hedge") else 0.0,
        "opinion": 1.0 if _has(sentence, "opinion") else 0.0,
        "first_person": 1.0 if first_person else 0.0,
        "modal": 1.0 if any(t.tag_ == "MD" and t.lower_ in _MODALS for t in sentence) else 0.0,
        "short": 1.0 if words < 8 else 0.0,
        "long": 1.0 if words > 60 else 0.0,
    }


def _score(features: dict[str, float]) -> float:
    total = sum(_WEIGHTS[name] * value for name, value in features.items())
    return round(1.0 / (1.0 + math.exp(-total)), 3)


def _quoted_tokens(sentence: "Span") -> set[int]:
    """Token indices inside quotation marks: a quoted "we" is the speaker's, not the writer's."""
    inside: set[int] = set()
    open_quote = False
    for token in sentence:
        if token.text in ('"', "“", "”", "«", "»") or token.tag_ in ("``", "''"):
            open_quote = not open_quote if token.text == '"' else token.text in ("“", "«") or token.tag_ == "``"
            continue
        if open_quote:
            inside.add(token.i)
    return inside
