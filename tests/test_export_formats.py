"""Exports for annotation tools (doccano, Label Studio, Prodigy/spaCy) and the attributed GraphML.

The demo corpus, ingested and extracted once per test run (real models, tests/conftest.py), is analysed
once per module; each format is then read back the way its tool reads it, and checked against the stored
texts and annotations.
"""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest

from newstrace.corpus.store import Store
from newstrace.provenance.annotation_formats import (
    GROUP_ENTITIES,
    Span,
    annotation_spans,
    doccano_lines,
    label_studio_chunks,
    label_studio_config,
    prodigy_lines,
    spacy_doc,
    span_group,
    tasks,
    tokenize,
)
from newstrace.provenance.export import graphml
from newstrace.provenance.report import ProvenanceOptions, analyse

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "data" / "demo"
DEMO_KB = (DEMO / "kb.yaml",)


@pytest.fixture(scope="module")
def demo(demo_extracted: Path):
    # The run's shared extraction of the demo (tests/conftest.py); a test that writes copies it.
    with Store.open(demo_extracted) as store:
        report, corpus = analyse(store, ProvenanceOptions(kb_paths=DEMO_KB))
    return report, corpus, demo_extracted


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
    assert [label.get("value") for label in root.iter("Label")] == ['A"B', "ORG", "STAT_PERCENT"]
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
    known = {label.get("value") for label in config.iter("Label")}
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
    from spacy.tokens import Doc
    from spacy.tokens import Span as SpacySpan

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

    nodes = {n.get("id"): data(n) for n in root.iter(f"{{{ns['g']}}}node")}
    return nodes, [(e.get("source"), e.get("target"), data(e)) for e in root.iter(f"{{{ns['g']}}}edge")]


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
        assert nodes[node_id].get("date") == (family.first_seen or {}).get("date")
        assert nodes[node_id].get("period") == family.period and nodes[node_id].get("measure") == family.measure
        stories = {next(r["cluster"] for r in report.articles if r["id"] == m.article) for m in family.mentions}
        assert nodes[node_id].get("cluster") == (stories.pop() if len(stories) == 1 else None)
    assert all(nodes[f"article:{r['id']}"].get("title") == r["title"] for r in report.articles if r["title"])
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
    records = json.loads(text) if fmt == "label-studio" else [json.loads(line) for line in text.splitlines()]
    texts = {a.text for a in corpus.articles.values() if a.text}
    got = {r["data"]["text"] if fmt == "label-studio" else r["text"] for r in records}
    assert got == texts


def test_an_edited_statistic_span_in_jsonl_is_imported_as_a_correction(demo, tmp_path: Path) -> None:
    # Issue 16: importing edited spans was "0 imported, N unchanged"; now an edited statistic is a correction.
    from newstrace.provenance.export import jsonl_lines
    from newstrace.provenance.jsonl_import import InvalidJSONL, import_jsonl
    from tests.shared_stores import copy_store

    report, corpus, shared_db = demo
    db = copy_store(shared_db, tmp_path)
    lines = list(jsonl_lines(report, corpus))
    same = tmp_path / "same.jsonl"
    same.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Store.open(db) as store:
        assert import_jsonl(same, store).imported == 0
    # An entity's label edited alone corrects nothing the report uses: not a correction.
    entity_lines = list(lines)
    at, entity_row = next((n, json.loads(line)) for n, line in enumerate(lines)
                          if any(s["label"] == "ORG" for s in json.loads(line)["spans"]))
    next(s for s in entity_row["spans"] if s["label"] == "ORG")["label"] = "PERSON"
    entity_lines[at] = json.dumps(entity_row)
    entity_only = tmp_path / "entity.jsonl"
    entity_only.write_text("\n".join(entity_lines) + "\n", encoding="utf-8")
    with Store.open(db) as store:
        assert (import_jsonl(entity_only, store).imported, store.human_annotations()) == (0, {})
    number, row = next((n, json.loads(line)) for n, line in enumerate(lines, 1)
                       if any(s["label"] == "STAT_PERCENT" for s in json.loads(line)["spans"]))
    span = next(s for s in row["spans"] if s["label"] == "STAT_PERCENT")
    span["label"] = "STAT_RATIO"
    lines[number - 1] = json.dumps(row)
    edited = tmp_path / "edited.jsonl"
    edited.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Store.open(db) as store:
        result = import_jsonl(edited, store)
        assert (result.imported, result.unchanged) == (1, len(lines) - 1)
        assert import_jsonl(edited, store).imported == 0  # the same correction again changes nothing
        report2, corpus2 = analyse(store, ProvenanceOptions(kb_paths=DEMO_KB))
    stats = corpus2.annotations[row["id"]].statistics
    assert [s.unit for s in stats if (s.start, s.end) == (span["start"], span["end"])] == ["ratio"]
    span["label"] = "STAT_NOT_A_UNIT"
    lines[number - 1] = json.dumps(row)
    edited.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Store.open(db) as store:
        with pytest.raises(InvalidJSONL, match=rf"line {number}: label 'STAT_NOT_A_UNIT' .* names no unit"):
            import_jsonl(edited, store)


# -- corrections made in each tool, end to end on a small store of my own articles -----------------

FLU = ("Flu admissions climb as winter sets in\n\n"
       "Northfield, 12 January 2026 - Hospital admissions for influenza rose 14% in the first week of January, "
       "the Northfield Health Board said on Monday, citing figures from the National Health Agency.\n\n"
       "The board said 2,300 beds were occupied across the region, up from 1,900 a year earlier. Doctors urged "
       "older residents to get vaccinated before the peak.\n")
GRID = ("Wind output sets a record on the eastern grid\n\n"
        "Eastport, 3 February 2026 - Wind farms supplied 41% of the eastern grid's electricity in January, "
        "according to the Eastern Grid Operator. Coal's share fell to 9%, the operator's monthly bulletin showed.\n\n"
        "Analysts at Harbour Energy Research said the figure would climb further as new turbines connect this "
        "spring.\n")


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.shared_stores import extracted_store

    folder = tmp_path_factory.mktemp("mini")
    (folder / "flu.txt").write_text(FLU, encoding="utf-8")
    (folder / "grid.txt").write_text(GRID, encoding="utf-8")
    return extracted_store(folder / "c.db", [str(folder / "flu.txt"), str(folder / "grid.txt")], [], ())


def _run(db: Path, *args: str) -> str:
    from click.testing import CliRunner

    import newstrace.cli as cli_module

    result = CliRunner().invoke(cli_module.cli, ["--db", str(db), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _read_tool_file(path: Path, fmt: str) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if fmt == "label-studio" else [json.loads(line) for line in text.splitlines()]


def _tool_spans(record: dict, fmt: str) -> tuple[str, list[Span]]:
    if fmt == "doccano":
        return record["text"], [Span(a, b, label) for a, b, label in record["label"]]
    if fmt == "prodigy":
        return record["text"], [Span(s["start"], s["end"], s["label"]) for s in record["spans"]]
    results = record["predictions"][0]["result"]
    return record["data"]["text"], [Span(r["value"]["start"], r["value"]["end"], r["value"]["labels"][0])
                                    for r in results]


def _as_person_saves_it(record: dict, fmt: str, spans: list[Span]) -> dict:
    """The record as the tool exports it after a person's edits, in that tool's own shape."""
    text = _tool_spans(record, fmt)[0]
    if fmt == "doccano":
        # doccano numbers tasks itself and keeps our keys as metadata beside `label`.
        return {**record, "id": 7, "label": [[s.start, s.end, s.label] for s in spans]}
    if fmt == "prodigy":
        tokens = tokenize(text, "en", spans)
        first, last = {t["start"]: t["id"] for t in tokens}, {t["end"]: t["id"] for t in tokens}
        return {**record, "tokens": tokens, "answer": "accept",
                "spans": [{"start": s.start, "end": s.end, "label": s.label, "text": text[s.start:s.end],
                           "token_start": first[s.start], "token_end": last[s.end]} for s in spans]}
    result = [{"id": f"h{i}", "from_name": "label", "to_name": "text", "type": "labels",
               "value": {"start": s.start, "end": s.end, "text": text[s.start:s.end], "labels": [s.label]}}
              for i, s in enumerate(spans)]
    return {**record, "annotations": [{"id": 1, "was_cancelled": False, "result": result}]}


def _span_at(text: str, spans: list[Span], words: str, prefix: str) -> Span:
    found = [s for s in spans if text[s.start:s.end] == words and s.label.startswith(prefix)]
    assert found, f"extract no longer finds {prefix} {words!r}: {[(text[s.start:s.end], s.label) for s in spans]}"
    return found[0]


def _sentence_source(text: str, spans: list[Span], stat: Span) -> Span:
    start = text.rfind(".", 0, stat.start) + 1
    end = text.find(".", stat.end)
    found = [s for s in spans if s.label == "SOURCE" and start <= s.start and s.end <= end]
    assert found, "extract gave this statistic no source span to correct"
    return found[0]


def _edit(text: str, spans: list[Span]) -> list[Span]:
    """A person's corrections: the flu rise comes from the national agency (the board only relayed it), the
    prior-year bed count is dropped, and the wind share's source is the whole operator's name."""
    out = set(spans)
    if "influenza" in text:
        rise = _span_at(text, spans, "14%", "STAT_")
        out.discard(_sentence_source(text, spans, rise))
        agency = text.index("the National Health Agency")
        out.add(Span(agency, agency + len("the National Health Agency"), "SOURCE"))
        out.discard(_span_at(text, spans, "1,900", "STAT_"))
    else:
        share = _span_at(text, spans, "41%", "STAT_")
        out.discard(_sentence_source(text, spans, share))
        operator = text.index("the Eastern Grid Operator")
        out.add(Span(operator, operator + len("the Eastern Grid Operator"), "SOURCE"))
    return sorted(out, key=lambda s: (s.start, -s.end, s.label))


def _mentions(db: Path) -> dict[tuple[str, str], dict]:
    data = json.loads(_run(db, "report", "--format", "json"))
    titles = {a["id"]: a["title"] for a in data["articles"]}
    return {(titles[m["article"]].split()[0], m["text"]): m for f in data["figures"] for m in f["mentions"]}


def _check_corrected(db: Path) -> None:
    mentions = _mentions(db)
    assert "National Health Agency" in mentions[("Flu", "14%")]["attribution"]["name"]
    assert ("Flu", "1,900") not in mentions
    assert ("Flu", "2,300") in mentions  # what the person left alone stays
    assert "Eastern Grid Operator" in mentions[("Wind", "41%")]["attribution"]["name"]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["doccano", "label-studio", "prodigy"])
def test_corrections_from_each_tool_replace_extract_and_survive_reextraction(mini: Path, tmp_path: Path,
                                                                           fmt: str) -> None:
    from tests.shared_stores import copy_store

    db = copy_store(mini, tmp_path)
    exported = tmp_path / f"tasks.{fmt}"
    _run(db, "export", "--format", fmt, "-o", str(exported))
    # Our own export imports back as it is: nothing to correct.
    assert "0 imported, 2 unchanged, 0 rejected" in _run(db, "import", str(exported))
    before = _mentions(db)
    assert ("Flu", "1,900") in before and "National Health Agency" not in before[("Flu", "14%")]["attribution"]["name"]

    records = [_as_person_saves_it(r, fmt, _edit(*_tool_spans(r, fmt))) for r in _read_tool_file(exported, fmt)]
    edited = tmp_path / f"edited.{fmt}"
    edited.write_text(json.dumps(records) if fmt == "label-studio"
                      else "".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert "2 imported, 0 unchanged, 0 rejected" in _run(db, "import", str(edited))
    _check_corrected(db)
    assert "0 imported, 2 unchanged" in _run(db, "import", str(edited))  # importing it twice changes nothing

    _run(db, "extract", "--force")
    _check_corrected(db)

    # The corrections are marked as a person's, in the store and in the report database.
    with Store.open(db) as store:
        stored = store.human_annotations()
    assert len(stored) == 2 and {origin for _hash, origin, _data in stored.values()} == {fmt}
    out = tmp_path / "report.db"
    _run(db, "export", "--format", "sqlite", "-o", str(out))
    import sqlite3

    with sqlite3.connect(out) as conn:
        human = set(conn.execute("SELECT text FROM mentions WHERE human"))
        annotated = conn.execute("SELECT count(*) FROM articles WHERE human_annotated").fetchone()[0]
    assert {("14%",), ("41%",)} <= human and ("2,300",) not in human and annotated == 2
    graph = tmp_path / "g.graphml"
    _run(db, "export", "--format", "graphml", "-o", str(graph))
    _nodes, edges = _read_graphml(graph.read_text(encoding="utf-8"), graph)
    states = {d["text"]: d for _a, _b, d in edges if d.get("kind") == "states"}
    assert states["14%"]["human"] is True and states["2,300"]["human"] is False
    assert "National Health Agency" in states["14%"]["source_name"]

    # A new export shows the corrected spans, and importing it back is a no-op.
    again = tmp_path / f"again.{fmt}"
    _run(db, "export", "--format", fmt, "-o", str(again))
    flu = next(r for r in _read_tool_file(again, fmt) if "influenza" in _tool_spans(r, fmt)[0])
    text, spans = _tool_spans(flu, fmt)
    assert "1,900" not in {text[s.start:s.end] for s in spans if s.label.startswith("STAT_")}
    assert "the National Health Agency" in {text[s.start:s.end] for s in spans if s.label == "SOURCE"}
    assert "0 imported, 2 unchanged" in _run(db, "import", str(again))


@pytest.mark.slow
def test_a_tool_file_that_lost_our_ids_finds_articles_by_text_and_bad_tasks_are_refused(mini: Path,
                                                                                       tmp_path: Path) -> None:
    from newstrace.provenance.jsonl_import import InvalidJSONL, import_file
    from tests.shared_stores import copy_store

    db = copy_store(mini, tmp_path)
    exported = tmp_path / "tasks.jsonl"
    _run(db, "export", "--format", "doccano", "-o", str(exported))
    records = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    plain = [{"id": n, "text": r["text"], "label": [[s.start, s.end, s.label] for s in _edit(*_tool_spans(r, "doccano"))]}
             for n, r in enumerate(records, 1)]
    edited = tmp_path / "plain.jsonl"
    edited.write_text("".join(json.dumps(r) + "\n" for r in plain), encoding="utf-8")
    with Store.open(db) as store:
        assert import_file(edited, store).imported == 2  # detected as doccano, matched by text
    _check_corrected(db)
    # Our JSONL carries the corrections to another store, where they outlive a re-extraction too.
    moved = tmp_path / "moved.jsonl"
    _run(db, "export", "--format", "jsonl", "-o", str(moved))
    (tmp_path / "other").mkdir()
    other = tmp_path / "other" / "c.db"
    assert "2 imported" in _run(other, "import", str(moved))
    _run(other, "extract", "--force")
    _check_corrected(other)

    bad = [dict(plain[0], text=plain[0]["text"].replace("influenza", "measles")),
           dict(plain[1], label=plain[1]["label"] + [[0, 4, "STAT_FURLONGS"]])]
    edited.write_text("".join(json.dumps(r) + "\n" for r in bad), encoding="utf-8")
    with Store.open(db) as store:
        with pytest.raises(InvalidJSONL) as caught:
            import_file(edited, store, fmt="doccano")
    assert caught.value.problems[0].startswith("line 1: no article_id and no stored article has this text")
    assert caught.value.problems[1].startswith("line 2: label 'STAT_FURLONGS'")


# -- applying a correction, on annotations built by hand (no models) -------------------------------


def test_apply_correction_keeps_replaces_adds_and_drops() -> None:
    from newstrace.extract.records import Annotations, Attribution, Claim, Statistic
    from newstrace.provenance.human_annotations import HUMAN_KEY, Correction, apply_correction, human_spans

    text = ("Unemployment fell to 4.1% in March, the statistics office said. Two factories closed. "
            "Wages rose 3 percent, the union estimated.")
    office = text.index("the statistics office")
    union = text.index("the union")
    s1 = text.index("4.1%")
    s3 = text.index("3 percent")
    first = (0, text.index(". Two") + 1)
    second = (first[1] + 1, text.index("Wages") - 1)
    third = (text.index("Wages"), len(text))
    ann = Annotations(
        article_id="a1", pipeline_version="test", sentences=(first, second, third),
        statistics=(
            Statistic(s1, s1 + 4, "4.1%", 4.1, "percent", sentence_start=first[0], sentence_end=first[1],
                      measure="unemployment rate",
                      attribution=Attribution("the statistics office", "organization", "said", office,
                                              office + len("the statistics office"))),
            Statistic(s3, s3 + 1, "3", 3.0, "count", sentence_start=third[0], sentence_end=third[1],
                      measure="wages", attribution=Attribution("Labour Ministry", None, "", -1, -1, inferred=True))),
        claims=(Claim(third[0], third[1], text[third[0]:third[1]], "statistic", 0.9, statistics=(1,)),))
    correction = Correction.from_spans([
        Span(s1, s1 + 4, "STAT_PERCENT"),  # kept, but its source span was deleted
        Span(s3, s3 + len("3 percent"), "STAT_PERCENT"),  # a corrected boundary and unit
        Span(second[0], second[0] + 3, "STAT_COUNT"),  # "Two": a figure extract missed
        Span(union, union + len("the union"), "SOURCE"),
    ])
    corrected, origins = apply_correction(ann, text, correction, "doccano")
    by_text = {s.text: s for s in corrected.statistics}
    assert set(by_text) == {"4.1%", "3 percent", "Two"}
    assert by_text["4.1%"].attribution is None and by_text["4.1%"].measure == "unemployment rate"
    assert (by_text["3 percent"].value, by_text["3 percent"].unit, by_text["3 percent"].measure) == (3.0, "percent", "wages")
    assert by_text["3 percent"].attribution.name == "the union" and not by_text["3 percent"].attribution.inferred
    assert (by_text["Two"].value, by_text["Two"].unit, by_text["Two"].attribution) == (2.0, "count", None)
    assert (by_text["Two"].sentence_start, by_text["Two"].sentence_end) == second
    assert origins == [0, None, 1]
    # The claim that held the old "3" now holds its corrected statistic.
    assert [corrected.statistics[i].text for i in corrected.claims[0].statistics] == ["3 percent"]
    assert corrected.extra[HUMAN_KEY]["origin"] == "doccano"
    assert sorted(human_spans(corrected)) == sorted([(s1, s1 + 4), (s3, s3 + 9), (second[0], second[0] + 3)])
    # With no source span of its own in the correction, an inferred source is not the person's to drop.
    kept, _ = apply_correction(ann, text, Correction.from_spans([Span(s3, s3 + 1, "STAT_COUNT")]), "prodigy")
    assert kept.statistics[0].attribution.inferred and kept.statistics[0].attribution.name == "Labour Ministry"


def test_tool_readers_take_each_tools_own_shape() -> None:
    from newstrace.provenance.annotation_formats import read_doccano, read_label_studio, read_prodigy

    text = "Rents rose 6% last year, the housing survey found."
    doccano = read_doccano({"id": 3, "text": text, "label": [[11, 13, "STAT_PERCENT"]], "article_id": "r1"}, 1)
    assert (doccano.article_id, doccano.spans) == ("r1", (Span(11, 13, "STAT_PERCENT"),))
    task = {"data": {"text": text, "article_id": "r1"},
            "predictions": [{"result": [{"type": "labels", "value": {"start": 11, "end": 13, "labels": ["STAT_COUNT"]}}]}],
            "annotations": [{"was_cancelled": True, "result": []},
                            {"result": [{"type": "labels", "value": {"start": 11, "end": 13, "labels": ["STAT_PERCENT"]}},
                                        {"type": "choices", "value": {"choices": ["ok"]}}]}]}
    # The person's newest annotation wins over the predictions; a cancelled one is ignored.
    assert read_label_studio(task, 1).spans == (Span(11, 13, "STAT_PERCENT"),)
    rejected = read_prodigy({"text": text, "spans": [], "answer": "reject", "meta": {"article_id": "r1"}}, 2)
    assert rejected.skipped and rejected.article_id == "r1"
    with pytest.raises(ValueError, match="outside the text"):
        read_doccano({"text": text, "label": [[40, 90, "SOURCE"]]}, 1)


def test_a_correction_replaces_quotes_and_their_speakers() -> None:
    from newstrace.extract.records import Annotations, Entity, Quote
    from newstrace.provenance.human_annotations import HUMAN_KEY, Correction, apply_correction

    text = ('"Prices will keep falling," said the mayor. Her deputy disagreed. '
            '"We expect a rebound by spring," the deputy told reporters.')
    mayor, deputy = text.index("the mayor"), text.index("the deputy")
    first = (1, text.index('," said'))
    second = (text.index("We expect") , text.index('," the deputy'))
    ann = Annotations(
        article_id="a1", pipeline_version="test", sentences=((0, 43), (44, 66), (67, len(text))),
        entities=(Entity(deputy + 4, deputy + 10, "deputy", "PERSON", kb_id="deputy-mayor"),),
        # extract gave the first quote to the wrong speaker and missed the second
        quotes=(Quote(first[0], first[1], text[first[0]:first[1]], "Her deputy", speaker_start=text.index("Her"),
                      speaker_end=text.index("Her") + len("Her deputy"), cue="said"),))
    spans = [Span(*first, "QUOTE"), Span(mayor, mayor + len("the mayor"), "SPEAKER"),
             Span(*second, "QUOTE"), Span(deputy + 4, deputy + 10, "SPEAKER")]
    corrected, _ = apply_correction(ann, text, Correction.from_spans(spans), "doccano")
    said = {q.text: q for q in corrected.quotes}
    assert set(said) == {"Prices will keep falling", "We expect a rebound by spring"}
    assert said["Prices will keep falling"].speaker == "the mayor" and said["Prices will keep falling"].cue == "said"
    assert (said["We expect a rebound by spring"].speaker, said["We expect a rebound by spring"].kb_id) == (
        "deputy", "deputy-mayor")
    assert corrected.extra[HUMAN_KEY]["quotes"] and corrected.extra[HUMAN_KEY]["removed_quotes"]
    # A correction that says nothing of quotes (stored before they could be corrected) keeps extract's.
    old_style = Correction.from_dict({"statistics": [], "sources": []})
    assert apply_correction(ann, text, old_style, "doccano")[0].quotes == ann.quotes
    # Round trip through the stored form.
    stored = Correction.from_spans(spans)
    assert Correction.from_dict(stored.to_dict()) == stored
