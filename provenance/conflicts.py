"""Contradictions inside one coverage cluster.

Rewrites of one story are aligned sentence by sentence (content-word
overlap, plus at least one shared named entity so that two generic
sentences never align). In an aligned pair, a place that one article names
and the other replaces with a different place is a conflict (002 puts
LeCun's talk in Yeongdeungpo, 003 in Yongsan), and so is a different date
for the same event ("December 1" against "December 2").
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from corpus.records import Article
from extract.records import Annotations, Entity

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
    outlets: frozenset[str]  # outlets named in the sentence (KB ids or names)


def _sentences(article: Article, ann: Annotations) -> list[_Sentence]:
    """The sentences of one article that can take part in a conflict.

    A place conflict needs a venue on both sides and a date conflict a dated
    outlet on both sides; other sentences are dropped here, before their words
    are even read, which is most of them.
    """
    entities = sorted(ann.entities, key=lambda e: e.start)
    starts = [e.start for e in entities]
    out = []
    for start, end in ann.sentences:
        inside = entities[bisect.bisect_left(starts, start):bisect.bisect_left(starts, end)]
        # Only places where something happens can contradict; a dateline or a
        # country as the subject ("China has ...") is not a venue.
        places = tuple(e for e in inside if e.label in PLACE_LABELS and _is_locative(e, article.text))
        dates = tuple(e for e in inside if e.label in DATE_LABELS and _CALENDAR.search(e.text))
        outlets = frozenset((e.kb_id or e.text.lower()) for e in inside if e.kind == "outlet")
        if not places and not (dates and outlets):
            continue
        words = frozenset(w.lower() for w in _WORD.findall(article.text[start:end]) if w.lower() not in _STOP)
        names = frozenset((e.kb_id or e.text.lower()) for e in inside
                          if e.label not in PLACE_LABELS + DATE_LABELS and e.label not in ("CARDINAL", "PERCENT", "ORDINAL"))
        out.append(_Sentence(article.id, start, end, words, names, places, dates, outlets))
    return out


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
                   annotations: Mapping[str, Annotations], options: AlignOptions = AlignOptions()) -> list[Conflict]:
    """Conflicts in one cluster; the same disagreement seen in several pairs is one conflict."""
    sentences = {m: _sentences(articles[m], annotations[m]) for m in members if m in annotations and m in articles}
    mentioned = {m: {_key(e) for e in annotations[m].entities} for m in sentences}
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
        shared = sorted(contexts[(what, _)])
        context = f" (both mention {', '.join(shared[:3])})" if shared else ""
        conflicts.append(Conflict(f"{what} differs in aligned sentences{context}: {' vs '.join(texts)}",
                                  tuple(values[a] for a in sorted(values)), cluster_id))
    return conflicts


_CALENDAR = re.compile(r"\d")
# A place where something happened: "in Yongsan", "held in Seoul, Yeongdeungpo", "at Gangnam".
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
