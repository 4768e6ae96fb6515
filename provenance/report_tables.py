"""The report as relational rows: `newstrace export --format sqlite` (for Datasette and SQL users).

Built from the report's JSON contract (`Report.to_dict()`), so the tables say what report.json says.
One row per article, cluster, source, figure family, estimate, mention, chain step, flag, conflict
value and quote; references are foreign keys (corpus/store.py holds the schema and writes the file).
A reference to something the report does not list (a primary source the registry has not kept, say)
becomes NULL with the name kept beside it, so the database always passes its foreign-key check.

Datasette reads `metadata_document`: table descriptions, labels and the facets an analyst starts
from (mentions by flag, outlet and source), from the package's datasette_metadata.yml.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

METADATA_RESOURCE = "datasette_metadata.yml"


def _json(value: Any) -> str | None:
    return json.dumps(list(value), ensure_ascii=False) if value else None


def report_rows(data: Mapping[str, Any], sources: Iterable[Mapping[str, Any]],
                human: Mapping[str, Iterable[tuple[int, int]]] = {}) -> dict[str, Iterable[dict[str, Any]]]:
    """Rows for each report table. `data` is `Report.to_dict()`, `sources` the store's registry rows,
    `human` the (start, end) of every statistic a person corrected, by article id."""
    articles = [a for a in data.get("articles") or ()]
    article_ids = {a["id"] for a in articles}
    sources = list(sources)
    source_ids = {s["id"] for s in sources}
    clusters = list(data.get("clusters") or ())
    cluster_ids = {c["id"] for c in clusters}
    human_spans = {aid: {tuple(span) for span in spans} for aid, spans in human.items()}

    def article(ref: Any) -> str | None:
        return ref if ref in article_ids else None

    def source(ref: Any) -> str | None:
        return ref if ref in source_ids else None

    rows: dict[str, Any] = {}
    rows["clusters"] = [{
        "id": c["id"], "size": len(c.get("articles") or ()), "representative": c.get("representative"),
        "first_seen_article": (c.get("first_seen") or {}).get("article"),
        "first_seen_date": (c.get("first_seen") or {}).get("date"),
        "first_seen_estimated": (c.get("first_seen") or {}).get("estimated")} for c in clusters]
    rows["articles"] = [{
        "id": a["id"], "outlet": a.get("outlet"), "published": a.get("published"), "title": a.get("title"),
        "url": a.get("url"), "language": a.get("language"), "status": a.get("status") or "ok",
        "reason": a.get("reason"), "cluster_id": a.get("cluster") if a.get("cluster") in cluster_ids else None,
        "is_primary": bool(a.get("is_primary")), "auto_generated": bool(a.get("auto_generated")),
        "date_estimated": bool(a.get("date_estimated")), "author": a.get("author"),
        "human_annotated": a["id"] in human_spans} for a in articles]
    rows["sources"] = [{
        "id": s["id"], "name": s["name"], "kind": s.get("kind"), "kb_id": s.get("kb_id"), "origin": s.get("origin"),
        "publisher": s.get("publisher"), "mentions": int(s.get("mentions") or 0),
        "articles": len(s.get("articles") or ()), "aliases": _json(s.get("aliases"))} for s in sources]

    families: list[dict[str, Any]] = []
    estimates: list[dict[str, Any]] = []
    mentions: list[dict[str, Any]] = []
    flags: list[dict[str, Any]] = []
    steps: list[dict[str, Any]] = []
    for family in data.get("figures") or ():
        primary = family.get("primary_source") or {}
        first = family.get("first_seen") or {}
        family_mentions = family.get("mentions") or ()
        families.append({
            "id": family["id"], "statement": family.get("statement"),
            "verdict": (family.get("verdict") or {}).get("sentence"), "value": family["value"],
            "unit": family["unit"], "of": family.get("of"), "measure": family.get("measure"),
            "holder": family.get("holder"), "period": family.get("period"),
            "primary_source_id": source(primary.get("source_id")), "primary_source_name": primary.get("name"),
            "primary_article_id": article(primary.get("article")), "first_seen_article": article(first.get("article")),
            "first_seen_date": first.get("date"), "mentions": len(family_mentions),
            "articles": len({m["article"] for m in family_mentions}), "flags": _json(family.get("flags"))})
        for estimate in family.get("estimates") or ():
            estimates.append({
                "id": len(estimates) + 1, "family_id": family["id"], "source_key": estimate["source_id"],
                "source_id": source(estimate["source_id"]), "name": estimate.get("name"), "kind": estimate.get("kind"),
                "value": estimate["value"], "mentions": len(estimate.get("mentions") or ()),
                "articles": _json(estimate.get("articles"))})
        for mention in family_mentions:
            number = len(mentions) + 1
            attribution = mention.get("attribution") or {}
            mentions.append({
                "id": number, "family_id": family["id"], "article_id": mention["article"],
                "outlet": mention.get("outlet"), "date": mention.get("date"), "text": mention["text"],
                "value": mention["value"], "unit": mention["unit"], "of": mention.get("of"),
                "approx": mention.get("approx"), "measure": mention.get("measure"), "holder": mention.get("holder"),
                "period": mention.get("period"), "sentence": mention.get("sentence"),
                "start": mention["start"], "end": mention["end"],
                "source_id": source(attribution.get("source_id")), "source": attribution.get("name"),
                "source_kind": attribution.get("kind"), "cue": attribution.get("cue"),
                "inferred": attribution.get("inferred") if attribution else None,
                "via_article": article(attribution.get("via")), "copy_of": article(mention.get("copy_of")),
                "hops": mention.get("hops"), "flags": _json(mention.get("flags")),
                "human": (mention["start"], mention["end"]) in human_spans.get(mention["article"], ())})
            flags += [{"mention_id": number, "flag": flag} for flag in dict.fromkeys(mention.get("flags") or ())]
            steps += [{"mention_id": number, "step": i, "node": step["id"], "label": step.get("label"),
                       "kind": step.get("kind"), "origin": step.get("origin"), "via_article": article(step.get("via"))}
                      for i, step in enumerate(mention.get("chain") or ())]
    rows.update(figure_families=families, estimates=estimates, mentions=mentions, mention_flags=flags,
                chain_steps=steps)

    conflicts, values = [], []
    for number, conflict in enumerate(data.get("conflicts") or (), 1):
        conflicts.append({"id": number, "what": conflict["what"],
                          "cluster_id": conflict.get("cluster") if conflict.get("cluster") in cluster_ids else None})
        values += [{"conflict_id": number, "seq": i, "article_id": article(v.get("article")), "text": v.get("text"),
                    "start": v.get("start"), "end": v.get("end"), "sentence": v.get("sentence")}
                   for i, v in enumerate(conflict.get("values") or ())]
    rows.update(conflicts=conflicts, conflict_values=values)
    rows["quotes"] = [{"id": number, "article_id": q["article"], "speaker": q.get("speaker"), "kb_id": q.get("kb_id"),
                       "text": q["text"], "start": q.get("start"), "end": q.get("end")}
                      for number, q in enumerate(data.get("quotes") or (), 1) if q.get("article") in article_ids]
    return rows


def metadata_document(database_name: str) -> dict[str, Any]:
    """Datasette's metadata for a report database named `database_name` (the file name without .db)."""
    template = yaml.safe_load(resources.files(__package__).joinpath(METADATA_RESOURCE).read_text(encoding="utf-8"))
    databases = template.pop("databases")
    return {**template, "databases": {database_name: databases["report"]}}


def metadata_path(database: Path) -> Path:
    """Where the metadata goes beside the database: newstrace.db -> newstrace.metadata.yml."""
    return database.with_name(database.stem + ".metadata.yml")


def write_report(path: Path, data: Mapping[str, Any], sources: Iterable[Mapping[str, Any]],
                 human: Mapping[str, Iterable[tuple[int, int]]] = {}) -> Path:
    """The database at `path` and its Datasette metadata beside it, each written atomically."""
    from newstrace.corpus.atomic import atomic_write
    from newstrace.corpus.store import write_report_database

    path = Path(path)
    write_report_database(path, report_rows(data, sources, human))
    meta = metadata_path(path)
    atomic_write(meta, [yaml.safe_dump(metadata_document(path.stem), sort_keys=False, allow_unicode=True)])
    return meta
