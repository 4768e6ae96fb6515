"""Text transformations that turn one article body into a plausible rewrite.

A rewrite in real coverage keeps the lead, trims the tail, shuffles a few
paragraphs, swaps a handful of words and rounds figures ("17.1%" becomes
"17%"). Each function here does one of those, driven by a caller-supplied
`random.Random`, so a page is reproducible from its seed alone.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

# Our own small table; the pairs are common newsroom paraphrases, chosen so a
# substitution keeps the sentence grammatical in most contexts.
SYNONYMS: dict[str, str] = {
    "said": "stated",
    "says": "states",
    "company": "firm",
    "companies": "firms",
    "people": "individuals",
    "about": "around",
    "big": "large",
    "small": "modest",
    "buy": "purchase",
    "bought": "purchased",
    "show": "indicate",
    "shows": "indicates",
    "showed": "indicated",
    "however": "but",
    "also": "additionally",
    "increase": "rise",
    "decrease": "decline",
    "help": "assist",
    "helped": "assisted",
    "start": "begin",
    "started": "began",
    "get": "obtain",
    "use": "employ",
    "used": "employed",
    "many": "numerous",
    "often": "frequently",
    "fast": "quick",
    "quickly": "rapidly",
    "important": "significant",
    "problem": "issue",
    "problems": "issues",
    "report": "study",
    "according": "per",
    "major": "leading",
    "new": "fresh",
    "plan": "proposal",
    "plans": "proposals",
    "expected": "anticipated",
    "told": "informed",
    "month": "period",
}
_WORD = re.compile(r"[A-Za-z]+")
# A sentence ends at . ! or ? (optionally followed by closing quotes or brackets)
# when the next word starts with a capital, a digit or an opening quote.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[A-Z0-9\"“‘(])")
_DECIMAL = re.compile(r"(?<![\d.,])(\d+)\.(\d+)(?![\d.,]*\d)")
_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d.,]*\d)")


@dataclass(frozen=True)
class RewriteOptions:
    # Lead sentences survive almost always; the tail is where editors cut.
    drop_lead: float = 0.02
    drop_tail: float = 0.18
    swap_paragraphs: float = 0.25
    reword_sentence: float = 0.35
    round_number: float = 0.7


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]


def sentences(paragraph: str) -> list[str]:
    return [paragraph[start:end] for start, end in sentence_spans(paragraph)]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, line breaks included as boundaries, spaces trimmed."""
    spans = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for match in _SENTENCE_END.finditer(line.group(0)):
            spans.append(_trimmed(text, start, line.start() + match.end()))
            start = line.start() + match.end()
        if text[start:line.end()].strip():
            spans.append(_trimmed(text, start, line.end()))
    return [s for s in spans if s[1] > s[0]]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def reword(sentence: str) -> str:
    """Swap every word the synonym table knows, keeping an initial capital."""

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        replacement = SYNONYMS.get(word.lower())
        if replacement is None:
            return word
        return replacement.capitalize() if word[0].isupper() else replacement

    return _WORD.sub(swap, sentence)


def round_numbers(sentence: str, rng: random.Random, probability: float) -> str:
    """Round decimals by one digit and five-figure counts to two significant digits."""

    def decimal(match: re.Match[str]) -> str:
        if rng.random() >= probability:
            return match.group(0)
        whole, fraction = match.group(1), match.group(2)
        digits = len(fraction) - 1
        value = round(float(f"{whole}.{fraction}"), digits)
        return f"{value:.{digits}f}" if digits else f"{int(value)}"

    def thousands(match: re.Match[str]) -> str:
        value = int(match.group(0).replace(",", ""))
        if value < 10_000 or rng.random() >= probability:
            return match.group(0)
        scale = 10 ** (len(str(value)) - 2)
        return f"{round(value / scale) * scale:,}"

    return _THOUSANDS.sub(thousands, _DECIMAL.sub(decimal, sentence))


def rewrite_body(body: str, rng: random.Random, options: RewriteOptions = RewriteOptions()) -> list[str]:
    """The paragraphs of a rewrite of `body`; never empty when `body` has text."""
    source = paragraphs(body)
    rewritten = [_rewrite_paragraph(p, index == 0, rng, options) for index, p in enumerate(source)]
    kept = [p for p in rewritten if p]
    if not kept and source:
        kept = [source[0]]
    return _swap_some(kept, rng, options.swap_paragraphs)


def _rewrite_paragraph(paragraph: str, is_lead: bool, rng: random.Random, options: RewriteOptions) -> str:
    drop = options.drop_lead if is_lead else options.drop_tail
    out = []
    for sentence in sentences(paragraph):
        if rng.random() < drop:
            continue
        if rng.random() < options.reword_sentence:
            sentence = reword(sentence)
        out.append(round_numbers(sentence, rng, options.round_number))
    return " ".join(out)


def _swap_some(items: Sequence[str], rng: random.Random, probability: float) -> list[str]:
    # The lead stays first: every rewrite we model keeps the inverted pyramid's top.
    out = list(items)
    for i in range(1, len(out) - 1):
        if rng.random() < probability:
            out[i], out[i + 1] = out[i + 1], out[i]
    return out


def rewrite_title(title: str, rng: random.Random) -> str:
    reworded = reword(title)
    if reworded != title or rng.random() < 0.5:
        return reworded
    return f"{title}: what we know"
