"""Claims on the real spaCy pipeline: what is left out, types, scores and links."""

from __future__ import annotations

import pytest

from newstrace.extract.claims import claim_features, find_claims, sentences
from newstrace.extract.records import CLAIM_TYPES, Entity
from newstrace.extract.statistics import find_statistics


def _entities(doc) -> list[Entity]:
    return [Entity(e.start_char, e.end_char, e.text, e.label_) for e in doc.ents]


def _claims(nlp, text: str):
    doc = nlp(text)
    stats = find_statistics(doc)
    entities = _entities(doc)
    return doc, stats, entities, find_claims(doc, stats, entities)


@pytest.fixture(scope="module")
def seeds(nlp, seeds_dir):
    out = {}
    for path in sorted(seeds_dir.glob("*.txt")):
        doc = nlp(path.read_text(encoding="utf-8"))
        stats = find_statistics(doc)
        entities = _entities(doc)
        out[path.stem] = (doc, stats, entities, find_claims(doc, stats, entities))
    return out


def test_claims_are_anchored_typed_and_scored(seeds) -> None:
    for doc, stats, entities, claims in seeds.values():
        assert claims
        for claim in claims:
            assert doc.text[claim.start:claim.end] == claim.text
            assert claim.type in CLAIM_TYPES
            assert 0.0 <= claim.score <= 1.0
            for index in claim.statistics:
                assert claim.start <= stats[index].start < stats[index].end <= claim.end
            for index in claim.entities:
                assert claim.start <= entities[index].start < entities[index].end <= claim.end
        starts = [c.start for c in claims]
        assert starts == sorted(starts)


@pytest.mark.parametrize(
    "fragment",
    [
        "Disclaimer:",
        "This story has not been edited",
        "Read more news on",
        "Leave a Reply",
        "Home / Technology",
        "Original: toutiao.com",
        "Statement:",
        "China Leads Global Open AI Model Race",
        "Korean Media: China Surpasses the US",
        "Conclusion",
        "Summary",
    ],
)
def test_boilerplate_and_headers_are_not_claims(seeds, fragment: str) -> None:
    for _doc, _, _, claims in seeds.values():
        assert not [c.text for c in claims if c.text.startswith(fragment)]


def test_seed_figures_become_statistic_claims(seeds) -> None:
    doc, stats, _, claims = seeds["000_9deefba0caf3c4bd"]
    share = next(c for c in claims if "17%" in c.text)
    assert share.type in ("statistic", "comparison")
    assert [stats[i].text for i in share.statistics] == ["17%"]
    assert share.entities
    doc, stats, _, claims = seeds["001_028a77631eca17e6"]
    both = next(c for c in claims if "15.8%" in c.text)
    assert both.type == "comparison"
    assert sorted(stats[i].text for i in both.statistics) == ["15.8%", "17%"]


def test_rank_sentences_are_rankings(seeds) -> None:
    _, _, _, claims = seeds["003_f763132a9defa5f8"]
    rankings = [c.text for c in claims if c.type == "ranking"]
    assert any("top spot" in t for t in rankings)
    assert any("2nd and 9th" in t for t in rankings)


def test_figures_outrank_opinions(seeds) -> None:
    _, _, _, claims = seeds["000_9deefba0caf3c4bd"]
    with_figures = [c.score for c in claims if c.statistics]
    opinions = [c.score for c in claims if c.type == "opinion"]
    assert with_figures and opinions
    assert min(with_figures) > max(opinions)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Revenue at Acme rose 17% in 2024, the company said.", "statistic"),
        ("Acme ranked second in the Fortune survey.", "ranking"),
        ("China surpassed the United States in open model downloads.", "comparison"),
        ("Analysts expect Acme will cut 300 jobs next year.", "statistic"),
        ("Analysts say Acme will open a plant in Texas next year.", "prediction"),
        ("We believe the government should invest more in open models.", "opinion"),
        ("OpenAI released its first open-weight model in August.", "event"),
    ],
)
def test_claim_types(nlp, text: str, kind: str) -> None:
    _, _, _, claims = _claims(nlp, text)
    assert [c.type for c in claims] == [kind]


@pytest.mark.parametrize(
    "text",
    [
        "Will China overtake the US in open models by 2030?",
        "Read more news on",
        "Open models are free.",
    ],
)
def test_non_claims(nlp, text: str) -> None:
    _, _, _, claims = _claims(nlp, text)
    assert claims == []


def test_first_person_and_hedges_lower_the_score(nlp) -> None:
    _, _, _, (plain,) = _claims(nlp, "Acme sold 300 cars in Texas in 2024.")
    _, _, _, (hedged,) = _claims(nlp, "I think Acme may have sold 300 cars in Texas in 2024.")
    assert hedged.score < plain.score


def test_claim_features_are_documented_weights(nlp) -> None:
    doc = nlp("According to the study, Acme sold 300 cars in Texas in 2024.")
    (sentence,) = sentences(doc)
    features = claim_features(sentence, find_statistics(doc), _entities(doc), kind="statistic")
    assert features["statistic"] == 1.0
    assert features["attribution"] == 1.0
    assert features["date"] == 1.0
    assert features["first_person"] == 0.0


def test_sentences_break_at_lines(nlp) -> None:
    doc = nlp("China Leads Global Open AI Model Race\n\nChina has emerged as the leader. It grew fast.")
    assert [s.text for s in sentences(doc)] == [
        "China Leads Global Open AI Model Race", "China has emerged as the leader.", "It grew fast."]


def test_min_score_filters(nlp) -> None:
    doc = nlp("Acme sold 300 cars in Texas in 2024. Meta is also developing new models.")
    stats = find_statistics(doc)
    everything = find_claims(doc, stats, _entities(doc))
    strict = find_claims(doc, stats, _entities(doc), min_score=0.7)
    assert len(strict) < len(everything)
    assert all(c.score >= 0.7 for c in strict)
