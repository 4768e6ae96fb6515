"""How likely a figure the rules kept is a statistic, from a model trained on hand-labelled samples.

The rules of `stat_filters` drop the shapes that are never figures (dates, ages, names, list
numbers...). What is left still holds numbers that describe rather than measure: the size of a
survey's panel, the parts of a small set, a product's price, a figure in an anecdote or a
hypothetical. Those do not differ from statistics in shape, only in what the sentence is about,
so a rule per case stopped paying (one session's filters dropped 1 of 1,286 figures). This stage
scores each kept figure with a logistic regression over two kinds of evidence:

* the record and the parse: the unit, the size and form of the number, which roles the rules
  found (a measure, a holder, a period), the number's place in the parse, and what its sentence
  holds (first-person pronouns, modal verbs, a question, a speech verb, named bodies, other numbers);
* the sentence as the MiniLM embedder reads it, the figure in brackets, so the model can tell
  "[1,200] adults took part in the survey" from "[1,200] adults lost their jobs".

The weights, the threshold and what they were trained on live in language data
(`extract/lang/<lang>/stat_confidence.yaml`, written by `bench/train_stat_confidence.py`), so
they are part of the pipeline fingerprint. A language with no such file keeps every figure.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from newstrace.extract.langdata import has, table, words
from newstrace.extract.records import Statistic

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span

__all__ = ["ConfidenceModel", "confident", "features", "load_model", "scores", "window"]

_MODEL_FILE = "stat_confidence"
_BODY_LABELS = frozenset({"ORG", "GPE", "NORP"})
# Word pieces of a window the embedder reads: a news sentence is well under this, and the model was
# trained on 128-piece inputs; articles are read at 256 (`embed.MAX_SEQ_LENGTH`).
WINDOW_PIECES = 128


class ConfidenceModel:
    """A logistic regression: named feature weights, weights over the embedding, a threshold."""

    def __init__(self, *, intercept: float, weights: dict[str, float], embedding: Sequence[float],
                 threshold: float, kept_units: Sequence[str] = ()) -> None:
        self.intercept = float(intercept)
        self.weights = {str(k): float(v) for k, v in weights.items()}
        self.embedding = np.asarray(embedding, dtype=np.float32)
        self.threshold = float(threshold)
        # shares, rates and multiples are what statistics are made of: the model was not trained on them
        self.kept_units = frozenset(kept_units)

    def screens(self, stat: Statistic) -> bool:
        """Whether the model judges this figure: not a share, rate or multiple, nor "N of M"."""
        return stat.unit not in self.kept_units and stat.of is None

    def probability(self, named: dict[str, float], vector: np.ndarray | None) -> float:
        z = self.intercept + sum(self.weights.get(k, 0.0) * v for k, v in named.items())
        if vector is not None and self.embedding.size:
            z += float(np.dot(self.embedding, vector))
        return 1.0 / (1.0 + math.exp(-z))


@functools.cache
def load_model(lang: str = "en") -> ConfidenceModel | None:
    """The shipped model of `lang`, or None when the language has none."""
    if not has(lang, _MODEL_FILE):
        return None
    data = table(lang, _MODEL_FILE)
    return ConfidenceModel(intercept=data["intercept"], weights=data["weights"],
                           embedding=data.get("embedding") or (), threshold=data["threshold"],
                           kept_units=data.get("kept_units") or ())


def window(doc: "Doc", stat: Statistic) -> str:
    """The figure's sentence with the figure in brackets: what the embedder reads."""
    text = doc.text
    before = text[stat.sentence_start:stat.start]
    after = text[stat.end:stat.sentence_end]
    return " ".join(f"{before}[{text[stat.start:stat.end]}]{after}".split())


def features(doc: "Doc", stat: Statistic, lang: str = "en") -> dict[str, float]:
    """The named features of one figure: its record, its token in the parse, and its sentence."""
    value = abs(stat.value) if stat.value is not None else 0.0
    named: dict[str, float] = {
        f"unit={stat.unit}": 1.0,
        "scale": float(stat.scale is not None),
        "log_value": min(math.log10(value + 1.0), 12.0) / 12.0,
        "below_ten": float(value < 10),
        "whole": float(float(value).is_integer()),
        "in_words": float(not any(c.isdigit() for c in stat.text)),
        "measure": float(stat.measure is not None),
        "holder": float(stat.holder is not None),
        "period": float(stat.period is not None),
        "forecast": float(stat.forecast),
        "approx": float(stat.approx is not None),
        "of": float(stat.of is not None),
        "place_in_text": stat.start / max(1, len(doc.text)),
    }
    sentence = doc.char_span(stat.sentence_start, stat.sentence_end, alignment_mode="expand")
    span = doc.char_span(stat.start, stat.end, alignment_mode="expand")
    if sentence is not None:
        named.update(_sentence_features(sentence, lang))
    if span is not None and len(span):
        token = next((t for t in span if t.like_num or t.pos_ == "NUM"), span[0])
        named[f"dep={token.dep_}"] = 1.0
        named[f"head_pos={token.head.pos_}"] = 1.0
        named[f"head_dep={token.head.dep_}"] = 1.0
        if span.end < len(doc):
            named[f"next_pos={doc[span.end].pos_}"] = 1.0
    return named


def _sentence_features(sentence: "Span", lang: str) -> dict[str, float]:
    speech = _speech_verbs(lang)
    return {
        # "I paid 40 dollars", "we counted 12": a memory or an anecdote more often than a figure
        "first_person": float(any("1" in t.morph.get("Person", []) and t.pos_ == "PRON" for t in sentence)),
        "modal": float(any(t.tag_ == "MD" for t in sentence)),
        "question": float(any(t.text == "?" for t in sentence)),
        "quote_marks": float(any(t.is_quote for t in sentence)),
        "speech_verb": float(any(t.lemma_.lower() in speech for t in sentence if t.pos_ == "VERB")),
        "bodies": min(sum(1 for e in sentence.ents if e.label_ in _BODY_LABELS), 5) / 5,
        "numbers": min(sum(1 for t in sentence if t.like_num), 10) / 10,
        "length": min(len(sentence), 80) / 80,
    }


@functools.cache
def _speech_verbs(lang: str) -> frozenset[str]:
    return frozenset(words(lang, "speech_verbs")) if has(lang, "speech_verbs") else frozenset()


def scores(doc: "Doc", stats: Sequence[Statistic], model: ConfidenceModel, lang: str = "en") -> list[float]:
    """The model's probability that each figure is a statistic, in order."""
    if not stats:
        return []
    vectors: np.ndarray | None = None
    if model.embedding.size:
        from newstrace.extract.embed import embed_texts

        vectors = embed_texts([window(doc, s) for s in stats], max_length=WINDOW_PIECES)
    return [model.probability(features(doc, s, lang), None if vectors is None else vectors[i])
            for i, s in enumerate(stats)]


def confident(doc: "Doc", stats: Sequence[Statistic], lang: str = "en",
              model: ConfidenceModel | None = None) -> list[Statistic]:
    """The figures whose probability of being a statistic reaches the model's threshold (`model`, or
    the language's shipped one); figures the model does not judge (`ConfidenceModel.screens`) stay.

    Run before comparison links are made: `compared_with` holds indices into the final list."""
    model = model or load_model(lang)
    if model is None:
        return list(stats)
    screened = [s for s in stats if model.screens(s)]
    dropped = {id(s) for s, p in zip(screened, scores(doc, screened, model, lang)) if p < model.threshold}
    return [s for s in stats if id(s) not in dropped]
