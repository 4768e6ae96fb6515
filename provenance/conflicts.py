"""Contradictions inside one coverage cluster.

Rewrites of one story are aligned sentence by sentence (content-word
overlap, plus at least one shared named entity so that two generic
sentences never align). In an aligned pair, a place that one article names
and the other replaces with a different place is a conflict (002 puts
LeCun's talk in Yeongdeungpo, 003 in Yongsan), and so is a different date
for the same event ("December 1" against "December 2").
"""

from __future__ import annotations

import re
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


def _sentences(article: Article, ann: Annotations) -> list[_Sentence]:
    out = []
    for start, end in ann.sentences:
        inside = [e for e in ann.entities if start <= e.start < end]
        words = frozenset(w.lower() for w in _WORD.findall(article.text[start:end]) if w.lower() not in _STOP)
        names = frozenset((e.kb_id or e.text.lower()) for e in inside
                          if e.label not in PLACE_LABELS + DATE_LABELS and e.label not in ("CARDINAL", "PERCENT", "ORDINAL"))
        out.append(_Sentence(article.id, start, end, words, names,
                             tuple(e for e in inside if e.label in PLACE_LABELS),
                             tuple(e for e in inside if e.label in DATE_LABELS)))
    return out


def _overlap(a: _Sentence, b: _Sentence) -> float:
    if not a.words or not b.words:
        return 0.0
    return len(a.words & b.words) / min(len(a.words), len(b.words))


def _key(entity: Entity) -> str:
    return entity.kb_id or " ".join(entity.text.lower().split())


def find_conflicts(cluster_id: str, members: Sequence[str], articles: Mapping[str, Article],
                   annotations: Mapping[str, Annotations], options: AlignOptions = AlignOptions()) -> list[Conflict]:
    sentences = {m: _sentences(articles[m], annotations[m]) for m in members if m in annotations and m in articles}
    conflicts: list[Conflict] = []
    seen: set[tuple[str, ...]] = set()
    ordered = sorted(sentences)
    for i, left_id in enumerate(ordered):
        for right_id in ordered[i + 1:]:
            for left in sentences[left_id]:
                for right in sentences[right_id]:
                    if len(left.names & right.names) < options.min_shared_entities:
                        continue
                    if _overlap(left, right) < options.min_overlap:
                        continue
                    for what, a, b in (("place", left.places, right.places), ("date", left.dates, right.dates)):
                        conflict = _differing(what, a, b, left, right, articles)
                        if conflict is None:
                            continue
                        signature = (what,) + tuple(sorted(v["text"].lower() for v in conflict.values))
                        if signature not in seen:
                            seen.add(signature)
                            conflicts.append(Conflict(conflict.what, conflict.values, cluster_id))
    return conflicts


def _differing(what: str, a: Sequence[Entity], b: Sequence[Entity], left: _Sentence, right: _Sentence,
               articles: Mapping[str, Article]) -> Conflict | None:
    """Entities only one side names, when both sides name one: a replaced place or date."""
    if not a or not b:
        return None
    keys_a, keys_b = {_key(e) for e in a}, {_key(e) for e in b}
    only_a = [e for e in a if _key(e) not in keys_b and not _contained(_key(e), keys_b)]
    only_b = [e for e in b if _key(e) not in keys_a and not _contained(_key(e), keys_a)]
    if not only_a or not only_b:
        return None
    values = (
        _value(left, only_a[0], articles),
        _value(right, only_b[0], articles),
    )
    shared = sorted((keys_a & keys_b) | (left.names & right.names))
    context = f" (both mention {', '.join(shared[:3])})" if shared else ""
    return Conflict(f"{what} differs in aligned sentences{context}: "
                    f"{only_a[0].text!s} vs {only_b[0].text!s}", values)


def _contained(key: str, others: set[str]) -> bool:
    return any(key in other or other in key for other in others)


def _value(sentence: _Sentence, entity: Entity, articles: Mapping[str, Article]) -> dict:
    text = articles[sentence.article].text
    return {"article": sentence.article, "text": entity.text, "start": entity.start, "end": entity.end,
            "sentence": text[sentence.start:sentence.end]}
