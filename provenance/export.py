"""Exports: annotated JSONL (one article a line) and GraphML of the citation graph (annotation-tool
formats are in annotation_formats.py).

The JSONL `spans` list uses the shape spaCy, Prodigy and doccano read
(`start`, `end`, `label`, `text`, plus our `kb_id`); the line also carries
the complete annotations under `annotations`, so `newstrace import` can
restore a corpus exactly from its own export.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypedDict
from xml.sax.saxutils import escape, quoteattr

from newstrace.extract.records import Annotations

from .coverage import Corpus
from .records import Report

EXPORT_VERSION = 1


class ExportSpan(TypedDict):
    """One entry of a JSONL line's `spans`: an entity or a statistic, by offsets into the text."""

    start: int
    end: int
    label: str
    text: str
    kb_id: str | None


def spans_of(ann: Annotations, text: str) -> list[ExportSpan]:
    spans: list[ExportSpan] = [{"start": e.start, "end": e.end, "label": e.label, "text": text[e.start:e.end], "kb_id": e.kb_id}
             for e in ann.entities]
    spans += [{"start": s.start, "end": s.end, "label": f"STAT_{s.unit.upper()}", "text": text[s.start:s.end],
               "kb_id": None} for s in ann.statistics]
    spans.sort(key=lambda s: (s["start"], -s["end"], s["label"]))
    return spans


def jsonl_lines(report: Report, corpus: Corpus) -> Iterator[str]:
    """One JSON document per stored row (failures included, with empty text), in article id order."""
    from .human_annotations import human_spans

    corrected = {aid: set(human_spans(ann)) for aid, ann in corpus.annotations.items()}
    figures_by_article: dict[str, list[dict[str, Any]]] = {}
    for family in report.figures:
        for mention in family.mentions:
            figures_by_article.setdefault(mention.article, []).append({
                "human": (mention.start, mention.end) in corrected.get(mention.article, ()),
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
                                "links": [{"href": link.href, "text": link.text, "start": link.start, "end": link.end,
                                           "kind": link.kind} for link in article.links]}
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


# GraphML keys: (id, for, attr.name, attr.type). Node and edge keys that share a name get separate ids,
# as GraphML wants; Gephi and networkx.read_graphml show each by its attr.name.
_GRAPHML_KEYS = (
    ("kind", "node", "kind", "string"), ("label", "node", "label", "string"),
    ("url", "node", "url", "string"), ("outlet", "node", "outlet", "string"), ("date", "node", "date", "string"),
    ("cluster", "node", "cluster", "string"), ("language", "node", "language", "string"),
    ("value", "node", "value", "double"), ("unit", "node", "unit", "string"),
    ("articles", "node", "articles", "int"), ("flags", "node", "flags", "string"),
    ("primary_source", "node", "primary_source", "boolean"),
    ("title", "node", "title", "string"), ("kb_id", "node", "kb_id", "string"),
    ("measure", "node", "measure", "string"), ("period", "node", "period", "string"),
    ("ekind", "edge", "kind", "string"), ("evalue", "edge", "value", "double"), ("eunit", "edge", "unit", "string"),
    ("etext", "edge", "text", "string"), ("inferred", "edge", "inferred", "boolean"), ("cue", "edge", "cue", "string"),
    ("source", "edge", "source_name", "string"), ("via", "edge", "via", "string"),
    ("human", "edge", "human", "boolean"),
)
_KEY_TYPES = {key_id: attr_type for key_id, _for, _name, attr_type in _GRAPHML_KEYS}


def family_node_id(family_id: str) -> str:
    return f"family:{family_id}"


def graphml(report: Report, human: Mapping[str, Iterable[tuple[int, int]]] | None = None) -> str:
    return "".join(graphml_chunks(report, human))


def graphml_chunks(report: Report, human: Mapping[str, Iterable[tuple[int, int]]] | None = None) -> Iterator[str]:
    """The citation graph as GraphML (Gephi, networkx.read_graphml), with the attributes people filter on.

    Nodes: articles and primary documents (url, outlet, date, cluster, language), sources (kind), links,
    figure families (value, unit, how many articles state it, flags) and their primary sources
    (primary_source=true). Edges: the report's graph edges (kind), each article -> family it states
    (kind=states, the value and unit as stated there, its source's name, cue and whether it was inferred),
    and family -> its primary source (kind=primary_source). A family node also has its first-seen date,
    measure, period and, when all its articles are one story, that cluster; a states edge has human=true
    when a person corrected that statistic (`human`: article id -> corrected (start, end) spans).
    """
    from .trace import article_node_id, source_node_id

    nodes: dict[str, dict[str, Any]] = {n.id: {"kind": n.kind, "label": n.label} for n in report.nodes}
    edges: list[tuple[str, str, dict[str, Any]]] = [(e.source, e.target, {"ekind": e.kind}) for e in report.edges]
    for row in report.articles:
        attrs = nodes.setdefault(article_node_id(row["id"]), {
            "kind": "primary" if row.get("is_primary") else "article",
            "label": row.get("title") or row.get("url") or row["id"]})
        attrs.update(url=row.get("url"), outlet=row.get("outlet"), date=row.get("published"),
                     cluster=row.get("cluster"), language=row.get("language"), title=row.get("title"))
    cluster_of = {row["id"]: row.get("cluster") for row in report.articles}
    corrected = {aid: {tuple(span) for span in spans} for aid, spans in (human or {}).items()}
    for family in report.figures:
        me = family_node_id(family.id)
        stories = {cluster_of.get(m.article) for m in family.mentions}
        nodes[me] = {"kind": "figure_family", "label": family.statement or family.id, "value": family.value,
                     "unit": family.unit, "articles": len({m.article for m in family.mentions}),
                     "flags": " ".join(family.flags) or None, "measure": family.measure, "period": family.period,
                     "date": (family.first_seen or {}).get("date"),
                     "cluster": next(iter(stories)) if len(stories) == 1 else None}
        seen: set[str] = set()
        for mention in family.mentions:
            if mention.article in seen:
                continue  # one edge per article: parallel edges make networkx return a MultiDiGraph
            seen.add(mention.article)
            attribution = mention.attribution
            edges.append((article_node_id(mention.article), me, {
                "ekind": "states", "evalue": mention.value, "eunit": mention.unit, "etext": mention.text,
                "source": attribution.name if attribution else None,
                "cue": attribution.cue if attribution else None,
                "inferred": attribution.inferred if attribution else None,
                "via": attribution.via if attribution else None,
                "human": (mention.start, mention.end) in corrected.get(mention.article, ())}))
        primary = family.primary_source
        if primary is not None:
            source = primary.source_id or source_node_id(primary.kb_id, primary.name)
            attrs = nodes.setdefault(source, {"kind": primary.kind or "organization", "label": primary.name})
            attrs.update(primary_source=True, url=attrs.get("url") or primary.url,
                         kb_id=attrs.get("kb_id") or primary.kb_id)
            edges.append((me, source, {"ekind": "primary_source"}))
            if primary.article and article_node_id(primary.article) in nodes:
                edges.append((me, article_node_id(primary.article), {"ekind": "primary_document"}))
    yield '<?xml version="1.0" encoding="UTF-8"?>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
    for key_id, for_, name, attr_type in _GRAPHML_KEYS:
        yield f'  <key id="{key_id}" for="{for_}" attr.name="{name}" attr.type="{attr_type}"/>\n'
    yield '  <graph id="citations" edgedefault="directed">\n'
    for node_id in sorted(nodes):
        yield f"    <node id={quoteattr(_xml_text(node_id))}>{_graphml_data(nodes[node_id])}</node>\n"
    for number, (source, target, attrs) in enumerate(edges):
        yield (f"    <edge id=\"e{number}\" source={quoteattr(_xml_text(source))} "
               f"target={quoteattr(_xml_text(target))}>{_graphml_data(attrs)}</edge>\n")
    yield "  </graph>\n</graphml>\n"


def _graphml_data(attrs: Mapping[str, Any]) -> str:
    out = []
    for key, value in attrs.items():
        if value is None:
            continue  # absent, not "None": a filter on the attribute then skips the element
        if _KEY_TYPES[key] == "boolean":
            text = "true" if value else "false"
        elif _KEY_TYPES[key] == "double":
            text = repr(float(value))
        else:
            text = escape(_xml_text(str(value)))
        out.append(f'<data key="{key}">{text}</data>')
    return "".join(out)


def _xml_text(text: str) -> str:
    # XML 1.0 allows only #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]: scraped titles
    # can hold controls, and a U+FFFE or U+FFFF made a file no XML parser reads.
    return "".join(ch for ch in text if ch in "\t\n\r" or 0x20 <= ord(ch) <= 0xD7FF
                   or 0xE000 <= ord(ch) <= 0xFFFD or ord(ch) >= 0x10000)


def texts_of(corpus: Corpus) -> Mapping[str, str]:
    return {aid: a.text for aid, a in corpus.articles.items() if a.text}
