"""Figure families: mentions across the corpus that report the same quantity.

Two mentions belong together when their units are compatible, their values
are equal or equal after rounding (17 and 17.1; 15.8 and 15.86; "about 16"
and 15.86), their holders do not contradict each other, and their contexts
say the same thing (sentence-embedding cosine). Coverage clusters lower the
bar: inside one story, a matching number is strong evidence on its own;
across stories the context must agree, so "17% of downloads" never merges
with "17% of voters".

Candidate pairs come from blocking on (unit, of, currency, integer part of
the value), so the work grows with the number of mentions that share a
value, not with the square of all mentions.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from extract.records import Statistic


@dataclass(frozen=True)
class FamilyOptions:
    """Thresholds for joining mentions; each documented with why."""

    # Same coverage cluster: the story is already known to be shared, so a loose
    # context match suffices (rewrites reword the sentence heavily).
    cosine_same_cluster: float = 0.30
    # Different stories: the sentences must clearly be about the same thing.
    cosine_cross_cluster: float = 0.62
    # Two mentions inside one article are the same figure repeated only when the contexts agree.
    cosine_same_article: float = 0.55
    # "about", "nearly", "almost" allow this relative slack on top of rounding.
    approx_tolerance: float = 0.05


@dataclass(frozen=True)
class MentionInput:
    """One statistic occurrence with what grouping needs to know about it."""

    key: tuple[str, int]  # (article id, statistic index)
    stat: Statistic
    cluster: str | None
    vector: np.ndarray | None
    is_primary: bool = False


_APPROX_WORDS = ("about", "around", "roughly", "nearly", "almost", "approximately", "some", "close to", "over",
                 "more than", "less than", "under", "at least", "up to")
_DEMONYMS = {
    "chinese": "china", "china": "china", "prc": "china", "beijing": "china",
    "american": "us", "us": "us", "u.s.": "us", "usa": "us", "united": "us", "america": "us",
    "korean": "korea", "korea": "korea", "japanese": "japan", "japan": "japan",
    "european": "europe", "europe": "europe", "eu": "europe", "french": "france", "france": "france",
    "german": "germany", "germany": "germany", "british": "uk", "uk": "uk", "indian": "india", "india": "india",
}


def decimals(value: float) -> int:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def values_compatible(a: Statistic, b: Statistic, tolerance: float = 0.05) -> bool:
    """Equal, or equal once the more precise value is rounded or truncated to the other's precision."""
    if a.value == b.value:
        return True
    coarse, fine = (a, b) if decimals(a.value) <= decimals(b.value) else (b, a)
    places = decimals(coarse.value)
    factor = 10 ** places
    if round(fine.value, places) == coarse.value or math.floor(fine.value * factor) / factor == coarse.value:
        return True
    if a.approx or b.approx:
        return abs(a.value - b.value) <= tolerance * max(abs(a.value), abs(b.value))
    return False


def units_compatible(a: Statistic, b: Statistic) -> bool:
    if a.unit != b.unit:
        return False
    if a.of is not None and b.of is not None and a.of != b.of:
        return False
    if a.unit == "money" and a.currency and b.currency and a.currency != b.currency:
        return False
    return True


def holder_countries(holder: str | None) -> frozenset[str]:
    if not holder:
        return frozenset()
    words = holder.lower().replace("-", " ").split()
    return frozenset(_DEMONYMS[w] for w in words if w in _DEMONYMS)


def holders_conflict(a: Statistic, b: Statistic) -> bool:
    """Only a clear contradiction vetoes a merge: both name countries and they share none."""
    ca, cb = holder_countries(a.holder), holder_countries(b.holder)
    return bool(ca and cb and not ca & cb)


def _bucket(stat: Statistic) -> tuple[str, float | None, str | None, int]:
    return stat.unit, stat.of, stat.currency, int(math.floor(stat.value))


def _cosine(a: np.ndarray | None, b: np.ndarray | None) -> float | None:
    if a is None or b is None:
        return None
    return float(np.dot(a, b))


def should_join(x: MentionInput, y: MentionInput, options: FamilyOptions) -> bool:
    if not units_compatible(x.stat, y.stat) or not values_compatible(x.stat, y.stat, options.approx_tolerance):
        return False
    if holders_conflict(x.stat, y.stat):
        return False
    cosine = _cosine(x.vector, y.vector)
    if x.key[0] == y.key[0]:
        threshold = options.cosine_same_article
    elif x.cluster is not None and x.cluster == y.cluster:
        threshold = options.cosine_same_cluster
    else:
        threshold = options.cosine_cross_cluster
    if cosine is None:
        # Without embeddings only the coverage cluster can vouch for a match.
        return x.cluster is not None and x.cluster == y.cluster and x.key[0] != y.key[0]
    return cosine >= threshold


def group_mentions(mentions: Sequence[MentionInput], options: FamilyOptions = FamilyOptions()) -> list[list[int]]:
    """Return families as lists of indices into `mentions`, deterministic for a given input order."""
    parent = list(range(len(mentions)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    buckets: dict[tuple, list[int]] = defaultdict(list)
    for index, mention in enumerate(mentions):
        buckets[_bucket(mention.stat)].append(index)
    for (unit, of, currency, whole), members in sorted(buckets.items(), key=lambda kv: str(kv[0])):
        # A neighbour bucket catches 16 vs 15.86 (rounding up across an integer boundary).
        neighbours = members + buckets.get((unit, of, currency, whole + 1), [])
        for position, i in enumerate(members):
            for j in neighbours[position + 1:]:
                if find(i) != find(j) and should_join(mentions[i], mentions[j], options):
                    parent[max(find(i), find(j))] = min(find(i), find(j))
    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(len(mentions)):
        groups[find(index)].append(index)
    return sorted(groups.values(), key=lambda g: g[0])


# -- family-level facts ---------------------------------------------------------------------

_PERIOD_SAME = {
    "the past year": "past year", "past year": "past year", "the last year": "past year", "last year": "past year",
    "the previous year": "past year", "the past 12 months": "past year", "the last 12 months": "past year",
}


def normalise_period(period: str | None) -> str | None:
    if not period:
        return None
    text = " ".join(period.lower().split())
    return _PERIOD_SAME.get(text, text)


def drift_reasons(stats: Sequence[Statistic]) -> list[str]:
    reasons = []
    if len({s.value for s in stats}) > 1:
        reasons.append("value")
    if len({s.unit for s in stats}) > 1:
        reasons.append("unit")
    periods = {normalise_period(s.period) for s in stats} - {None}
    if len(periods) > 1:
        reasons.append("period")
    holders = [holder_countries(s.holder) for s in stats if holder_countries(s.holder)]
    if holders and len(set(holders)) > 1:
        reasons.append("holder")
    return reasons


def canonical_value(stats: Sequence[Statistic], primary: Sequence[Statistic]) -> float:
    """The primary document's value when there is one; else the most stated, then the most precise."""
    pool = primary or stats
    counts: dict[float, int] = defaultdict(int)
    for stat in pool:
        counts[stat.value] += 1
    return max(counts, key=lambda v: (counts[v], decimals(v), -v))


def most_common(values: Sequence[str | None]) -> str | None:
    counts: dict[str, int] = defaultdict(int)
    for value in values:
        if value:
            counts[value] += 1
    return max(counts, key=lambda v: (counts[v], -len(v), v)) if counts else None
