"""Figure families: the block-matrix grouping must give what the pairwise rule gives."""

from __future__ import annotations

import math
import random
from collections import defaultdict

import numpy as np
import pytest

from extract.records import Attribution, Statistic
from provenance.figures import FamilyOptions, MentionInput, group_mentions, should_join, value_bin


def _stat(value: float, unit: str = "percent", *, approx: str | None = None, holder: str | None = None,
          of: float | None = None, source: str | None = None) -> Statistic:
    attribution = Attribution(name=source, kind="organization", cue="said", start=0, end=1) if source else None
    return Statistic(text=f"{value:g}", value=value, unit=unit, start=0, end=1, sentence_start=0, sentence_end=1,
                     of=of, approx=approx, holder=holder, attribution=attribution)


def _unit(vector: np.ndarray) -> np.ndarray:
    return (vector / np.linalg.norm(vector)).astype(np.float16).astype(np.float32)


def naive_groups(mentions: list[MentionInput], options: FamilyOptions) -> list[list[int]]:
    """Connected components of should_join over every pair that blocking allows: the definition, slowly.

    Blocking is part of the definition: only mentions with the same unit, `of`
    and currency whose log-scale value bins differ by at most one are ever compared.
    """
    parent = list(range(len(mentions)))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i in range(len(mentions)):
        for j in range(i + 1, len(mentions)):
            a, b = mentions[i].stat, mentions[j].stat
            blocked = (a.unit, a.of, a.currency) != (b.unit, b.of, b.currency) or abs(
                value_bin(a.value) - value_bin(b.value)) > 1 or (a.value > 0) != (b.value > 0)
            if not blocked and should_join(mentions[i], mentions[j], options):
                parent[max(find(i), find(j))] = min(find(i), find(j))
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(mentions)):
        groups[find(i)].append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def _random_mentions(seed: int, count: int, copies: float = 0.0) -> list[MentionInput]:
    """Random mentions; `copies` is the share that reuse an earlier mention's figure and vector exactly."""
    rng = random.Random(seed)
    topics = [np.random.default_rng(seed * 100 + t).normal(size=16) for t in range(4)]
    values = [17, 17.1, 16.9, 15.86, 15.9, 16, 8, 8.0, 3, 2.5]
    holders = [None, None, "Chinese developers", "US companies", "developers"]
    mentions = []
    for index in range(count):
        stat = _stat(rng.choice(values), rng.choice(["percent", "percent", "count"]),
                     approx="about" if rng.random() < 0.2 else None, holder=rng.choice(holders), of=rng.choice([None, None, 10.0]),
                     source=rng.choice([None, None, "Harbour Board", "Port Authority"]))
        topic = topics[rng.randrange(len(topics))]
        noise = np.random.default_rng(seed * 1000 + index).normal(size=16) * rng.choice([0.2, 0.6, 1.2])
        vector = None if rng.random() < 0.1 else _unit(topic + noise)
        article = f"a{rng.randrange(count // 3 + 1)}"
        cluster = rng.choice([None, "c1", "c2", "c3"])
        if mentions and rng.random() < copies:
            # A copy of an earlier sentence: same figure and context vector, maybe the same article or story.
            earlier = rng.choice(mentions)
            stat, vector = earlier.stat, earlier.vector
            if rng.random() < 0.5:
                article, cluster = earlier.key[0], earlier.cluster
        mentions.append(MentionInput((article, index), stat, cluster, vector))
    return mentions


@pytest.mark.parametrize("seed", range(12))
def test_block_grouping_equals_the_pairwise_definition(seed: int) -> None:
    mentions = _random_mentions(seed, 90 + seed * 7)
    options = FamilyOptions()
    assert group_mentions(mentions, options) == naive_groups(mentions, options)


@pytest.mark.parametrize("seed", range(8))
def test_copied_sentences_are_grouped_without_changing_families(seed: int) -> None:
    mentions = _random_mentions(seed, 120, copies=0.5)
    options = FamilyOptions()
    assert group_mentions(mentions, options) == naive_groups(mentions, options)


def test_large_block_crosses_chunks_and_still_agrees(monkeypatch: pytest.MonkeyPatch) -> None:
    import provenance.figures as figures

    monkeypatch.setattr(figures, "_CHUNK", 7)  # force many row chunks on a modest block
    mentions = _random_mentions(99, 160, copies=0.3)
    options = FamilyOptions()
    assert group_mentions(mentions, options) == naive_groups(mentions, options)


def test_same_value_in_two_stories_needs_agreeing_contexts() -> None:
    downloads, voters = _unit(np.eye(16)[0] + 0.1), _unit(np.eye(16)[1] + 0.1)
    mentions = [MentionInput(("a", 0), _stat(17), "c1", downloads),
                MentionInput(("b", 0), _stat(17), "c1", _unit(downloads + 0.8 * np.eye(16)[2])),  # reworded, same story
                MentionInput(("c", 0), _stat(17), "c2", voters)]  # another story: a different 17%
    assert group_mentions(mentions) == [[0, 1], [2]]


def test_rounding_across_an_integer_boundary_joins() -> None:
    vector = _unit(np.ones(16))
    # A rewrite that rounds the figure rewords its sentence too: a near, not identical, context.
    mentions = [MentionInput(("a", 0), _stat(15.86), "c1", vector),
                MentionInput(("b", 0), _stat(16, approx="nearly"), "c1", _unit(np.ones(16) + 0.3 * np.eye(16)[0]))]
    assert group_mentions(mentions) == [[0, 1]]


def test_holders_from_different_countries_never_join() -> None:
    vector = _unit(np.ones(16))
    mentions = [MentionInput(("a", 0), _stat(17, holder="Chinese developers"), "c1", vector),
                MentionInput(("b", 0), _stat(17, holder="US developers"), "c1", vector)]
    assert group_mentions(mentions) == [[0], [1]]


def test_no_mentions_no_families() -> None:
    assert group_mentions([]) == []


def test_leader_mode_never_merges_what_the_rule_keeps_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    import provenance.figures as figures

    monkeypatch.setattr(figures, "_EXACT_PAIRS", 0)  # every block in leader mode
    monkeypatch.setattr(figures, "_CHUNK", 16)
    options = FamilyOptions()
    for seed in range(6):
        mentions = _random_mentions(seed, 150, copies=0.3)
        exact = {i: n for n, family in enumerate(naive_groups(mentions, options)) for i in family}
        for family in group_mentions(mentions, options):
            assert len({exact[i] for i in family}) == 1


def test_leader_mode_finds_the_families_of_well_separated_stories(monkeypatch: pytest.MonkeyPatch) -> None:
    import provenance.figures as figures

    monkeypatch.setattr(figures, "_EXACT_PAIRS", 0)
    monkeypatch.setattr(figures, "_CHUNK", 16)
    topics = [_unit(np.eye(16)[t] * 3 + 0.1) for t in range(3)]
    rng = np.random.default_rng(5)
    mentions = [MentionInput((f"a{i}", 0), _stat(17), f"c{i % 3}",
                             _unit(topics[i % 3] + rng.normal(size=16) * 0.05)) for i in range(120)]
    assert group_mentions(mentions) == naive_groups(mentions, FamilyOptions())
    assert len(group_mentions(mentions)) == 3
