"""Conflict kinds read from the words around one figure: direction of change.

Two retellings (in one cluster or not) that give one quantity the same value can still disagree on what happened to it:
one says it "rose to 4.2%", the other that it "held at 4.2%". The phrase must end right before
the figure, so a "rose" about another quantity in the same sentence is never read. Phrases are
language data (extract/lang/<lang>/conflict_direction.yaml: classes up / down / flat).
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from .records import Conflict


@functools.lru_cache(maxsize=None)
def _direction_pattern(language: str) -> re.Pattern[str] | None:
    """One regex per language whose named groups are the classes; it must end at the figure."""
    from newstrace.extract import langdata

    if not langdata.has(language, "conflict_direction"):
        return None
    parts = []
    for kind, phrases in sorted(langdata.table(language, "conflict_direction").items()):
        # Longest first, so "held steady at" wins over "steady at".
        alts = "|".join(r"\s+".join(map(re.escape, p.split())) for p in sorted(phrases, key=len, reverse=True))
        parts.append(f"(?P<{kind}>\\b(?:{alts}))")
    return re.compile(f"(?:{'|'.join(parts)})\\s*$", re.IGNORECASE)


def direction_of(mention: Any, language: str | None) -> tuple[str, int] | None:
    """(class, offset in the sentence where the phrase starts) of the phrase right before a figure."""
    from newstrace.extract import langdata

    lang = (language or langdata.DEFAULT_LANGUAGE).split("-")[0].lower()
    pattern = _direction_pattern(lang)
    if pattern is None:
        return None
    offset = mention.start - mention.sentence_start
    if offset < 0:
        return None
    match = pattern.search(mention.sentence[max(0, offset - 40):offset])
    if match is None:
        return None
    kind = next(k for k, v in match.groupdict().items() if v)
    return kind, max(0, offset - 40) + match.start(kind)


def direction_conflicts(families: Sequence[Any], cluster_of: Mapping[str, str],
                        languages: Mapping[str, str | None]) -> list[Conflict]:
    """One value of one quantity said to rise in one article and to hold (or fall) in another.

    Only mentions of one family with the same value and, when both state one, the same period
    are compared: a different value or year is another figure, and the numeric conflict covers it.
    """
    conflicts: list[Conflict] = []
    for family in families:
        by_value: dict[float, dict[str, list[tuple[str, int, Any]]]] = defaultdict(lambda: defaultdict(list))
        for mention in getattr(family, "mentions", ()):
            found = direction_of(mention, languages.get(mention.article))
            if found is not None:
                by_value[mention.value][found[0]].append((mention.article, found[1], mention))
        for value, kinds in sorted(by_value.items()):
            if len(kinds) < 2:
                continue
            # The same disagreement seen in several articles is one conflict: the first mention of each
            # article with a phrase, in any class, once two articles of different classes agree on the period.
            firsts: dict[str, tuple[str, int, Any]] = {}
            for kind, stated in sorted(kinds.items()):
                for article, at, mention in sorted(stated, key=lambda s: (s[0], s[1])):
                    firsts.setdefault(article, (kind, at, mention))
            rows = sorted(firsts.items())
            if not any(a[1][0] != b[1][0] and _same_period(a[1][2].period, b[1][2].period)
                       for n, a in enumerate(rows) for b in rows[n + 1:]):
                continue
            spans = tuple(_span(mention, at) for _, (_, at, mention) in rows)
            clusters = {cluster_of.get(article) for article, _ in rows}
            classes = " vs ".join(sorted({kind for _, (kind, _, _) in rows}))
            texts = " vs ".join(sorted({span["text"] for span in spans}))
            conflicts.append(Conflict(f"direction differs for one value of one quantity ({classes}): {texts}",
                                      spans, clusters.pop() if len(clusters) == 1 else None))
    return conflicts


def _same_period(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return True
    return " ".join(a.lower().split()) == " ".join(b.lower().split())


def _span(mention: Any, at: int) -> dict[str, Any]:
    """The value as stated with its direction phrase ("ticked up to 4.2%"), both sentences kept."""
    start = mention.sentence_start + at
    return {"article": mention.article, "text": mention.sentence[at:mention.end - mention.sentence_start],
            "start": start, "end": mention.end, "sentence": mention.sentence, "figure": mention.text}
