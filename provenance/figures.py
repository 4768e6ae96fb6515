"""Figure families: mentions across the corpus that report the same quantity.

A family is one quantity. Two mentions belong together when their units are
compatible, their values are equal or equal after rounding (17 and 17.1; 15.8
and 15.86; "about 16" and 15.86; "93,000" and 93,432), their holders and
resolved reference periods do not contradict each other, both are forecasts
or both outcomes, and their contexts say the same thing (sentence-embedding
cosine). Coverage clusters lower the
bar: inside one story, a matching number is strong evidence on its own;
across stories the context must agree, so "17% of downloads" never merges
with "17% of voters".

Candidate pairs come from blocking on (unit, of, currency, log-scale bin of
the value), so the work grows with the number of mentions that share a
value, not with the square of all mentions.
"""

from __future__ import annotations

import functools
import math
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from newstrace.extract.periods import month_named
from newstrace.extract.records import Statistic

from .cluster import DisjointSets


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
    # A loose value match (a round number, "about") needs contexts at least this alike, even in one story.
    cosine_loose: float = 0.50
    # Family merging (`merge_families`). A retelling in the same story that misstates the figure by a
    # little (74,000 for 73,000; 890 million for 880 million) is drift of that figure, not a new quantity.
    restated_tolerance: float = 0.02
    cosine_restated: float = 0.50
    # Two named sources publishing their own estimates of one quantity for one period (48% and 51%)
    # differ by more than rounding; past this share they are taken as different quantities.
    rival_tolerance: float = 0.25


@dataclass(frozen=True)
class MentionInput:
    """One statistic occurrence with what grouping needs to know about it."""

    key: tuple[str, int]  # (article id, statistic index)
    stat: Statistic
    cluster: str | None
    vector: np.ndarray | None
    is_primary: bool = False
    # The article's language and the KB sources it names (figures' attributions, organisations, studies):
    # across languages the context encoder is no evidence, a shared named source and an equal value are.
    language: str | None = None
    sources: frozenset[str] = frozenset()


# Fallback holder -> country reading, used until `extract.places.countries_in` (general, KB-backed) is there.
_DEMONYMS = {
    "chinese": "china", "china": "china", "prc": "china", "beijing": "china",
    "american": "us", "us": "us", "u.s.": "us", "usa": "us", "america": "us",
    "korean": "korea", "korea": "korea", "japanese": "japan", "japan": "japan",
    "european": "europe", "europe": "europe", "eu": "europe", "french": "france", "france": "france",
    "german": "germany", "germany": "germany", "british": "uk", "uk": "uk", "indian": "india", "india": "india",
}
# Rewrites restate a figure at coarser precision; a round number ("93,000", "1 billion") stands for a
# more precise one only when the rounding moved it by at most this share (20% is not a rounded 17%).
ROUND_NUMBER_TOLERANCE = 0.05
# A one-digit round number ("40%", "20,000") could round many figures and would chain 38% and 42% into one
# family through "four in ten"; it counts as a rounding only when written with a scale word ("1 billion").
ROUND_SCALE = 1e6


def decimals(value: float) -> int:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def place(value: float) -> float:
    """The place value of the last significant digit: 93000 -> 1000, 1e9 -> 1e9, 15.86 -> 0.01, 0 -> 1."""
    places = decimals(value)
    if places:
        return 10.0 ** -places
    whole = abs(int(round(value)))
    step = 1.0
    while whole and whole % 10 == 0:
        whole //= 10
        step *= 10
    return step


def _relative(a: float, b: float) -> float:
    largest = max(abs(a), abs(b))
    return abs(a - b) / largest if largest else 0.0


EXACT, LOOSE = 1, 2  # how two values match: equal or decimal rounding; a round number or "about"


def value_match(a: Statistic, b: Statistic, tolerance: float = 0.05) -> int:
    """0 when the values are two figures; EXACT when equal or equal after decimal rounding (17 and 17.1,
    15.86 and "about 16"); LOOSE when one is a round number or an approximation of the other.

    Precision counts trailing zeros: "93,000" is 93,432 to the thousand and "1 billion" is 1.038 billion
    to the billion, as long as the rounding stays within `ROUND_NUMBER_TOLERANCE` and the round number keeps
    two significant digits or a scale word. "about", "nearly" add `tolerance` of slack, but only when the
    approximate value is the rounder one ("almost 40%" for 38%): "about 39%" is not 38%. A loose match is
    weaker evidence (the healthcare sector's 73,300 jobs are not the 73,000 total), so callers ask more
    of the contexts.
    """
    if a.value == b.value:
        return EXACT
    if said_as_share(a) and said_as_share(b):
        # Not decimals: 0.25 ("a quarter") is no rounding of 0.2 ("a fifth"), whatever round() says.
        return LOOSE if _relative(a.value, b.value) <= SHARE_WORD_TOLERANCE else 0
    coarse, fine = (a, b) if place(a.value) >= place(b.value) else (b, a)
    step = place(coarse.value)
    if step <= 1:
        places = decimals(coarse.value)
        factor = 10 ** places
        if round(fine.value, places) == coarse.value or math.floor(fine.value * factor) / factor == coarse.value:
            return EXACT
    elif abs(coarse.value) / step >= 10 or abs(coarse.value) >= ROUND_SCALE:
        rounded = math.floor(fine.value / step + 0.5) * step
        truncated = math.floor(fine.value / step) * step
        if coarse.value in (rounded, truncated) and _relative(coarse.value, fine.value) <= ROUND_NUMBER_TOLERANCE:
            return LOOSE
    if coarse.approx and place(coarse.value) > place(fine.value) and _relative(a.value, b.value) <= tolerance:
        return LOOSE
    return 0


def values_compatible(a: Statistic, b: Statistic, tolerance: float = 0.05) -> bool:
    """The values may be one figure (see `value_match`)."""
    return value_match(a, b, tolerance) > 0


# Shares said in words have small denominators ("one in nine", "jedes zehnte", "a quarter", "three in ten").
SHARE_DENOMINATORS = range(2, 21)
# A retelling says "one in ten" for one in nine (0.1 for 0.111): a coarser share word for one quantity.
# Further apart ("a quarter" and "a fifth", 20%) they are two quantities.
SHARE_WORD_TOLERANCE = 0.12


def share_denominator(value: float) -> int | None:
    """The smallest of `SHARE_DENOMINATORS` that makes a fraction a whole count (9 for 0.111111, 4 for
    0.75), or None: the share a fraction says in words ("one in nine", "three in four")."""
    if not 0 < value < 1:
        return None
    return next((n for n in SHARE_DENOMINATORS if abs(value * n - round(value * n)) < 1e-6), None)


def said_as_share(stat: Any) -> bool:
    """A ratio that is a fraction with a small denominator: a share said in words, exact as said.

    Takes anything with `value`, `unit` and `of` (a statistic or a report mention).
    """
    if getattr(stat, "unit", None) != "ratio" or getattr(stat, "of", None):
        return False
    return share_denominator(stat.value) is not None


def share_form(stat: Statistic) -> Statistic:
    """A share said as "one in nine" (1 of 9, a ratio with a denominator) as the fraction it states (1/9).

    Shares reach the families in two forms: English "one in nine" is read as 1 of 9, "a fifth" and the
    phrases of other languages ("uno de cada nueve", "jedes zehnte") as fractions. Families compare one
    quantity on one scale, so a ratio enters them as its fraction; "8 of 10 doctors" (a count out of a
    group, unit count) keeps its denominator. The mention's text still says it as stated.
    """
    if stat.unit == "ratio" and stat.of:
        return replace(stat, value=stat.value / stat.of, of=None)
    return stat


def units_compatible(a: Statistic, b: Statistic) -> bool:
    if a.unit != b.unit:
        return False
    if a.of is not None and b.of is not None and a.of != b.of:
        return False
    if a.unit == "money" and a.currency and b.currency and a.currency != b.currency:
        return False
    return True


def _countries_reader():
    """S1's general place reader when it is installed, else the small demonym table above."""
    try:
        from newstrace.extract.places import countries_in
    except ImportError:
        return None
    return countries_in


_COUNTRIES_IN = _countries_reader()


def holder_countries(holder: str | None) -> frozenset[str]:
    if not holder:
        return frozenset()
    if _COUNTRIES_IN is not None:
        return frozenset(_COUNTRIES_IN(holder))
    words = holder.lower().replace("-", " ").split()
    return frozenset(_DEMONYMS[w] for w in words if w in _DEMONYMS)


def holders_conflict(a: Statistic, b: Statistic) -> bool:
    """Only a clear contradiction vetoes a merge: both name countries and they share none."""
    ca, cb = holder_countries(a.holder), holder_countries(b.holder)
    return bool(ca and cb and not ca & cb)


def period_key(stat: Statistic) -> str | None:
    """The resolved reference period ("2025", "2025-07", "2025-Q2") extract gives, when it gives one."""
    return getattr(stat, "period_key", None) or None


_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def period_hint(stat: Statistic) -> str | None:
    """`period_key`, else the one calendar year the period phrase names ("in 2025"): enough for rival
    estimates to show they are about one period. Never used to keep mentions apart (phrases misread)."""
    key = period_key(stat)
    if key:
        return key
    years = set(_YEAR.findall(stat.period or ""))
    return years.pop() if len(years) == 1 else None


def is_forecast(stat: Statistic) -> bool:
    return bool(getattr(stat, "forecast", False))


_GRAINS = (("span", re.compile(r"^\d{4}-\d{4}$")), ("month", re.compile(r"^\d{4}-\d{2}$")),
           ("quarter", re.compile(r"-Q\d$")), ("half", re.compile(r"-H\d$")), ("fiscal", re.compile(r"^FY")),
           ("split", re.compile(r"/")), ("decade", re.compile(r"s$")), ("year", re.compile(r"^\d{4}$")))


def period_grain(key: str) -> str:
    """What kind of period a key names: year, month, quarter, half, fiscal, split, span or decade."""
    return next((name for name, pattern in _GRAINS if pattern.search(key)), "other")


def period_keys_conflict(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> bool:
    """Keys of one grain that share nothing are two periods (2025 vs 2026; July vs June).

    Keys of different grains are not compared: "the 12 months to August 2025" resolves to a month and
    "last year" to a year, yet a retelling uses both for one period.
    """
    for grain in {period_grain(k) for k in a} & {period_grain(k) for k in b}:
        if not {k for k in a if period_grain(k) == grain} & {k for k in b if period_grain(k) == grain}:
            return True
    return False


def periods_conflict(a: Statistic, b: Statistic) -> bool:
    """Two resolved periods that differ are two quantities (this year's growth, next year's forecast)."""
    pa, pb = period_key(a), period_key(b)
    return bool(pa and pb and period_keys_conflict({pa}, {pb}))


def source_identity(stat: Statistic) -> str | None:
    """Who the article itself says states this figure, when that reads as a source's name.

    Inferred attributions are not the article's own word; a "name" with digits or no capital letter
    ("38% of respondents", "a global analysis") is an extraction slip, not a body that publishes figures.
    """
    attribution = stat.attribution
    if attribution is None or attribution.inferred:
        return None
    if attribution.kb_id:
        return f"kb:{attribution.kb_id}"
    if not looks_like_source_name(attribution.name):
        return None
    name = " ".join(attribution.name.split()).lower()
    return "name:" + (name[4:] if name.startswith("the ") else name)


def looks_like_source_name(name: str | None) -> bool:
    """A body's or person's name has a capital letter past a leading "The" and no digits: "38% of
    respondents" and "The industry group" are not names."""
    words = (name or "").split()
    if words and words[0].lower() == "the":
        words = words[1:]
    text = " ".join(words)
    return bool(text) and not any(c.isdigit() for c in text) and any(c.isupper() for c in text)


def resolved_source(stat: Statistic) -> str | None:
    """The knowledge-base id of the source the article itself names: the only identity safe for a veto
    (one body goes by many names: "MIT and Hugging Face", "Massachusetts Institute of Technology")."""
    attribution = stat.attribution
    if attribution is None or attribution.inferred or not attribution.kb_id:
        return None
    return f"kb:{attribution.kb_id}"


def sources_apart(a: Statistic, b: Statistic) -> bool:
    """Two different known sources stating different values: each its own estimate, not one figure retold."""
    sa, sb = resolved_source(a), resolved_source(b)
    return bool(sa and sb and sa != sb and a.value != b.value)


def stats_match(a: Statistic, b: Statistic, tolerance: float = 0.05) -> int:
    """`value_match`, or 0 when anything else about the figures themselves contradicts."""
    if holders_conflict(a, b) or periods_conflict(a, b) or is_forecast(a) != is_forecast(b):
        return 0
    return value_match(a, b, tolerance)


def stats_compatible(a: Statistic, b: Statistic, tolerance: float = 0.05) -> bool:
    """Everything about the figures themselves that must agree before their contexts are compared."""
    return stats_match(a, b, tolerance) > 0


# Blocks are bins of log(value) this wide: two values within this ratio of each other are always in the
# same bin or in neighbouring ones, so comparing a bin with the next one up finds every rounding pair.
_BIN_RATIO = 1.25


def value_bin(value: float) -> int:
    """The value's log-scale bin; zero has its own, negative values mirror positive ones."""
    if value == 0:
        return 0
    index = int(math.floor(math.log(abs(value)) / math.log(_BIN_RATIO))) + 1_000_000
    return index if value > 0 else -index


def _bucket(stat: Statistic) -> tuple[str, float | None, str | None, int]:
    return stat.unit, stat.of, stat.currency, value_bin(stat.value)


def _one_sentence_two_values(x: MentionInput, y: MentionInput) -> bool:
    """The very same sentence with two different values holds two figures ("73,000 jobs, 73,300 of them in
    health care"): a copy keeps its numbers, and a rewrite that rounds one rewords the sentence too."""
    if x.stat.value == y.stat.value or x.vector is None or y.vector is None:
        return False
    return bool(np.array_equal(np.asarray(x.vector, dtype=np.float16), np.asarray(y.vector, dtype=np.float16)))


def _cosine(a: np.ndarray | None, b: np.ndarray | None) -> float | None:
    if a is None or b is None:
        return None
    return float(np.dot(a, b))


def _pair_threshold(x: MentionInput, y: MentionInput, options: FamilyOptions) -> float:
    if x.key[0] == y.key[0]:
        return options.cosine_same_article
    if x.cluster is not None and x.cluster == y.cluster:
        return options.cosine_same_cluster
    return options.cosine_cross_cluster


def _languages_differ(x: MentionInput, y: MentionInput) -> bool:
    return bool(x.language and y.language and x.language != y.language)


def cross_language_join(x: MentionInput, y: MentionInput, options: FamilyOptions) -> bool:
    """Mentions in two languages: values that match (equal or rounded), no holder or period contradiction,
    a source a mention is credited to named by the other article too, and evidence of one story: both
    articles naming one source ("17 millions, selon l'AIE" and "17 million, the IEA said"), one coverage
    cluster, or the same distinctive value for the same period ("159 millones en 2022", "159 million in 2022").

    The sentence encoder reads one language, so its cosine across languages is no evidence either way.
    Forecast cues are read per language and not in every one, so forecast/outcome is not compared here.
    """
    a, b = x.stat, y.stat
    # A figure the article credits to a known body joins only an article that names that body too.
    own = [(s, other) for s, other in ((resolved_source(a), y), (resolved_source(b), x)) if s]
    # Unless the other article names no source at all and the figure is too specific to meet by
    # chance: an unattributed retelling of "159 million in 2022" is a retelling, not another body's count.
    if any(s.removeprefix("kb:") not in other.sources for s, other in own) and not (
            not (x.sources and y.sources) and _distinctive_match(a, b)):
        return False
    if not (units_compatible(a, b) and value_match(a, b, options.approx_tolerance) > 0
            and not holders_conflict(a, b) and not periods_conflict(a, b) and not sources_apart(a, b)):
        return False
    # Evidence that the two articles tell one story: a source both name, one coverage cluster, or a
    # figure too specific to meet by chance (the same three-digit count for the same period).
    same_cluster = x.cluster is not None and x.cluster == y.cluster
    return bool(x.sources & y.sources) or same_cluster or _distinctive_match(a, b)


def _distinctive_match(a: Statistic, b: Statistic) -> bool:
    """One value, stated with three or more significant digits, for one resolved period."""
    pa = period_key(a)
    return bool(pa and pa == period_key(b) and a.value == b.value and significant_digits(a.value) >= 3)


def significant_digits(value: float) -> int:
    """How many significant digits a value is stated with (7,236,000 -> 4; 7.2 million -> 2)."""
    digits = f"{abs(value):.6g}".replace(".", "").lstrip("0")
    digits = digits.split("e")[0].rstrip("0")
    return len(digits)


def should_join(x: MentionInput, y: MentionInput, options: FamilyOptions) -> bool:
    """The pairwise rule. `group_mentions` applies it a block at a time and must agree with it."""
    if _languages_differ(x, y):
        return cross_language_join(x, y, options)
    match = stats_match(x.stat, y.stat, options.approx_tolerance) if units_compatible(x.stat, y.stat) else 0
    if not match or sources_apart(x.stat, y.stat) or _one_sentence_two_values(x, y):
        return False
    cosine = _cosine(x.vector, y.vector)
    if cosine is None:
        # Without embeddings only the coverage cluster can vouch for a match, and only an exact one.
        return match == EXACT and x.cluster is not None and x.cluster == y.cluster and x.key[0] != y.key[0]
    threshold = _pair_threshold(x, y, options)
    if _vouched(x.stat, y.stat):
        threshold = min(threshold, options.cosine_same_cluster)
    return cosine >= (threshold if match == EXACT else max(threshold, options.cosine_loose))


def _vouched(a: Statistic, b: Statistic) -> bool:
    """One known source credited with one value for one resolved period: the same figure in any story
    (the next month's report restating this month's first estimate), as long as the contexts are
    about as alike as inside one story."""
    source, period = resolved_source(a), period_key(a)
    return bool(source and period and a.value == b.value and source == resolved_source(b) and period == period_key(b))


# Rows of a block's cosine matrix computed at once: bounds memory to _CHUNK x block floats.
_CHUNK = 1024
# Below this many pairs a block is cheaper to check pair by pair than to set up as matrices.
_SMALL_BLOCK = 24


def group_mentions(mentions: Sequence[MentionInput], options: FamilyOptions = FamilyOptions()) -> list[list[int]]:
    """Families as lists of indices into `mentions`, deterministic for a given input order.

    The families are the connected components of `should_join`. Only mentions
    in the same block (unit, of, currency, value bin) or the next one up can
    join, and inside a block the rule runs as matrix operations: value and
    holder compatibility once per pair of distinct (value, approx, holder)
    classes, the context rule as one cosine matrix product per chunk of rows.
    A value stated 10,000 times then costs a few BLAS calls, not 50 million
    Python comparisons. Each chunk's joins are reduced to a spanning star per
    component before they are kept, so memory stays linear in the mentions.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    count = len(mentions)
    if not count:
        return []
    blocks: dict[tuple, list[int]] = defaultdict(list)
    for index, mention in enumerate(mentions):
        blocks[_bucket(mention.stat)].append(index)
    codes = _Codes(mentions)
    sources: list[np.ndarray] = []
    targets: list[np.ndarray] = []
    for (unit, of, currency, bin_), members in blocks.items():
        # The next bin up catches 16 vs 15.86 and 93,432 vs "more than 93,000" across a bin boundary.
        upper = blocks.get((unit, of, currency, bin_ + 1 if bin_ > 0 else bin_ - 1), []) if bin_ else []
        if len(members) * (len(members) + len(upper)) <= _SMALL_BLOCK:
            pairs = [(i, j) for n, i in enumerate(members) for j in (*members[n + 1:], *upper)
                     if should_join(mentions[i], mentions[j], options)]
            if pairs:
                sources.append(np.array([p[0] for p in pairs], dtype=np.int64))
                targets.append(np.array([p[1] for p in pairs], dtype=np.int64))
            continue
        for a, b in _block_joins(mentions, members, upper, codes, options):
            sources.append(a)
            targets.append(b)
    for a, b in _cross_language_pairs(mentions, options):
        sources.append(a)
        targets.append(b)
    i = np.concatenate(sources) if sources else np.zeros(0, dtype=np.int64)
    j = np.concatenate(targets) if targets else np.zeros(0, dtype=np.int64)
    graph = coo_matrix((np.ones(len(i), dtype=np.int8), (i, j)), shape=(count, count))
    _, labels = connected_components(graph, directed=False)
    groups: dict[int, list[int]] = defaultdict(list)
    for index, label in enumerate(labels.tolist()):
        groups[label].append(index)
    return sorted(groups.values(), key=lambda g: g[0])


# Candidates a mention is checked against in another language, per shared source: bounds the work of
# a value stated thousands of times; a mention then joins through the first compatible one.
_MAX_CROSS_LANGUAGE = 64


def _cross_language_pairs(mentions: Sequence[MentionInput], options: FamilyOptions,
                          ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Joins between languages (`cross_language_join`), found through an index on (unit, value, source).

    Each mention is compared with up to `_MAX_CROSS_LANGUAGE` mentions of other languages that share
    its value and one piece of story evidence (`_story_evidence`); with several candidates it keeps every compatible one it meets, so the
    components equal the pairwise rule's unless a value and source pair is stated more often than that.
    """
    index: dict[tuple, list[int]] = defaultdict(list)
    for position, mention in enumerate(mentions):
        if mention.language:
            stat = mention.stat
            for evidence in sorted(_story_evidence(mention)):
                index[(stat.unit, stat.of, stat.currency, value_bin(stat.value), evidence)].append(position)
    pairs: set[tuple[int, int]] = set()
    for (unit, of, currency, bin_, source), members in index.items():
        # The next bin up, as in `group_mentions`: a rounding may cross a bin boundary.
        upper = index.get((unit, of, currency, bin_ + 1 if bin_ > 0 else bin_ - 1, source), []) if bin_ else []
        if len({mentions[i].language for i in (*members, *upper)}) < 2:
            continue
        for n, i in enumerate(members):
            others = [j for j in (*members[n + 1:], *upper) if mentions[j].language != mentions[i].language]
            for j in others[:_MAX_CROSS_LANGUAGE]:
                if (min(i, j), max(i, j)) not in pairs and cross_language_join(mentions[i], mentions[j], options):
                    pairs.add((min(i, j), max(i, j)))
    if pairs:
        ordered = sorted(pairs)
        yield np.array([p[0] for p in ordered], dtype=np.int64), np.array([p[1] for p in ordered], dtype=np.int64)


def _story_evidence(mention: MentionInput) -> set[str]:
    """What `cross_language_join` accepts as a sign of one story, as index keys: the sources the
    article names, its coverage cluster, and a distinctive value with its period."""
    keys = set(mention.sources)
    if mention.cluster is not None:
        keys.add(f"cluster:{mention.cluster}")
    stat = mention.stat
    if period_key(stat) and significant_digits(stat.value) >= 3:
        keys.add(f"value:{stat.value!r}@{period_key(stat)}")
    return keys


class _Codes:
    """Integer codes for articles and clusters, and one float16 matrix of context vectors."""

    def __init__(self, mentions: Sequence[MentionInput]):
        article_codes: dict[str, int] = {}
        cluster_codes: dict[str, int] = {}
        self.article = np.array([article_codes.setdefault(m.key[0], len(article_codes)) for m in mentions])
        # -1: no cluster, which never counts as "the same cluster".
        self.cluster = np.array([-1 if m.cluster is None else cluster_codes.setdefault(m.cluster, len(cluster_codes))
                                 for m in mentions])
        self.has_vector = np.array([m.vector is not None for m in mentions])
        dim = next((len(m.vector) for m in mentions if m.vector is not None), 1)
        self.vectors = np.zeros((len(mentions), dim), dtype=np.float16)
        for index, mention in enumerate(mentions):
            if mention.vector is not None:
                self.vectors[index] = mention.vector
        # Equal ids for byte-identical vectors (copies of one sentence); a void view hashes whole rows at once.
        rows = np.ascontiguousarray(self.vectors).view(np.dtype((np.void, self.vectors.itemsize * dim))).ravel()
        self.vector_id = np.unique(rows, return_inverse=True)[1].ravel()
        # Named sources as codes (-1: none) and the values, for the `sources_apart` veto as array operations.
        source_codes: dict[str, int] = {}
        self.source = np.array([-1 if (sid := resolved_source(m.stat)) is None
                                else source_codes.setdefault(sid, len(source_codes)) for m in mentions],
                               dtype=np.int64)
        self.value = np.array([m.stat.value for m in mentions], dtype=np.float64)
        period_codes: dict[str, int] = {}
        self.period = np.array([-1 if not (key := period_key(m.stat)) else period_codes.setdefault(key, len(period_codes))
                                for m in mentions], dtype=np.int64)
        language_codes: dict[str, int] = {}
        self.language = np.array([-1 if not m.language else language_codes.setdefault(m.language, len(language_codes))
                                  for m in mentions], dtype=np.int64)
        class_codes: dict[tuple, int] = {}
        self.klass = np.array([class_codes.setdefault(
            (m.stat.value, m.stat.approx, holder_countries(m.stat.holder), period_key(m.stat), is_forecast(m.stat)),
            len(class_codes)) for m in mentions])


def _block_joins(mentions: Sequence[MentionInput], members: Sequence[int], upper: Sequence[int], codes: _Codes,
                 options: FamilyOptions) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield (sources, targets) index arrays: enough joins to connect what `should_join` connects.

    Mentions with the same value class, the same context vector and the same
    cluster (copies of one sentence) always join each other (cosine 1), so
    they are merged into one group first and the matrices run over groups.
    Between two groups the loosest threshold any pair of their members would
    get applies, which keeps the result equal to the pairwise rule.

    A block too large for all pairs (a value like "1" stated thousands of
    times) is grouped against family leaders instead: see `_leader_joins`.
    """
    groups = _Groups(mentions, members, upper, codes)
    yield from groups.internal_joins()
    compatible = np.array([[stats_match(a, b, options.approx_tolerance) for b in groups.class_stats]
                           for a in groups.class_stats], dtype=np.int8)
    count = len(groups.first)
    if groups.lower * count > _EXACT_PAIRS:
        a, b = _leader_joins(groups, compatible, options)
        yield groups.first[a], groups.first[b]
        return
    sources: list[np.ndarray] = []
    targets: list[np.ndarray] = []
    for start in range(0, groups.lower, _CHUNK):
        rows = np.arange(start, min(start + _CHUNK, groups.lower))
        # Only columns after the row can pair with it: each unordered pair once.
        cols = np.arange(start + 1, count)
        join = _join_matrix(groups, rows, cols, compatible, options) & (cols[None, :] > rows[:, None])
        local_rows, local_cols = np.nonzero(join)
        sources.append(rows[local_rows])
        targets.append(cols[local_cols])
        if sum(len(x) for x in sources) > 4 * count:
            # Keep memory linear: fold what is known so far into one star per component.
            folded = _star(np.concatenate(sources), np.concatenate(targets), count)
            sources, targets = [folded[0]], [folded[1]]
    if sources:
        a, b = _star(np.concatenate(sources), np.concatenate(targets), count)
        yield groups.first[a], groups.first[b]


def _join_matrix(groups: "_Groups", rows: np.ndarray, cols: np.ndarray, compatible: np.ndarray,
                 options: FamilyOptions) -> np.ndarray:
    """`should_join` for every (row group, column group) pair, as one boolean matrix."""
    row_cluster, row_article = groups.cluster[rows, None], groups.article[rows, None]
    same_cluster = (row_cluster == groups.cluster[None, cols]) & (row_cluster >= 0)
    same_article = (row_article == groups.article[None, cols]) & (row_article >= 0)
    threshold = np.where(same_article, np.float32(options.cosine_same_article),
                         np.where(same_cluster, np.float32(options.cosine_same_cluster),
                                  np.float32(options.cosine_cross_cluster)))
    match = compatible[groups.klass[rows, None], groups.klass[None, cols]]
    row_source = groups.source[rows, None]
    vouched = ((row_source == groups.source[None, cols]) & (row_source >= 0) & (groups.period[rows, None] >= 0)
               & (groups.period[rows, None] == groups.period[None, cols])
               & (groups.value[rows, None] == groups.value[None, cols]))
    threshold = np.where(vouched, np.minimum(threshold, np.float32(options.cosine_same_cluster)), threshold)
    loose = match == LOOSE
    threshold = np.where(loose, np.maximum(threshold, np.float32(options.cosine_loose)), threshold)
    both = groups.has_vector[rows, None] & groups.has_vector[None, cols]
    cosine = groups.vectors[rows] @ groups.vectors[cols].T
    join = np.where(both, cosine >= threshold, same_cluster & ~same_article & ~loose)
    other_value = groups.value[rows, None] != groups.value[None, cols]
    apart = (row_source != groups.source[None, cols]) & (row_source >= 0) & (groups.source[None, cols] >= 0)
    one_sentence = both & (groups.vector_id[rows, None] == groups.vector_id[None, cols])
    row_language = groups.language[rows, None]
    # Across languages the cosine is no evidence: those joins come from `_cross_language_pairs`.
    languages_differ = (row_language != groups.language[None, cols]) & (row_language >= 0) & (
        groups.language[None, cols] >= 0)
    return join & ~((apart | one_sentence) & other_value) & ~languages_differ & (match > 0)


# Past this many (row, column) pairs a block is grouped against family leaders, not all pairs:
# about a second of matrix work on 2 cores.
_EXACT_PAIRS = 20_000_000
# Families a group is compared with in leader mode, largest first; bounds the work per group.
_MAX_LEADERS = 4096


def _leader_joins(groups: "_Groups", compatible: np.ndarray, options: FamilyOptions) -> tuple[np.ndarray, np.ndarray]:
    """Joins for a block too large for all pairs: each group against the families found so far.

    Groups are taken in order, a chunk at a time; each is compared with the
    chunk and with the first group (leader) of every family found so far, the
    `_MAX_LEADERS` largest when there are more. Every join is a real
    `should_join` pair, so families are never merged wrongly; a group that
    matches some member of a family but not its leader can be left out of it,
    so a very common value may split into more families than all pairs would
    give. Work is (groups x leaders), not groups squared.
    """
    count = len(groups.first)
    sets = DisjointSets(count)
    leaders = np.zeros(0, dtype=np.int64)
    sources: list[int] = []
    targets: list[int] = []
    for start in range(0, count, _CHUNK):
        chunk = np.arange(start, min(start + _CHUNK, count))
        cols = np.concatenate([leaders, chunk])
        join = _join_matrix(groups, chunk, cols, compatible, options)
        join[:, len(leaders):] &= chunk[None, :] > chunk[:, None]
        rows, positions = np.nonzero(join)
        # Reduced to a star per component first, so the Python unions below number at most len(cols).
        star_from, star_to = _star(rows + len(leaders), positions, len(cols))
        for x, y in zip(cols[star_from].tolist(), cols[star_to].tolist()):
            if sets.union(x, y):
                sources.append(x)
                targets.append(y)
        roots = np.array(sorted({sets.find(i) for i in np.concatenate([leaders, chunk]).tolist()}), dtype=np.int64)
        if len(roots) > _MAX_LEADERS:
            sizes = np.array([sets.size[r] for r in roots.tolist()])
            roots = np.sort(roots[np.argsort(-sizes, kind="stable")[:_MAX_LEADERS]])
        leaders = roots
    return np.array(sources, dtype=np.int64), np.array(targets, dtype=np.int64)


def _star(sources: np.ndarray, targets: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The same connectivity over `count` nodes as these edges, as node -> first node of its component."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(sources), dtype=np.int8), (sources, targets)), shape=(count, count))
    _, labels = connected_components(graph, directed=False)
    first = np.full(labels.max() + 1, count, dtype=np.int64)
    np.minimum.at(first, labels, np.arange(count))
    nodes = np.arange(count)
    linked = first[labels] != nodes
    return nodes[linked], first[labels][linked]


class _Groups:
    """A block's mentions merged into groups that certainly join: same class, vector and cluster.

    Groups of the lower block come first (`lower` of them), then those of the
    block above. Per group: its class, cluster code, the one article all its
    members come from (-1 when several), its vector, and its first mention.
    """

    def __init__(self, mentions: Sequence[MentionInput], members: Sequence[int], upper: Sequence[int],
                 codes: _Codes):
        class_of: dict[int, int] = {}  # corpus-wide class code -> this block's class number
        self.class_stats: list[Statistic] = []
        index_of: dict[tuple[int, ...], int] = {}
        self.members: list[list[int]] = []
        klass: list[int] = []
        self.lower = 0
        for part, indices in enumerate((members, upper)):
            for index in indices:
                code = int(codes.klass[index])
                if code not in class_of:
                    class_of[code] = len(self.class_stats)
                    self.class_stats.append(mentions[index].stat)
                cluster = int(codes.cluster[index])
                if codes.has_vector[index]:
                    # Without a cluster only the same article can lower the bar, so the article is part of the key.
                    group_key: tuple[int, ...] = (code, cluster, int(codes.vector_id[index]),
                                 int(codes.article[index]) if cluster < 0 else -1, int(codes.source[index]),
                                 int(codes.language[index]))
                else:
                    group_key = (-1, index)
                if group_key not in index_of:
                    index_of[group_key] = len(self.members)
                    self.members.append([])
                    klass.append(class_of[code])
                self.members[index_of[group_key]].append(index)
            if part == 0:
                self.lower = len(self.members)
        self.first = np.array([m[0] for m in self.members], dtype=np.int64)
        self.klass = np.array(klass, dtype=np.int64)
        self.cluster = codes.cluster[self.first]
        self.has_vector = codes.has_vector[self.first]
        self.source = codes.source[self.first]
        self.value = codes.value[self.first]
        self.vector_id = codes.vector_id[self.first]
        self.language = codes.language[self.first]
        self.period = codes.period[self.first]
        self.vectors = codes.vectors[self.first].astype(np.float32)
        articles = [{int(codes.article[i]) for i in m} for m in self.members]
        self.article = np.array([next(iter(a)) if len(a) == 1 else -1 for a in articles], dtype=np.int64)

    def internal_joins(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        rest = [(i, m[0]) for m in self.members for i in m[1:]]
        if rest:
            yield np.array([r[0] for r in rest], dtype=np.int64), np.array([r[1] for r in rest], dtype=np.int64)


# -- merging families of one quantity ---------------------------------------------------------

# Past this many families in one value bin, merging is skipped for the bin (each pair is checked in Python).
_MAX_MERGE_BLOCK = 2000


@dataclass(frozen=True)
class _Summary:
    key: tuple[str, float | None, str | None]
    value: float
    forecast: bool
    periods: frozenset[str]
    period_hints: frozenset[str]
    countries: frozenset[str]
    sources: frozenset[str]
    resolved: frozenset[str]
    clusters: frozenset[str]
    articles: frozenset[str]
    centroid: np.ndarray | None
    # Months the periods name, as "2025-07" from a resolved key or "--07" from a bare month ("in July")
    # on a page with no known date; a bare month agrees with any year's key of that month.
    months: frozenset[str] = frozenset()
    # KB ids of the sources the family's articles name anywhere (not only for this figure), unprefixed.
    article_sources: frozenset[str] = frozenset()
    # Head words of the holders and measures as written ("revisions", "job"): what the quantity is.
    holders: frozenset[str] = frozenset()
    measures: frozenset[str] = frozenset()
    values: frozenset[float] = frozenset()
    kinds: frozenset[str] = frozenset()  # "change" / "share" (`quantity_kind`), when the words say


def _summary(group: Sequence[int], mentions: Sequence[MentionInput]) -> _Summary:
    stats = [mentions[i].stat for i in group]
    vectors = [mentions[i].vector for i in group if mentions[i].vector is not None]
    centroid = None
    if vectors:
        mean = np.mean(np.asarray(vectors, dtype=np.float32), axis=0)
        norm = float(np.linalg.norm(mean))
        centroid = mean / norm if norm else None
    counts: dict[float, int] = defaultdict(int)
    for stat in stats:
        counts[stat.value] += 1
    return _Summary(
        key=(stats[0].unit, stats[0].of, stats[0].currency),
        value=max(counts, key=lambda v: (counts[v], decimals(v), -v)),
        # Forecast cues are not read in every language: one mention read as a forecast makes the family one.
        forecast=any(is_forecast(s) for s in stats),
        resolved=frozenset(x for s in stats if (x := resolved_source(s))),
        periods=frozenset(p for s in stats if (p := period_key(s))),
        period_hints=frozenset(p for s in stats if (p := period_hint(s))),
        countries=frozenset(c for s in stats for c in holder_countries(s.holder)),
        sources=frozenset(x for s in stats if (x := source_identity(s))),
        clusters=frozenset(c for i in group if (c := mentions[i].cluster) is not None),
        articles=frozenset(mentions[i].key[0] for i in group),
        centroid=centroid,
        months=frozenset(m for i in group if (m := _month(mentions[i]))),
        article_sources=frozenset(x for i in group for x in mentions[i].sources),
        holders=frozenset(h for s in stats if (h := head_word(s.holder))),
        measures=frozenset(m for s in stats if (m := head_word(s.measure))),
        values=frozenset(counts),
        kinds=frozenset(k for i in group if (k := quantity_kind(mentions[i].stat, mentions[i].language))))


def _month(mention: MentionInput) -> str | None:
    """The month a mention's period names: "2025-07" from its key, "--07" from a bare "in July"."""
    key = period_key(mention.stat)
    if key and period_grain(key) == "month":
        return key
    if key:
        return None
    number = month_named(mention.stat.period, lang=(mention.language or "en").split("-")[0])
    return f"--{number:02d}" if number else None


def months_conflict(a: frozenset[str], b: frozenset[str]) -> bool:
    """Both name months and none agrees: "--07" agrees with "2025-07" (the year unknown), not with "--06"."""
    if not a or not b:
        return False
    return not any(x == y or (x.startswith("--") or y.startswith("--")) and x[-2:] == y[-2:] for x in a for y in b)


def head_word(phrase: str | None) -> str | None:
    """The noun a holder or measure phrase is about, crudely: the last word before "of", lower case,
    without a plural s ("stunning jobs" -> "job", "share of cars" -> "share"). Two phrases with one head
    name the same kind of thing; a head is compared only with another, never shown."""
    if not phrase:
        return None
    words = re.findall(r"[^\W\d_]+", phrase.split(" of ")[0].lower())
    if not words:
        return None
    return _singular(words[-1])


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


@functools.lru_cache(maxsize=16)
def _kind_words(lang: str) -> dict[str, frozenset[str]]:
    from newstrace.extract import langdata

    if not langdata.has(lang, "quantity_kinds"):
        return {}
    data = langdata.table(lang, "quantity_kinds")
    return {kind: frozenset(str(w).lower() for w in data.get(kind) or ()) for kind in ("change", "share")}


def quantity_kind(stat: Statistic, language: str | None = None) -> str | None:
    """"change" (a rise or fall: "+20%", "an increase of 20%"), "share" (a part of a whole: "a 20% share"),
    or None when the figure's words do not say. The head words are language data (quantity_kinds.yaml)."""
    if stat.text.lstrip().startswith("+"):
        return "change"
    if not stat.measure:
        return None
    # any word of the measure, not only its head: "rise in rents", "Wachstum um"; both kinds ("growth in
    # the share of") say nothing
    said = {_singular(w) for w in re.findall(r"[^\W\d_]+", stat.measure.lower())}
    words = _kind_words((language or "en").split("-")[0])
    kinds = {kind for kind, heads in words.items() if said & heads}
    return kinds.pop() if len(kinds) == 1 else None


def kinds_conflict(a: str | None, b: str | None) -> bool:
    return bool(a and b and a != b)


def _undetermined(summary: _Summary) -> bool:
    """No mention states a period or a forecast cue: nothing says whether the figure is an outcome."""
    return not summary.forecast and not summary.periods and not summary.period_hints and not summary.months


def families_join(a: _Summary, b: _Summary, options: FamilyOptions) -> bool:
    """Two families are one quantity stated differently: a restatement in one story, or rival estimates.

    Restated: the same coverage cluster (or, with contexts that clearly agree, a known source in
    common), no two different known (KB) sources, a value within `restated_tolerance`, contexts that
    agree. Rival estimates: each family names its own sources and they share none, both give the
    same resolved period, the values are within `rival_tolerance` and the contexts clearly agree.
    Nothing merges across a holder, period or forecast/outcome difference.
    """
    if a.key != b.key or a.centroid is None or b.centroid is None:
        return False
    # A family none of whose mentions states a period or a forecast cue ("a 20% increase", no year) is
    # not known to be an outcome: it may join a forecast of the same figure, as long as all else agrees.
    if a.forecast != b.forecast and not (_undetermined(a) or _undetermined(b)):
        return False
    if a.kinds and b.kinds and not a.kinds & b.kinds:
        return False  # a growth rate and a share are two quantities
    if period_keys_conflict(a.periods, b.periods) or months_conflict(a.months, b.months) or (
            a.countries and b.countries and not a.countries & b.countries):
        return False
    cosine = float(np.dot(a.centroid, b.centroid))
    gap = _relative(a.value, b.value)
    known_apart = bool(a.resolved and b.resolved and not a.resolved & b.resolved)
    if gap <= options.restated_tolerance and not known_apart and (
            (a.clusters & b.clusters and cosine >= options.cosine_restated)
            # another story retelling one known source's figure: contexts must clearly agree
            or (a.resolved & b.resolved and cosine >= options.cosine_cross_cluster)
            or _named_by_article(a, b, options, cosine) or _named_by_article(b, a, options, cosine)):
        return True
    return bool(a.sources and b.sources and not a.sources & b.sources and len(a.period_hints) == 1
                and a.period_hints == b.period_hints and gap <= options.rival_tolerance
                and cosine >= options.cosine_cross_cluster)


def merge_families(groups: Sequence[Sequence[int]], mentions: Sequence[MentionInput],
                   options: FamilyOptions = FamilyOptions()) -> list[list[int]]:
    """`group_mentions`' families, with families of one quantity (see `families_join`) merged.

    The first pass joins copies and roundings of one figure; this one joins what a figure-by-figure
    rule cannot: a value misstated in a retelling (drift), and two bodies' own estimates of one
    quantity (kept as separate estimates inside the family). Families are blocked by unit and value
    bin like mentions, so only families within a bin of each other are compared.
    """
    groups = [part for group in groups for hubless in split_round_hubs(group, mentions, options)
              for part in split_other_periods(hubless, mentions)]
    if len(groups) < 2:
        return [list(g) for g in groups]
    summaries = [_summary(g, mentions) for g in groups]
    blocks: dict[tuple, list[int]] = defaultdict(list)
    for index, summary in enumerate(summaries):
        block = (*summary.key, value_bin(summary.value))
        blocks[block].append(index)
    sets = DisjointSets(len(groups))
    tentative: list[tuple[int, int]] = []
    for (*key, bin_), members in blocks.items():
        upper = blocks.get((*key, bin_ + 1 if bin_ > 0 else bin_ - 1), []) if bin_ else []
        if len(members) + len(upper) > _MAX_MERGE_BLOCK:
            continue
        for n, i in enumerate(members):
            for j in (*members[n + 1:], *upper):
                if families_join(summaries[i], summaries[j], options):
                    if summaries[i].forecast != summaries[j].forecast:
                        tentative.append((i, j))
                    else:
                        sets.union(i, j)
    for i, j in _same_quantity_pairs(summaries, options):
        sets.union(i, j)
    # A family not known to be forecast or outcome joins a forecast only when it is not already one with
    # an outcome: else it would make the forecast and the outcome of one year one family.
    outcome = [not s.forecast and not _undetermined(s) for s in summaries]
    for i, j in tentative:
        roots = {sets.find(i), sets.find(j)}
        if not any(outcome[k] for k in range(len(groups)) if sets.find(k) in roots):
            sets.union(i, j)
    merged: dict[int, list[int]] = defaultdict(list)
    for index, group in enumerate(groups):
        merged[sets.find(index)].extend(group)
    return sorted((sorted(g) for g in merged.values()), key=lambda g: g[0])


# Families larger than this are not checked for hubs (the check compares members pairwise).
_MAX_HUB_SPLIT = 400


def split_round_hubs(group: Sequence[int], mentions: Sequence[MentionInput],
                     options: FamilyOptions = FamilyOptions()) -> list[list[int]]:
    """A family split where a mention alone holds two figures together.

    "4%" rounds 4.2% and 4.1% (and 3.7%), so connected components chain July's unemployment rate, June's
    and the earnings growth through any page that writes "4%": a hub. Likewise a bare "20 Prozent" joins
    both a "+20%" growth and a "20% share" (`quantity_kind`). Two members that are not roundings of each
    other, or are a change and a share, are two figures; mentions that match both are taken out, the rest
    regrouped by `should_join` (and kind), and each hub mention put back with the partner its context is
    closest to (in another language, where contexts say nothing, with the part it joins most members of),
    or, with none, kept with the other hubs it joins.
    """
    members = list(group)
    kind = {i: quantity_kind(mentions[i].stat, mentions[i].language) for i in members}
    classes: dict[tuple[float, str | None, str | None], Statistic] = {}
    for i in members:
        classes.setdefault((mentions[i].stat.value, mentions[i].stat.approx, kind[i]), mentions[i].stat)
    if len(classes) < 2 or len(members) > _MAX_HUB_SPLIT:
        return [members]
    keys = list(classes)
    fits = {(x, y): values_compatible(classes[x], classes[y], options.approx_tolerance)
            and not kinds_conflict(x[2], y[2]) for x in keys for y in keys}
    hubs = {h for h in keys if any(fits[h, x] and fits[h, y] and not fits[x, y]
                                   for n, x in enumerate(keys) if x != h for y in keys[n + 1:] if y != h)}
    if not hubs and all(fits.values()):
        return [members]

    def joins(i: int, j: int) -> bool:
        return not kinds_conflict(kind[i], kind[j]) and should_join(mentions[i], mentions[j], options)

    hub_of = {i: (mentions[i].stat.value, mentions[i].stat.approx, kind[i]) in hubs for i in members}
    rest = [i for i in members if not hub_of[i]]
    sets = DisjointSets(len(members))
    position = {i: n for n, i in enumerate(members)}
    for n, i in enumerate(rest):
        for j in rest[n + 1:]:
            if joins(i, j):
                sets.union(position[i], position[j])
    loose, chosen = [], []
    for i in (i for i in members if hub_of[i]):
        partners = [j for j in rest if joins(i, j)]
        if not partners:
            loose.append(i)
            continue
        own = [j for j in partners if not _languages_differ(mentions[i], mentions[j])]
        if own:
            best = max(own, key=lambda j: _cosine(mentions[i].vector, mentions[j].vector) or 0.0)
        else:
            votes: dict[int, int] = defaultdict(int)
            for j in partners:
                votes[sets.find(position[j])] += 1
            root = max(votes, key=lambda r: (votes[r], -r))
            best = next(j for j in partners if sets.find(position[j]) == root)
        chosen.append((i, best))
    for i, best in chosen:  # after the votes, so one hub's choice does not sway the next one's
        sets.union(position[i], position[best])
    for n, i in enumerate(loose):
        for j in loose[n + 1:]:
            if joins(i, j):
                sets.union(position[i], position[j])
    parts: dict[int, list[int]] = defaultdict(list)
    for i in members:
        parts[sets.find(position[i])].append(i)
    return sorted(parts.values(), key=lambda g: g[0])


def split_other_periods(group: Sequence[int], mentions: Sequence[MentionInput]) -> list[list[int]]:
    """A family split where some mentions resolve to another period than most of it.

    Mentions that state no period join any (a "one in five" with no year matches this year's one in five
    and the one forecast for 2030), so one family can chain two periods' figures. The period most of its
    mentions resolve to keeps the family, with every mention of no period or a compatible one; the
    mentions of each period that conflicts with it (`period_keys_conflict`) become a family of their own.
    """
    keys = {i: period_key(mentions[i].stat) for i in group}
    counts: dict[str, int] = defaultdict(int)
    for key in keys.values():
        if key:
            counts[key] += 1
    if len(counts) < 2:
        return [list(group)]
    # Most mentions first; on a tie the earliest period, so the split does not depend on input order.
    main = min(counts, key=lambda k: (-counts[k], k))
    parts: dict[str | None, list[int]] = defaultdict(list)
    for i in group:
        key = keys[i]
        parts[key if key and period_keys_conflict({key}, {main}) else None].append(i)
    return sorted((sorted(p) for p in parts.values()), key=lambda g: g[0])


def _named_by_article(a: _Summary, b: _Summary, options: FamilyOptions, cosine: float) -> bool:
    """`a` credits nobody, but its article names a known source `b` is credited to, states `b`'s value
    exactly and for `b`'s month: another story restating that source's figure ("July was revised up from
    +73,000", in a later month's report that names the statistics office), if the contexts agree as
    much as a restatement inside one story must."""
    if a.sources or not b.resolved or a.values != {b.value} or not a.months or not b.months:
        return False
    named = {f"kb:{x}" for x in a.article_sources}
    return bool(named & b.resolved) and not months_conflict(a.months, b.months) and cosine >= options.cosine_restated


# Families compared by what they are about (holder and measure head words); past this many in one such
# block the block is skipped: a head like "people" shared by thousands of families says nothing.
_MAX_QUANTITY_BLOCK = 200


def _same_quantity_pairs(summaries: Sequence[_Summary], options: FamilyOptions) -> Iterator[tuple[int, int]]:
    """Pairs of families that are one quantity stated with different values, whatever the values.

    A value far from the rest ("46,000" where every other retelling says 258,000) is a misstatement of a
    figure, not a new quantity, when it is the same thing of the same holder (holder and measure head
    words in common), in the same story (one coverage cluster, or articles already sharing another
    figure), for no other period, in a sentence that clearly says the same (`cosine_cross_cluster`), and
    the misstating family names no source of its own: a page that names one is another estimate, an
    earlier edition or another body, left to the rival rule. Never two values of one article (a figure
    and its revision, "from 144,000 to 19,000").
    """
    blocks: dict[tuple, list[int]] = defaultdict(list)
    for index, summary in enumerate(summaries):
        if summary.centroid is None:
            continue
        for holder in summary.holders:
            for measure in summary.measures:
                block = (*summary.key, holder, measure)
                blocks[block].append(index)
    article_families: dict[str, set[int]] = defaultdict(set)
    for index, summary in enumerate(summaries):
        if len(summary.articles) > 1:
            for article in summary.articles:
                article_families[article].add(index)
    seen: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2 or len(members) > _MAX_QUANTITY_BLOCK:
            continue
        for n, i in enumerate(members):
            for j in members[n + 1:]:
                pair = (min(i, j), max(i, j))
                if pair in seen:
                    continue
                seen.add(pair)
                a, b = summaries[i], summaries[j]
                if _one_quantity(a, b, options, article_families, i, j):
                    yield pair


def _one_quantity(a: _Summary, b: _Summary, options: FamilyOptions, article_families: Mapping[str, set[int]],
                  i: int, j: int) -> bool:
    if a.forecast != b.forecast or a.articles & b.articles or a.values & b.values or (
            a.kinds and b.kinds and not a.kinds & b.kinds):
        return False
    if period_keys_conflict(a.periods, b.periods) or months_conflict(a.months, b.months) or (
            a.countries and b.countries and not a.countries & b.countries):
        return False
    # the misstating family credits nobody, and its pages name none of the other's sources
    if not any(not x.sources and not ({f"kb:{s}" for s in x.article_sources} & y.resolved)
               for x, y in ((a, b), (b, a))):
        return False
    if a.centroid is None or b.centroid is None or float(np.dot(a.centroid, b.centroid)) < options.cosine_cross_cluster:
        return False
    if a.clusters & b.clusters:
        return True
    # another family with an article of each: linear in the two families' articles, not their product
    around_a = set().union(*(article_families[x] for x in a.articles)) - {i, j}
    return any(article_families[y] & around_a for y in b.articles)


# -- family-level facts ---------------------------------------------------------------------


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


def wording_pool(members: Sequence[MentionInput], language: str = "en") -> list[Statistic]:
    """The mentions whose words should label a family: the primary documents' own, else those written in
    the report's language, else all. A family retold in three languages is labelled "children: 159
    million", not "niños: 159 million", whenever one page says it in English.

    Callers pick the holder, measure and period from this pool (`most_common`) and fall back to all
    mentions only for a part the pool leaves empty.
    """
    primary = [m.stat for m in members if m.is_primary]
    if primary:
        return primary
    own = [m.stat for m in members if (m.language or language).split("-")[0] == language]
    return own or [m.stat for m in members]
