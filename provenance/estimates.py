"""Estimates per primary source inside a figure family, and the drift / sources_differ findings.

A family is one quantity. Several bodies may publish their own value for it
(48% and 51%); each is an `Estimate`: the value that source states, with the
mentions that trace to it. Drift is then measured against the estimate a
mention traces to, not against the family as a whole: a retelling of 48%
written as "nearly half" drifts, a second body's 51% does not; two estimates
that disagree are `sources_differ`.

A mention whose article names the source (or that is the source's own
document) belongs to that source's estimate. A mention with no source named,
or whose source was only inferred, is traced by its value and its story: to
the one estimate whose value it matches and that is stated in its coverage
cluster or in a sentence that says the same thing; when two estimates match it
is left open (`ambiguous_source`).

A source the family knows only through inferred mentions (its name carried over from another sentence
or inherited from another page) has no estimate, but it still publishes one value: when its mentions
hold two, the one the others differ from drifts. A value its sentence calls revised ("revised to
14,000"; `revision_cues.yaml`) is a revision, not drift, unless the other value's sentences say so too.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from newstrace.corpus.records import Article

from .figures import (
    FamilyOptions,
    decimals,
    holder_countries,
    looks_like_source_name,
    significant_digits,
    values_compatible,
)
from .records import Estimate, Mention, SourceRef
from .trace import is_later, primary_key

PRIMARY_CUE = "primary document"
DRIFT = "drift"
AMBIGUOUS = "ambiguous_source"
TRACED_BY_VALUE = "traced_by_value"
SOURCES_DIFFER = "sources_differ"


def _states_own_source(mention: Mention) -> bool:
    """The article itself names the source (or is its document): not inherited, not a misread name."""
    source = mention.attribution
    if source is None or source.inferred:
        return False
    return source.cue == PRIMARY_CUE or bool(source.kb_id) or looks_like_source_name(source.name)


def _estimate_value(members: Sequence[Mention]) -> float:
    """What the source itself states when its document is here; else what its retellings most often say."""
    own = [m for m in members if m.attribution is not None and m.attribution.cue == PRIMARY_CUE]
    pool = own or members
    counts: dict[float, int] = defaultdict(int)
    for mention in pool:
        counts[mention.value] += 1
    return max(counts, key=lambda v: (counts[v], decimals(v), -v))


def _source_name(members: Sequence[Mention]) -> tuple[str, str | None]:
    """A KB-resolved name when any member has one, else the name stated first; and its kind."""
    refs = [m.attribution for m in members if m.attribution is not None]
    best = next((r for r in refs if r.kb_id), refs[0] if refs else None)
    if best is None:
        step = members[0].chain[-1] if members[0].chain else None
        return (step.label if step else "unknown"), (step.kind if step else None)
    return best.name, best.kind


def trace_estimates(mentions: Sequence[Mention], vectors: Mapping[int, np.ndarray],
                    clusters: Mapping[int, str | None], options: FamilyOptions = FamilyOptions(),
                    languages: Mapping[int, str | None] | None = None,
                    articles: Mapping[str, Article] | None = None,
                    ) -> tuple[tuple[Estimate, ...], tuple[Mention, ...], tuple[str, ...]]:
    """(estimates, the mentions with their flags and traced attributions, family flags this adds).

    `vectors`, `clusters` and `languages` give each mention's context vector, coverage cluster and
    article language by its index. Across languages the (English) context vectors say nothing, so
    there the value alone decides which estimates a mention can retell. `articles` (by id) lets the
    trace refuse a donor published after the mention's article: a later page cannot be where an earlier
    one took its figure (the tracer's rule, `trace.is_later`).
    """
    languages = languages or {}
    keys = [primary_key(m) for m in mentions]
    grouped: dict[str, list[int]] = defaultdict(list)
    for index, (mention, key) in enumerate(zip(mentions, keys)):
        if key is not None and _states_own_source(mention):
            grouped[key].append(index)
    order = sorted(grouped, key=lambda k: grouped[k][0])
    values = {k: _estimate_value([mentions[i] for i in grouped[k]]) for k in order}
    assigned: dict[int, str] = {i: k for k in order for i in grouped[k]}
    flags: dict[int, list[str]] = defaultdict(list)
    out = list(mentions)

    for index, mention in enumerate(mentions):
        if index in assigned or not order:
            continue
        candidates = [k for k in order if _value_matches(mention, values[k])
                      and _context_matches(index, grouped[k], vectors, clusters, options, languages)]
        # A source stating exactly this value is a better match than one it rounds.
        candidates = [k for k in candidates if values[k] == mention.value] or candidates
        hint = keys[index] if mention.attribution is not None else None
        if hint in candidates or (hint in values and not candidates):
            # The inherited source states this value (or nothing else does): keep it.
            assigned[index] = hint
        elif len(candidates) == 1:
            chosen = candidates[0]
            assigned[index] = chosen
            # Inside one coverage cluster the trace is an inference like any other and becomes the
            # attribution; matched by sentence alone it stays a trace (the article names nobody), and an
            # inherited source whose value this is not (another body's) is dropped rather than kept.
            same_story = [i for i in grouped[chosen] if clusters.get(index) is not None
                          and clusters.get(i) == clusters.get(index)
                          and mentions[i].article != mention.article
                          and not (articles and is_later(articles.get(mentions[i].article),
                                                         articles.get(mention.article)))]
            if same_story:
                donor = mentions[same_story[0]]
                out[index] = replace(mention, attribution=_traced_ref(donor),
                                     chain=mention.chain[:1] + donor.chain[1:])
            else:
                flags[index].append(TRACED_BY_VALUE)
                if mention.attribution is not None:
                    out[index] = replace(mention, attribution=None, chain=mention.chain[:1])
        elif len(candidates) > 1:
            flags[index].append(AMBIGUOUS)
            if len({values[k] for k in candidates}) == 1 and values[candidates[0]] != mention.value:
                # Whichever of them it retells, they agree on a value this mention does not state.
                flags[index].append(DRIFT)
        elif len(order) == 1 and mention.attribution is None:
            # One source in the family and nothing says otherwise: a retelling of it, perhaps misstated.
            assigned[index] = order[0]
        elif (mention.attribution is None or _inherited(mention)) and len(set(values.values())) == 1 \
                and mention.value not in values.values() \
                and not _revised_from(index, _members_stating(values[order[0]], grouped, mentions), mentions,
                                      languages):
            # Several sources, all stating one value this mention does not: whichever it retells, it
            # misstates it. Which one is left open. A source inherited from another page (the page itself
            # names nobody) that states nothing of its own here says nothing against them.
            flags[index].extend((AMBIGUOUS, DRIFT))

    _one_source_two_values(mentions, keys, grouped, values, assigned, flags, languages)

    members_of: dict[str, list[int]] = defaultdict(list)
    for index, key in sorted(assigned.items()):
        members_of[key].append(index)
    estimates = []
    for key in order:
        indices = members_of[key]
        name, kind = _source_name([mentions[i] for i in grouped[key]])
        value = values[key]
        countries = holder_countries(next((mentions[i].holder for i in grouped[key]
                                           if holder_countries(mentions[i].holder)), None))
        stating = [i for i in grouped[key] if mentions[i].value == value]
        for i in indices:
            held = holder_countries(mentions[i].holder)
            if mentions[i].value != value and _revised_from(i, stating, mentions, languages):
                continue
            if mentions[i].value != value or mentions[i].unit != mentions[grouped[key][0]].unit or (
                    countries and held and not countries & held):
                flags[i].append(DRIFT)
        estimates.append(Estimate(source_id=key, name=name, kind=kind, value=value, mentions=tuple(indices),
                                  articles=tuple(dict.fromkeys(mentions[i].article for i in indices))))
    for index, found in flags.items():
        out[index] = replace(out[index], flags=tuple(dict.fromkeys((*out[index].flags, *found))))
    family_flags = []
    if any(DRIFT in m.flags for m in out):
        family_flags.append(DRIFT)
    if any(not _estimates_agree(grouped[a.source_id], grouped[b.source_id], out)
           for n, a in enumerate(estimates) for b in estimates[n + 1:]):
        family_flags.append(SOURCES_DIFFER)
    return tuple(estimates), tuple(out), tuple(family_flags)


def _one_source_two_values(mentions: Sequence[Mention], keys: Sequence[str | None], grouped: Mapping[str, list[int]],
                           values: Mapping[str, float], assigned: Mapping[int, str], flags: dict[int, list[str]],
                           languages: Mapping[int, str | None]) -> None:
    """Drift inside a source that states no estimate of its own here, only inferred ones.

    A source does not publish two values for one quantity and period (unless it revised one, which its
    retellings then say). When the mentions traced to such a source (its name carried over from another
    sentence, or inherited from another page of the story) hold two values, the one most of them state is
    its value (or the one value the others round), a tie going to the value the family's own estimates
    state; a mention stating another value misstates it: drift. Mentions already judged (traced to an
    estimate, or flagged) are left as they are; a misread "name" ("38% of respondents") is no source.
    """
    weak: dict[str, list[int]] = defaultdict(list)
    for index, key in enumerate(keys):
        source = mentions[index].attribution
        if key is not None and key not in grouped and source is not None and (
                source.kb_id or looks_like_source_name(source.name)):
            weak[key].append(index)
    known = set(values.values())
    for members in weak.values():
        counts = Counter(mentions[i].value for i in members)
        if len(counts) < 2:
            continue
        # A value the others round (7,236,000 for "7.2 million") is the source's own, however few state it.
        leaders = [v for v in counts if any(w != v and _value_matches(_bare(w), v) for w in counts)
                   and all(significant_digits(w) < significant_digits(v) for w in counts
                           if w != v and _value_matches(_bare(w), v))]
        if not leaders:
            top = max(counts.values())
            leaders = [v for v, n in counts.items() if n == top]
        if len(leaders) > 1:
            leaders = [v for v in leaders if any(_value_matches(_bare(v), k) for k in known)]
        if len(leaders) != 1:
            continue  # nothing says which of its values the source states
        reference = leaders[0]
        stating = [i for i in members if mentions[i].value == reference]
        for i in members:
            if mentions[i].value == reference or i in assigned or DRIFT in flags.get(i, ()):
                continue
            if not _revised_from(i, stating, mentions, languages):
                flags[i].append(DRIFT)


def _inherited(mention: Mention) -> bool:
    """Its source was borrowed from another page of the story: its own page names none."""
    source = mention.attribution
    return bool(source is not None and source.inferred and source.via and source.via != mention.article)


def _members_stating(value: float, grouped: Mapping[str, list[int]], mentions: Sequence[Mention]) -> list[int]:
    return [i for members in grouped.values() for i in members if mentions[i].value == value]


@functools.cache
def _revision_pattern(language: str) -> re.Pattern[str] | None:
    from newstrace.extract import langdata

    lang = language if langdata.has(language, "revision_cues") else "en"
    cues = langdata.words(lang, "revision_cues") if langdata.has(lang, "revision_cues") else ()
    if not cues:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True)) + ")",
                      re.IGNORECASE)


def _says_revised(index: int, mentions: Sequence[Mention], languages: Mapping[int, str | None]) -> bool:
    pattern = _revision_pattern((languages.get(index) or "en").split("-")[0].lower())
    return bool(pattern and pattern.search(mentions[index].sentence))


def _revised_from(index: int, others: Sequence[int], mentions: Sequence[Mention],
                  languages: Mapping[int, str | None]) -> bool:
    """The mention's sentence says its value was revised, and the sentences stating the other value do
    not: a revision (a new value replacing the old), not a misstatement. When both say it, the revision
    is the quantity itself ("downward revisions of 258,000") and says nothing about which value is right."""
    if not _says_revised(index, mentions, languages):
        return False
    return not any(_says_revised(i, mentions, languages) for i in others)


class _Value:
    """The two fields `values_compatible` reads, for a bare number."""

    def __init__(self, value: float, approx: str | None = None):
        self.value, self.approx = value, approx


def _bare(value: float) -> _Value:
    return _Value(value)


def _value_matches(mention: Mention | _Value, value: float) -> bool:
    return values_compatible(mention, _Value(value))  # type: ignore[arg-type]


def _estimates_agree(a: Sequence[int], b: Sequence[int], mentions: Sequence[Mention]) -> bool:
    """One source's value is the other's rounded or approximated, as mentions naming each state it
    ("nearly 20,000" for 19,000); retellings traced by value do not count."""
    return any(values_compatible(mentions[i], mentions[j]) for i in a for j in b)  # type: ignore[arg-type]


def _context_matches(index: int, members: Sequence[int], vectors: Mapping[int, np.ndarray],
                     clusters: Mapping[int, str | None], options: FamilyOptions,
                     languages: Mapping[int, str | None]) -> bool:
    """The estimate is stated in the mention's own story, or in a sentence that clearly says the same,
    or only in other languages, where sentences cannot be compared (the family already vouched)."""
    cluster = clusters.get(index)
    if cluster is not None and any(clusters.get(i) == cluster for i in members):
        return True
    language = languages.get(index)
    if language and all(languages.get(i) and languages.get(i) != language for i in members):
        return True
    vector = vectors.get(index)
    if vector is None:
        return False
    return any(vectors.get(i) is not None and float(np.dot(vector, vectors[i])) >= options.cosine_cross_cluster
               for i in members)


def _traced_ref(donor: Mention) -> SourceRef:
    source = donor.attribution
    assert source is not None
    return replace(source, cue="traced by value", inferred=True, via=donor.article)
