"""Exports for annotation tools (doccano, Label Studio, Prodigy/spaCy) and the attributed GraphML.

The demo corpus is ingested, extracted and analysed once per module (real models); each format is
then read back the way its tool reads it, and checked against the stored texts and annotations.
"""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest

from newstrace.corpus.ingest import IngestOptions, expand_sources, ingest
from newstrace.corpus.store import Store
from newstrace.extract.pipeline import ExtractOptions, extract_corpus
from newstrace.provenance.annotation_formats import (GROUP_ENTITIES, annotation_spans, doccano_lines, label_studio_chunks,
                                           label_studio_config, prodigy_lines, span_group, spacy_doc, tasks,
                                           tokenize, Span)
from newstrace.provenance.export import graphml
from newstrace.provenance.report import ProvenanceOptions, analyse

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "data" / "demo"
DEMO_KB = (DEMO / "kb.yaml",)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("exp") / "c.db"
    with Store.open(db) as store:
        ingest(expand_sources([str(DEMO / "primary")]), store, IngestOptions(primary=True))
        summary = ingest(expand_sources([str(DEMO)]), store)
        assert summary.failed == 0, summary.failures
        extract_corpus(store, ExtractOptions(kb_paths=DEMO_KB))
        report, corpus = analyse(store, ProvenanceOptions(kb_paths=DEMO_KB))
    return report, corpus, db


# -- unit level: my own sentences, no models beyond spaCy's rule tokenizer -------------------------


def test_tokens_split_at_span_edges_and_rebuild_the_text() -> None:
    text = "Output rose to $4bn in 2024,  said the ministry.\n\nWages fell 3%."
    inside = text.index("4bn")
    spans = [Span(inside, inside + 3, "STAT_USD"), Span(text.index("3%"), text.index("3%") + 2, "STAT_PERCENT")]
    tokens = tokenize(text, "en", spans)
    assert "".join(t["text"] + (" " if t["ws"] else "") for t in tokens) == text
    assert [t["id"] for t in tokens] == list(range(len(tokens)))
    starts, ends = {t["start"] for t in tokens}, {t["end"] for t in tokens}
    for span in spans:
        assert span.start in starts and span.end in ends
    assert all(text[t["start"]:t["end"]] == t["text"] for t in tokens)


def test_an_unknown_language_falls_back_to_the_multilingual_tokenizer() -> None:
    tokens = tokenize("Die Stromkosten stiegen um 12 Prozent.", "no-such-language")
    assert [t["text"] for t in tokens][:3] == ["Die", "Stromkosten", "stiegen"]


def test_label_groups_keep_statistics_sources_quotes_claims_apart() -> None:
    assert span_group("ORG") == GROUP_ENTITIES
    assert {span_group(x) for x in ("STAT_PERCENT", "SOURCE", "QUOTE", "CLAIM")} == {
        "statistics", "sources", "quotes", "claims"}


def test_label_studio_config_is_xml_naming_every_label() -> None:
    root = ElementTree.fromstring(label_studio_config(["ORG", "STAT_PERCENT", 'A"B']))
    assert [l.get("value") for l in root.iter("Label")] == ['A"B', "ORG", "STAT_PERCENT"]
    assert root.find("Text").get("name") == root.find("Labels").get("toName")


# -- the demo corpus through every format ----------------------------------------------------------


@pytest.mark.slow
def test_spans_cover_statistics_sources_quotes_and_claims(demo) -> None:
    report, corpus, _db = demo
    labels = {s.label for task in tasks(report, corpus) for s in task.spans}
    assert {"SOURCE", "QUOTE", "CLAIM"} <= labels
    assert any(label.startswith("STAT_") for label in labels)
    stats = sum(len(a.statistics) for a in corpus.annotations.values())
    assert sum(1 for t in tasks(report, corpus) for s in t.spans if s.label.startswith("STAT_")) == stats


@pytest.mark.slow
def test_doccano_jsonl_labels_index_the_text(demo) -> None:
    report, corpus, _db = demo
    lines = [json.loads(line) for line in doccano_lines(tasks(report, corpus))]
    assert len(lines) == sum(1 for a in corpus.articles.values() if a.text)
    for line in lines:
        assert set(line) >= {"text", "label"}
        assert line["text"] == corpus.articles[line["article_id"]].text
        for start, end, label in line["label"]:
            assert isinstance(label, str) and 0 <= start < end <= len(line["text"])
            assert line["text"][start:end].strip() == line["text"][start:end]
    assert sum(len(line["label"]) for line in lines) > len(lines)


@pytest.mark.slow
def test_label_studio_tasks_carry_predictions_in_its_shape(demo) -> None:
    report, corpus, _db = demo
    data = json.loads("".join(label_studio_chunks(tasks(report, corpus))))
    assert isinstance(data, list) and data
    config = ElementTree.fromstring(label_studio_config(
        r["value"]["labels"][0] for task in data for p in task["predictions"] for r in p["result"]))
    known = {l.get("value") for l in config.iter("Label")}
    for task in data:
        text = task["data"]["text"]
        (prediction,) = task["predictions"]
        assert prediction["model_version"].startswith("newstrace ")
        ids = [r["id"] for r in prediction["result"]]
        assert len(ids) == len(set(ids))
        for result in prediction["result"]:
            assert (result["from_name"], result["to_name"], result["type"]) == ("label", "text", "labels")
            value = result["value"]
            assert text[value["start"]:value["end"]] == value["text"] and value["labels"][0] in known


@pytest.mark.slow
def test_prodigy_export_builds_spacy_docs_with_span_groups(demo) -> None:
    import spacy
    from spacy.tokens import Doc, Span as SpacySpan

    report, corpus, _db = demo
    vocab = spacy.blank("en").vocab
    lines = [json.loads(line) for line in prodigy_lines(tasks(report, corpus))]
    assert len(lines) >= 14
    overlapping = 0
    for line in lines:
        text = line["text"]
        tokens = line["tokens"]
        assert [t["id"] for t in tokens] == list(range(len(tokens)))
        for span in line["spans"]:
            assert tokens[span["token_start"]]["start"] == span["start"]
            assert tokens[span["token_end"]]["end"] == span["end"]
            assert text[span["start"]:span["end"]] == span["text"]
        doc = spacy_doc(line, vocab)
        assert doc.text == text
        in_groups = {(s.start_char, s.end_char, s.label_) for group in doc.spans.values() for s in group}
        assert in_groups == {(s["start"], s["end"], s["label"]) for s in line["spans"]}
        ents = [(e.start, e.end) for e in doc.ents]
        assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(ents, ents[1:]))
        assert {(e.start_char, e.end_char, e.label_) for e in doc.ents} <= in_groups
        # Every span in doc.ents at once is what spaCy refuses (E1010) whenever spans overlap.
        naive = Doc(vocab, words=[t["text"] for t in tokens], spaces=[t["ws"] for t in tokens])
        try:
            naive.ents = [SpacySpan(naive, s["token_start"], s["token_end"] + 1, label=s["label"])
                          for s in line["spans"]]
        except ValueError:
            overlapping += 1
    assert overlapping > 0  # the demo has overlapping spans, so the span groups are needed


@pytest.mark.slow
def test_inferred_sources_are_not_spans(demo) -> None:
    report, corpus, _db = demo
    inferred = [(aid, s.attribution) for aid, ann in corpus.annotations.items() for s in ann.statistics
                if s.attribution is not None and s.attribution.inferred]
    for aid, attribution in inferred:
        spans = annotation_spans(corpus.annotations[aid], corpus.articles[aid].text)
        assert Span(attribution.start, attribution.end, "SOURCE") not in spans


# -- GraphML with the attributes Gephi and networkx users filter on -------------------------------


def _read_graphml(text: str, path: Path):
    """networkx when installed (what users load it with), else the same attributes through xml.etree."""
    path.write_text(text, encoding="utf-8")
    try:
        import networkx
    except ImportError:
        networkx = None
    if networkx is not None:
        graph = networkx.read_graphml(path)
        return dict(graph.nodes(data=True)), [(a, b, d) for a, b, d in graph.edges(data=True)]
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ElementTree.parse(path).getroot()
    keys = {k.get("id"): (k.get("attr.name"), k.get("attr.type")) for k in root.findall("g:key", ns)}
    cast = {"double": float, "int": int, "boolean": lambda v: v == "true", "string": str}

    def data(element):
        return {keys[d.get("key")][0]: cast[keys[d.get("key")][1]](d.text or "") for d in element.findall("g:data", ns)}

    nodes = {n.get("id"): data(n) for n in root.iter("{%s}node" % ns["g"])}
    return nodes, [(e.get("source"), e.get("target"), data(e)) for e in root.iter("{%s}edge" % ns["g"])]


@pytest.mark.slow
def test_graphml_nodes_and_edges_carry_filterable_attributes(demo, tmp_path: Path) -> None:
    report, corpus, _db = demo
    nodes, edges = _read_graphml(graphml(report), tmp_path / "g.graphml")
    for row in report.articles:
        node = nodes[f"article:{row['id']}"]
        for attr, field in (("url", "url"), ("outlet", "outlet"), ("date", "published"), ("cluster", "cluster")):
            assert node.get(attr) == row[field]
    assert any(n.get("cluster") for n in nodes.values())
    families = {f"family:{f.id}": f for f in report.figures}
    assert families and set(families) <= set(nodes)
    for node_id, family in families.items():
        assert nodes[node_id]["kind"] == "figure_family"
        assert nodes[node_id]["value"] == pytest.approx(family.value) and nodes[node_id]["unit"] == family.unit
    states = [(a, b, d) for a, b, d in edges if d.get("kind") == "states"]
    assert {(m.article, f"family:{f.id}") for f in report.figures for m in f.mentions} == {
        (a.removeprefix("article:"), b) for a, b, _ in states}
    assert all(isinstance(d["value"], float) and d["unit"] for _, _, d in states)
    inferred = [d for _, _, d in states if "inferred" in d]
    assert inferred and all(isinstance(d["inferred"], bool) for d in inferred)
    assert any(d.get("cue") for _, _, d in states)
    primaries = {b for a, b, d in edges if d.get("kind") == "primary_source"}
    expected = {f.primary_source.source_id for f in report.figures if f.primary_source} - {None}
    assert primaries and expected <= primaries
    assert all(nodes[p].get("primary_source") is True for p in primaries)
    # Every edge joins declared nodes: Gephi would otherwise invent bare ones.
    assert all(a in nodes and b in nodes for a, b, _ in edges)


@pytest.mark.parametrize("reader", ["networkx", "etree"])
def test_graphml_without_figures_is_still_valid_graphml(tmp_path: Path, reader: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from newstrace.provenance.records import GraphEdge, GraphNode, Report

    if reader == "etree":
        monkeypatch.setitem(sys.modules, "networkx", None)  # `import networkx` now raises ImportError

    report = Report(articles=({"id": "a1", "url": "https://health.test/flu", "outlet": "Health Desk",
                               "published": "2025-01-03", "cluster": None, "title": "Flu season <early>"},),
                    clusters=(), figures=(), quotes=(), conflicts=(),
                    nodes=(GraphNode("article:a1", "article", "Flu season <early>"),
                           GraphNode("kb:who", "organization", "A & B Institute")),
                    edges=(GraphEdge("article:a1", "kb:who", "names_source"),))
    nodes, edges = _read_graphml(graphml(report), tmp_path / "g.graphml")
    assert nodes["article:a1"]["label"] == "Flu season <early>" and nodes["article:a1"]["outlet"] == "Health Desk"
    assert "cluster" not in nodes["article:a1"]  # absent, never the string "None"
    assert nodes["kb:who"]["label"] == "A & B Institute"
    assert [(a, b, d["kind"]) for a, b, d in edges] == [("article:a1", "kb:who", "names_source")]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["doccano", "label-studio", "prodigy"])
def test_cli_export_writes_each_annotation_format(demo, tmp_path: Path, fmt: str) -> None:
    from click.testing import CliRunner

    import newstrace.cli as cli_module

    report, corpus, db = demo
    out = tmp_path / f"tasks.{fmt}"
    result = CliRunner().invoke(cli_module.cli, ["--db", str(db), "export", "--format", fmt, "--kb",
                                                 str(DEMO_KB[0]), "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    records = json.loads(text) if fmt == "label-studio" else [json.loads(l) for l in text.splitlines()]
    texts = {a.text for a in corpus.articles.values() if a.text}
    got = {r["data"]["text"] if fmt == "label-studio" else r["text"] for r in records}
    assert got == texts


def test_an_edited_span_is_refused_not_counted_unchanged(demo, tmp_path: Path) -> None:
    # Issue 16: importing edited spans was "0 imported, N unchanged"; until span edits are imported as
    # human annotations, the edit must be a line-numbered rejection and the store must stay as it was.
    from newstrace.provenance.export import jsonl_lines
    from newstrace.provenance.jsonl_import import InvalidJSONL, import_jsonl

    report, corpus, db = demo
    lines = list(jsonl_lines(report, corpus))
    same = tmp_path / "same.jsonl"
    same.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Store.open(db) as store:
        assert import_jsonl(same, store).imported == 0
    number, row = next((n, json.loads(line)) for n, line in enumerate(lines, 1)
                       if any(s["label"].startswith("STAT_") for s in json.loads(line)["spans"]))
    span = next(s for s in row["spans"] if s["label"].startswith("STAT_"))
    span["label"] = "STAT_EDITED_BY_HAND"
    lines[number - 1] = json.dumps(row)
    edited = tmp_path / "edited.jsonl"
    edited.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Store.open(db) as store:
        with pytest.raises(InvalidJSONL, match=rf"line {number}: spans differ from annotations"):
            import_jsonl(edited, store)
