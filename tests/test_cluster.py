"""provenance.cluster: coverage clusters of copies and rewrites."""

from __future__ import annotations

import random
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from newstrace.extract.embed import article_representation, embed_texts
from newstrace.provenance.cluster import (
    ClusterDoc,
    ClusterOptions,
    ClusterResult,
    candidate_pairs_count,
    cluster_documents,
)

# Figure keys and KB ids as the extract stage would give them, written by hand.
SEED_FIGURES = {
    "000": {"17|percent", "15.8|percent"},
    "001": {"17|percent", "15.8|percent"},
    "002": {"1|rank", "8|count", "2|rank", "9|rank"},
    "003": {"1|rank", "8|count", "2|rank", "9|rank"},
}
SEED_ENTITIES = {
    "000": "china united-states south-korea pioneer-economy mit hugging-face deepseek alibaba google meta "
    "openai anthropic financial-times merics cnas jeanette-egan nvidia qwen deepseek-r1 llama toutiao",
    "001": "china united-states openai google anthropic deepseek alibaba qwen deepseek-r1 feedzop beijing",
    "002": "china united-states south-korea chosun-ilbo artificial-analysis minimax minimax-m2 deepseek qwen "
    "alibaba openai anthropic google yann-lecun nyu seoul yeongdeungpo washington-post toutiao",
    "003": "china united-states artificial-analysis minimax minimax-m2 deepseek alibaba qwen openai "
    "anthropic google yann-lecun nyu seoul yongsan washington-post",
}
SEED_PUBLISHED = {"000": "2025-12-22", "001": "2025-12-23", "002": "2025-12-01", "003": "2025-12-02"}

WIRE = (
    "Dock workers at the port of Valmora walked off the job on Tuesday after talks over night-shift "
    "pay collapsed, leaving more than forty container ships waiting offshore. The union said its "
    "members would stay out until the operator restored the overtime rate it cut in the spring. "
    "Port managers called the stoppage unlawful and said they had asked a labour court to order "
    "crews back to work. Freight agents warned that perishable cargo, chiefly fruit from the "
    "southern farms, could spoil within days if the cranes stay idle. The regional transport "
    "minister urged both sides to return to the table and offered to chair a meeting on Thursday. "
    "Shipping lines have begun diverting vessels to the smaller harbour at Castrel, which handles "
    "barely a fifth of the traffic. Traders said the cost of moving a container inland had already "
    "risen by almost a third since the weekend, and retailers expect shortages of imported goods "
    "before the end of the month if the dispute drags on."
)
OTHER_STORY = (
    "In other business news, the city council approved a plan to widen the ring road and add two "
    "bus lanes, a project expected to take four years. Councillors who voted against it said the "
    "budget ignored the cost of moving water mains under the eastern junction. Meanwhile the "
    "central bank kept its main rate unchanged for a third meeting, citing sticky prices for "
    "services and a labour market that has cooled only slowly. Economists had expected the pause "
    "and now look to the summer for a first cut. Elsewhere, a regional airline announced new "
    "routes to three island destinations, to be flown with leased turboprops from June. The "
    "carrier said bookings for the season were running ahead of last year despite higher fares. "
    "A local brewery also won a national award for a dark lager, its second medal in five years, "
    "and plans to double its output after buying the disused warehouse next door. "
)

SPORTS = (
    "On the sports pages, the home side clinched promotion with a late header in front of a sold-out "
    "crowd, ending a decade outside the top division. Their coach praised a squad assembled on one of "
    "the smallest budgets in the league and said the club would not sell its young striker this summer. "
    "The women's team, meanwhile, reached the cup semi-final after a penalty shoot-out that lasted eleven "
    "rounds, and the rowing club announced that its new boathouse on the river will open in September."
)


def _split_seed(path: Path) -> tuple[str, str]:
    title, _, body = path.read_text(encoding="utf-8").partition("\n")
    return title, body


@pytest.fixture(scope="module")
def seed_docs(seeds_dir: Path) -> list[ClusterDoc]:
    paths = sorted(seeds_dir.glob("*.txt"))
    parts = [_split_seed(p) for p in paths]
    vectors = embed_texts([article_representation(title, body) for title, body in parts])
    docs = []
    for path, (_, body), vec in zip(paths, parts, vectors):
        short = path.stem[:3]
        docs.append(
            ClusterDoc(
                article_id=path.stem,
                text=body,
                embedding=vec,
                published=SEED_PUBLISHED[short],
                figures=frozenset(SEED_FIGURES[short]),
                entities=frozenset(SEED_ENTITIES[short].split()),
            )
        )
    return docs


def _members(result: ClusterResult) -> set[frozenset[str]]:
    return {frozenset(c.articles) for c in result.clusters}


def _unit_pair(cosine: float, dim: int = 384, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two unit vectors whose cosine is exactly `cosine`."""
    rng = np.random.default_rng(seed)
    u = rng.normal(size=dim)
    u /= np.linalg.norm(u)
    w = rng.normal(size=dim)
    w -= (w @ u) * u
    w /= np.linalg.norm(w)
    return u.astype(np.float32), (cosine * u + np.sqrt(1 - cosine**2) * w).astype(np.float32)


# --- the four seeds -------------------------------------------------------------------------


def test_seeds_form_the_two_gold_clusters(seed_docs: list[ClusterDoc], seeds_gold: dict) -> None:
    result = cluster_documents(seed_docs)
    assert _members(result) == {frozenset(c) for c in seeds_gold["coverage_clusters"]}


def test_seed_links_are_rewrites_backed_by_shared_figures(seed_docs: list[ClusterDoc]) -> None:
    result = cluster_documents(seed_docs)
    by_rep = {c.representative: c for c in result.clusters}
    downloads = by_rep["000_9deefba0caf3c4bd"]
    (link,) = downloads.links
    assert (link.source, link.target, link.kind) == ("000_9deefba0caf3c4bd", "001_028a77631eca17e6", "rewrite")
    assert link.basis == "cosine+figures"
    assert link.shared_figures == ("15.8|percent", "17|percent")
    assert link.jaccard < 0.05 and link.cosine is not None and link.cosine >= 0.75
    rankings = by_rep["002_0e906eb12c0fc9de"]
    (link,) = rankings.links
    assert (link.source, link.target, link.kind) == ("002_0e906eb12c0fc9de", "003_f763132a9defa5f8", "rewrite")
    # The ranking rewrite shares its distinctive names too.
    assert link.entity_overlap >= 0.5 and "artificial-analysis" in link.shared_entities


def test_seed_stories_stay_apart_without_corroboration(seed_docs: list[ClusterDoc]) -> None:
    # With no figures or entities only the shared theme is left, and across the two
    # stories it scores as high as within one: nothing may cross between them.
    story = {"000": "downloads", "001": "downloads", "002": "rankings", "003": "rankings"}
    bare = [ClusterDoc(d.article_id, d.text, d.embedding, d.published) for d in seed_docs]
    for cluster in cluster_documents(bare).clusters:
        assert len({story[a[:3]] for a in cluster.articles}) == 1


def test_options_are_validated() -> None:
    with pytest.raises(ValueError):
        ClusterOptions(shingle_size=0)
    with pytest.raises(ValueError):
        ClusterOptions(rewrite_cosine=1.5)


def test_seed_clusters_are_order_independent(seed_docs: list[ClusterDoc]) -> None:
    expected = cluster_documents(seed_docs)
    rng = random.Random(3)
    for _ in range(5):
        shuffled = list(seed_docs)
        rng.shuffle(shuffled)
        assert cluster_documents(shuffled) == expected


# --- copies ---------------------------------------------------------------------------------


def test_syndicated_copy_with_different_boilerplate_is_a_copy() -> None:
    original = ClusterDoc("wire", WIRE, None, "2025-03-01T08:00:00Z")
    syndicated = ClusterDoc(
        "paper",
        "Home / World / Business\nBy Staff and agencies\n" + WIRE
        + "\nSubscribe to our newsletter for the morning briefing.\nShare this article. Comments (12)",
        None,
        "2025-03-01T09:15:00Z",
    )
    result = cluster_documents([syndicated, original])
    assert _members(result) == {frozenset({"wire", "paper"})}
    (cluster,) = result.clusters
    (link,) = cluster.links
    assert (link.source, link.target, link.kind, link.basis) == ("wire", "paper", "copy", "jaccard")
    assert link.jaccard > 0.8 and link.cosine is None
    assert cluster.representative == "wire"


def test_short_wire_story_inside_a_long_page_links_by_containment() -> None:
    page = OTHER_STORY + "Port strike. " + WIRE + "\n" + SPORTS
    docs = [
        ClusterDoc("roundup", page, None, "2025-03-01T14:30:00Z"),
        ClusterDoc("wire", WIRE, None, "2025-03-01T08:00:00Z"),
    ]
    (cluster,) = cluster_documents(docs).clusters
    (link,) = cluster.links
    assert link.kind == "copy" and link.basis == "containment"
    assert link.jaccard < 0.5 and link.containment > 0.95
    assert (link.source, link.target) == ("wire", "roundup")


def test_sharing_a_paragraph_of_boilerplate_is_not_a_copy() -> None:
    footer = " ".join(OTHER_STORY.split()[:12])  # fewer shingles than min_shared_shingles
    docs = [
        ClusterDoc("a", WIRE + " " + footer, None, None),
        ClusterDoc("b", OTHER_STORY.replace(footer, "") + " " + footer, None, None),
    ]
    assert len(cluster_documents(docs).clusters) == 2


# --- the rewrite rule, with vectors of known cosine -------------------------------------------


@pytest.mark.parametrize(
    ("cosine", "shared_figures", "linked", "basis"),
    [
        (0.85, 2, True, "cosine+figures"),
        (0.85, 1, False, None),  # one number in common is coincidence on a shared theme
        (0.85, 0, False, None),
        (0.70, 2, False, None),  # below the rewrite threshold figures do not help
        (0.95, 0, True, "cosine"),  # near-identical leads need no corroboration
    ],
)
def test_rewrite_rule(cosine: float, shared_figures: int, linked: bool, basis: str | None) -> None:
    u, v = _unit_pair(cosine)
    shared = {f"{n + 21}.5|percent" for n in range(shared_figures)}  # specific figures (21.5%, 22.5%)
    docs = [
        ClusterDoc("a", "alpha beta gamma delta epsilon " * 10, u, "2025-01-01", frozenset(shared | {"99|count"})),
        ClusterDoc("b", "one two three four five six seven " * 10, v, "2025-01-02", frozenset(shared | {"7|rank"})),
    ]
    result = cluster_documents(docs)
    assert (len(result.clusters) == 1) is linked
    if linked:
        (link,) = result.clusters[0].links
        assert link.kind == "rewrite" and link.basis == basis
        assert link.cosine == pytest.approx(cosine, abs=1e-3)


def test_entities_corroborate_only_when_distinctive() -> None:
    u, v = _unit_pair(0.85)
    theme = {"openai", "google", "china"}
    background = [
        ClusterDoc(f"bg{i}", f"filler text number {i} " * 8, None, None, entities=frozenset(theme | {f"x{i}"}))
        for i in range(8)
    ]
    common_only = [
        ClusterDoc("a", "alpha beta gamma delta " * 10, u, None, entities=frozenset(theme | {"p1", "p2"})),
        ClusterDoc("b", "one two three four " * 10, v, None, entities=frozenset(theme | {"q1", "q2"})),
    ]
    assert len(cluster_documents(background + common_only).clusters) == 10
    distinctive = {"artificial-analysis", "minimax", "yann-lecun"}
    rewrites = [
        ClusterDoc("a", "alpha beta gamma delta " * 10, u, None, entities=frozenset(theme | distinctive)),
        ClusterDoc("b", "one two three four " * 10, v, None, entities=frozenset(theme | distinctive | {"q1"})),
    ]
    result = cluster_documents(background + rewrites)
    link = result.cluster_of("a").links[0]
    assert link.basis == "cosine+entities" and link.target == "b"


# --- output shape ---------------------------------------------------------------------------


def test_every_article_in_exactly_one_cluster_and_singletons_kept() -> None:
    docs = [
        ClusterDoc("wire", WIRE, None, "2025-03-01"),
        ClusterDoc("copy", "Agencies. " + WIRE, None, "2025-03-02"),
        ClusterDoc("empty", "", None, None),
        ClusterDoc("other", OTHER_STORY, np.ones(4, dtype=np.float32), None),
    ]
    result = cluster_documents(docs)
    seen = [a for c in result.clusters for a in c.articles]
    assert sorted(seen) == sorted(d.article_id for d in docs)
    singleton = result.cluster_of("empty")
    assert singleton.articles == ("empty",) and singleton.representative == "empty" and singleton.links == ()


def test_cluster_id_is_a_stable_hash_of_members() -> None:
    docs = [ClusterDoc("wire", WIRE, None, None), ClusterDoc("copy", WIRE + " More.", None, None)]
    first = cluster_documents(docs).clusters[0]
    assert re.fullmatch(r"c-[0-9a-f]{12}", first.id)
    assert cluster_documents(list(reversed(docs))).clusters[0].id == first.id
    alone = cluster_documents([ClusterDoc("wire", WIRE, None, None)]).clusters[0]
    assert alone.id != first.id


def test_representative_is_earliest_then_longest_then_lowest_id() -> None:
    base = "Agencies report. " + WIRE
    def rep(*docs: ClusterDoc) -> str:
        (cluster,) = cluster_documents(docs).clusters
        return cluster.representative

    assert rep(ClusterDoc("b", base, None, "2025-01-01"), ClusterDoc("a", WIRE, None, "2025-01-02")) == "b"
    # Undated articles come after dated ones.
    assert rep(ClusterDoc("a", base, None, None), ClusterDoc("b", WIRE, None, "2025-01-05")) == "b"
    # Same date: the longer text.
    assert rep(ClusterDoc("a", WIRE, None, "2025-01-01"), ClusterDoc("b", base, None, "2025-01-01")) == "b"
    assert rep(ClusterDoc("b", WIRE, None, None), ClusterDoc("a", WIRE, None, None)) == "a"


def test_duplicate_ids_are_rejected() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        cluster_documents([ClusterDoc("a", WIRE, None, None), ClusterDoc("a", WIRE, None, None)])


def test_empty_input() -> None:
    result = cluster_documents([])
    assert result.clusters == () and result.stats.pairs_examined == 0


# --- scale: candidates must grow sub-quadratically --------------------------------------------


def _synthetic_corpus(n: int, seed: int) -> tuple[list[ClusterDoc], list[tuple[str, str]]]:
    """`n` random-word articles in 20 themes (same-theme cosine ~0.8) with planted pairs.

    One article in 25 gets a syndicated copy, one in 25 is quoted inside a longer page,
    one in 25 gets a rewrite: new words, cosine ~0.88, two figures in common.
    """
    rng = np.random.default_rng(seed)
    vocab = ["".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), size=rng.integers(3, 9))) for _ in range(4000)]
    centres = rng.normal(size=(20, 384))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)

    def words(count: int) -> str:
        picks = [vocab[i] for i in rng.integers(0, len(vocab), size=count)]
        # Sentences of 12 words, so the text has the shape of prose.
        return " ".join(w + ("." if k % 12 == 11 else "") for k, w in enumerate(picks)).rstrip(".") + "."

    def near(vec: np.ndarray, spread: float) -> np.ndarray:
        noise = rng.normal(size=vec.shape)
        noise -= (noise @ vec) * vec
        out = vec + spread * noise / np.linalg.norm(noise)
        return (out / np.linalg.norm(out)).astype(np.float32)

    def figures() -> frozenset[str]:
        return frozenset(f"{v}|percent" for v in rng.integers(0, 2000, size=2))

    docs: list[ClusterDoc] = []
    planted: list[tuple[str, str]] = []
    base_count = n - 3 * (n // 25)
    for i in range(base_count):
        docs.append(ClusterDoc(f"d{i:05d}", words(int(rng.integers(120, 300))), near(centres[i % 20], 0.5), None, figures()))
    for k in range(n // 25):
        src = docs[3 * k]
        copy = ClusterDoc(f"copy{k:04d}", "Syndicated. " + src.text + " Share this story.", near(src.embedding, 0.1), None)
        host_src = docs[3 * k + 1]
        host = ClusterDoc(f"host{k:04d}", words(400) + " " + host_src.text + " " + words(300), near(centres[0], 0.5), None)
        re_src = docs[3 * k + 2]
        rewrite = ClusterDoc(f"rw{k:04d}", words(200), near(re_src.embedding, 0.54), None, re_src.figures)
        docs += [copy, host, rewrite]
        planted += [
            (src.article_id, copy.article_id),
            (host_src.article_id, host.article_id),
            (re_src.article_id, rewrite.article_id),
        ]
    return docs, planted


@pytest.fixture(scope="module")
def scale_runs() -> dict[int, tuple[ClusterResult, list[tuple[str, str]]]]:
    runs = {}
    for n in (500, 2000):
        docs, planted = _synthetic_corpus(n, seed=n)
        runs[n] = (cluster_documents(docs), planted)
    return runs


def test_candidate_pairs_grow_subquadratically(scale_runs: dict) -> None:
    small, _ = scale_runs[500]
    large, _ = scale_runs[2000]
    options = ClusterOptions()
    # Linear growth would be 4x for 4x the articles, quadratic 16x.
    assert candidate_pairs_count(large) <= 6 * candidate_pairs_count(small)
    assert candidate_pairs_count(large) <= (options.n_neighbors + 2) * 2000
    # The themes are tight enough that the neighbour cap, not the cosine threshold, bounds candidates.
    assert large.stats.embedding_candidates > 2000


def test_planted_duplicates_are_found_and_nothing_else_merges(scale_runs: dict) -> None:
    for n, (result, planted) in scale_runs.items():
        for a, b in planted:
            assert result.cluster_of(a) is result.cluster_of(b), (n, a, b)
        sizes = sorted(len(c.articles) for c in result.clusters)
        assert sizes.count(2) == len(planted) and set(sizes) == {1, 2}, n
        kinds = {(link.kind, link.basis) for c in result.clusters for link in c.links}
        assert kinds == {("copy", "jaccard"), ("copy", "containment"), ("rewrite", "cosine+figures")}


def test_synthetic_clusters_are_order_independent() -> None:
    docs, _ = _synthetic_corpus(300, seed=9)
    expected = cluster_documents(docs)
    shuffled = list(docs)
    random.Random(1).shuffle(shuffled)
    assert cluster_documents(shuffled) == expected



# -- stories, not topics: facts against a link as well as for one ---------------------------------

def _story_doc(article_id: str, angle: float, **facts) -> ClusterDoc:
    """A document whose embedding sits `angle` radians from a shared axis (cosine to the others ~0.8-0.9),
    with two figures every document on the theme states, so the words-and-figures rule would join them all."""
    vec = np.zeros(8, dtype=np.float32)
    vec[0], vec[1 + int(article_id[-1]) % 7] = np.cos(angle), np.sin(angle)
    text = f"Story text {article_id} " + " ".join(f"w{article_id}{i}" for i in range(30))
    return ClusterDoc(article_id=article_id, text=text, embedding=vec, published=facts.pop("published", None),
                      figures=frozenset({"12|percent", "3|count"} | set(facts.pop("figures", ()))), **facts)


def _together(result: ClusterResult, a: str, b: str) -> bool:
    return result.cluster_of(a).id == result.cluster_of(b).id


def test_different_editions_of_one_series_are_different_stories() -> None:
    # Two write-ups of a yearly housing survey, and one of the next year's edition.
    docs = [_story_doc("a1", 0.3, editions=frozenset({("household energy survey", "2023")})),
            _story_doc("a2", 0.35, editions=frozenset({("household energy survey", "2023")})),
            _story_doc("b3", 0.4, editions=frozenset({("household energy survey", "2024")}))]
    result = cluster_documents(docs)
    assert _together(result, "a1", "a2")
    assert not _together(result, "a1", "b3") and not _together(result, "a2", "b3")
    reasons = [r for link in result.separated for r in link.reasons]
    assert any("different editions of household energy survey" in r for r in reasons)
    kept = result.cluster_of("a1").links[0]
    assert any(r.startswith("for: both name household energy survey 2023") for r in kept.reasons)


def test_an_undated_page_cannot_chain_two_editions_together() -> None:
    # x2 names no edition and links to both; the group it joins first keeps the other edition out.
    docs = [_story_doc("x1", 0.3, editions=frozenset({("harvest outlook", "2022")})),
            _story_doc("x2", 0.32),
            _story_doc("x3", 0.34, editions=frozenset({("harvest outlook", "2023")}))]
    result = cluster_documents(docs)
    assert not _together(result, "x1", "x3")


def test_stated_dates_far_apart_are_different_stories_and_estimates_do_not_count() -> None:
    docs = [_story_doc("d1", 0.3, published="2024-03-02"), _story_doc("d2", 0.33, published="2024-03-05"),
            _story_doc("d3", 0.36, published="2024-11-20"), _story_doc("d4", 0.39)]  # d4: undated (or estimated)
    result = cluster_documents(docs)
    assert _together(result, "d1", "d2") and not _together(result, "d1", "d3")
    assert any("days apart" in r for link in result.separated for r in link.reasons)


def test_lead_figures_for_different_months_are_different_releases() -> None:
    # Monthly payroll reports: March says 150,000 jobs, April says 90,000; neither states the other's figure.
    march = {("150000|count", "2025-03")}
    april = {("90000|count", "2025-04")}
    docs = [_story_doc("m1", 0.3, facts=frozenset(march), lead_facts=frozenset(march), figures={"150000|count"}),
            _story_doc("m2", 0.33, facts=frozenset(march), lead_facts=frozenset(march), figures={"150000|count"}),
            _story_doc("p3", 0.36, facts=frozenset(april), lead_facts=frozenset(april), figures={"90000|count"})]
    result = cluster_documents(docs)
    assert _together(result, "m1", "m2") and not _together(result, "m1", "p3")


def test_retellings_whose_leads_share_a_period_are_not_split() -> None:
    # One retelling of April's report leads with April's figure; another leads with the comparison
    # ("after 150,000 in March, 90,000 in April"): their lead periods meet in April, so they stay one story.
    april = ("90000|count", "2025-04")
    docs = [_story_doc("r1", 0.3, facts=frozenset({april}), lead_facts=frozenset({april}), figures={"90000|count"}),
            _story_doc("r2", 0.33, facts=frozenset({april, ("150000|count", "2025-03")}),
                       lead_facts=frozenset({("150000|count", "2025-03"), ("95000|count", "2025-04")}),
                       figures={"150000|count", "95000|count"})]
    assert _together(cluster_documents(docs), "r1", "r2")


def test_spun_copy_with_the_same_facts_still_joins() -> None:
    facts = frozenset({("2.4|percent", "2025")})
    docs = [_story_doc("s1", 0.3, facts=facts, lead_facts=facts, editions=frozenset({("inflation report", "2025")}),
                       published="2025-05-14"),
            _story_doc("s2", 0.31, facts=facts, lead_facts=facts, editions=frozenset({("inflation report", "2025")}),
                       published="2025-05-15")]
    result = cluster_documents(docs)
    assert _together(result, "s1", "s2")
    link = result.cluster_of("s1").links[0]
    assert "for: 2.4|percent for 2025 in both" in link.reasons and "for: published 1 days apart" in link.reasons


def test_editions_are_read_from_text() -> None:
    from newstrace.provenance.editions import own_editions

    text = ("The Global Fisheries Outlook 2025 warns that catches will fall. The 2024 Global Fisheries Outlook "
            "had been more hopeful. The Global Fisheries Outlook 2025 also covers aquaculture. The March jobs "
            "report comes out on Friday.")
    found = own_editions(text, "en")
    assert ("global fisheries outlook", "2025") in found and ("global fisheries outlook", "2024") not in found
    assert ("jobs report", "03") in found
    assert own_editions("Employers added 100,000 jobs in March, the ministry said.", "en") == frozenset()


def test_copy_spun_with_synonyms_joins_by_its_figures() -> None:
    # Words and embedding differ (cosine ~0.3, no shared shingle), but eight figures are the same: a spun copy.
    figures = {"48|percent", "2300|count", "17|percent", "61|percent", "9|percent", "1.2e+06|count", "33|percent",
               "5|count"}
    a = ClusterDoc("sp1", " ".join(f"alpha{i}" for i in range(60)), np.array([1, 0, 0], dtype=np.float32), None,
                   figures=frozenset(figures))
    b = ClusterDoc("sp2", " ".join(f"beta{i}" for i in range(60)), np.array([0.3, 0.95, 0], dtype=np.float32), None,
                   figures=frozenset(figures | {"70|percent"}))
    other = ClusterDoc("sp3", " ".join(f"gamma{i}" for i in range(60)), np.array([0.3, 0, 0.95], dtype=np.float32),
                       None, figures=frozenset(set(sorted(figures)[:4]) | {"12|count", "80|percent"}))
    result = cluster_documents([a, b, other])
    assert _together(result, "sp1", "sp2") and result.cluster_of("sp1").links[0].basis == "figures"
    assert not _together(result, "sp1", "sp3")
    assert result.stats.figure_candidates == 1


# --- corroboration: figures and entities that are the theme, not the story ----------------------


def _pair(figures_a: set[str], figures_b: set[str], cosine: float = 0.85, **extra: object) -> list[ClusterDoc]:
    u, v = _unit_pair(cosine)
    return [ClusterDoc("a", "alpha beta gamma delta epsilon " * 10, u, None, frozenset(figures_a), **extra),
            ClusterDoc("b", "one two three four five six seven " * 10, v, None, frozenset(figures_b), **extra)]


def test_round_figures_in_common_do_not_corroborate() -> None:
    # Two reports on one theme (vaccination) both say "a million" and "doubled": round, so coincidence.
    docs = _pair({"1e+06|count", "2|multiplier", "37|percent"}, {"1e+06|count", "2|multiplier", "64|percent"})
    result = cluster_documents(docs)
    assert len(result.clusters) == 2
    (refused,) = result.separated
    assert any(r.startswith("kept apart: the 2 figures in common are all round") for r in refused.reasons)


def test_two_figures_among_many_are_a_shared_theme() -> None:
    # Two long labour-market pages, a dozen figures each, meet on two of them: not one story.
    a = {f"{n}.5|percent" for n in range(10, 22)}
    b = {f"{n}.5|percent" for n in range(20, 32)}
    result = cluster_documents(_pair(a, b))
    assert len(result.clusters) == 2
    assert any("only 2 figures in common" in r for r in result.separated[0].reasons)
    # A short rewrite that retells two of the long page's figures is a large share of its own: joined.
    short = {"20.5|percent", "21.5|percent", "3|count"}
    assert len(cluster_documents(_pair(a, short)).clusters) == 1
    # Four or more specific figures in common corroborate whatever the page lengths.
    wide = {f"{n}.5|percent" for n in range(18, 30)}
    assert len(cluster_documents(_pair(a, wide)).clusters) == 1


def test_one_specific_figure_for_the_same_period_links_and_an_older_one_does_not() -> None:
    # Harvest figures: both pages state 4.35 million tonnes for 2024 (one page without the year's
    # context gives it as its latest period too).
    tonnes = ("4.35e+06|quantity", "2024")
    result = cluster_documents(_pair({tonnes[0], "3|count"}, {tonnes[0], "12|percent"}, facts=frozenset({tonnes})))
    assert len(result.clusters) == 1
    link = result.clusters[0].links[0]
    assert link.basis == "cosine+fact" and "for: 4.35e+06|quantity for 2024 in both" in link.reasons
    # The same figure as a back-reference: each page reports a later year, so it is a comparison only.
    older = ("4.35e+06|quantity", "2019")
    a = ClusterDoc("a", "alpha beta gamma delta epsilon " * 10, _unit_pair(0.85)[0], None,
                   frozenset({older[0], "5.1e+06|quantity"}), facts=frozenset({older, ("5.1e+06|quantity", "2024")}))
    b = ClusterDoc("b", "one two three four five six seven " * 10, _unit_pair(0.85)[1], None,
                   frozenset({older[0], "3.9e+06|quantity"}), facts=frozenset({older, ("3.9e+06|quantity", "2023")}))
    assert len(cluster_documents([a, b]).clusters) == 2
    # A month without its year ("in July", an undated page) is the July of a dated page.
    july = ("64000|count", "--07")
    result = cluster_documents(_pair({"64000|count", "8|count"}, {"64000|count", "2|rank"},
                                     facts=frozenset({july})))
    assert len(result.clusters) == 1


def test_theme_entities_alone_do_not_link_even_in_a_small_run() -> None:
    # Four pages on electric buses: every one names the same three makers and the ministry, which on
    # four documents still weigh as much as a rare name would by IDF alone.
    theme = frozenset({"voltline", "arcbus", "transit-ministry", "northgrid"})
    u, v = _unit_pair(0.82)
    w, x = _unit_pair(0.2, seed=7)
    docs = [ClusterDoc("a", "alpha beta gamma delta " * 10, u, None, entities=theme),
            ClusterDoc("b", "one two three four " * 10, v, None, entities=theme | {"depot-union"}),
            ClusterDoc("c", "red green blue yellow " * 10, w, None, entities=theme | {"city-council"}),
            ClusterDoc("d", "north south east west " * 10, x, None, entities=theme | {"battery-lab"})]
    result = cluster_documents(docs)
    assert len(result.clusters) == 4
    assert any("the theme" in r for link in result.separated for r in link.reasons)
    # The same two pages sharing a name the others do not (a named depot) do link on entities.
    docs[0] = replace(docs[0], entities=theme | {"depot-union"})
    docs[1] = replace(docs[1], entities=theme | {"depot-union"})
    linked = cluster_documents(docs)
    assert linked.cluster_of("a").id == linked.cluster_of("b").id
    assert linked.cluster_of("a").links[0].basis == "cosine+entities"


def test_entity_link_refused_when_both_state_figures_and_share_none() -> None:
    # Two pages naming the same rare agencies, one about fare rises (percentages), one about fleet
    # counts: both state figures, none the same, so the names are a shared cast, not one story.
    names = frozenset({"harbour-authority", "ferry-guild", "coast-office", "pilot-board"})
    background = [ClusterDoc(f"bg{i}", f"filler words number {i} " * 8, None, None, entities=frozenset({f"x{i}"}))
                  for i in range(6)]
    docs = _pair({"12.5|percent", "8.5|percent"}, {"140|count", "35|count"}, cosine=0.8)
    docs = [replace(d, entities=names) for d in docs]
    result = cluster_documents(background + docs)
    assert result.cluster_of("a").id != result.cluster_of("b").id
    assert any("both state figures and share none" in r for link in result.separated for r in link.reasons)
    # Without figures on one side the names alone may still link (nothing contradicts them).
    docs[1] = replace(docs[1], figures=frozenset())
    assert cluster_documents(background + docs).cluster_of("a").id == cluster_documents(background + docs).cluster_of("b").id


def test_a_round_lead_figure_in_common_does_not_join_two_months() -> None:
    # Unemployment rounds to 5% in both months; the payroll figures differ for different months.
    may = {("5|percent", "2025-05"), ("120000|count", "2025-05")}
    june = {("5|percent", "2025-06"), ("80000|count", "2025-06")}
    docs = [_story_doc("m1", 0.3, facts=frozenset(may), lead_facts=frozenset(may), figures={"120000|count", "5|percent"}),
            _story_doc("j1", 0.34, facts=frozenset(june), lead_facts=frozenset(june), figures={"80000|count", "5|percent"})]
    result = cluster_documents(docs)
    assert not _together(result, "m1", "j1")


# -- across languages ---------------------------------------------------------------------------

def _unit_vector(seed: int) -> np.ndarray:
    # Unrelated random directions: an English-only encoder scores a translation about this low.
    return np.random.default_rng(seed).normal(size=16).astype(np.float32)


def _lang_doc(article_id: str, language: str, figures: set[str], text: str) -> ClusterDoc:
    return ClusterDoc(article_id, text, _unit_vector(len(article_id) * 31 + ord(article_id[-1])), None,
                      figures=frozenset(figures), language=language)


def test_a_translation_joins_its_story_on_shared_figures():
    english = _lang_doc("en-wire", "en", {"73000|count", "4|percent", "1.59e+08|count", "12|percent"},
                        "The economy added 73,000 jobs in July, and 159 million people were at work.")
    german = _lang_doc("de-copy", "de", {"73000|count", "4|percent", "1.6e+08|count"},
                       "Die Wirtschaft schuf im Juli 73.000 Stellen; 160 Millionen Menschen arbeiteten.")
    result = cluster_documents([english, german])
    assert len(result.clusters) == 1
    (link,) = result.clusters[0].links
    assert link.basis == "figures across languages"
    # the rounded retelling counts: 159 million and 160 million are one figure
    assert "1.6e+08|count" in link.shared_figures
    assert any(reason == "languages: en and de" or reason == "languages: de and en" for reason in link.reasons)


def test_pages_in_two_languages_sharing_only_round_figures_stay_apart():
    english = _lang_doc("en-a", "en", {"25|percent", "1e+09|count", "10|percent"}, "A quarter of a billion people.")
    spanish = _lang_doc("es-b", "es", {"25|percent", "1e+09|count", "3|percent"}, "Un cuarto de mil millones.")
    assert len(cluster_documents([english, spanish]).clusters) == 2


def test_one_distinctive_figure_alone_does_not_join_languages():
    english = _lang_doc("en-a", "en", {"73000|count", "8|percent", "31|percent", "2|percent"}, "Jobs rose by 73,000.")
    french = _lang_doc("fr-b", "fr", {"73000|count", "55|percent", "17|percent", "6|percent"}, "73 000 emplois.")
    result = cluster_documents([english, french])
    assert len(result.clusters) == 2
    assert result.stats.figure_candidates == 1  # proposed by the figure, refused by the rule


def test_pages_of_one_language_still_need_their_cosine():
    # Same figures, unrelated vectors, one language: the cross-language rule does not apply.
    a = _lang_doc("en-a", "en", {"73000|count", "4|percent", "1.6e+08|count"}, "Seventy-three thousand jobs.")
    b = _lang_doc("en-b", "en", {"73000|count", "4|percent", "1.6e+08|count"}, "Another text entirely here.")
    assert len(cluster_documents([a, b]).clusters) == 2


def test_two_retellings_in_one_other_language_join_on_their_figures():
    # The encoder reads English only: two Spanish pages of one release get no useful cosine, so their
    # figures decide, as for a translation.
    a = _lang_doc("es-wire", "es", {"4.1e+08|count", "2.3e+07|count", "12|percent", "6.5|percent"},
                  "Unos 410 millones de personas, 23 millones de ellos niños.")
    b = _lang_doc("es-blog", "es", {"4.1e+08|count", "2.3e+07|count", "12|percent"},
                  "La cifra alcanza 410 millones; hay 23 millones de niños.")
    result = cluster_documents([a, b])
    assert len(result.clusters) == 1
    (link,) = result.clusters[0].links
    assert link.basis == "figures in another language"
    assert "languages: es and es" in link.reasons  # judged without the cosine, and the link says why


def test_two_pages_in_one_other_language_sharing_round_figures_stay_apart():
    a = _lang_doc("de-a", "de", {"1e+09|count", "25|percent", "2|multiplier"}, "Eine Milliarde, ein Viertel.")
    b = _lang_doc("de-b", "de", {"1e+09|count", "25|percent", "7|percent"}, "Eine Milliarde Euro, ein Viertel.")
    assert len(cluster_documents([a, b]).clusters) == 2


def test_shared_figures_match_roundings_but_not_round_figures():
    from newstrace.provenance.cluster import shared_figures

    assert shared_figures({"1.59e+08|count"}, {"1.6e+08|count"}) == ("1.6e+08|count",)
    assert shared_figures({"73400|count"}, {"73000|count"}) == ("73000|count",)
    assert shared_figures({"1.4e+09|count"}, {"1e+09|count"}) == ()  # "a billion" is not 1.4 billion
    assert shared_figures({"74000|count"}, {"73000|count"}) == ()
    assert shared_figures({"16|percent"}, {"16|count"}) == ()  # another unit


# --- the stages both runners call (provenance.cluster_dask runs the same ones) ---------------


def test_band_keys_propose_the_pairs_minhash_lsh_proposes() -> None:
    # The local and the Dask run group articles by `band_keys`; that must be MinHashLSH's own index.
    from datasketch import MinHash, MinHashLSH

    from newstrace.provenance.cluster import band_keys, bucket_pairs, linkable, prepare

    options = ClusterOptions()
    docs, _ = _synthetic_corpus(150, 11)
    rng = random.Random(4)
    # Part-copies sweep the Jaccard across the LSH threshold, where a band either matches or not.
    for k in range(40):
        kept = 0.3 + 0.6 * k / 40
        mine = [s for s in docs[k].text.split(". ") if rng.random() < kept]
        theirs = [s for s in docs[k + 60].text.split(". ") if rng.random() < 1 - kept]
        docs.append(ClusterDoc(f"mix{k:03d}", ". ".join(mine + theirs), None, None))
    prepared = [p for p in (prepare(d, options) for d in sorted(docs, key=lambda d: d.article_id))
                if linkable(p, options)]

    postings: dict[tuple[int, bytes], list[int]] = {}
    for i, p in enumerate(prepared):
        for key in band_keys(p, options):
            postings.setdefault(key, []).append(i)
    by_keys = {pair for members in postings.values() for pair in bucket_pairs(members)}

    lsh = MinHashLSH(threshold=options.lsh_threshold, num_perm=options.num_perm)
    by_lsh = set()
    for i, p in enumerate(prepared):
        sketch = MinHash(num_perm=options.num_perm, seed=options.seed, hashfunc=int)
        sketch.update_batch(p.shingles.tolist())
        by_lsh.update((j, i) for j in lsh.query(sketch))
        lsh.insert(i, sketch)
    assert len(by_lsh) > 30, len(by_lsh)  # the copies and part-copies
    assert by_keys == by_lsh


def test_neighbour_search_in_blocks_finds_what_one_search_finds() -> None:
    from newstrace.provenance.cluster import embedding_matrix, neighbour_pairs, prepare

    options = ClusterOptions()
    docs, _ = _synthetic_corpus(700, 5)
    units = [prepare(replace(d, text=""), options).unit for d in docs]
    units[3] = None  # an article without a vector has no row
    search = embedding_matrix(units, options)
    assert search is not None
    matrix, positions = search
    assert len(positions) == len(docs) - 1 and 3 not in positions
    whole = neighbour_pairs(matrix, positions, options)
    blocks = [neighbour_pairs(matrix, positions, options, (start, min(start + 256, len(positions))))
              for start in range(0, len(positions), 256)]
    assert whole and sorted(whole) == sorted(pair for block in blocks for pair in block)
    assert all(a < b for a, b in whole)
    assert embedding_matrix(units[:1], options) is None
    assert embedding_matrix(units, replace(options, n_neighbors=0)) is None


def test_bucket_pairs_caps_furniture() -> None:
    from newstrace.provenance.cluster import bucket_pairs

    assert bucket_pairs([5, 2, 2, 9]) == [(2, 5), (2, 9), (5, 9)]
    assert bucket_pairs([1, 2, 3], max_members=2) == []
    assert bucket_pairs([7]) == []
