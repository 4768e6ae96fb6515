"""Contradictions inside one coverage cluster.

Rewrites of one story are aligned sentence by sentence (content-word
overlap, plus at least one shared named entity so that two generic
sentences never align). In an aligned pair, a place that one article names
and the other replaces with a different place is a conflict (one puts a
minister's speech in Lyon, the other in Lille), and so is a different date
for the same event ("December 1" against "December 2"). Dates are parsed
(dateparser, through corpus/dates.py) before they are compared, so "Nov. 3"
and "November 3" are one date.

`find_figure_conflicts` adds the conflicts the figure families show: one
quantity from one source stated with two values beyond rounding (numeric),
and one figure stated in two units of one dimension (unit).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from newstrace.corpus.records import Article
from newstrace.extract.records import Annotations, Entity

from .conflict_kinds import (
    aligned_conflicts,
    alternation,
    bound_conflicts,
    direction_conflicts,
    expectation_conflicts,
    language_code,
    scope_conflicts,
)
from .figures import said_as_share
from .mention_match import both_from_one, same_holder, same_up_to_rounding
from .records import Conflict

PLACE_LABELS = ("GPE", "LOC", "FAC")
DATE_LABELS = ("DATE",)
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]{2,}")
_STOP = frozenset("""the and that this with from have has had was were are for not but its their they them
which will would could should been being into than then there these those also such only more most
said says about after before over under between while where when what who whom whose because""".split())


@dataclass(frozen=True)
class AlignOptions:
    # Rewrites paraphrase heavily; a third of shared content words plus a shared name is a reliable pairing.
    min_overlap: float = 0.25
    min_shared_entities: int = 1


@dataclass(frozen=True)
class _Sentence:
    article: str
    start: int
    end: int
    words: frozenset[str]
    names: frozenset[str]  # non-place, non-date entities, normalised
    places: tuple[Entity, ...]
    dates: tuple[Entity, ...]
    outlets: frozenset[str]  # who published what the sentence dates: outlets, works and their publishers


# Words between a body's name and a date that dates the body's release ("the Survey, released on Tuesday
# (May 6)", "un estudio del Instituto publicado el miércoles, 7 de mayo"); further on, the date is
# more likely another event's ("M2, released on 27 October, tops the Index").
_RELEASE_GAP_WORDS = 6


def _dates_release(entity: Entity, dates: Sequence[Entity], text: str, release: re.Pattern[str]) -> bool:
    """Whether a date follows the body's name closely, with a publication word between them."""
    for date in dates:
        gap = text[entity.end:date.start]
        if date.start >= entity.end and len(gap.split()) <= _RELEASE_GAP_WORDS and release.search(gap):
            return True
    return False


def _sentences(article: Article, ann: Annotations,
               publishers: Mapping[str, Sequence[str]] | None = None) -> list[_Sentence]:
    """The sentences of one article that can take part in a conflict.

    A place conflict needs a venue on both sides and a date conflict a dated
    publication on both sides; other sentences are dropped here, before their
    words are even read, which is most of them. A publication is an outlet's
    report, or a KB body or work followed closely by a publication word of the
    article's language and a date ("a study by the institute, published on 15
    June": conflict_dates.yaml); a work names its KB publishers' release too
    ("the Digital News Report" is the Reuters Institute's).
    """
    publishers = publishers or {}
    release = _release_words(article.language)
    entities = sorted(ann.entities, key=lambda e: e.start)
    starts = [e.start for e in entities]
    out = []
    for start, end in ann.sentences:
        inside = entities[bisect.bisect_left(starts, start):bisect.bisect_left(starts, end)]
        # Only places where something happens can contradict; a dateline or a
        # country as the subject ("China has ...") is not a venue.
        places = tuple(e for e in inside if e.label in PLACE_LABELS and _is_locative(e, article.text))
        dates = tuple(e for e in inside if e.label in DATE_LABELS and _CALENDAR.search(e.text))
        outlets = set((e.kb_id or e.text.lower()) for e in inside if e.kind == "outlet")
        if dates and release is not None:
            for e in inside:
                if e.kb_id and e.kind not in ("outlet", "place", "person") and _dates_release(e, dates, article.text,
                                                                                             release):
                    outlets.update((e.kb_id, *publishers.get(e.kb_id, ())))
        if not places and not (dates and outlets):
            continue
        words = frozenset(w.lower() for w in _WORD.findall(article.text[start:end]) if w.lower() not in _STOP)
        names = frozenset((e.kb_id or e.text.lower()) for e in inside
                          if e.label not in PLACE_LABELS + DATE_LABELS and e.label not in ("CARDINAL", "PERCENT", "ORDINAL"))
        out.append(_Sentence(article.id, start, end, words, names | outlets, places, dates, frozenset(outlets)))
    return out


@functools.cache
def _release_words(language: str | None) -> re.Pattern[str] | None:
    """Words that say a sentence is about a publication, in the article's language (conflict_dates.yaml)."""
    from newstrace.extract import langdata

    lang = language_code(language)
    if not langdata.has(lang, "conflict_dates"):
        return None
    words = langdata.words(lang, "conflict_dates")
    if not words:
        return None
    return re.compile(rf"(?<!\w)(?:{alternation(words)})(?!\w)", re.IGNORECASE)


def _candidates(sentences: Mapping[str, Sequence[_Sentence]]) -> list[tuple[str, _Sentence]]:
    """Every sentence that can take part in a conflict, in (article, position) order."""
    return [(article, sentence) for article in sorted(sentences) for sentence in sentences[article]]


def _pairs_sharing_a_name(candidates: Sequence[tuple[str, _Sentence]], minimum: int) -> list[tuple[int, int]]:
    """Index pairs from different articles sharing at least `minimum` names, in article-then-sentence order.

    An inverted index on names proposes the pairs, so sentences that share no
    name are never compared; the order matches a nested loop over articles so
    the first sentence seen for an article (the one a conflict quotes) is stable.
    """
    by_name: dict[str, list[int]] = defaultdict(list)
    for index, (_, sentence) in enumerate(candidates):
        for name in sentence.names:
            by_name[name].append(index)
    proposed: set[tuple[int, int]] = set()
    for posting in by_name.values():
        for n, p in enumerate(posting):
            for q in posting[n + 1:]:
                if candidates[p][0] != candidates[q][0]:
                    proposed.add((p, q))
    kept = [(p, q) for p, q in proposed if len(candidates[p][1].names & candidates[q][1].names) >= max(minimum, 1)]
    return sorted(kept, key=lambda pq: (candidates[pq[0]][0], candidates[pq[1]][0], pq[0], pq[1]))


def _overlap(a: _Sentence, b: _Sentence) -> float:
    if not a.words or not b.words:
        return 0.0
    return len(a.words & b.words) / min(len(a.words), len(b.words))


def _key(entity: Entity) -> str:
    return entity.kb_id or " ".join(entity.text.lower().split())


def find_conflicts(cluster_id: str, members: Sequence[str], articles: Mapping[str, Article],
                   annotations: Mapping[str, Annotations], options: AlignOptions = AlignOptions(),
                   publishers: Mapping[str, Sequence[str]] | None = None) -> list[Conflict]:
    """Conflicts in one cluster; the same disagreement seen in several pairs is one conflict.

    `publishers` maps a KB work's id to its publishers' ids (`KnowledgeBase`'s `publishers`), so two
    sentences dating one release agree on whose it is however each names it.
    """
    sentences = {m: _sentences(articles[m], annotations[m], publishers)
                 for m in members if m in annotations and m in articles}
    mentioned = {m: {_key(e) for e in annotations[m].entities} for m in sentences}
    # Dates as calendar days, however spelt ("Nov. 3" is "November 3", "3 novembre"), per article.
    days = {m: {d for e in annotations[m].entities if e.label in DATE_LABELS and (d := _day(e.text))}
            for m in sentences}
    merged: dict[tuple[str, frozenset[str]], dict[str, dict]] = {}
    contexts: dict[tuple[str, frozenset[str]], set[str]] = {}
    candidates = _candidates(sentences)
    for p, q in _pairs_sharing_a_name(candidates, options.min_shared_entities):
        (left_id, left), (right_id, right) = candidates[p], candidates[q]
        shared = left.names & right.names
        same_event = bool(left.outlets & right.outlets)  # both report one outlet's publication
        aligned = _overlap(left, right) >= options.min_overlap
        pairs = []
        if aligned:
            pairs.append(("place", left.places, right.places))
        if same_event:
            # Only a dated publication can contradict another's date; relative
            # periods ("last year") are compared by the figure families instead.
            pairs.append(("date", left.dates, right.dates))
        for what, a, b in pairs:
            if what == "date":
                # Only calendar dates compare ("19-year-olds" is tagged DATE too), and a date the
                # other article states as well, in any spelling, was not changed.
                a = tuple(e for e in a if _day(e.text) and not _day_in(_day(e.text), days[right_id]))
                b = tuple(e for e in b if _day(e.text) and not _day_in(_day(e.text), days[left_id]))
            found = _differing(a, b, mentioned[left_id], mentioned[right_id])
            if found is None:
                continue
            one, other = found
            key = (what, frozenset((_key(one), _key(other))))
            values = merged.setdefault(key, {})
            values.setdefault(left_id, _value(left, one, articles))
            values.setdefault(right_id, _value(right, other, articles))
            contexts.setdefault(key, set()).update(shared)
    conflicts = []
    for (what, _), values in sorted(merged.items(), key=lambda kv: (kv[0][0], sorted(kv[0][1]))):
        texts = sorted({v["text"] for v in values.values()})
        mentioned_by_both = sorted(contexts[(what, _)])
        context = f" (both mention {', '.join(mentioned_by_both[:3])})" if mentioned_by_both else ""
        conflicts.append(Conflict(f"{what} differs in aligned sentences{context}: {' vs '.join(texts)}",
                                  tuple(values[a] for a in sorted(values)), cluster_id, kind=what))
    return conflicts


_CALENDAR = re.compile(r"\d")


@functools.lru_cache(maxsize=4096)
def _day(text: str) -> tuple[str, bool] | None:
    """(YYYY-MM-DD, whether a year was stated) of a written date, parsed by dateparser; None if it is none."""
    from newstrace.corpus.dates import parse_date_text

    return parse_date_text(text)


def _day_in(day: tuple[str, bool] | None, others: set[tuple[str, bool]]) -> bool:
    """Whether `day` is one of `others`: same month and day, and the same year when both state one."""
    if day is None:
        return False
    return any(day[0][5:] == other[0][5:] and (not (day[1] and other[1]) or day[0][:4] == other[0][:4])
               for other in others)
# A place where something happened: "in Lille", "held in Lyon, Croix-Rousse", "at Montmartre".
_LOCATIVE = re.compile(r"\b(?:in|at|near)\s+(?:the\s+)?(?:[A-Z][\w'-]*,?\s+){0,3}$")


def _is_locative(entity: Entity, text: str) -> bool:
    return bool(_LOCATIVE.search(text[max(0, entity.start - 60):entity.start]))


def _differing(a: Sequence[Entity], b: Sequence[Entity], in_a: set[str], in_b: set[str]) -> tuple[Entity, Entity] | None:
    """The entity each side names that the other article never names, when both sides name one.

    A place the other article mentions elsewhere was not replaced, only moved
    out of this sentence; `in_a` / `in_b` are all entity keys of each article.
    """
    if not a or not b:
        return None
    only_a = [e for e in a if _key(e) not in in_b and not _contained(_key(e), in_b)]
    only_b = [e for e in b if _key(e) not in in_a and not _contained(_key(e), in_a)]
    if not only_a or not only_b:
        return None
    return only_a[0], only_b[0]


def _contained(key: str, others: set[str]) -> bool:
    return any(key in other or other in key for other in others)


def _value(sentence: _Sentence, entity: Entity, articles: Mapping[str, Article]) -> dict:
    text = articles[sentence.article].text
    return {"article": sentence.article, "text": entity.text, "start": entity.start, "end": entity.end,
            "sentence": text[sentence.start:sentence.end]}


# -- figures: one quantity, one source, two values; one figure, two units --------------------------


def find_figure_conflicts(families: Sequence[Any], cluster_of: Mapping[str, str],
                          languages: Mapping[str, str | None] | None = None,
                          texts: Mapping[str, str] | None = None) -> list[Conflict]:
    """Numeric and unit conflicts between retellings, each with both sentences.

    `families` are the figure families (F2's `FigureFamily`: one quantity each, with `mentions`).
    Numeric: two articles give one quantity from the same source (the primary source the mention
    traces to, `trace.primary_key`) with values neither of which is a rounding of the other (3.1 and
    3.2; not 15.86 and 15.9). Unit: two articles of one cluster state one figure (the same value)
    in different units of one dimension (miles and kilometres). Expectation ("as expected" vs
    "unexpectedly") and bound ("more than a fifth" vs "nearly 20%") conflicts are in conflict_kinds;
    `texts` (article id -> text), when given, lets an expectation phrase be read in the sentence
    before the figure's.
    """
    from .trace import primary_key

    conflicts: list[Conflict] = []
    for family in families:
        by_source: dict[str, list[Any]] = defaultdict(list)
        for mention in getattr(family, "mentions", ()):
            key = _source_key(mention, primary_key)
            if key is not None and not getattr(mention, "copy_of", None):
                by_source[key].append(mention)
        pairs = [pair for _, mentions in sorted(by_source.items()) for pair in _differing_values(mentions)]
        pairs.extend(_unattributed_differing(family))
        pairs = [(one, other) for one, other in pairs if same_holder(family, one, other)]
        if pairs:
            conflicts.append(_numeric_conflict(family, pairs, cluster_of))
    conflicts.extend(_unit_conflicts(families, cluster_of, languages or {}))
    conflicts.extend(direction_conflicts(families, cluster_of, languages or {}))
    conflicts.extend(expectation_conflicts(families, cluster_of, languages or {}, texts))
    conflicts.extend(bound_conflicts(families, cluster_of, languages or {}))
    conflicts.extend(scope_conflicts(families, cluster_of, languages or {}))
    conflicts.extend(aligned_conflicts(families, cluster_of, languages or {}))
    return conflicts


def _numeric_conflict(family: Any, pairs: Sequence[tuple[Any, Any]], cluster_of: Mapping[str, str]) -> Conflict:
    """One conflict per quantity: every article in a disagreeing pair, with the mention it disagrees with.

    The same disagreement seen by several articles (879 and 880 million against 890 million) is one
    conflict naming all of them, not one per pair of articles.
    """
    firsts: dict[str, Any] = {}
    for one, other in pairs:
        for mention in (one, other):
            firsts.setdefault(mention.article, mention)
    rows = [firsts[a] for a in sorted(firsts, key=lambda a: (firsts[a].value, a))]
    sources = sorted({name for one, _ in pairs if (name := _source_name(one))})
    source = f" from {', '.join(sources[:2])}" if sources else ""
    measure = f" ({family.measure})" if getattr(family, "measure", None) else ""
    # Values that round to one another are one side ("879 million / 880 million vs 890 million").
    sides: list[list[Any]] = []
    for mention in rows:
        if sides and _same_stated(sides[-1][-1], mention):
            sides[-1].append(mention)
        else:
            sides.append([mention])
    stated = " vs ".join(" / ".join(dict.fromkeys(m.text for m in side)) for side in sides)
    clusters = {cluster_of.get(m.article) for m in rows}
    return Conflict(f"value differs for one quantity{measure}{source}: {stated}",
                    tuple(_mention_value(m) for m in rows), clusters.pop() if len(clusters) == 1 else None,
                    kind="numeric")


def _inferred(mention: Any) -> bool:
    source = getattr(mention, "attribution", None)
    return source is None or bool(getattr(source, "inferred", False))


def _unattributed_differing(family: Any) -> list[tuple[Any, Any]]:
    """A retelling that names no source against the articles that name one, when its value is none of theirs.

    Its source was only inferred (from the story or the family), so it has no estimate of its own that
    could differ: a value no named source states, beyond rounding, contradicts them (a combined revision
    of 46,000 where the source said 258,000). A value some named source states is that source's
    estimate (sources differ), not a conflict; an article stating both values compares them.
    """
    mentions = [m for m in getattr(family, "mentions", ()) if not getattr(m, "copy_of", None)]
    named = [m for m in mentions if not _inferred(m)]
    if not named:
        return []
    stated = [m.value for m in mentions]
    by_article: dict[str, list[Any]] = defaultdict(list)
    for mention in sorted(mentions, key=lambda m: (m.article, m.start)):
        by_article[mention.article].append(mention)
    pairs = []
    for loose in sorted((m for m in mentions if _inferred(m)), key=lambda m: (m.article, m.start)):
        if any(_same_stated(loose, m) for m in named):
            continue
        for article in sorted({m.article for m in named} - {loose.article}):
            if any(_same_stated(x, y) for x in by_article[loose.article] for y in by_article[article]):
                continue
            other = next((m for m in by_article[article] if not _inferred(m)
                          and _periods_compatible(loose.period, m.period)
                          and not _rounded_alike(loose, m, stated)), None)
            if other is not None:
                pairs.append((loose, other))
    return pairs


def _periods_compatible(a: str | None, b: str | None) -> bool:
    """Unless both state a period and neither names the other ("May and June" names "May")."""
    if not a or not b:
        return True
    x, y = (" ".join(p.lower().split()) for p in (a, b))
    return x == y or bool(re.search(rf"\b{re.escape(x)}\b", y) or re.search(rf"\b{re.escape(y)}\b", x))


def _source_key(mention: Any, primary_key: Any) -> str | None:
    try:
        return primary_key(mention)
    except (AttributeError, TypeError):
        source = getattr(mention, "attribution", None)
        return (source.kb_id or source.name.lower()) if source is not None and source.name else None


def _source_name(mention: Any) -> str | None:
    source = getattr(mention, "attribution", None)
    return source.name if source is not None else None


def _differing_values(mentions: Sequence[Any]) -> list[tuple[Any, Any]]:
    """Pairs of articles that state one quantity with values beyond rounding (their first mentions).

    An article that states both values ("up to 4.2% from 4.1%") compares them and contradicts
    nobody, so two articles conflict only when neither states a value the other gives; mentions
    of stated, different periods ("June" and "July") are two quantities, and an approximate value
    ("about", "more than") still conflicts when it is beyond rounding; two values that both round
    or cut a more precise one stated for the same source (15.8 and 15.9 of 15.86) are drift, not a
    conflict.
    """
    by_article: dict[str, list[Any]] = defaultdict(list)
    for mention in sorted(mentions, key=lambda m: (m.article, m.start)):
        by_article[mention.article].append(mention)
    articles = sorted(by_article)
    stated = [m.value for m in mentions]
    pairs = []
    for n, a in enumerate(articles):
        for b in articles[n + 1:]:
            if any(_same_stated(x, y) for x in by_article[a] for y in by_article[b]):
                continue
            found = next(((one, other) for one in by_article[a] for other in by_article[b]
                          if _same_period(one.period, other.period)
                          and not _rounded_alike(one, other, stated)), None)
            if found is not None:
                pairs.append(found)
    return pairs


def _same_period(a: str | None, b: str | None) -> bool:
    """Unless both mentions state a period and the periods differ ("June" against "July")."""
    if not a or not b:
        return True
    return " ".join(a.lower().split()) == " ".join(b.lower().split())


def _same_stated(one: Any, other: Any) -> bool:
    """Whether two mentions state one value: equal, or one a rounding of the other.

    Shares said in words are exact as said: "one in ten" is not "one in nine" rounded, though 0.1 is
    0.111 to one decimal; a retelling that turns one into the other changed the figure.
    """
    if said_as_share(one) and said_as_share(other):
        return abs(one.value - other.value) < 1e-9
    return same_up_to_rounding(one.value, other.value)


def _rounded_alike(one: Any, other: Any, stated: Sequence[float]) -> bool:
    """Whether two different values both round one more precise stated value (never two shares in words)."""
    if said_as_share(one) and said_as_share(other):
        return False
    return both_from_one(one.value, other.value, stated)


def _mention_value(mention: Any) -> dict[str, Any]:
    return {"article": mention.article, "text": mention.text, "start": mention.start, "end": mention.end,
            "sentence": mention.sentence}


_UNIT_WORD = re.compile(r"\s*(°?\s?[^\W\d_][\w/]*)", re.UNICODE)


def _unit_of(mention: Any, table: Mapping[str, str]) -> str | None:
    """The dimension:unit of the word stated right after the figure ("1,200 miles" -> "length:mile")."""
    for word in _UNIT_WORD.findall(mention.text)[-1:]:
        if (unit := table.get(word.replace(" ", "").lower())):
            return unit
    after = mention.sentence[max(0, mention.end - mention.sentence_start):][:24]
    match = _UNIT_WORD.match(after)
    return table.get(match.group(1).replace(" ", "").lower()) if match else None


def _unit_table(language: str | None) -> Mapping[str, str]:
    from newstrace.extract import langdata

    lang = (language or langdata.DEFAULT_LANGUAGE).split("-")[0].lower()
    table = dict(langdata.table(langdata.DEFAULT_LANGUAGE, "measure_units"))
    if lang != langdata.DEFAULT_LANGUAGE and langdata.has(lang, "measure_units"):
        table.update(langdata.table(lang, "measure_units"))
    return table


def _unit_conflicts(families: Sequence[Any], cluster_of: Mapping[str, str],
                    languages: Mapping[str, str | None]) -> list[Conflict]:
    by_figure: dict[tuple[str, float], dict[str, tuple[str, Any]]] = defaultdict(dict)
    for family in families:
        for mention in getattr(family, "mentions", ()):
            cluster = cluster_of.get(mention.article)
            unit = _unit_of(mention, _unit_table(languages.get(mention.article)))
            if cluster is None or unit is None:
                continue
            by_figure[(cluster, mention.value)].setdefault(mention.article, (unit, mention))
    conflicts = []
    for (cluster, _), stated in sorted(by_figure.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        articles = sorted(stated)
        for n, a in enumerate(articles):
            for b in articles[n + 1:]:
                (unit_a, one), (unit_b, other) = stated[a], stated[b]
                if unit_a != unit_b and unit_a.split(":")[0] == unit_b.split(":")[0]:
                    conflicts.append(Conflict(
                        f"unit differs for one figure: {one.text} ({unit_a.split(':')[1]}) vs "
                        f"{other.text} ({unit_b.split(':')[1]})",
                        (_mention_value(one), _mention_value(other)), cluster, kind="unit"))
    return conflicts
