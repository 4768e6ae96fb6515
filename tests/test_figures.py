"""Figure families: the block-matrix grouping must give what the pairwise rule gives."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import replace

import numpy as np
import pytest

from newstrace.extract.records import Attribution, Statistic
from newstrace.provenance.figures import FamilyOptions, MentionInput, group_mentions, should_join, value_bin


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
    import newstrace.provenance.figures as figures

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
    import newstrace.provenance.figures as figures

    monkeypatch.setattr(figures, "_EXACT_PAIRS", 0)  # every block in leader mode
    monkeypatch.setattr(figures, "_CHUNK", 16)
    options = FamilyOptions()
    for seed in range(6):
        mentions = _random_mentions(seed, 150, copies=0.3)
        exact = {i: n for n, family in enumerate(naive_groups(mentions, options)) for i in family}
        for family in group_mentions(mentions, options):
            assert len({exact[i] for i in family}) == 1


def test_leader_mode_finds_the_families_of_well_separated_stories(monkeypatch: pytest.MonkeyPatch) -> None:
    import newstrace.provenance.figures as figures

    monkeypatch.setattr(figures, "_EXACT_PAIRS", 0)
    monkeypatch.setattr(figures, "_CHUNK", 16)
    topics = [_unit(np.eye(16)[t] * 3 + 0.1) for t in range(3)]
    rng = np.random.default_rng(5)
    mentions = [MentionInput((f"a{i}", 0), _stat(17), f"c{i % 3}",
                             _unit(topics[i % 3] + rng.normal(size=16) * 0.05)) for i in range(120)]
    assert group_mentions(mentions) == naive_groups(mentions, FamilyOptions())
    assert len(group_mentions(mentions)) == 3


# -- one quantity per family: periods, forecasts, rounding, sentences ----------------------------------


def _fig(value: float, *, period_key: str | None = None, forecast: bool = False, approx: str | None = None,
         holder: str | None = None, source: str | None = None, kb_id: str | None = None, period: str | None = None,
         unit: str = "percent") -> Statistic:
    attribution = None
    if source:
        attribution = Attribution(name=source, kind="organization", cue="said", start=0, end=1, kb_id=kb_id)
    return Statistic(text=f"{value:g}", value=value, unit=unit, start=0, end=1, sentence_start=0, sentence_end=1,
                     approx=approx, holder=holder, period=period, period_key=period_key, forecast=forecast,
                     attribution=attribution)


def _pair(a: Statistic, b: Statistic, vector_b: np.ndarray | None = None, cluster_b: str = "c1") -> list[list[int]]:
    """Two mentions in one story with near (reworded) contexts, grouped."""
    base = np.ones(16)
    return group_mentions([MentionInput(("a", 0), a, "c1", _unit(base)),
                           MentionInput(("b", 0), b, cluster_b,
                                        _unit(base + 0.3 * np.eye(16)[1]) if vector_b is None else vector_b)])


def test_this_years_growth_and_next_years_forecast_are_two_families() -> None:
    # "Output grew 2.1% this year and is forecast to grow 2.1% next year": same number, two quantities.
    assert _pair(_fig(2.1, period_key="2025"), _fig(2.1, period_key="2026", forecast=True)) == [[0], [1]]
    assert _pair(_fig(2.1, period_key="2025"), _fig(2.1, period_key="2026")) == [[0], [1]]


def test_forecast_and_outcome_of_one_year_are_two_families() -> None:
    # A 2024 sales forecast of 17 million and the 2024 outturn of 17.1 million (which rounds to 17).
    assert _pair(_fig(17e6, period_key="2024", forecast=True, unit="count"),
                 _fig(17.1e6, period_key="2024", unit="count")) == [[0], [1]]


def test_rolling_and_calendar_wordings_of_one_period_still_join() -> None:
    # "the year to August 2025" resolves to a month key, "last year" to a year: different grains, not compared.
    assert _pair(_fig(15.9, period_key="2025-08"), _fig(15.86, period_key="2024")) == [[0, 1]]
    assert _pair(_fig(6.1, period_key="2025-07"), _fig(6.1, period_key="2025-06")) == [[0], [1]]


def test_round_numbers_stand_for_precise_ones_within_five_percent() -> None:
    from newstrace.provenance.figures import EXACT, LOOSE, value_match

    assert value_match(_fig(93000, unit="count"), _fig(93432, unit="count")) == LOOSE  # "more than 93,000"
    assert value_match(_fig(1e9, unit="count"), _fig(1.038e9, unit="count")) == LOOSE  # "1 billion"
    assert value_match(_fig(160e6, unit="count"), _fig(159e6, unit="count")) == LOOSE
    assert value_match(_fig(16), _fig(15.86)) == EXACT
    assert not value_match(_fig(20), _fig(17))  # a one-digit round number is not a rounding of 17
    assert not value_match(_fig(40), _fig(42))
    assert not value_match(_fig(1e9, unit="count"), _fig(1.4e9, unit="count"))  # 40% off is not rounding


def test_approximation_slack_only_for_the_rounder_value() -> None:
    from newstrace.provenance.figures import values_compatible

    assert values_compatible(_fig(40, approx="almost"), _fig(38))  # "almost 40%" for 38%
    assert not values_compatible(_fig(39, approx="about"), _fig(38))  # "about 39%" is another figure


def test_a_loose_match_needs_closer_contexts_than_an_exact_one() -> None:
    # In one story a reworded sentence (cosine ~0.4) carries an exact figure, not a round-number one.
    base = _unit(np.ones(16))
    far = _unit(np.ones(16) + 20 * np.eye(16)[0])
    cosine = float(np.dot(base, far))
    assert 0.30 <= cosine < 0.50
    assert _pair(_fig(73000, unit="count"), _fig(73000, unit="count"), far) == [[0, 1]]
    assert _pair(_fig(73000, unit="count"), _fig(73300, unit="count"), far) == [[0], [1]]


def test_one_sentence_with_two_values_holds_two_figures() -> None:
    # "Employers added 73,000 jobs, 73,300 of them in health care": copies keep both numbers, so one
    # sentence text never makes them one figure, even across the copies.
    same = _unit(np.ones(16))
    mentions = [MentionInput(("a", 0), _fig(73000, unit="count"), "c1", same),
                MentionInput(("a", 1), _fig(73300, unit="count"), "c1", same),
                MentionInput(("b", 0), _fig(73000, unit="count"), "c1", same),
                MentionInput(("b", 1), _fig(73300, unit="count"), "c1", same)]
    assert group_mentions(mentions) == naive_groups(mentions, FamilyOptions()) == [[0, 2], [1, 3]]


def test_known_sources_with_different_values_are_separate_estimates() -> None:
    a = _fig(17, source="Port Authority", kb_id="port-authority")
    b = _fig(17.1, source="Harbour Board", kb_id="harbour-board")
    assert _pair(a, b) == [[0], [1]]
    # Names without KB ids are not a safe veto: one body goes by several names.
    assert _pair(_fig(17, source="Port Authority"), _fig(17.1, source="the port authority")) == [[0, 1]]


def test_merge_families_joins_a_misstated_retelling_in_one_story() -> None:
    from newstrace.provenance.figures import merge_families

    base = np.ones(16)
    mentions = [MentionInput(("a", 0), _fig(73000, unit="count"), "c1", _unit(base)),
                MentionInput(("b", 0), _fig(73000, unit="count"), "c1", _unit(base + 0.2 * np.eye(16)[3])),
                MentionInput(("c", 0), _fig(74000, unit="count"), "c1", _unit(base + 0.2 * np.eye(16)[4])),
                # the same near value in another story is another figure
                MentionInput(("d", 0), _fig(74000, unit="count"), "c2", _unit(base + 0.2 * np.eye(16)[5]))]
    groups = group_mentions(mentions)
    assert groups == [[0, 1], [2, 3]] or groups == [[0, 1], [2], [3]]
    merged = merge_families(group_mentions(mentions[:3]), mentions[:3])
    assert merged == [[0, 1, 2]]
    # Another story's 74,000 alone does not join the 73,000 family (no shared cluster, no rival sources).
    assert merge_families([[0, 1], [3]], mentions) == [[0, 1], [3]]


def test_merge_families_joins_rival_estimates_of_one_year_only() -> None:
    from newstrace.provenance.figures import merge_families

    base = np.ones(16)
    office = MentionInput(("a", 0), _fig(48, source="Valdor Statistics Office", period="in 2025"), "c1",
                          _unit(base))
    federation = MentionInput(("b", 0), _fig(51, source="Valdor Heating Federation", period="in 2025"), "c2",
                              _unit(base + 0.3 * np.eye(16)[2]))
    assert merge_families([[0], [1]], [office, federation]) == [[0, 1]]
    other_year = MentionInput(("b", 0), _fig(51, source="Valdor Heating Federation", period="in 2026"), "c2",
                              federation.vector)
    assert merge_families([[0], [1]], [office, other_year]) == [[0], [1]]
    unnamed = MentionInput(("b", 0), _fig(51, period="in 2025"), "c2", federation.vector)
    assert merge_families([[0], [1]], [office, unnamed]) == [[0], [1]]
    far_apart = MentionInput(("b", 0), _fig(70, source="Valdor Heating Federation", period="in 2025"), "c2",
                             federation.vector)
    assert merge_families([[0], [1]], [office, far_apart]) == [[0], [1]]


def test_holder_countries_read_united_kingdom_as_not_us() -> None:
    from newstrace.provenance.figures import holder_countries

    assert "us" not in holder_countries("United Kingdom developers")
    assert holder_countries("US developers") and not holder_countries("US developers") & holder_countries(
        "Chinese developers")


def test_across_languages_a_shared_source_and_value_join_not_the_context() -> None:
    # "17 millions de voitures, selon l'AIE" and "17 million cars, the IEA said": the English encoder's cosine
    # across languages is low, so it is not used; the value and the source both articles name are.
    fr = MentionInput(("fr", 0), _fig(17e6, unit="count", period_key="2024"), "c2", _unit(np.eye(16)[0]),
                      language="fr", sources=frozenset({"energy-agency"}))
    en = MentionInput(("en", 0), _fig(17e6, unit="count", period_key="2024", source="Energy Agency",
                                      kb_id="energy-agency"), "c1", _unit(np.eye(16)[1]),
                      language="en", sources=frozenset({"energy-agency"}))
    assert group_mentions([fr, en]) == [[0, 1]] == naive_groups([fr, en], FamilyOptions())
    # Another body's count, or no shared source, or another year: apart.
    other = MentionInput(("en", 0), _fig(17e6, unit="count", period_key="2024", source="Car Makers Group",
                                         kb_id="car-makers"), "c1", en.vector, language="en",
                         sources=frozenset({"car-makers", "energy-agency"}))
    assert group_mentions([fr, other]) == [[0], [1]]
    unnamed = MentionInput(("en", 0), _fig(17e6, unit="count"), "c1", en.vector, language="en",
                           sources=frozenset({"car-makers"}))
    assert group_mentions([fr, unnamed]) == [[0], [1]]
    next_year = MentionInput(("en", 0), _fig(17e6, unit="count", period_key="2025"), "c1", en.vector,
                             language="en", sources=frozenset({"energy-agency"}))
    assert group_mentions([fr, next_year]) == [[0], [1]]
    # In one language, the same pair with unrelated contexts in two stories stays apart (cosine rules).
    en_too = MentionInput(("fr", 0), fr.stat, "c2", fr.vector, language="en", sources=fr.sources)
    assert group_mentions([en_too, en]) == [[0], [1]]


def test_merge_families_joins_a_misstatement_of_one_known_source_in_another_story() -> None:
    from newstrace.provenance.figures import merge_families

    base = np.ones(16)
    agency = dict(source="Transport Agency", kb_id="transport-agency")
    mentions = [MentionInput(("a", 0), _fig(7300, unit="count", **agency), "c1", _unit(base)),
                MentionInput(("b", 0), _fig(7400, unit="count", **agency), "c2", _unit(base + 0.2 * np.eye(16)[3]))]
    assert merge_families([[0], [1]], mentions) == [[0, 1]]
    # Two different known bodies a little apart in two stories are two estimates only with one period.
    board = dict(source="Rail Board", kb_id="rail-board")
    mentions[1] = MentionInput(("b", 0), _fig(7400, unit="count", **board), "c2", mentions[1].vector)
    assert merge_families([[0], [1]], mentions) == [[0], [1]]


def test_one_known_source_value_and_period_join_across_stories_on_a_looser_context() -> None:
    # The next month's report restates this month's first estimate: another story, the same figure.
    bureau = dict(source="Statistics Bureau", kb_id="stats-bureau")
    a = MentionInput(("a", 0), _fig(73000, unit="count", period_key="2025-07", **bureau), "c1", _unit(np.ones(16)))
    far = _unit(np.ones(16) + 9 * np.eye(16)[0])  # cosine ~0.58: below the cross-story bar, above the story one
    b = MentionInput(("b", 0), _fig(73000, unit="count", period_key="2025-07", **bureau), "c2", far)
    assert group_mentions([a, b]) == [[0, 1]] == naive_groups([a, b], FamilyOptions())
    c = MentionInput(("b", 0), _fig(73000, unit="count", period_key="2025-08", **bureau), "c2", far)
    assert group_mentions([a, c]) == [[0], [1]]
    d = MentionInput(("b", 0), _fig(73000, unit="count", period_key="2025-07"), "c2", far)
    assert group_mentions([a, d]) == [[0], [1]]


def test_across_languages_a_distinctive_value_or_one_story_joins_without_a_shared_source() -> None:
    # "212 millones de hogares en 2023" and "212 million households in 2023": three significant digits and
    # one period are too specific to meet by chance, so no named source is needed.
    es = MentionInput(("es", 0), _fig(212e6, unit="count", period_key="2023"), "c-es", _unit(np.eye(16)[0]),
                      language="es")
    en = MentionInput(("en", 0), _fig(212e6, unit="count", period_key="2023"), "c-en", _unit(np.eye(16)[1]),
                      language="en")
    assert group_mentions([es, en]) == [[0, 1]] == naive_groups([es, en], FamilyOptions())
    # A two-digit share ("31% en 2023") meets by chance in unrelated stories: it needs more evidence ...
    share_es = MentionInput(("es", 1), _fig(31, period_key="2023"), "c-es", es.vector, language="es")
    share_en = MentionInput(("en", 1), _fig(31, period_key="2023"), "c-en", en.vector, language="en")
    assert group_mentions([share_es, share_en]) == [[0], [1]]
    # ... such as the coverage cluster both pages are in.
    together = MentionInput(("en", 1), share_en.stat, "c-es", en.vector, language="en")
    assert group_mentions([share_es, together]) == [[0, 1]]
    # Another period, or no period on one side, keeps even a distinctive value apart.
    other_year = MentionInput(("en", 0), _fig(212e6, unit="count", period_key="2024"), "c-en", en.vector,
                              language="en")
    undated = MentionInput(("en", 0), _fig(212e6, unit="count"), "c-en", en.vector, language="en")
    assert group_mentions([es, other_year]) == [[0], [1]]
    assert group_mentions([es, undated]) == [[0], [1]]
    # An unattributed retelling of a distinctive figure joins the figure a body is credited with ...
    credited = MentionInput(("en", 0), _fig(212e6, unit="count", period_key="2023", source="Housing Office",
                                            kb_id="housing-office"), "c-en", en.vector, language="en",
                            sources=frozenset({"housing-office"}))
    assert group_mentions([es, credited]) == [[0, 1]]
    # ... but a page that names other sources and not that body keeps its figure apart.
    named_other = MentionInput(es.key, es.stat, "c-es", es.vector, language="es",
                               sources=frozenset({"builders-union"}))
    assert group_mentions([named_other, credited]) == [[0], [1]]


# -- one quantity, several values: restatements the value rules cannot see --------------------------


def _quantity(value: float, *, measure: str | None = None, holder: str | None = None, period: str | None = None,
              period_key: str | None = None, forecast: bool = False, source: str | None = None,
              kb_id: str | None = None, unit: str = "count") -> Statistic:
    attribution = None
    if source:
        attribution = Attribution(name=source, kind="organization", cue="said", start=0, end=1, kb_id=kb_id)
    return Statistic(text=f"{value:g}", value=value, unit=unit, start=0, end=1, sentence_start=0, sentence_end=1,
                     measure=measure, holder=holder, period=period, period_key=period_key, forecast=forecast,
                     attribution=attribution)


def test_a_figure_with_no_period_or_forecast_cue_may_join_the_forecast_it_restates() -> None:
    from newstrace.provenance.figures import merge_families

    # "Clinic visits are expected to rise 12% in 2026" and, in a rewrite of the story, "a 12% rise": the
    # rewrite states no period and no forecast word, which does not make it an outcome.
    base = np.ones(16)
    forecast = MentionInput(("a", 0), _quantity(12, unit="percent", period="in 2026", period_key="2026",
                                                forecast=True), "c1", _unit(base))
    bare = MentionInput(("b", 0), _quantity(12, unit="percent", measure="rise"), "c1",
                        _unit(base + 0.3 * np.eye(16)[2]))
    assert merge_families([[0], [1]], [forecast, bare]) == [[0, 1]]
    # An outcome that names its year stays apart from the forecast for that year.
    outcome = MentionInput(("b", 0), _quantity(12, unit="percent", period="in 2026", period_key="2026"), "c1",
                           bare.vector)
    assert merge_families([[0], [1]], [forecast, outcome]) == [[0], [1]]


def _burglary_story(misstated: MentionInput) -> tuple[list[MentionInput], list[list[int]]]:
    """A police force's half-year burglary count (4,800) in two pages of one story, an arrests figure page
    "a" shares with page "c", and page "c"'s own burglary figure."""
    base = np.ones(16)
    police = dict(source="Metro Police", kb_id="metro-police")
    other = _unit(np.eye(16)[0] - np.eye(16)[1])
    mentions = [
        MentionInput(("a", 0), _quantity(4800, measure="recorded burglaries", holder="the police", period="in the first half",
                                         period_key="2025-H1", **police), "c1", _unit(base)),
        MentionInput(("b", 0), _quantity(4800, measure="burglaries", holder="police", period_key="2025-H1", **police),
                     "c1", _unit(base + 0.2 * np.eye(16)[3])),
        MentionInput(("a", 1), _quantity(1200, measure="arrests", holder="police"), "c1", other),
        MentionInput(("c", 0), _quantity(1200, measure="arrests", holder="police"), "c2", other),
        misstated]
    return mentions, [[0, 1], [2, 3], [4]]


def test_an_unattributed_page_misstating_one_quantity_joins_its_family() -> None:
    from newstrace.provenance.figures import merge_families

    near = _unit(np.ones(16) + 0.3 * np.eye(16)[5])
    misstated = MentionInput(("c", 1), _quantity(8400, measure="burglaries", holder="police"), "c2", near)
    mentions, groups = _burglary_story(misstated)
    # Page "c" shares the arrests figure with the story, names no source, and writes 8,400 for the same
    # holder and measure in a sentence that says the same: a misstatement of 4,800 (drift), not a new figure.
    assert merge_families(groups, mentions) == [[0, 1, 4], [2, 3]]

    # nothing links page "c" to the story when it does not share the arrests figure
    assert merge_families([[0, 1], [2], [3], [4]], mentions) == [[0, 1], [2], [3], [4]]

    def apart(changed: MentionInput) -> bool:
        mentions[4] = changed
        return merge_families(groups, mentions) == [[0, 1], [2, 3], [4]]

    assert apart(MentionInput(("a", 2), misstated.stat, "c2", near))  # one page with both values: two figures
    assert apart(MentionInput(("c", 1), replace(misstated.stat, measure="car thefts"), "c2", near))
    assert apart(MentionInput(("c", 1), replace(misstated.stat, period_key="2024-H1"), "c2", near))
    assert apart(MentionInput(("c", 1), misstated.stat, "c2", _unit(np.eye(16)[7])))  # a sentence about else
    # A page that credits its own source, or names the force and states another number, is another estimate
    # (or another edition), left to the rival rule.
    credited = replace(misstated.stat, attribution=Attribution(name="Neighbourhood Watch", kind="organization",
                                                                cue="said", start=0, end=1))
    assert apart(MentionInput(("c", 1), credited, "c2", near))
    assert apart(MentionInput(("c", 1), misstated.stat, "c2", near, sources=frozenset({"metro-police"})))


def test_a_later_page_naming_the_source_restates_its_monthly_figure() -> None:
    from newstrace.provenance.figures import merge_families

    # The grid authority's 2,300 outages in January 2026, and a page with no date, in another story, that
    # names the authority and writes "January's 2,300 outages" without crediting anyone for the figure.
    authority = dict(source="Grid Authority", kb_id="grid-authority")
    first = [MentionInput((x, 0), _quantity(2300, measure="outages", period="in January", period_key="2026-01",
                                            **authority), "c1", _unit(np.ones(16))) for x in "ab"]
    loose = _unit(np.ones(16) + 9 * np.eye(16)[0])  # cosine ~0.58: a restatement, not the same sentence
    later = MentionInput(("z", 0), _quantity(2300, measure="outages", period="in January"), "c9", loose,
                         language="en", sources=frozenset({"grid-authority"}))
    assert merge_families([[0, 1], [2]], [*first, later]) == [[0, 1, 2]]
    for changed in (replace(later.stat, period="in February"), replace(later.stat, period=None),
                    replace(later.stat, value=2310.0)):
        assert merge_families([[0, 1], [2]], [*first, MentionInput(later.key, changed, "c9", loose, language="en",
                                                                  sources=later.sources)]) == [[0, 1], [2]]
    unnamed = MentionInput(later.key, later.stat, "c9", loose, language="en")
    assert merge_families([[0, 1], [2]], [*first, unnamed]) == [[0, 1], [2]]


def test_head_words_and_bare_months() -> None:
    from newstrace.provenance.figures import head_word, months_conflict

    assert head_word("stunning jobs") == head_word("job") == "job"
    assert head_word("share of cars") == "share" and head_word("the police") == "police"
    assert head_word("Total nonfarm payroll employment") == "employment"
    assert head_word("2025") is None and head_word(None) is None
    assert not months_conflict(frozenset({"--07"}), frozenset({"2025-07"}))
    assert months_conflict(frozenset({"--07"}), frozenset({"2025-06"}))
    assert months_conflict(frozenset({"2024-07"}), frozenset({"2025-07"}))
    assert not months_conflict(frozenset(), frozenset({"2025-06"}))


def test_a_coarse_round_value_does_not_hold_two_figures_together() -> None:
    from newstrace.provenance.figures import merge_families, split_round_hubs

    # One story: the jobless rate was 5.3% in March, up from 5.1% in February; a rewrite says "about 5%".
    # "5%" rounds both, so components chain them; 5.3 and 5.1 are not roundings of each other: two figures.
    base = np.ones(16)
    march = [MentionInput((x, 0), _fig(5.3), "c1", _unit(base + 0.1 * np.eye(16)[n])) for n, x in enumerate("abc")]
    february = [MentionInput((x, 1), _fig(5.1), "c1", _unit(base + 0.1 * np.eye(16)[8 + n] + 0.5 * np.eye(16)[15]))
                for n, x in enumerate("ab")]
    rounded = MentionInput(("d", 0), _fig(5, approx="about"), "c1", _unit(base + 0.05 * np.eye(16)[1]))
    mentions = [*march, *february, rounded]
    assert group_mentions(mentions) == [[0, 1, 2, 3, 4, 5]]  # the chain the split undoes
    assert split_round_hubs([0, 1, 2, 3, 4, 5], mentions) == [[0, 1, 2, 5], [3, 4]]
    assert merge_families(group_mentions(mentions), mentions) == [[0, 1, 2, 5], [3, 4]]
    # Roundings of one figure are no hub: 15.86, 15.9 and "16" are one value stated three ways.
    one = [MentionInput((x, 0), _fig(v), "c1", _unit(base)) for x, v in zip("abc", (15.86, 15.9, 16))]
    assert split_round_hubs([0, 1, 2], one) == [[0, 1, 2]]


def test_a_change_and_a_share_are_two_quantities_whatever_the_number() -> None:
    from newstrace.provenance.figures import merge_families, quantity_kind, split_round_hubs

    def said(value: float, text: str, measure: str | None, language: str, vector: np.ndarray, key: str) -> MentionInput:
        stat = Statistic(text=text, value=value, unit="percent", start=0, end=1, sentence_start=0, sentence_end=1,
                         measure=measure, period_key="2026")
        return MentionInput((key, 0), stat, "c1", _unit(vector), language=language)

    assert quantity_kind(Statistic(text="+12%", value=12, unit="percent", start=0, end=1)) == "change"
    assert quantity_kind(Statistic(text="12%", value=12, unit="percent", start=0, end=1, measure="rise in rents")) \
        == "change"
    assert quantity_kind(Statistic(text="12%", value=12, unit="percent", start=0, end=1, measure="share of homes")) \
        == "share"
    assert quantity_kind(Statistic(text="12 %", value=12, unit="percent", start=0, end=1, measure="Anteil"), "de") \
        == "share"
    assert quantity_kind(Statistic(text="12%", value=12, unit="percent", start=0, end=1, measure="rents")) is None
    # Rents are forecast to rise 12% in 2026 ("+12%"), 12% of homes will be let by 2026: one story, one number,
    # two quantities. A German page's bare "12 Prozent" joins both; it goes with the growth it shares most with.
    base = np.ones(16)
    growth = [said(12, "+12%", None, "en", base + 0.1 * np.eye(16)[n], f"g{n}") for n in range(2)]
    share = said(12, "12%", "share of homes", "en", base + 0.2 * np.eye(16)[5], "s")
    german = said(12, "12 Prozent", None, "de", np.eye(16)[9], "d")
    mentions = [*growth, share, german]
    parts = split_round_hubs([0, 1, 2, 3], mentions)
    assert parts == [[0, 1, 3], [2]]
    assert merge_families([[0, 1, 2, 3]], mentions) == [[0, 1, 3], [2]]


def test_an_undetermined_figure_never_bridges_a_forecast_and_an_outcome() -> None:
    from newstrace.provenance.figures import merge_families

    # "Clinic visits are expected to rise 12% in 2026", the outturn "visits rose 12% in 2026" told in the
    # same story, and a rewrite's bare "a 12% rise": the rewrite joins the outcome it matches, never both.
    base = np.ones(16)
    forecast = MentionInput(("a", 0), _quantity(12, unit="percent", period_key="2026", forecast=True), "c1",
                            _unit(base))
    outcome = MentionInput(("b", 0), _quantity(12, unit="percent", period_key="2026"), "c1",
                           _unit(base + 0.2 * np.eye(16)[1]))
    bare = MentionInput(("c", 0), _quantity(12, unit="percent", measure="rise"), "c1", _unit(base + 0.2 * np.eye(16)[2]))
    assert merge_families([[0], [1], [2]], [forecast, outcome, bare]) == [[0], [1, 2]]


def test_a_share_in_words_enters_the_families_as_its_fraction() -> None:
    from newstrace.provenance.figures import share_form

    one_in_nine = replace(_fig(1, unit="ratio"), of=9.0)
    assert share_form(one_in_nine).value == pytest.approx(1 / 9) and share_form(one_in_nine).of is None
    # "8 of 10 clinics" counts members of a group: it keeps its denominator.
    counted = replace(_fig(8, unit="count"), of=10.0)
    assert share_form(counted) == counted


def test_shares_in_words_match_only_their_own_fraction_or_the_next_coarser_one() -> None:
    from newstrace.provenance.figures import EXACT, LOOSE, value_match

    ninth, tenth = _fig(1 / 9, unit="ratio"), _fig(0.1, unit="ratio")
    fifth, quarter = _fig(0.2, unit="ratio"), _fig(0.25, unit="ratio")
    assert value_match(fifth, _fig(0.2, unit="ratio")) == EXACT
    assert value_match(ninth, tenth) == LOOSE  # "one in ten" told for one in nine: one quantity, restated
    assert value_match(fifth, quarter) == 0  # a quarter is no rounding of a fifth, whatever round(0.25, 1) says
    # Decimal percentages still round as before.
    assert value_match(_fig(25.0), _fig(25.4)) == EXACT
    group = group_mentions([MentionInput(("a", 0), fifth, "c1", _unit(np.ones(16))),
                            MentionInput(("b", 0), quarter, "c1", _unit(np.ones(16)))])
    assert group == [[0], [1]]


def test_a_family_chained_across_two_periods_by_mentions_without_one_is_split() -> None:
    from newstrace.provenance.figures import split_other_periods

    vector = _unit(np.ones(16))
    this_year = [MentionInput((f"a{n}", 0), _fig(20.0, period_key="2024"), "c1", vector) for n in range(3)]
    undated = [MentionInput(("b", 0), _fig(20.0), "c1", vector)]
    later = [MentionInput((f"c{n}", 0), _fig(20.0, period_key="2030"), "c1", vector) for n in range(2)]
    mentions = this_year + undated + later
    # "20% this year" and "20% by 2030" are two quantities; the undated one stays with the main period.
    assert split_other_periods(range(6), mentions) == [[0, 1, 2, 3], [4, 5]]
    # Keys of another grain (a month of the same year) do not conflict; one period alone is not split.
    month = mentions[:4] + [MentionInput(("d", 0), _fig(20.0, period_key="2024-07"), "c1", vector)]
    assert split_other_periods(range(5), month) == [[0, 1, 2, 3, 4]]
    assert split_other_periods(range(4), mentions[:4]) == [[0, 1, 2, 3]]
