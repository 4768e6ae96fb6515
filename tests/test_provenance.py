"""The whole pipeline on the seeds and on our demo corpus, checked against their gold files.

Each corpus is ingested, extracted and reported once per module (real spaCy and
sentence-transformer models); the tests then read the JSON report.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newstrace.corpus.ingest import expand_sources, ingest
from newstrace.corpus.store import Store
from newstrace.extract.pipeline import ExtractOptions, extract_corpus
from newstrace.provenance.report import ProvenanceOptions, analyse
from tests.shared_stores import DEMO_KB, copy_store

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "data" / "demo"

pytestmark = pytest.mark.slow


def report_of(db: Path, kb_paths: tuple[Path, ...] = DEMO_KB) -> dict:
    with Store.open(db) as store:
        report = analyse(store, ProvenanceOptions(kb_paths=kb_paths))[0].to_dict()
        # Test-only key: the stored texts, to check offsets against.
        report["_texts"] = {a.id: a.text for a in store.iter_articles(statuses=None)}
        return report


def stems(report: dict) -> dict[str, str]:
    """article id -> file stem (seeds: the 3-digit prefix; demo: the file name without extension)."""
    out = {}
    for article in report["articles"]:
        name = Path(article["source_path"] or article["id"]).stem
        out[article["id"]] = name[:3] if name[:3].isdigit() and "_" in name else name
    return out


def families(report: dict, value: float, unit: str, tolerance: float = 0.06) -> list[dict]:
    return [f for f in report["figures"] if f["unit"] == unit and abs(f["value"] - value) < tolerance]


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory: pytest.TempPathFactory, seeds_extracted: Path) -> tuple[Path, dict]:
    # The example articles' cast (Feedzop, the "Rama" error, ...) is in the demo KB, not the shipped one.
    db = copy_store(seeds_extracted, tmp_path_factory.mktemp("seeds"))
    return db, report_of(db)


@pytest.fixture(scope="module")
def seeds_report(seeds_run: tuple[Path, dict]) -> dict:
    return seeds_run[1]


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory, demo_extracted: Path) -> dict:
    return report_of(copy_store(demo_extracted, tmp_path_factory.mktemp("demo")))


@pytest.fixture(scope="module")
def demo_gold() -> dict:
    return json.loads((REPO / "tests" / "data" / "demo_gold.json").read_text(encoding="utf-8"))


# -- the output contract ---------------------------------------------------------------------


def test_report_follows_the_output_contract(seeds_report: dict) -> None:
    assert seeds_report["schema_version"] == 1
    article_keys = {"id", "url", "source_path", "title", "outlet", "published", "language", "status", "cluster",
                    "auto_generated"}
    assert all(article_keys <= set(a) for a in seeds_report["articles"])
    assert all({"id", "articles", "representative", "first_seen"} <= set(c) for c in seeds_report["clusters"])
    units = {"percent", "count", "rank", "money", "ratio", "multiplier", "quantity"}
    kinds = {"study", "dataset", "leaderboard", "outlet", "organization", "person", "link", None}
    for figure in seeds_report["figures"]:
        assert {"id", "value", "unit", "measure", "holder", "period", "mentions", "primary_source", "first_seen",
                "variants", "flags"} <= set(figure)
        assert figure["unit"] in units
        for mention in figure["mentions"]:
            assert {"article", "text", "value", "sentence", "start", "end", "attribution"} <= set(mention)
            if mention["attribution"]:
                assert {"name", "kb_id", "kind", "cue", "inferred", "via"} <= set(mention["attribution"])
                assert mention["attribution"]["kind"] in kinds
    assert {"nodes", "edges"} <= set(seeds_report["graph"])
    node_ids = {n["id"] for n in seeds_report["graph"]["nodes"]}
    assert all(e["source"] in node_ids and e["target"] in node_ids for e in seeds_report["graph"]["edges"])
    json.dumps({k: v for k, v in seeds_report.items() if k != "_texts"}, allow_nan=False)  # strict JSON


def test_every_mention_points_at_its_exact_characters(seeds_report: dict) -> None:
    texts = seeds_report["_texts"]
    checked = 0
    for figure in seeds_report["figures"]:
        for mention in figure["mentions"]:
            text = texts[mention["copy_of"] or mention["article"]]
            assert text[mention["start"]:mention["end"]] == mention["text"]
            assert text[mention["sentence_start"]:mention["sentence_end"]] == mention["sentence"]
            checked += 1
    for quote in seeds_report["quotes"]:
        assert quote["text"] in texts[quote["article"]][quote["start"] - 1:quote["end"] + 1]
    assert checked >= 10


# -- seeds ----------------------------------------------------------------------------------


def test_seeds_form_exactly_the_gold_clusters(seeds_report: dict, seeds_gold: dict) -> None:
    names = stems(seeds_report)
    got = sorted(sorted(names[a] for a in c["articles"]) for c in seeds_report["clusters"])
    want = sorted(sorted(doc[:3] for doc in cluster) for cluster in seeds_gold["coverage_clusters"])
    assert got == want


def test_seed_download_shares_trace_to_the_study_with_001_inferred(seeds_report: dict) -> None:
    names = stems(seeds_report)
    for value in (17.0, 15.8):
        [family] = [f for f in families(seeds_report, value, "percent")
                    if {names[m["article"]] for m in f["mentions"]} >= {"000", "001"}]
        assert family["primary_source"]["kb_id"] == "study-economies-open-intelligence"
        by_doc = {}
        for mention in family["mentions"]:
            by_doc.setdefault(names[mention["article"]], []).append(mention["attribution"])
        assert all(a["kb_id"] == "study-economies-open-intelligence" and not a["inferred"] for a in by_doc["000"])
        for attribution in by_doc["001"]:
            assert attribution["inferred"] is True
            assert names[attribution["via"]] == "000"
            assert attribution["kb_id"] == "study-economies-open-intelligence"
        assert "inferred_attribution" in family["flags"]


def test_seed_ranking_figures_trace_to_artificial_analysis(seeds_report: dict) -> None:
    names = stems(seeds_report)
    [top10] = [f for f in families(seeds_report, 8, "count") if f.get("of") == 10]
    assert {names[m["article"]] for m in top10["mentions"]} == {"002", "003"}
    assert top10["primary_source"]["kb_id"] == "artificial-analysis"
    for rank in (1, 2, 9):
        [family] = [f for f in families(seeds_report, rank, "rank")
                    if {names[m["article"]] for m in f["mentions"]} == {"002", "003"}]
        assert family["primary_source"]["kb_id"] == "artificial-analysis", rank


def test_seed_conflict_yeongdeungpo_yongsan(seeds_report: dict) -> None:
    names = stems(seeds_report)
    found = [c for c in seeds_report["conflicts"]
             if {v["text"] for v in c["values"]} == {"Yeongdeungpo", "Yongsan"}]
    assert len(found) == 1
    assert {names[v["article"]]: v["text"] for v in found[0]["values"]} == {"002": "Yeongdeungpo", "003": "Yongsan"}
    assert len(seeds_report["conflicts"]) == 1  # nothing spurious


def test_seed_quotes_have_their_speakers(seeds_report: dict) -> None:
    names = stems(seeds_report)
    got = {(q["speaker"], names[q["article"]]) for q in seeds_report["quotes"]}
    assert {("Yann LeCun", "002"), ("Yann LeCun", "003"), ("MERICS", "000"), ("Jeanette Egan", "000")} <= got
    assert any(doc == "000" and "MIT" in (speaker or "") for speaker, doc in got)


def test_seed_auto_generated_only_001(seeds_report: dict) -> None:
    names = stems(seeds_report)
    assert [names[a["id"]] for a in seeds_report["articles"] if a["auto_generated"]] == ["001"]


def test_graph_has_typed_edges_for_seeds(seeds_report: dict) -> None:
    kinds = {e["kind"] for e in seeds_report["graph"]["edges"]}
    assert {"names_source", "origin_link", "rewrite_of", "quotes"} <= kinds


# -- demo corpus ------------------------------------------------------------------------------


def test_demo_clusters_match_gold(demo_report: dict, demo_gold: dict) -> None:
    names = stems(demo_report)
    got = sorted(sorted(names[a] for a in c["articles"]) for c in demo_report["clusters"])
    assert got == sorted(sorted(c) for c in demo_gold["clusters"])


def test_demo_shows_drift_inference_and_primary_mismatch(demo_report: dict, demo_gold: dict) -> None:
    names = stems(demo_report)
    for gold_id in ("cn-share", "us-share"):
        gold = next(f for f in demo_gold["figures"] if f["id"] == gold_id)
        [family] = [f for f in families(demo_report, gold["value"], "percent")
                    if "economies-of-open-intelligence" in {names[m["article"]] for m in f["mentions"]}]
        assert {names[m["article"]] for m in family["mentions"]} == set(gold["mentions"])
        assert {"drift", "primary_mismatch", "unattributed"} <= set(family["flags"])
        assert family["primary_source"]["in_corpus"] is True
        assert family["primary_source"]["kb_id"] == "study-economies-open-intelligence"
        published = {a["id"]: a["published"] for a in demo_report["articles"]}
        for mention in family["mentions"]:
            doc = names[mention["article"]]
            if doc.startswith("04"):
                # The aggregator copy names no source. It inherits one from an earlier article of its story
                # that states the figure with a source: one the gold lists for that figure.
                [want] = [u for u in demo_gold["unattributed_mentions"]
                          if u["file"] == doc and u["figure"] == gold_id]
                source = mention["attribution"]
                assert source is not None and source["inferred"] is True
                assert names[source["via"]] in want["inferred_via"]
                assert published[source["via"]][:10] <= published[mention["article"]][:10]
                assert "inferred_attribution" in family["flags"]
            if doc.startswith("11"):
                assert mention["attribution"] is None  # a standalone roundup has no cluster to infer from


def test_demo_same_number_different_quantity_stays_apart(demo_report: dict) -> None:
    names = stems(demo_report)
    seventeen = families(demo_report, 17, "percent", tolerance=0.2)  # the study says 17.1
    pew = [f for f in seventeen if any(names[m["article"]].startswith("10") for m in f["mentions"])]
    downloads = [f for f in seventeen if any(names[m["article"]].startswith("02") for m in f["mentions"])]
    assert pew and downloads
    assert not {f["id"] for f in pew} & {f["id"] for f in downloads}


def test_demo_conflicts_match_gold(demo_report: dict, demo_gold: dict) -> None:
    names = stems(demo_report)
    found = {frozenset((names[v["article"]], v["text"]) for v in c["values"]) for c in demo_report["conflicts"]}
    for gold in demo_gold["conflicts"]:
        want = frozenset(gold["values"].items())
        assert want in found, gold["what"]
    assert len(demo_report["conflicts"]) == len(demo_gold["conflicts"])


def test_demo_first_seen_per_cluster_is_the_earliest_date(demo_report: dict) -> None:
    # Only stated dates decide first seen; estimates (URL path, body text) never do.
    dates = {a["id"]: a["published"] for a in demo_report["articles"] if not a.get("date_estimated")}
    for cluster in demo_report["clusters"]:
        known = [dates[a] for a in cluster["articles"] if dates.get(a)]
        if known:
            assert cluster["first_seen"]["date"] == min(known) and not cluster["first_seen"]["estimated"]


def test_demo_auto_generated(demo_report: dict, demo_gold: dict) -> None:
    names = stems(demo_report)
    got = sorted(names[a["id"]] for a in demo_report["articles"] if a["auto_generated"])
    assert got == sorted(demo_gold["auto_generated"])


# -- the clusters cache ---------------------------------------------------------------------


def test_unchanged_corpus_reuses_cached_clusters(seeds_run: tuple[Path, dict], monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    import shutil

    import newstrace.provenance.backends as backends

    db = tmp_path / "copy.db"
    shutil.copy(seeds_run[0], db)

    def must_not_cluster(*args: object, **kwargs: object) -> None:
        raise AssertionError("clustered again although nothing changed")

    monkeypatch.setattr(backends, "cluster", must_not_cluster)
    with Store.open(db) as store:
        again = analyse(store)[0].to_dict()
    assert again["clusters"] == seeds_run[1]["clusters"]
    assert [f["id"] for f in again["figures"]] == [f["id"] for f in seeds_run[1]["figures"]]


def test_changed_text_or_options_cluster_again(seeds_run: tuple[Path, dict]) -> None:
    from dataclasses import replace

    from newstrace.provenance.cluster import ClusterOptions
    from newstrace.provenance.coverage import clustering_key, load_corpus

    with Store.open(seeds_run[0]) as store:
        corpus = load_corpus(store)
    key = clustering_key(corpus, ClusterOptions())
    assert clustering_key(corpus, ClusterOptions()) == key
    assert clustering_key(corpus, ClusterOptions(rewrite_cosine=0.7)) != key
    first = sorted(corpus.annotations)[0]
    edited = replace(corpus, articles={**corpus.articles,
                                       first: replace(corpus.articles[first], text=corpus.articles[first].text + " More.")})
    assert clustering_key(edited, ClusterOptions()) != key


def test_cluster_view_matches_the_report_clusters(seeds_run: tuple[Path, dict]) -> None:
    from newstrace.provenance.report import cluster_view

    with Store.open(seeds_run[0]) as store:
        assert cluster_view(store) == seeds_run[1]["clusters"]


def test_articles_extract_skipped_are_still_clustered_by_text(tmp_path: Path) -> None:
    from newstrace.provenance.report import cluster_view

    # Dutch: a language extract has no reader for (German now goes through extract/multilingual.py).
    body = ("De regering heeft dinsdag een nieuw rapport over open taalmodellen gepresenteerd. "
            "Volgens de cijfers van het onderzoek komen de meeste downloads inmiddels van ontwikkelaars uit "
            "China, terwijl Amerikaanse bedrijven duidelijk marktaandeel hebben verloren. De auteurs schrijven "
            "dat deze trend vorig jaar is versneld en dat kleinere laboratoria daarvan profiteren. Deskundigen "
            "in Amsterdam en Utrecht zien er een kans in voor Europese aanbieders die hun eigen modellen open "
            "willen publiceren, maar waarschuwen voor te hoge verwachtingen van de subsidies.")
    (tmp_path / "a.txt").write_text("Nieuw rapport over open modellen\n\n" + body + "\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Rapport: China leidt bij open modellen\n\n" + body
                                    + "\nDit artikel verscheen eerst in onze ochtendeditie.\n", encoding="utf-8")
    db = tmp_path / "c.db"
    with Store.open(db) as store:
        ingest(expand_sources([str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]), store)
        summary = extract_corpus(store, ExtractOptions())
        assert summary.annotated == 0 and summary.skipped == 2  # Dutch: no reader runs on it
        clusters = [c for c in cluster_view(store) if len(c["articles"]) > 1]
    assert len(clusters) == 1 and len(clusters[0]["articles"]) == 2


def test_demo_sources_are_never_inferred_via_the_article_itself_or_a_later_one(demo_report: dict) -> None:
    published = {a["id"]: a["published"] for a in demo_report["articles"]}
    estimated = {a["id"] for a in demo_report["articles"] if a.get("date_estimated")}
    seen = 0
    for family in demo_report["figures"]:
        for mention in family["mentions"]:
            source = mention["attribution"]
            if not source or not source["inferred"] or not source["via"]:
                continue
            seen += 1
            assert source["via"] != mention["article"]
            mine, theirs = published.get(mention["article"]), published.get(source["via"])
            if mine and theirs and not {mention["article"], source["via"]} & estimated:
                assert theirs[:10] <= mine[:10], (mention["article"], source["via"])
    assert seen  # the demo does infer sources through its clusters


def test_demo_chains_end_at_a_registry_source_that_says_where_it_comes_from(demo_report: dict) -> None:
    ends = [m["chain"][-1] for f in demo_report["figures"] for m in f["mentions"]
            if m["attribution"] and len(m["chain"]) > 1]
    assert ends and all(step.get("origin") in ("kb", "corpus", "primary_document") for step in ends)
    for family in demo_report["figures"]:
        for mention in family["mentions"]:
            if mention["attribution"]:
                assert mention["attribution"]["source_id"] == mention["chain"][-1]["id"] or \
                    mention["chain"][-1]["kind"] in ("article", "primary") or \
                    any(s["id"] == mention["attribution"]["source_id"] for s in mention["chain"])


def test_every_family_carries_its_verdict_in_the_json(seeds_report: dict) -> None:
    from newstrace.provenance.render_md import render_markdown
    from newstrace.provenance.views import report_view

    page = render_markdown(report_view(seeds_report))
    for family in seeds_report["figures"]:
        verdict = family["verdict"]
        assert verdict["retellings"] >= verdict["match"] + verdict["rounded"]
        # The views print the sentence the JSON carries, so the formats cannot disagree.
        assert f"**Verdict.** {verdict['sentence']}" in page.replace("\\", "")
