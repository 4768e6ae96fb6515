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

from .mention_match import same_holder, same_up_to_rounding
from .records import Conflict


def alternation(phrases: Sequence[str]) -> str:
    """A regex alternation of phrases, longest first (so "held steady at" wins over "steady at"), any run of
    spaces matching the spaces inside a phrase."""
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in sorted(phrases, key=len, reverse=True))


@functools.cache
def _direction_pattern(language: str) -> re.Pattern[str] | None:
    """One regex per language whose named groups are the classes; it must end at the figure."""
    from newstrace.extract import langdata

    if not langdata.has(language, "conflict_direction"):
        return None
    parts = []
    for kind, phrases in sorted(langdata.table(language, "conflict_direction").items()):
        alts = alternation(phrases)
        parts.append(f"(?P<{kind}>\\b(?:{alts}))")
    return re.compile(f"(?:{'|'.join(parts)})\\s*$", re.IGNORECASE)


def direction_of(mention: Any, language: str | None) -> tuple[str, int] | None:
    """(class, offset in the sentence where the phrase starts) of the phrase right before a figure."""
    pattern = _direction_pattern(language_code(language))
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
        for _value, kinds in sorted(by_value.items()):
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
                                      spans, clusters.pop() if len(clusters) == 1 else None, kind="direction"))
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


# -- expectations: one value said to match forecasts in one retelling, to defy them in another -------


@functools.cache
def _phrase_pattern(language: str, name: str) -> re.Pattern[str] | None:
    """One regex per language and data file whose named groups are the file's classes, found anywhere."""
    from newstrace.extract import langdata

    if not langdata.has(language, name):
        return None
    parts = []
    for kind, phrases in sorted(langdata.table(language, name).items()):
        alts = alternation(phrases)
        parts.append(f"(?P<{kind}>(?:{alts}))")
    return re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?!\w)", re.IGNORECASE)


def language_code(language: str | None) -> str:
    from newstrace.extract import langdata

    return (language or langdata.DEFAULT_LANGUAGE).split("-")[0].lower()


def _previous_sentence(mention: Any, text: str | None) -> tuple[str, int] | None:
    """The sentence before the mention's, in the same paragraph, with its offset in the article text."""
    if not text or mention.sentence_start <= 0 or getattr(mention, "copy_of", None):
        return None
    before = text[:mention.sentence_start]
    paragraph = before.rfind("\n") + 1
    stops = [m.end() for m in re.finditer(r"[.!?]\s+", before[paragraph:].rstrip())]
    start = paragraph + (stops[-1] if stops else 0)
    sentence = before[start:].strip()
    return (sentence, start) if sentence else None


def expectation_of(mention: Any, language: str | None, text: str | None = None) -> tuple[str, dict[str, Any]] | None:
    """(class, span) of the expectation phrase in a figure's sentence, else in the sentence before it.

    The sentence before counts only when the figure's own sentence states no phrase: a lead saying
    "unemployment unexpectedly rose" is about the figure the next sentence gives. One phrase per
    sentence; a sentence with phrases of two classes ("as expected ..., unlike wages") says nothing sure.
    """
    pattern = _phrase_pattern(language_code(language), "conflict_expectation")
    if pattern is None:
        return None
    places = [(mention.sentence, mention.sentence_start)]
    if (previous := _previous_sentence(mention, text)) is not None:
        places.append(previous)
    for sentence, offset in places:
        found = list(pattern.finditer(sentence))
        kinds = {next(k for k, v in m.groupdict().items() if v) for m in found}
        if len(kinds) > 1:
            return None
        if found:
            match = found[0]
            return kinds.pop(), {"article": mention.article, "text": match.group(0),
                                 "start": offset + match.start(), "end": offset + match.end(),
                                 "sentence": sentence, "figure": mention.text}
    return None


def expectation_conflicts(families: Sequence[Any], cluster_of: Mapping[str, str],
                          languages: Mapping[str, str | None],
                          texts: Mapping[str, str] | None = None) -> list[Conflict]:
    """One value of one quantity said to match expectations in one article and to defy them in another.

    "above" and "below" expectations also contradict each other and "met"; "against" (contrary to
    expectations, direction not said) contradicts "met" only. Same value and, where both state one,
    same period, as for the direction of change.
    """
    texts = texts or {}
    clash = {frozenset(p) for p in (("met", "above"), ("met", "below"), ("met", "against"), ("above", "below"))}
    conflicts: list[Conflict] = []
    # One phrase pair read for two figures of one sentence ("up to 4.2% from 4.1%, as expected") is one conflict.
    seen: set[frozenset[tuple[str, int]]] = set()
    for family in families:
        firsts: dict[tuple[float, str], tuple[str, dict[str, Any], Any]] = {}
        for mention in sorted(getattr(family, "mentions", ()), key=lambda m: (m.article, m.start)):
            found = expectation_of(mention, languages.get(mention.article), texts.get(mention.article))
            if found is not None:
                firsts.setdefault((mention.value, mention.article), (found[0], found[1], mention))
        rows = [row for _, row in sorted(firsts.items())]
        sides = _clashing(rows, lambda a, b: a[2].value == b[2].value and frozenset((a[0], b[0])) in clash
                          and _same_period(a[2].period, b[2].period))
        if not sides:
            continue
        mark = frozenset((span["article"], span["start"]) for _, span, _ in sides)
        if mark in seen:
            continue
        seen.add(mark)
        spans = tuple(span for _, span, _ in sides)
        conflicts.append(Conflict(
            f"expectation differs for one value of one quantity ({_classes(sides)}): "
            + _texts(f"{mention.text} {span['text']}" for _, span, mention in sides),
            spans, _one_cluster(sides, cluster_of), kind="expectation"))
    return conflicts


# -- bounds: "more than a fifth" against "nearly 20%" of one quantity ---------------------------------


def _share(mention: Any) -> float | None:
    """The value on one scale: a percent as a fraction, "one in five" as 0.2; a count as stated."""
    value = mention.value
    if getattr(mention, "of", None):
        return value / mention.of if mention.of else None
    if mention.unit == "percent":
        return value / 100.0
    return value


def bound_of(mention: Any, language: str | None) -> str | None:
    """The bound class of a mention's approximation word (above / at_least / below / at_most), if any."""
    approx = getattr(mention, "approx", None)
    if not approx:
        return None
    from newstrace.extract import langdata

    lang = language_code(language)
    if not langdata.has(lang, "conflict_bounds"):
        return None
    said = " ".join(approx.lower().split())
    return next((kind for kind, words in sorted(langdata.table(lang, "conflict_bounds").items())
                 if said in {" ".join(w.lower().split()) for w in words}), None)


def _bounds_clash(kind_a: str, a: float, kind_b: str, b: float) -> bool:
    """Whether "kind_a a" and "kind_b b" leave no value both allow (more than 0.2 vs nearly 0.2)."""
    tiny = 1e-9 * max(abs(a), abs(b), 1.0)
    low = {"above": True, "at_least": False}   # strict?
    high = {"below": True, "at_most": False}
    for (k1, v1), (k2, v2) in (((kind_a, a), (kind_b, b)), ((kind_b, b), (kind_a, a))):
        if k1 in low and k2 in high:
            strict = low[k1] or high[k2]
            if v2 < v1 - tiny or (strict and abs(v2 - v1) <= tiny):
                return True
    return False


def bound_conflicts(families: Sequence[Any], cluster_of: Mapping[str, str],
                    languages: Mapping[str, str | None]) -> list[Conflict]:
    """Two retellings of one quantity (one family, same period where both state one, same unit scale)
    whose bounds cannot both hold: "more than one in five" and "nearly 20 per cent".

    Only bound against bound: an exact figure against a bound may be a rounding ("20%" of 20.4%),
    and a plain different value is the numeric conflict's.
    """
    conflicts: list[Conflict] = []
    for family in families:
        firsts: dict[str, tuple[str, float, Any]] = {}
        for mention in sorted(getattr(family, "mentions", ()), key=lambda m: (m.article, m.start)):
            kind = bound_of(mention, languages.get(mention.article))
            share = _share(mention)
            if kind is not None and share is not None and not getattr(mention, "copy_of", None):
                firsts.setdefault(mention.article, (kind, share, mention))
        rows = [row for _, row in sorted(firsts.items())]
        sides = _clashing(rows, lambda a, b: _comparable(a[2], b[2]) and _same_stated_period(a[2].period, b[2].period)
                          and _bounds_clash(a[0], a[1], b[0], b[1]))
        if not sides:
            continue
        spans = tuple(_bound_span(mention) for _, _, mention in sides)
        conflicts.append(Conflict(
            f"bounds cannot both hold for one quantity ({_classes(sides)}): " + _texts(s["text"] for s in spans),
            spans, _one_cluster(sides, cluster_of), kind="bounds"))
    return conflicts


def _same_stated_period(a: str | None, b: str | None) -> bool:
    """Periods both stated and equal, or both unstated: a bound is a loose claim, and "almost one in five
    by 2030" against an undated "more than one in five" is too often another quantity in one family."""
    if bool(a) != bool(b):
        return False
    return _same_period(a, b)


def _comparable(a: Any, b: Any) -> bool:
    """Shares compare with shares (percent, "one in five"); anything else only in one unit."""
    def shared(m: Any) -> bool:
        return m.unit in ("percent", "ratio") or bool(getattr(m, "of", None))
    return (shared(a) and shared(b)) or (not shared(a) and not shared(b) and a.unit == b.unit)


def _bound_span(mention: Any) -> dict[str, Any]:
    """The figure with its bound word as stated ("more than one in five"), both sentences kept."""
    offset = mention.start - mention.sentence_start
    head = mention.sentence[:max(0, offset)]
    approx = " ".join(mention.approx.split())
    at = " ".join(head.lower().split(" ")).rfind(approx.lower()) if approx else -1
    start = at if at >= 0 and offset - at <= len(approx) + 4 else offset
    return {"article": mention.article, "text": mention.sentence[start:mention.end - mention.sentence_start],
            "start": mention.sentence_start + start, "end": mention.end, "sentence": mention.sentence,
            "figure": mention.text}


# -- scope: one value said to count one category in one retelling, another in the next ---------------

# Where the words attached to a figure stop: another number, or a clause break.
_CLAUSE_BREAK = re.compile(r"\d|[;:()\[\],]|\s(?:and|while|whereas|but|und|während|aber|et|mais|alors que|y|mientras|pero)\s",
                           re.IGNORECASE)


@functools.cache
def _scope_patterns(language: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(set name, regex whose named groups are the set's categories) per set of the language's data."""
    from newstrace.extract import langdata

    if not langdata.has(language, "conflict_scope"):
        return ()
    out = []
    for name, categories in sorted(langdata.table(language, "conflict_scope").items()):
        # All phrases of a set in one alternation, longest first across categories: alternation takes the
        # first branch that matches, so "not seasonally adjusted" must come before "seasonally adjusted".
        phrases = sorted(((kind, p) for kind, words in categories.items() for p in words), key=lambda kp: -len(kp[1]))
        branches = []
        for n, (kind, phrase) in enumerate(phrases):
            spaced = r"\s+".join(map(re.escape, phrase.split()))
            branches.append(f"(?P<{kind}_{n}>{spaced})")
        out.append((name, re.compile(rf"(?<!\w)(?:{'|'.join(branches)})(?!\w)", re.IGNORECASE)))
    return tuple(out)


def _categories(pattern: re.Pattern[str], text: str) -> list[tuple[str, re.Match[str]]]:
    found = []
    for match in pattern.finditer(text):
        group = next(k for k, v in match.groupdict().items() if v)
        found.append((group.rsplit("_", 1)[0], match))
    return found


def scope_of(mention: Any, language: str | None) -> list[tuple[str, str, dict[str, Any]]]:
    """(set, category, span) for each category set whose words are attached to a figure.

    The words right after the figure (to the next number or clause break) are read first, else the
    words right before it (back to the previous one); a stretch naming two categories of one set
    ("overweight or obese") names none.
    """
    offset = mention.start - mention.sentence_start
    end = mention.end - mention.sentence_start
    if offset < 0 or end > len(mention.sentence):
        return []
    sentence = mention.sentence
    after = sentence[end:]
    stop = _CLAUSE_BREAK.search(after)
    after_text = after[:stop.start()] if stop else after
    before = sentence[:offset]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    before_from = breaks[-1].end() if breaks else 0
    out = []
    for name, pattern in _scope_patterns(language_code(language)):
        for text, base, is_after in ((after_text, end, True), (before[before_from:], before_from, False)):
            found = _categories(pattern, text)
            kinds = {kind for kind, _ in found}
            if len(kinds) > 1:
                break
            if found:
                match = found[0][1] if is_after else found[-1][1]
                lo, hi = (offset, base + match.end()) if is_after else (base + match.start(), end)
                out.append((name, found[0][0], {"article": mention.article, "text": sentence[lo:hi],
                                                "start": mention.sentence_start + lo,
                                                "end": mention.sentence_start + hi,
                                                "sentence": sentence, "figure": mention.text}))
                break
    return out


def scope_conflicts(families: Sequence[Any], cluster_of: Mapping[str, str],
                    languages: Mapping[str, str | None]) -> list[Conflict]:
    """One value of one quantity said to count one category in one article and another in the next.

    "43% of adults were overweight" against "43% of adults were obese": the same figure of one family
    (same value up to rounding, same period where both state one) with different single categories of
    one set of exclusive categories (language data, conflict_scope.yaml).
    """
    conflicts: list[Conflict] = []
    for family in families:
        firsts: dict[tuple[str, str], tuple[str, dict[str, Any], Any]] = {}
        for mention in sorted(getattr(family, "mentions", ()), key=lambda m: (m.article, m.start)):
            if getattr(mention, "copy_of", None):
                continue
            for name, kind, span in scope_of(mention, languages.get(mention.article)):
                firsts.setdefault((name, mention.article), (kind, span, mention))
        by_set: dict[str, list[tuple[str, dict[str, Any], Any]]] = defaultdict(list)
        for (name, _), row in sorted(firsts.items()):
            by_set[name].append(row)
        for _set, rows in sorted(by_set.items()):
            sides = _clashing(rows, lambda a, b, family=family: a[0] != b[0]
                              and same_up_to_rounding(a[2].value, b[2].value)
                              and _same_period(a[2].period, b[2].period) and same_holder(family, a[2], b[2]))
            if not sides:
                continue
            spans = tuple(span for _, span, _ in sides)
            conflicts.append(Conflict(
                f"what one figure counts differs ({_classes(sides).replace('_', ' ')}): "
                + _texts(s["text"] for s in spans), spans, _one_cluster(sides, cluster_of), kind="scope"))
    return conflicts


# -- shared by the kinds above --------------------------------------------------------------------------


def _clashing(rows: Sequence[tuple[Any, ...]], clash: Any) -> list[tuple[Any, ...]]:
    """The rows (one per article: class first, mention last) that clash with at least one other row.

    One disagreement seen in several articles is one conflict naming every article on each side, so
    an analyst sees all the retellings that say each thing, not one pair picked by article order.
    """
    return [row for n, row in enumerate(rows) if any(clash(row, other) for m, other in enumerate(rows) if m != n)]


def _classes(sides: Sequence[tuple[Any, ...]]) -> str:
    return " vs ".join(sorted({str(row[0]) for row in sides}))


def _texts(texts: Any, limit: int = 4) -> str:
    """Distinct stated texts in order of first appearance, at most `limit` of them."""
    unique = list(dict.fromkeys(texts))
    return " vs ".join(unique[:limit]) + (f" (and {len(unique) - limit} more)" if len(unique) > limit else "")


def _one_cluster(sides: Sequence[tuple[Any, ...]], cluster_of: Mapping[str, str]) -> str | None:
    clusters = {cluster_of.get(row[-1].article) for row in sides}
    return clusters.pop() if len(clusters) == 1 else None


# -- aligned sentences: two retellings of one sentence that give its other figure two values ---------


def aligned_conflicts(families: Sequence[Any], cluster_of: Mapping[str, str],
                      languages: Mapping[str, str | None]) -> list[Conflict]:
    """Two articles of one story whose sentences share a figure (one family) and give the sentence's
    one other figure of a unit two values beyond rounding.

    "Long-term unemployment reached 1.8 million, 24.9% of the jobless" against a translation saying
    "1,826 millones ..., el 25,2% del total": the shared 1.8 million anchors the two sentences, and each
    has one percentage besides it, so the two percentages are one quantity told twice. The families
    cannot show it: across languages or rewordings the two percentages never join one. Kept apart:
    sentences with two figures of the unit (which is which is unknown), values further apart than
    `ALIGNED_TOLERANCE`, a change against a share, measures with different heads in one language,
    stated periods or places that differ.
    """
    from newstrace.provenance.figures import head_word

    family_of: dict[tuple[str, int, int], str] = {}
    sentences: dict[tuple[str, int], list[Any]] = defaultdict(list)
    for family in families:
        for mention in getattr(family, "mentions", ()):
            if getattr(mention, "copy_of", None):
                continue
            family_of[(mention.article, mention.start, mention.end)] = family.id
            sentences[(mention.article, mention.sentence_start)].append(mention)
    anchored: set[tuple[tuple[str, int], tuple[str, int]]] = set()
    for family in families:
        places = sorted({(m.article, m.sentence_start) for m in getattr(family, "mentions", ())
                         if not getattr(m, "copy_of", None) and cluster_of.get(m.article)})[:_MAX_ANCHORED]
        for n, a in enumerate(places):
            for b in places[n + 1:]:
                if a[0] != b[0] and cluster_of.get(a[0]) == cluster_of.get(b[0]):
                    anchored.add((a, b))
    seen: set[frozenset[tuple[str, int]]] = set()
    conflicts: list[Conflict] = []
    for a, b in sorted(anchored):
        shared = ({family_of[(m.article, m.start, m.end)] for m in sentences[a]}
                  & {family_of[(m.article, m.start, m.end)] for m in sentences[b]})
        for unit in sorted({m.unit for m in sentences[a]} & {m.unit for m in sentences[b]}):
            one = [m for m in sentences[a] if m.unit == unit and family_of[(m.article, m.start, m.end)] not in shared]
            other = [m for m in sentences[b] if m.unit == unit and family_of[(m.article, m.start, m.end)] not in shared]
            if len(one) != 1 or len(other) != 1:
                continue
            x, y = one[0], other[0]
            if same_up_to_rounding(x.value, y.value) or getattr(x, "of", None) != getattr(y, "of", None) \
                    or not _near(x.value, y.value):
                continue
            lang_x, lang_y = language_code(languages.get(x.article)), language_code(languages.get(y.article))
            if not _one_quantity(x, y, lang_x, lang_y, head_word):
                continue
            mark = frozenset(((x.article, x.start), (y.article, y.start)))
            if mark in seen:
                continue
            seen.add(mark)
            spans = tuple({"article": m.article, "text": m.text, "start": m.start, "end": m.end,
                           "sentence": m.sentence, "figure": m.text} for m in (x, y))
            conflicts.append(Conflict(
                f"value differs in aligned sentences (both state {_anchor_text(sentences[a], shared, family_of)}): "
                f"{x.text} vs {y.text}", spans, cluster_of.get(x.article), kind="numeric"))
    return conflicts


def _one_quantity(x: Any, y: Any, lang_x: str, lang_y: str, head_word: Any) -> bool:
    """Whether nothing said about two figures makes them two quantities."""
    from newstrace.extract.records import Statistic
    from newstrace.provenance.figures import holders_conflict, kinds_conflict, quantity_kind

    def stat(m: Any) -> Statistic:
        return Statistic(text=m.text, value=m.value, unit=m.unit, start=m.start, end=m.end,
                         measure=m.measure, holder=m.holder, period=m.period)

    if kinds_conflict(quantity_kind(stat(x), lang_x), quantity_kind(stat(y), lang_y)):
        return False
    if holders_conflict(stat(x), stat(y)):
        return False
    years_x, years_y = set(_YEARS.findall(x.period or "")), set(_YEARS.findall(y.period or ""))
    if years_x and years_y and not years_x & years_y:
        return False
    if lang_x == lang_y:
        if not _same_period(x.period, y.period):
            return False
        heads = head_word(x.measure), head_word(y.measure)
        if all(heads) and heads[0] != heads[1]:
            return False
    return True


# Sentences of one family paired as anchors, at most: the pairs grow with the square of a figure's
# retellings, and a disagreement told by hundreds of articles shows among the first of them too.
_MAX_ANCHORED = 200

_YEARS = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)")

# A retelling that misstates a figure stays near it (24.9% told as 25.2%, a digit slipped); two figures of
# aligned sentences further apart than this share of the larger are more likely two quantities
# (a participation rate and an unemployment rate, this year's count and last year's).
ALIGNED_TOLERANCE = 0.10


def _near(a: float, b: float) -> bool:
    largest = max(abs(a), abs(b))
    return bool(largest) and abs(a - b) / largest <= ALIGNED_TOLERANCE


def _anchor_text(mentions: Sequence[Any], shared: set[str], family_of: Mapping[tuple[str, int, int], str]) -> str:
    return next((m.text for m in mentions if family_of[(m.article, m.start, m.end)] in shared), "one figure")
