"""Render a claim-provenance report (the JSON contract, as a plain dict) as Markdown.

Markdown renderers pass inline HTML through, and table cells end at a `|` or a
newline, so every scraped string goes through `_md`: control characters and
ANSI sequences stripped, HTML-escaped, Markdown punctuation backslash-escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from .verdict import build_verdict
from .display import (FLAG_LABELS, clean_text, entries, figure_key_label, format_number, format_value, number_in,
                      shorten, statement, values_differ, mention_drifted, estimates_line)

# Characters that would open emphasis, code, links or end a table cell.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_PLAIN_URL = re.compile(r"^https?://[A-Za-z0-9._~:/?#@!$&'()*+,;=%-]+$")


def _md(value: Any) -> str:
    """Safe inline Markdown (also safe inside a table cell)."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(clean_text(value), quote=False))


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], align: str = "") -> list[str]:
    """A GFM table; cells must already be escaped. `align` has one char per column: l or r."""
    rows = list(rows)
    marks = [("---:" if (align[i:i + 1] == "r") else "---") for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks) + " |"]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return lines + [""]


class _Names:
    """Article titles by id, for cells that name an article."""

    def __init__(self, report: Mapping[str, Any]) -> None:
        self.articles = {clean_text(a.get("id")): a for a in entries(report, "articles")}

    def title(self, article_id: Any, limit: int = 60) -> str:
        key = clean_text(article_id).removeprefix("article:")
        article = self.articles.get(key, {})
        return _md(shorten(article.get("title") or article.get("url") or key, limit))

    def get(self, article_id: Any) -> Mapping[str, Any]:
        return self.articles.get(clean_text(article_id), {})


# -- document -----------------------------------------------------------------------------------


def render_markdown(report: dict) -> str:
    return "".join(iter_markdown(report))


def iter_markdown(report: dict) -> Iterator[str]:
    """`render_markdown`'s text in pieces (a section, or one figure or cluster), for writing to a file.

    The pieces join to the blocks' lines joined by newlines, with trailing
    whitespace cut at the very end only: whitespace after a block is held back
    until a later block shows it is not the end.
    """
    pending, first = "", True
    for block in _blocks(report):
        if not block:
            continue
        text = ("" if first else "\n") + "\n".join(block)
        first = False
        body = text.rstrip()
        if body:
            yield pending + body
            pending = text[len(body):]
        else:
            pending += text
    yield "\n"


def _blocks(report: dict) -> Iterator[list[str]]:
    names = _Names(report)
    yield ["# Claim-provenance report", ""]
    yield _summary(report)
    yield from _figures(report, names)
    yield _timeline(report, names)
    yield from _clusters(report, names)
    yield _conflicts(report, names)
    yield _gaps(report, names)
    yield _quotes(report, names)
    yield _graph(report, names)
    yield _articles(report)


def _summary(report: Mapping[str, Any]) -> list[str]:
    summary = report.get("summary") or {}
    lines = []
    if summary.get("generated_at"):
        lines += [f"Generated {_md(summary['generated_at'])} · schema v{_md(report.get('schema_version', '?'))}", ""]
    keys = [("articles", "articles"), ("clusters", "coverage clusters"), ("figures", "figure families"),
            ("flagged", "flagged"), ("conflicts", "conflicts"), ("failed_inputs", "failed inputs")]
    present = [(k, label) for k, label in keys if k in summary]
    if present:
        lines += _table([label for _, label in present], [[_md(format_number(summary[k])) for k, _ in present]],
                        "r" * len(present))
    return lines


# -- figures ------------------------------------------------------------------------------------


def _flags(flags: Any) -> str:
    return ", ".join(f"**{_md(FLAG_LABELS.get(clean_text(f), f))}**" for f in flags or []) or "none"


def _figures(report: Mapping[str, Any], names: _Names) -> Iterator[list[str]]:
    figures = entries(report, "figures")
    if not figures:
        yield ["## Figures", "", "No figures were found.", ""]
        return
    rows = [[_md(format_value(f.get("value"), f.get("unit"), f.get("of"))), _md(statement(f)),
             str(len({clean_text(m.get("article")) for m in entries(f, "mentions")})), _flags(f.get("flags"))]
            for f in figures]
    yield ["## Figures", ""] + _table(["value", "statement", "articles", "flags"], rows, "llrl")
    for figure in figures:
        yield _figure(figure, names)


def _figure(figure: Mapping[str, Any], names: _Names) -> list[str]:
    value = format_value(figure.get("value"), figure.get("unit"), figure.get("of"))
    lines = [f"### {_md(value)} · {_md(statement(figure))}", ""]
    # The verdict comes first: it answers "where from, how faithfully retold" before any table.
    lines += [f"**Verdict.** {_md(build_verdict(figure).sentence)}", ""]
    lines.append(f"- Flags: {_flags(figure.get('flags'))}")
    lines.append(f"- As stated: {_variants(figure)}")
    facts = [f"{label}: {_md(figure.get(key))}" for key, label in
             (("measure", "measure"), ("holder", "holder"), ("period", "period"), ("unit", "unit")) if figure.get(key)]
    if facts:
        lines.append("- " + " · ".join(facts))
    estimates = estimates_line(figure)
    if estimates:
        lines.append(f"- Estimates by source: {_md(estimates)}")
    lines += _primary(figure.get("primary_source"))
    lines.append(f"- First seen: {_first_seen(figure.get('first_seen'), names)}")
    lines.append("")
    rows = [_mention_row(figure, m, names) for m in entries(figure, "mentions")]
    lines += _table(["article", "outlet", "date", "as stated", "attribution", "kind", "inferred via", "hops",
                     "chain to the primary source", "chars", "sentence"], rows, "lllllllrlrl")
    return lines


def _variants(figure: Mapping[str, Any]) -> str:
    out = []
    for variant in figure.get("variants") or []:
        shown = _md(variant)
        out.append(f"**{shown}** (drift)" if values_differ(variant, figure.get("value")) else shown)
    return ", ".join(out) or "—"


def _primary(source: Any) -> list[str]:
    if not isinstance(source, Mapping):
        return ["- Primary source: none identified"]
    where = "in corpus" if source.get("in_corpus") else "not in corpus"
    kind = f"{_md(source.get('kind'))}, " if source.get("kind") else ""
    url = _autolink(source.get("url"))
    lines = [f"- Primary source: {_md(source.get('name') or 'unnamed')} ({kind}{where}){url}"]
    evidence = source.get("evidence")
    if isinstance(evidence, Mapping) and evidence.get("sentence"):
        lines.append(f"  > {_md(evidence['sentence'])}")
    return lines


def _autolink(url: Any) -> str:
    """An autolink takes its text literally, so only a plain web URL may go inside one."""
    text = clean_text(url)
    if _PLAIN_URL.match(text):
        return f" <{text}>"
    return f" ({_md(text)})" if text else ""


def _first_seen(seen: Any, names: _Names) -> str:
    if not isinstance(seen, Mapping):
        return "unknown"
    estimated = " (date estimated)" if seen.get("estimated") else ""
    return f"{_md(seen.get('date') or 'undated')} in {names.title(seen.get('article'))}{estimated}"


def _mention_row(figure: Mapping[str, Any], mention: Mapping[str, Any], names: _Names) -> list[str]:
    article = names.get(mention.get("article"))
    stated = _md(mention.get("text") or format_number(mention.get("value")))
    if mention_drifted(figure, mention):
        stated = f"**{stated}** (drift)"
    attribution = mention.get("attribution")
    if isinstance(attribution, Mapping):
        source, kind = _md(attribution.get("name")), _md(attribution.get("kind"))
        via = names.title(attribution.get("via"), 40) if attribution.get("inferred") else ""
        via = via or ("yes" if attribution.get("inferred") else "")
    else:
        source = "primary document" if article.get("is_primary") else "**none**"
        kind = via = ""
    chain = " › ".join(_md(shorten(step.get("label") or step.get("id"), 40)) for step in entries(mention, "chain"))
    hops = mention.get("hops")
    chars = f"{_md(mention.get('start'))}–{_md(mention.get('end'))}" if mention.get("start") is not None else ""
    return [names.title(mention.get("article"), 50), _md(mention.get("outlet") or article.get("outlet")),
            _md(mention.get("date") or article.get("published")), stated, source, kind, via,
            "—" if hops is None else _md(hops), chain, chars, _md(shorten(mention.get("sentence"), 160))]


# -- everything else ----------------------------------------------------------------------------


def _timeline(report: Mapping[str, Any], names: _Names) -> list[str]:
    rows = []
    for figure in entries(report, "figures"):
        seen = figure.get("first_seen") if isinstance(figure.get("first_seen"), Mapping) else {}
        dates = sorted(clean_text(m.get("date")) for m in entries(figure, "mentions") if m.get("date"))
        rows.append([_md(format_value(figure.get("value"), figure.get("unit"), figure.get("of"))),
                     _md(shorten(statement(figure), 70)), _md(seen.get("date") or "undated"),
                     names.title(seen.get("article"), 50) if seen else "", "yes" if seen.get("estimated") else "",
                     _md(dates[-1]) if dates else ""])
    if not rows:
        return []
    return ["## Timeline of first appearances", ""] + _table(
        ["value", "statement", "first seen", "in", "estimated", "last seen"], rows)


def _clusters(report: Mapping[str, Any], names: _Names) -> Iterator[list[str]]:
    clusters = [c for c in entries(report, "clusters") if len(c.get("articles") or []) > 1]
    yield ["## Coverage clusters", ""]
    if not clusters:
        yield ["No near-duplicate coverage.", ""]
    for cluster in clusters:
        lines = [f"### Cluster {_md(cluster.get('id'))}", ""]
        for article_id in cluster.get("articles") or []:
            star = " (representative)" if article_id == cluster.get("representative") else ""
            lines.append(f"- {names.title(article_id, 80)}{star}")
        lines.append("")
        rows = [[names.title(l.get("source"), 45), names.title(l.get("target"), 45), _md(l.get("kind")),
                 _score(l.get("jaccard")), _score(l.get("containment")), _score(l.get("cosine")),
                 ", ".join(_md(figure_key_label(f)) for f in l.get("shared_figures") or []),
                 ", ".join(_md(e) for e in l.get("shared_entities") or [])] for l in entries(cluster, "links")]
        if rows:
            # A link's source came first (provenance/cluster.py `_precedence`): the older column.
            lines += _table(["older", "newer", "kind", "Jaccard", "containment", "cosine", "shared figures",
                             "shared entities"], rows, "lllrrrll")
        yield lines


def _score(value: Any) -> str:
    number = number_in(value) if value is not None else None
    return "n/a" if number is None else f"{number:.2f}"


def _conflicts(report: Mapping[str, Any], names: _Names) -> list[str]:
    conflicts = entries(report, "conflicts")
    lines = ["## Conflicts", ""]
    if not conflicts:
        return lines + ["No contradictions found.", ""]
    rows = []
    for conflict in conflicts:
        for value in entries(conflict, "values"):
            article = names.get(value.get("article"))
            rows.append([_md(conflict.get("what")), names.title(value.get("article"), 50),
                         _md(article.get("outlet")), f"**{_md(value.get('text'))}**",
                         _md(shorten(value.get("sentence"), 160))])
    return lines + _table(["conflict", "article", "outlet", "says", "sentence"], rows)


def _gaps(report: Mapping[str, Any], names: _Names) -> list[str]:
    rows = []
    for figure in entries(report, "figures"):
        for mention in entries(figure, "mentions"):
            attribution = mention.get("attribution")
            if names.get(mention.get("article")).get("is_primary"):
                continue
            if isinstance(attribution, Mapping) and not attribution.get("inferred"):
                continue
            status = (f"inferred: {_md(attribution.get('name'))} via {names.title(attribution.get('via'), 40)}"
                      if isinstance(attribution, Mapping) else "**unattributed**")
            rows.append([_md(shorten(statement(figure), 70)), _md(mention.get("text")),
                         names.title(mention.get("article"), 50), status])
    lines = ["## Attribution gaps", ""]
    if not rows:
        return lines + ["Every mention names its source.", ""]
    return lines + _table(["figure", "as stated", "article", "status"], rows)


def _quotes(report: Mapping[str, Any], names: _Names) -> list[str]:
    quotes = entries(report, "quotes")
    if not quotes:
        return ["## Quotes", "", "No quotes found.", ""]
    rows = [[_md(q.get("speaker") or "unknown"), f"“{_md(q.get('text'))}”", names.title(q.get("article"), 50)]
            for q in quotes]
    return ["## Quotes", ""] + _table(["speaker", "quote", "article"], rows)


def _graph(report: Mapping[str, Any], names: _Names) -> list[str]:
    graph = report.get("graph") or {}
    nodes = {clean_text(n.get("id")): n for n in graph.get("nodes") or [] if isinstance(n, Mapping)}
    edges = [e for e in graph.get("edges") or [] if isinstance(e, Mapping)]
    if not nodes:
        return []

    def label(node_id: Any) -> str:
        node = nodes.get(clean_text(node_id), {})
        return _md(shorten(node.get("label") or node_id, 50))

    rows = [[label(e.get("source")), _md(e.get("kind")), label(e.get("target"))] for e in edges]
    lines = ["## Citation graph", "", f"{len(nodes)} nodes, {len(edges)} edges.", ""]
    return lines + _table(["from", "edge", "to"], rows)


def _articles(report: Mapping[str, Any]) -> list[str]:
    articles = entries(report, "articles")
    if not articles:
        return []
    rows = []
    for a in articles:
        notes = [n for n, on in (("primary", a.get("is_primary")), ("auto-generated", a.get("auto_generated"))) if on]
        rows.append([_md(a.get("id")), _md(shorten(a.get("title") or a.get("url"), 70)), _md(a.get("outlet")),
                     _md(a.get("published")), _md(a.get("status")) + (f" ({_md(a['reason'])})" if a.get("reason") else ""),
                     _md(a.get("cluster")), ", ".join(notes)])
    return ["## Articles", ""] + _table(["id", "title", "outlet", "published", "status", "cluster", "notes"], rows)
