"""Exports: annotated JSONL (one article a line) and GraphML of the citation graph.

The JSONL `spans` list uses the shape spaCy, Prodigy and doccano read
(`start`, `end`, `label`, `text`, plus our `kb_id`); the line also carries
the complete annotations under `annotations`, so `newstrace import` can
restore a corpus exactly from its own export.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from extract.records import Annotations

from .records import Report
from .report import Corpus

EXPORT_VERSION = 1


def spans_of(ann: Annotations, text: str) -> list[dict[str, Any]]:
    spans = [{"start": e.start, "end": e.end, "label": e.label, "text": text[e.start:e.end], "kb_id": e.kb_id}
             for e in ann.entities]
    spans += [{"start": s.start, "end": s.end, "label": f"STAT_{s.unit.upper()}", "text": text[s.start:s.end],
               "kb_id": None} for s in ann.statistics]
    spans.sort(key=lambda s: (s["start"], -s["end"], s["label"]))
    return spans


def jsonl_lines(report: Report, corpus: Corpus) -> Iterator[str]:
    """One JSON document per stored row (failures included, with empty text), in article id order."""
    figures_by_article: dict[str, list[dict[str, Any]]] = {}
    for family in report.figures:
        for mention in family.mentions:
            figures_by_article.setdefault(mention.article, []).append({
                "family": family.id, "text": mention.text, "value": mention.value, "unit": mention.unit,
                "of": mention.of, "start": mention.start, "end": mention.end, "flags": list(family.flags),
                "attribution": None if mention.attribution is None else {
                    "name": mention.attribution.name, "kb_id": mention.attribution.kb_id,
                    "kind": mention.attribution.kind, "inferred": mention.attribution.inferred,
                    "via": mention.attribution.via},
            })
    for article_row in report.articles:
        article_id = article_row["id"]
        article = corpus.articles[article_id]
        ann = corpus.annotations.get(article_id)
        line: dict[str, Any] = {"export_version": EXPORT_VERSION, **article_row, "text": article.text,
                                "content_hash": article.content_hash, "fetched_at": article.fetched_at,
                                "links": [{"href": l.href, "text": l.text, "start": l.start, "end": l.end,
                                           "kind": l.kind} for l in article.links]}
        if ann is not None:
            line["spans"] = spans_of(ann, article.text)
            line["figures"] = figures_by_article.get(article_id, [])
            line["claims"] = [{"start": c.start, "end": c.end, "text": c.text, "type": c.type, "score": c.score}
                              for c in ann.claims]
            line["quotes"] = [{"start": q.start, "end": q.end, "text": q.text, "speaker": q.speaker,
                               "kb_id": q.kb_id} for q in ann.quotes]
            line["citations"] = [{"start": c.start, "end": c.end, "name": c.name, "kind": c.kind,
                                  "kb_id": c.kb_id, "href": c.href} for c in ann.citations]
            line["annotations"] = ann.to_dict()
        else:
            line.update(spans=[], figures=[], claims=[], quotes=[], citations=[])
        yield json.dumps(line, ensure_ascii=False, allow_nan=False)


def report_json_chunks(data: Mapping[str, Any]) -> Iterator[str]:
    """The report dict as JSON text, one list element per line, for streaming to a file.

    `json.dumps(..., indent=2)` runs the pure-Python encoder, which took half
    a minute on a 20k-article report; encoding each element separately keeps
    the C encoder, never holds the whole text, and still diffs line by line.
    """
    return (chunk for _key, chunk in report_json_parts(data))


def report_json_parts(data: Mapping[str, Any]) -> Iterator[tuple[str | None, str]]:
    """`report_json_chunks` with the top-level key each chunk belongs to (None for the braces)."""
    yield None, "{"
    for n, (key, value) in enumerate(data.items()):
        yield key, ("," if n else "") + "\n" + json.dumps(key) + ": "
        if isinstance(value, list) and value:
            yield key, "[\n" + ",\n".join(json.dumps(item, ensure_ascii=False) for item in value[:1])
            for item in value[1:]:
                yield key, ",\n" + json.dumps(item, ensure_ascii=False)
            yield key, "\n]"
        else:
            yield key, json.dumps(value, ensure_ascii=False)
    yield None, "\n}\n"


def graphml(report: Report) -> str:
    """The citation graph as GraphML (Gephi, networkx.read_graphml)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
           '  <key id="kind" for="node" attr.name="kind" attr.type="string"/>',
           '  <key id="label" for="node" attr.name="label" attr.type="string"/>',
           '  <key id="ekind" for="edge" attr.name="kind" attr.type="string"/>',
           '  <graph id="citations" edgedefault="directed">']
    for node in report.nodes:
        out.append(f"    <node id={quoteattr(_xml_text(node.id))}><data key=\"kind\">{escape(node.kind)}</data>"
                   f"<data key=\"label\">{escape(_xml_text(node.label))}</data></node>")
    for number, edge in enumerate(report.edges):
        out.append(f"    <edge id=\"e{number}\" source={quoteattr(_xml_text(edge.source))} "
                   f"target={quoteattr(_xml_text(edge.target))}>"
                   f"<data key=\"ekind\">{escape(edge.kind)}</data></edge>")
    out += ["  </graph>", "</graphml>", ""]
    return "\n".join(out)


def _xml_text(text: str) -> str:
    # XML 1.0 allows only #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]: scraped titles
    # can hold controls, and a U+FFFE or U+FFFF made a file no XML parser reads.
    return "".join(ch for ch in text if ch in "\t\n\r" or 0x20 <= ord(ch) <= 0xD7FF
                   or 0xE000 <= ord(ch) <= 0xFFFD or ord(ch) >= 0x10000)


def texts_of(corpus: Corpus) -> Mapping[str, str]:
    return {aid: a.text for aid, a in corpus.articles.items() if a.text}
