"""Render a claim-provenance report (the JSON contract, as a plain dict) to one HTML file.

The page is self-contained: inline CSS and SVG, no scripts, no fonts or images
from elsewhere, so it opens offline and can be mailed as one attachment.
Everything in the report came from scraped pages, so every string goes through
`_e` (control characters stripped, then HTML-escaped) before it reaches markup;
markup is only ever built from literals and escaped pieces.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .verdict import build_verdict
from .display import (FLAG_LABELS, clean_text, entries, format_number, format_value, number_in, shorten,
                      statement, values_match, mention_drifted, estimates_line)

_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]")

# Columns of the citation graph, left to right: what is reported, who passed it on, where it comes from.
_GRAPH_COLUMN = {
    "article": 0,
    "outlet": 1, "organization": 1, "person": 1, "place": 1, "model": 1,
    "link": 2, "study": 2, "dataset": 2, "leaderboard": 2,
    "primary": 3,
}
_EDGE_COLOURS = {
    "names_source": "#2b8a3e",
    "cites": "#2b8a3e",
    "attributes": "#2b8a3e",
    "hyperlink": "#1c7ed6",
    "origin_link": "#0b7285",
    "copy_of": "#c2255c",
    "copy": "#c2255c",
    "rewrite_of": "#9c36b5",
    "rewrite": "#9c36b5",
    "inferred": "#e8590c",
    "quotes": "#868e96",
    "publishes": "#5c940d",
}
# Dashed edges are the ones that are not a citation the article itself makes.
_DASHED = ("inferred", "quotes")
_SPARE_COLOURS = ("#f08c00", "#364fc7", "#a61e4d", "#087f5b", "#5f3dc4", "#495057")


# -- escaping ---------------------------------------------------------------------------------


# The page keeps scraped spacing as it is (see display.py: text is cleaned slice by slice),
# so every display helper here runs with keep_spacing=True.
def _clean(value: Any, keep_newlines: bool = False) -> str:
    return clean_text(value, keep_newlines=keep_newlines, keep_spacing=True)


def _short(value: Any, limit: int) -> str:
    return shorten(value, limit, keep_spacing=True)


def _num(value: Any) -> str:
    return format_number(value, keep_spacing=True)


def _fmt_value(value: Any, unit: Any, of: Any = None) -> str:
    return format_value(value, unit, of, keep_spacing=True)


def _statement(figure: Mapping[str, Any]) -> str:
    return statement(figure, keep_spacing=True)


def _e(value: Any, keep_newlines: bool = False) -> str:
    """Escape for both element text and quoted attribute values."""
    return html.escape(_clean(value, keep_newlines), quote=True)


def _anchor(prefix: str, article: Any, start: Any) -> str:
    return f"{prefix}-{_ANCHOR_UNSAFE.sub('-', _clean(article))}-{_int(start)}"


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _href(url: Any) -> str | None:
    """Only web links become clickable; a javascript: or data: URL stays inert text."""
    text = _clean(url).strip()
    if re.match(r"(?i)^https?://", text):
        return html.escape(text, quote=True)
    return None


# -- dates --------------------------------------------------------------------------------------


def _date(value: Any) -> dt.date | None:
    text = _clean(value).strip()
    if len(text) < 10:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _fmt_date(value: Any) -> str:
    parsed = _date(value)
    return parsed.isoformat() if parsed else _clean(value)


# -- lookups ------------------------------------------------------------------------------------


@dataclass
class _Index:
    """Articles and figures by id, so any section can name and link them."""

    articles: dict[str, dict] = field(default_factory=dict)
    figures: dict[str, dict] = field(default_factory=dict)
    figure_keys: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def of(cls, report: Mapping[str, Any]) -> "_Index":
        index = cls()
        for article in entries(report, "articles"):
            index.articles[str(article.get("id"))] = article
        for figure in entries(report, "figures"):
            index.figures[str(figure.get("id"))] = figure
            index.figure_keys[_figure_key(figure)] = figure
        return index

    def title(self, article_id: Any) -> str:
        article = self.articles.get(str(article_id), {})
        return _clean(article.get("title") or article.get("url") or article.get("source_path") or article_id)

    def article_link(self, article_id: Any, limit: int = 70) -> str:
        key = _clean(article_id)
        if key.startswith("article:"):
            key = key[len("article:"):]
        full = self.title(key)
        return f'<a href="#{_e(_article_anchor(key))}" title="{_e(full)}">{_e(_short(full, limit))}</a>'


def _figure_key(figure: Mapping[str, Any]) -> str:
    """The producer's cluster evidence names shared figures as "value|unit[|ofN]"."""
    value = number_in(figure.get("value"))
    key = f"{value:g}|{figure.get('unit')}" if value is not None else ""
    if figure.get("of") is not None and number_in(figure.get("of")) is not None:
        key += f"|of{number_in(figure.get('of')):g}"
    return key


def _cluster_anchor(cluster_id: Any) -> str:
    return "cluster-" + _ANCHOR_UNSAFE.sub("-", _clean(cluster_id))


def _article_anchor(article_id: Any) -> str:
    return f"a-{_ANCHOR_UNSAFE.sub('-', _clean(article_id))}"


# -- page ---------------------------------------------------------------------------------------


def render_html(report: dict, texts: Mapping[str, str] | None = None) -> str:
    """The whole report as one self-contained HTML document."""
    return "".join(iter_html(report, texts))


def iter_html(report: dict, texts: Mapping[str, str] | None = None) -> Iterator[str]:
    """`render_html`'s document in pieces: a section, or one card of the long sections.

    A 20k-article report is half a gigabyte of HTML; written piece by piece
    it never exists as one string (nor as the list of cards it is joined from).
    """
    index = _Index.of(report)
    texts = texts or {}
    yield "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>newstrace · claim-provenance report</title>",
        f"<style>{_CSS}</style></head><body>",
        '<input type="checkbox" id="only-flagged" class="toggle">',
        '<div class="page">',
    ])
    sections: tuple[Callable[[], Iterable[str]], ...] = (
        lambda: (_header(report, index),),
        lambda: _figures_section(report, index, texts),
        lambda: (_graph_section(report, index),),
        lambda: (_timeline_section(report, index),),
        lambda: _clusters_section(report, index),
        lambda: (_conflicts_section(report, index),),
        lambda: (_attribution_section(report, index),),
        lambda: (_quotes_section(report, index),),
        lambda: _articles_section(report, index, texts),
        lambda: (_failures_section(report),),
    )
    for section in sections:
        yield "\n"
        yield from section()
    yield ("\n<footer>Generated by newstrace. Every figure links to the sentence it came from.</footer>"
           "\n</div></body></html>")


def _summary(report: Mapping[str, Any]) -> dict[str, Any]:
    """The producer's summary, or one counted from the lists when it is absent."""
    summary = dict(report.get("summary") or {})
    articles = entries(report, "articles")
    figures = entries(report, "figures")
    summary.setdefault("articles", sum(1 for a in articles if (a.get("status") or "ok") == "ok"))
    summary.setdefault("clusters", sum(1 for c in entries(report, "clusters") if len(c.get("articles") or []) > 1))
    summary.setdefault("figures", len(figures))
    summary.setdefault("flagged", sum(1 for f in figures if f.get("flags")))
    summary.setdefault("failed_inputs", sum(1 for a in articles if _is_failure(a)))
    return summary


def _is_failure(article: Mapping[str, Any]) -> bool:
    status = _clean(article.get("status") or "ok")
    return status.startswith("failed") or status == "blocked"


def _header(report: Mapping[str, Any], index: _Index) -> str:
    summary = _summary(report)
    tiles = [("articles", "articles"), ("clusters", "coverage clusters"), ("figures", "figure families"),
             ("flagged", "flagged"), ("conflicts", "conflicts"), ("failed_inputs", "failed inputs")]
    cells = []
    for key, label in tiles:
        if key not in summary:
            continue
        warn = " warn" if key in ("flagged", "failed_inputs", "conflicts") and _int(summary.get(key)) > 0 else ""
        cells.append(f'<div class="tile{warn}"><b>{_e(_num(summary.get(key)))}</b><span>{_e(label)}</span></div>')
    nav = "".join(f'<a href="#{slug}">{_e(label)}</a>' for slug, label in (
        ("figures", "Figures"), ("graph", "Citation graph"), ("timeline", "Timeline"), ("clusters", "Clusters"),
        ("conflicts", "Conflicts"), ("attribution", "Attribution gaps"), ("quotes", "Quotes"),
        ("articles", "Articles")))
    generated = summary.get("generated_at")
    return (
        '<header class="top"><div class="title"><h1>Claim-provenance report</h1>'
        f'<p class="sub">schema v{_e(report.get("schema_version", "?"))}'
        + (f" · generated {_e(generated)}" if generated else "")
        + f'</p></div><div class="tiles">{"".join(cells)}</div></header>'
        f'<nav class="nav">{nav}<label for="only-flagged" class="filter">only flagged figures</label></nav>'
    )


# -- figures ------------------------------------------------------------------------------------


def _figures_section(report: Mapping[str, Any], index: _Index, texts: Mapping[str, str]) -> Iterator[str]:
    figures = entries(report, "figures")
    if not figures:
        yield '<section id="figures"><h2>Figures</h2><p class="empty">No figures were found.</p></section>'
        return
    yield (f'<section id="figures"><h2>Figures <small>{len(figures)} families</small></h2>'
           f"{_figure_overview(figures)}")
    for figure in figures:
        yield _figure_card(figure, index, texts)
    yield "</section>"


def _figure_overview(figures: Sequence[Mapping[str, Any]]) -> str:
    rows = []
    for figure in figures:
        mentions = [m for m in figure.get("mentions") or [] if isinstance(m, Mapping)]
        outlets = {_clean(m.get("article")) for m in mentions}
        rows.append(
            f'<tr class="{_flag_class(figure)}"><td class="num"><a href="#{_e(_figure_anchor(figure))}">'
            f'{_e(_fmt_value(figure.get("value"), figure.get("unit"), figure.get("of")))}</a></td>'
            f"<td>{_e(_statement(figure))}</td><td class=\"num\">{len(outlets)}</td>"
            f"<td>{_flag_badges(figure.get('flags'))}</td></tr>")
    return ('<table class="overview"><thead><tr><th>value</th><th>statement</th><th>articles</th><th>flags</th>'
            f'</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _figure_anchor(figure: Mapping[str, Any]) -> str:
    return "fig-" + _ANCHOR_UNSAFE.sub("-", _clean(figure.get("id")))


def _flag_class(figure: Mapping[str, Any]) -> str:
    return "flagged" if figure.get("flags") else "clean"


def _flag_badges(flags: Any) -> str:
    out = []
    for flag in flags or []:
        slug = _ANCHOR_UNSAFE.sub("-", _clean(flag))
        out.append(f'<span class="badge flag flag-{_e(slug)}">{_e(FLAG_LABELS.get(_clean(flag), flag))}</span>')
    return "".join(out) or '<span class="badge ok">no flags</span>'


def _figure_card(figure: Mapping[str, Any], index: _Index, texts: Mapping[str, str]) -> str:
    mentions = [m for m in figure.get("mentions") or [] if isinstance(m, Mapping)]
    primary_value = _primary_value(figure, texts)
    facts = " · ".join(f"<span><i>{label}</i> {_e(figure.get(key))}</span>"
                       for key, label in (("measure", "measure"), ("holder", "holder"), ("period", "period"),
                                          ("unit", "unit")) if figure.get(key))
    estimates = estimates_line(figure)
    if estimates:
        facts += f"{' · ' if facts else ''}<span><i>estimates by source</i> {_e(estimates)}</span>"
    return (
        f'<article class="card figure {_flag_class(figure)}" id="{_e(_figure_anchor(figure))}">'
        f'<div class="fig-head"><div class="bigvalue">'
        f'{_e(_fmt_value(figure.get("value"), figure.get("unit"), figure.get("of")))}</div>'
        f'<div class="fig-title"><h3>{_e(_statement(figure))}</h3><p class="facts">{facts}</p></div>'
        f'<div class="flags">{_flag_badges(figure.get("flags"))}</div></div>'
        f'<p class="verdict">{_e(build_verdict(figure).sentence)}</p>'
        f'<div class="fig-meta">{_variants(figure, primary_value)}{_first_seen(figure, index)}</div>'
        f"{_primary_box(figure, index, texts)}"
        f"{_mentions_table(figure, mentions, index, primary_value)}</article>"
    )


def _variants(figure: Mapping[str, Any], primary_value: float | None) -> str:
    chips = []
    for variant in figure.get("variants") or []:
        classes = ["chip"]
        note = ""
        if number_in(variant) is not None and not values_match(variant, figure.get("value")):
            classes.append("drifted")
            note = "differs from the family value"
        if primary_value is not None and values_match(variant, primary_value):
            classes.append("asprimary")
            note = "as the primary document states it"
        chips.append(f'<span class="{" ".join(classes)}" title="{_e(note)}">{_e(variant)}</span>')
    return f'<div><span class="label">as stated</span> {"".join(chips) or "—"}</div>'


def _first_seen(figure: Mapping[str, Any], index: _Index) -> str:
    seen = figure.get("first_seen")
    if not isinstance(seen, Mapping):
        return '<div><span class="label">first seen</span> unknown</div>'
    estimated = ' <span class="badge muted" title="no publication date; estimated from when it was fetched">' \
                'estimated</span>' if seen.get("estimated") else ""
    return (f'<div><span class="label">first seen</span> {_e(_fmt_date(seen.get("date")) or "undated")} in '
            f'{index.article_link(seen.get("article"), 60)}{estimated}</div>')


def _primary_value(figure: Mapping[str, Any], texts: Mapping[str, str]) -> float | None:
    """The number the primary document states, read from its own mention of this figure."""
    source = figure.get("primary_source")
    if not isinstance(source, Mapping) or not source.get("in_corpus"):
        return None
    document = source.get("article") or (source.get("evidence") or {}).get("article")
    for mention in figure.get("mentions") or []:
        if isinstance(mention, Mapping) and mention.get("article") == document and document is not None:
            return number_in(mention.get("value", mention.get("text")))
    return None


def _primary_box(figure: Mapping[str, Any], index: _Index, texts: Mapping[str, str]) -> str:
    source = figure.get("primary_source")
    if not isinstance(source, Mapping):
        return '<div class="primary missing">No primary source identified.</div>'
    link = _href(source.get("url"))
    url = (f' · <a href="{link}" rel="noreferrer noopener">{_e(_short(source.get("url"), 60))}</a>' if link
           else (f" · {_e(source.get('url'))}" if source.get("url") else ""))
    where = ('<span class="badge ok">in corpus</span>' if source.get("in_corpus")
             else '<span class="badge muted">not in corpus</span>')
    evidence = source.get("evidence")
    quote = ""
    if isinstance(evidence, Mapping) and evidence.get("sentence"):
        target = _anchor("e", evidence.get("article"), evidence.get("start"))
        quote = (f'<blockquote><a href="#{_e(target)}" title="open in the document">'
                 f'{_evidence_sentence(figure, evidence)}</a></blockquote>')
    return (f'<div class="primary"><span class="label">primary source</span> '
            f'<b>{_e(source.get("name") or "unnamed")}</b> {_kind_badge(source.get("kind"))} {where}{url}{quote}</div>')


def _evidence_sentence(figure: Mapping[str, Any], evidence: Mapping[str, Any]) -> str:
    """The primary document's sentence, with the figure marked when the document's own mention is known."""
    for mention in figure.get("mentions") or []:
        if (isinstance(mention, Mapping) and mention.get("article") == evidence.get("article")
                and _int(mention.get("sentence_start")) == _int(evidence.get("start"))):
            return _sentence_with_mark({**mention, "sentence": evidence.get("sentence")})
    return _e(evidence.get("sentence"))


def _kind_badge(kind: Any) -> str:
    if not kind:
        return ""
    slug = _ANCHOR_UNSAFE.sub("-", _clean(kind))
    return f'<span class="badge kind kind-{_e(slug)}">{_e(kind)}</span>'


def _mentions_table(figure: Mapping[str, Any], mentions: Sequence[Mapping[str, Any]], index: _Index,
                    primary_value: float | None) -> str:
    if not mentions:
        return '<p class="empty">No mentions.</p>'
    rows = "".join(_mention_row(figure, m, index, primary_value) for m in mentions)
    return ('<table class="mentions"><thead><tr><th>article</th><th>date</th><th>as stated</th>'
            '<th>attribution</th><th>chain to the primary source</th><th class="num">hops</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def _mention_row(figure: Mapping[str, Any], mention: Mapping[str, Any], index: _Index,
                 primary_value: float | None) -> str:
    article_id = mention.get("article")
    article = index.articles.get(str(article_id), {})
    outlet = mention.get("outlet") or article.get("outlet")
    badges = []
    if article.get("is_primary"):
        badges.append('<span class="badge primarydoc">primary document</span>')
    if article.get("auto_generated"):
        badges.append('<span class="badge muted">auto-generated</span>')
    date = mention.get("date") or article.get("published")
    hops = mention.get("hops")
    return (
        f"<tr><td>{index.article_link(article_id)}<div class=\"small\">{_e(outlet)}</div>{''.join(badges)}</td>"
        f"<td class=\"nowrap\">{_e(_fmt_date(date)) or '—'}</td>"
        f"<td>{_stated(figure, mention, primary_value, article)}</td>"
        f"<td>{_attribution_cell(mention.get('attribution'), index, bool(article.get('is_primary')))}</td>"
        f"<td>{_breadcrumb(mention.get('chain'), index)}</td>"
        f'<td class="num">{_e(hops) if hops is not None else "—"}</td></tr>'
    )


def _stated(figure: Mapping[str, Any], mention: Mapping[str, Any], primary_value: float | None,
            article: Mapping[str, Any]) -> str:
    target = _anchor("s", mention.get("article"), mention.get("start"))
    value = mention.get("value", mention.get("text"))
    notes = []
    if mention_drifted(figure, mention):
        notes.append('<span class="badge flag flag-drift" title="differs from the value of the source it traces to">'
                     'drift</span>')
    if primary_value is not None and not article.get("is_primary") and number_in(value) is not None \
            and not values_match(value, primary_value):
        notes.append('<span class="badge flag flag-primary_mismatch" title="differs from the primary document">'
                     f"≠ primary {_e(_num(primary_value))}</span>")
    sentence = _sentence_with_mark(mention)
    return (f'<a class="stated" href="#{_e(target)}" title="show in the article">'
            f'<mark>{_e(mention.get("text") or _num(value))}</mark></a> {"".join(notes)}'
            f'<div class="sentence">{sentence}</div>')


def _sentence_with_mark(mention: Mapping[str, Any]) -> str:
    """The mention's sentence with the figure marked; each piece escaped on its own."""
    sentence = str(mention.get("sentence") or "")
    text = str(mention.get("text") or "")
    if not sentence:
        return ""
    lo = _int(mention.get("start")) - _int(mention.get("sentence_start"))
    if not (0 <= lo and sentence[lo:lo + len(text)] == text and text):
        lo = sentence.find(text) if text else -1
    if lo < 0:
        return _e(sentence)
    hi = lo + len(text)
    return f"{_e(sentence[:lo])}<mark>{_e(sentence[lo:hi])}</mark>{_e(sentence[hi:])}"


def _attribution_cell(attribution: Any, index: _Index, is_primary: bool) -> str:
    if not isinstance(attribution, Mapping):
        if is_primary:
            return '<span class="small">states it first-hand</span>'
        return '<span class="badge flag flag-unattributed">no source</span>'
    cue = attribution.get("cue")
    out = [f"<b>{_e(attribution.get('name') or 'unnamed')}</b> {_kind_badge(attribution.get('kind'))}"]
    if attribution.get("inferred"):
        via = attribution.get("via")
        via_html = f" via {index.article_link(via, 40)}" if via else ""
        out.append(f'<div><span class="badge flag flag-inferred_attribution">inferred</span>{via_html}</div>')
    elif cue:
        out.append(f'<div class="small">cue: “{_e(cue)}”</div>')
    return "".join(out)


def _breadcrumb(chain: Any, index: _Index) -> str:
    steps = [s for s in chain or [] if isinstance(s, Mapping)]
    if not steps:
        return '<span class="small">—</span>'
    parts = []
    for step in steps:
        kind = _clean(step.get("kind"))
        slug = _ANCHOR_UNSAFE.sub("-", kind)
        label = _short(step.get("label") or step.get("id"), 34)
        step_id = _clean(step.get("id"))
        article_id = step_id[len("article:"):] if step_id.startswith("article:") else step_id
        if article_id in index.articles:
            inner = f'<a href="#{_e(_article_anchor(article_id))}">{_e(label)}</a>'
        else:
            inner = _e(label)
        parts.append(f'<span class="crumb kind-{_e(slug)}" title="{_e(step.get("label"))} ({_e(kind)})">{inner}</span>')
    return f'<div class="crumbs">{"<span class=sep>›</span>".join(parts)}</div>'


# -- citation graph -----------------------------------------------------------------------------

_NODE_W, _NODE_H, _ROW_H, _LANE_H, _COL_W, _MARGIN = 210, 30, 42, 14, 280, 60


def _graph_section(report: Mapping[str, Any], index: _Index) -> str:
    graph = report.get("graph") or {}
    nodes = [n for n in graph.get("nodes") or [] if isinstance(n, Mapping)]
    edges = [e for e in graph.get("edges") or [] if isinstance(e, Mapping)]
    if not nodes:
        return '<section id="graph"><h2>Citation graph</h2><p class="empty">The graph is empty.</p></section>'
    svg, kinds = _graph_svg(nodes, edges, index)
    return (f'<section id="graph"><h2>Citation graph <small>{len(nodes)} nodes · {len(edges)} edges</small></h2>'
            f'<div class="card">{_graph_legend(kinds, nodes)}<div class="svgwrap">{svg}</div></div></section>')


def _node_column(node: Mapping[str, Any], index: _Index) -> int:
    node_id = _clean(node.get("id"))
    article = index.articles.get(node_id.removeprefix("article:"))
    if article is not None and article.get("is_primary"):
        return _GRAPH_COLUMN["primary"]
    return _GRAPH_COLUMN.get(_clean(node.get("kind")), 1)


@dataclass
class _Layout:
    """Where every box sits, plus the lanes long edges take through the columns they cross."""

    slot_x: list[int]
    node_at: dict[str, tuple[int, int]]  # node id -> (slot, centre y)
    lane_at: dict[str, int]  # lane id -> centre y
    lanes: dict[int, list[str]]  # edge number -> lane ids, left to right
    height: int


def _lane_id(edge_no: int, slot: int) -> str:
    # NUL cannot survive _clean, so a lane id never collides with a node id.
    return f"\x00{edge_no}:{slot}"


def _layout(nodes: Sequence[Mapping[str, Any]], edges: Sequence[Mapping[str, Any]], index: _Index) -> _Layout:
    """Layered layout: a column per node kind, rows ordered by the barycentre of neighbours.

    An edge that skips a column gets a lane (a dummy slot) in each column it
    crosses, so it runs between boxes instead of under one. Fixed sweeps and
    label tie-breaks keep it deterministic: a report always draws the same way.
    """
    kinds = {}
    for node in nodes:
        kinds.setdefault(_clean(node.get("id")), _node_column(node, index))
    used = sorted(set(kinds.values()))
    slot_of = {node_id: used.index(col) for node_id, col in kinds.items()}
    columns: dict[int, list[str]] = defaultdict(list)
    for node in sorted(nodes, key=lambda n: (_clean(n.get("label")).lower(), _clean(n.get("id")))):
        node_id = _clean(node.get("id"))
        if node_id not in columns[slot_of[node_id]]:
            columns[slot_of[node_id]].append(node_id)
    neighbours: dict[str, list[str]] = defaultdict(list)
    lanes: dict[int, list[str]] = {}
    for edge_no, edge in enumerate(edges):
        a, b = _clean(edge.get("source")), _clean(edge.get("target"))
        if a not in slot_of or b not in slot_of:
            continue
        left, right = sorted((a, b), key=lambda n: slot_of[n])
        path = [left]
        for slot in range(slot_of[left] + 1, slot_of[right]):
            lane = _lane_id(edge_no, slot)
            columns[slot].append(lane)
            path.append(lane)
        lanes[edge_no] = path[1:]
        path.append(right)
        for x, y in zip(path, path[1:]):
            neighbours[x].append(y)
            neighbours[y].append(x)
    _order(columns, neighbours)
    return _place(columns, lanes)


def _order(columns: dict[int, list[str]], neighbours: Mapping[str, list[str]]) -> None:
    rank: dict[str, float] = {}
    for members in columns.values():
        _normalise(members, rank)
    slots = sorted(columns)
    for sweep in range(8):
        for slot in slots if sweep % 2 == 0 else list(reversed(slots)):
            members = columns[slot]
            inside = set(members)  # once per column: built per node it made large graphs quadratic
            centre = {n: _barycentre(n, neighbours, rank, inside) for n in members}
            members.sort(key=lambda n: (centre[n], rank[n]))
            _normalise(members, rank)


def _place(columns: Mapping[int, list[str]], lanes: dict[int, list[str]]) -> _Layout:
    def size(item: str) -> int:
        return _LANE_H if item.startswith("\x00") else _ROW_H

    tallest = max(sum(size(i) for i in members) for members in columns.values())
    node_at, lane_at = {}, {}
    for slot, members in columns.items():
        y = 30 + (tallest - sum(size(i) for i in members)) // 2
        for item in members:
            if item.startswith("\x00"):
                lane_at[item] = y + _LANE_H // 2
            else:
                node_at[item] = (slot, y + _NODE_H // 2)
            y += size(item)
    slot_x = [_MARGIN + slot * _COL_W for slot in range(max(columns) + 1)]
    return _Layout(slot_x, node_at, lane_at, lanes, tallest + 40)


def _barycentre(node_id: str, neighbours: Mapping[str, list[str]], rank: Mapping[str, float],
                members: set[str]) -> float:
    others = [rank[n] for n in neighbours.get(node_id, ()) if n in rank and n not in members]
    return sum(others) / len(others) if others else rank[node_id]


def _normalise(members: Sequence[str], rank: dict[str, float]) -> None:
    # Columns differ in length; comparing relative heights keeps a short column centred on its neighbours.
    size = max(1, len(members) - 1)
    for i, node_id in enumerate(members):
        rank[node_id] = i / size if len(members) > 1 else 0.5


def _edge_colour(kind: str, spare: dict[str, str]) -> str:
    if kind in _EDGE_COLOURS:
        return _EDGE_COLOURS[kind]
    if kind not in spare:
        spare[kind] = _SPARE_COLOURS[len(spare) % len(_SPARE_COLOURS)]
    return spare[kind]


def _graph_svg(nodes: Sequence[Mapping[str, Any]], edges: Sequence[Mapping[str, Any]],
               index: _Index) -> tuple[str, dict[str, str]]:
    layout = _layout(nodes, edges, index)
    spare: dict[str, str] = {}
    kinds = {k: _edge_colour(k, spare) for k in sorted({_clean(e.get("kind")) for e in edges})}
    markers = "".join(
        f'<marker id="arrow-{i}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        for i, colour in enumerate(kinds.values()))
    marker_of = {kind: f"arrow-{i}" for i, kind in enumerate(kinds)}
    paths = "".join(_edge_path(n, e, layout, kinds, marker_of) for n, e in enumerate(edges))
    drawn, boxes = set(), []
    for node in nodes:
        node_id = _clean(node.get("id"))
        if node_id in layout.node_at and node_id not in drawn:
            drawn.add(node_id)
            slot, y = layout.node_at[node_id]
            boxes.append(_node_box(node, (layout.slot_x[slot], y - _NODE_H // 2), index))
    width = layout.slot_x[-1] + _NODE_W + _MARGIN
    svg = (f'<svg class="graph" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {layout.height}" '
           f'width="{width}" height="{layout.height}" role="img" aria-label="citation graph">'
           f'<defs>{markers}</defs><g class="edges">{paths}</g><g class="nodes">{"".join(boxes)}</g></svg>')
    return svg, kinds


def _edge_path(edge_no: int, edge: Mapping[str, Any], layout: _Layout, colours: Mapping[str, str],
               marker_of: Mapping[str, str]) -> str:
    source, target, kind = _clean(edge.get("source")), _clean(edge.get("target")), _clean(edge.get("kind"))
    if source not in layout.node_at or target not in layout.node_at or source == target:
        return ""
    (s_slot, s_y), (t_slot, t_y) = layout.node_at[source], layout.node_at[target]
    if s_slot == t_slot:
        d, end = _bow(layout.slot_x[s_slot], s_y, t_y), "marker-end"
    else:
        # Drawn left to right; an edge pointing left carries its arrow at the start instead.
        (l_slot, l_y), (r_slot, r_y) = sorted(((s_slot, s_y), (t_slot, t_y)))
        points = [(layout.slot_x[l_slot] + _NODE_W, l_y)]
        for lane in layout.lanes.get(edge_no, []):
            slot = int(lane.rsplit(":", 1)[1])
            points += [(layout.slot_x[slot], layout.lane_at[lane]), (layout.slot_x[slot] + _NODE_W, layout.lane_at[lane])]
        points.append((layout.slot_x[r_slot], r_y))
        d, end = _through(points), ("marker-end" if s_slot < t_slot else "marker-start")
    dash = ' stroke-dasharray="5 4"' if kind in _DASHED else ""
    return (f'<path class="edge" d="{d}" stroke="{colours[kind]}" fill="none" stroke-width="1.6"{dash} '
            f'{end}="url(#{marker_of[kind]})"><title>{_e(source)} → {_e(target)} ({_e(kind)})</title></path>')


def _bow(x: int, y1: int, y2: int) -> str:
    # Same column (a rewrite of another article): bow out to the left so the line clears the boxes.
    bow = 40 + abs(y2 - y1) * 0.15
    return f"M{x},{y1} C{x - bow:.0f},{y1} {x - bow:.0f},{y2} {x},{y2}"


def _through(points: Sequence[tuple[int, int]]) -> str:
    """Curves between columns, straight runs along lanes: (exit, entry) pairs alternate."""
    d = [f"M{points[0][0]},{points[0][1]}"]
    for i in range(1, len(points)):
        (x1, y1), (x2, y2) = points[i - 1], points[i]
        if i % 2 == 0:
            d.append(f"L{x2},{y2}")
        else:
            mid = (x1 + x2) / 2
            d.append(f"C{mid:.0f},{y1} {mid:.0f},{y2} {x2},{y2}")
    return " ".join(d)


def _node_box(node: Mapping[str, Any], position: tuple[int, int], index: _Index) -> str:
    x, y = position
    node_id = _clean(node.get("id"))
    kind = _clean(node.get("kind"))
    slug = _ANCHOR_UNSAFE.sub("-", kind)
    label = _short(node.get("label") or node_id, 31)
    box = (f'<g class="node kind-{_e(slug)}" transform="translate({x},{y})">'
           f"<title>{_e(node.get('label') or node_id)} ({_e(kind)})</title>"
           f'<rect width="{_NODE_W}" height="{_NODE_H}" rx="6"/>'
           f'<text x="10" y="{_NODE_H // 2 + 4}">{_e(label)}</text></g>')
    article_id = node_id.removeprefix("article:")
    if article_id in index.articles:
        return f'<a href="#{_e(_article_anchor(article_id))}">{box}</a>'
    return box


def _graph_legend(kinds: Mapping[str, str], nodes: Sequence[Mapping[str, Any]]) -> str:
    dashed = ' stroke-dasharray="5 4"'
    edge_items = "".join(
        f'<span class="lg"><svg width="26" height="10" aria-hidden="true"><line x1="0" y1="5" x2="26" y2="5" '
        f'stroke="{colour}" stroke-width="2"{dashed if kind in _DASHED else ""}/>'
        f"</svg>{_e(kind.replace('_', ' '))}</span>"
        for kind, colour in kinds.items())
    node_kinds = sorted({_clean(n.get("kind")) for n in nodes})
    node_items = "".join(f'<span class="lg"><i class="swatch kind-{_e(_ANCHOR_UNSAFE.sub("-", k))}"></i>{_e(k)}</span>'
                         for k in node_kinds)
    return (f'<div class="legend"><span class="label">columns</span> articles → outlets, people, organisations → '
            f'sources → primary documents</div><div class="legend"><span class="label">nodes</span>{node_items}</div>'
            f'<div class="legend"><span class="label">edges</span>{edge_items}</div>')


# -- timeline -----------------------------------------------------------------------------------

_TL_LEFT, _TL_RIGHT, _TL_ROW = 300, 40, 30


@dataclass(frozen=True)
class _Dot:
    row: int
    day: dt.date
    kind: str  # attributed | inferred | unattributed | primary
    first: bool
    estimated: bool
    tip: str


def _timeline_section(report: Mapping[str, Any], index: _Index) -> str:
    figures = entries(report, "figures")
    dots, undated = _timeline_dots(figures, index)
    article_days = [(d, a) for a in index.articles.values() if (d := _date(a.get("published")))]
    if not dots and not article_days:
        return ('<section id="timeline"><h2>Timeline of first appearances</h2>'
                '<p class="empty">No dated articles.</p></section>')
    svg = _timeline_svg(figures, dots, article_days)
    note = f'<p class="small">{undated} undated mention(s) not drawn.</p>' if undated else ""
    legend = ('<div class="legend"><span class="lg"><i class="dot attributed"></i>attributed</span>'
              '<span class="lg"><i class="dot inferred"></i>inferred attribution</span>'
              '<span class="lg"><i class="dot unattributed"></i>no source</span>'
              '<span class="lg"><i class="dot primary"></i>primary document</span>'
              '<span class="lg"><i class="ring"></i>first seen (dashed: date estimated)</span></div>')
    return (f'<section id="timeline"><h2>Timeline of first appearances</h2><div class="card">{legend}'
            f'<div class="svgwrap">{svg}</div>{note}</div></section>')


def _timeline_dots(figures: Sequence[Mapping[str, Any]], index: _Index) -> tuple[list[_Dot], int]:
    dots, undated = [], 0
    for row, figure in enumerate(figures):
        seen = figure.get("first_seen") if isinstance(figure.get("first_seen"), Mapping) else {}
        for mention in figure.get("mentions") or []:
            if not isinstance(mention, Mapping):
                continue
            article = index.articles.get(str(mention.get("article")), {})
            day = _date(mention.get("date") or article.get("published"))
            if day is None:
                undated += 1
                continue
            first = mention.get("article") == seen.get("article")
            tip = (f"{index.title(mention.get('article'))} — {_clean(mention.get('text'))} — {day.isoformat()}")
            dots.append(_Dot(row, day, _dot_kind(mention, article), first, bool(first and seen.get("estimated")),
                             tip))
    return dots, undated


def _dot_kind(mention: Mapping[str, Any], article: Mapping[str, Any]) -> str:
    if article.get("is_primary"):
        return "primary"
    attribution = mention.get("attribution")
    if not isinstance(attribution, Mapping):
        return "unattributed"
    return "inferred" if attribution.get("inferred") else "attributed"


def _timeline_svg(figures: Sequence[Mapping[str, Any]], dots: Sequence[_Dot],
                  article_days: Sequence[tuple[dt.date, Mapping[str, Any]]]) -> str:
    days = [d.day for d in dots] + [d for d, _ in article_days]
    lo, hi = min(days), max(days)
    if lo == hi:
        lo, hi = lo - dt.timedelta(days=1), hi + dt.timedelta(days=1)
    width = 1100
    span = (hi - lo).days
    pad = max(1.0, span * 0.04)

    def x_of(day: dt.date) -> float:
        return _TL_LEFT + ((day - lo).days + pad) / (span + 2 * pad) * (width - _TL_LEFT - _TL_RIGHT)

    rows = len(figures) + 1
    axis_y = 20 + rows * _TL_ROW
    parts = [_timeline_rows(figures, width), _timeline_axis(lo, hi, x_of, axis_y, width)]
    parts.append(_timeline_marks(dots, x_of))
    parts.append(_timeline_articles(article_days, x_of, len(figures)))
    return (f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {axis_y + 40}" '
            f'width="{width}" height="{axis_y + 40}" role="img" aria-label="timeline">{"".join(parts)}</svg>')


def _timeline_rows(figures: Sequence[Mapping[str, Any]], width: int) -> str:
    out = []
    labels = [f"{_fmt_value(f.get('value'), f.get('unit'), f.get('of'))} · {_clean(f.get('holder') or f.get('measure'))}"
              for f in figures] + ["all articles"]
    for row, label in enumerate(labels):
        y = 20 + row * _TL_ROW
        stripe = ' class="stripe"' if row % 2 == 0 else ' class="plain"'
        out.append(f'<rect{stripe} x="0" y="{y}" width="{width}" height="{_TL_ROW}"/>'
                   f'<text class="rowlabel" x="10" y="{y + _TL_ROW // 2 + 4}">{_e(_short(label, 40))}</text>')
    return "".join(out)


def _timeline_axis(lo: dt.date, hi: dt.date, x_of: Any, axis_y: int, width: int) -> str:
    span = (hi - lo).days
    step = max(1, math.ceil(span / 8))
    fmt = "%Y-%m-%d" if span > 300 else "%b %d"
    out = [f'<line class="axis" x1="{_TL_LEFT}" y1="{axis_y}" x2="{width - _TL_RIGHT}" y2="{axis_y}"/>']
    day = lo
    while day <= hi:
        x = x_of(day)
        out.append(f'<line class="tick" x1="{x:.1f}" y1="20" x2="{x:.1f}" y2="{axis_y + 5}"/>'
                   f'<text class="ticklabel" x="{x:.1f}" y="{axis_y + 20}">{_e(day.strftime(fmt))}</text>')
        day += dt.timedelta(days=step)
    return "".join(out)


def _timeline_marks(dots: Sequence[_Dot], x_of: Any) -> str:
    # Mentions on the same day in the same row are spread sideways so none hides another.
    groups: dict[tuple[int, dt.date], list[_Dot]] = defaultdict(list)
    for dot in dots:
        groups[(dot.row, dot.day)].append(dot)
    out = []
    for (row, day), members in sorted(groups.items()):
        y = 20 + row * _TL_ROW + _TL_ROW / 2
        for i, dot in enumerate(members):
            x = x_of(day) + (i - (len(members) - 1) / 2) * 11
            ring = ""
            if dot.first:
                dash = ' stroke-dasharray="3 2"' if dot.estimated else ""
                ring = f'<circle class="ring" cx="{x:.1f}" cy="{y:.1f}" r="9"{dash}/>'
            shape = (f'<rect class="dot {dot.kind}" x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10"/>'
                     if dot.kind == "primary" else f'<circle class="dot {dot.kind}" cx="{x:.1f}" cy="{y:.1f}" r="5"/>')
            out.append(f"<g>{ring}{shape}<title>{_e(dot.tip)}</title></g>")
    return "".join(out)


def _timeline_articles(article_days: Sequence[tuple[dt.date, Mapping[str, Any]]], x_of: Any, row: int) -> str:
    y = 20 + row * _TL_ROW + _TL_ROW / 2
    out = []
    for day, article in sorted(article_days, key=lambda p: (p[0], _clean(p[1].get("id")))):
        x = x_of(day)
        tip = f"{_clean(article.get('title') or article.get('id'))} — {day.isoformat()}"
        out.append(f'<a href="#{_e(_article_anchor(article.get("id")))}"><path class="artmark" '
                   f'd="M{x:.1f},{y - 7:.1f} L{x + 6:.1f},{y:.1f} L{x:.1f},{y + 7:.1f} L{x - 6:.1f},{y:.1f} z">'
                   f"<title>{_e(tip)}</title></path></a>")
    return "".join(out)


# -- clusters, conflicts, attribution, quotes ---------------------------------------------------


def _clusters_section(report: Mapping[str, Any], index: _Index) -> Iterator[str]:
    clusters = entries(report, "clusters")
    groups = [c for c in clusters if len(c.get("articles") or []) > 1]
    singles = len(clusters) - len(groups)
    yield '<section id="clusters"><h2>Coverage clusters <small>why articles are grouped</small></h2>'
    if not groups:
        yield '<p class="empty">No near-duplicate coverage: every article stands alone.</p>'
    for cluster in groups:
        yield _cluster_card(cluster, index)
    yield (f'<p class="small">{singles} article(s) stand alone.</p>' if singles else "") + "</section>"


def _cluster_card(cluster: Mapping[str, Any], index: _Index) -> str:
    representative = cluster.get("representative")
    star = ' <span class="badge ok">representative</span>'
    members = "".join(
        f'<li>{index.article_link(a)}{star if a == representative else ""}'
        f' <span class="small">{_e(index.articles.get(str(a), {}).get("outlet"))}</span></li>'
        for a in cluster.get("articles") or [])
    links = [l for l in cluster.get("links") or [] if isinstance(l, Mapping)]
    rows = "".join(_link_row(l, index) for l in links)
    table = ('<table class="links"><thead><tr><th>older</th><th></th><th>newer</th><th>kind</th><th>Jaccard</th>'
             '<th>containment</th><th>cosine</th><th>shared figures</th><th>shared entities</th></tr></thead>'
             f"<tbody>{rows}</tbody></table>") if links else '<p class="small">No pairwise evidence recorded.</p>'
    return (f'<div class="card cluster" id="{_e(_cluster_anchor(cluster.get("id")))}">'
            f'<h3>Cluster {_e(cluster.get("id"))}</h3><ul class="members">{members}</ul>{table}</div>')


def _link_row(link: Mapping[str, Any], index: _Index) -> str:
    kind = _clean(link.get("kind"))
    shared = "".join(_shared_figure(f, index) for f in link.get("shared_figures") or [])
    entities = "".join(f'<span class="chip">{_e(e)}</span>' for e in link.get("shared_entities") or [])
    return (f"<tr><td>{index.article_link(link.get('source'), 40)}</td><td>→</td>"
            f"<td>{index.article_link(link.get('target'), 40)}</td>"
            f'<td><span class="badge link-{_e(_ANCHOR_UNSAFE.sub("-", kind))}">{_e(kind)}</span></td>'
            f"<td>{_meter(link.get('jaccard'))}</td><td>{_meter(link.get('containment'))}</td>"
            f"<td>{_meter(link.get('cosine'))}</td><td>{shared or '—'}</td><td>{entities or '—'}</td></tr>")


def _meter(value: Any) -> str:
    score = number_in(value) if value is not None else None
    if score is None:
        return '<span class="small">n/a</span>'
    width = max(0.0, min(1.0, score)) * 60
    return (f'<span class="meter"><svg width="60" height="8" aria-hidden="true"><rect width="60" height="8" '
            f'rx="2" class="track"/><rect width="{width:.1f}" height="8" rx="2" class="fill"/></svg> '
            f"{score:.2f}</span>")


def _shared_figure(key: Any, index: _Index) -> str:
    figure = index.figures.get(_clean(key)) or index.figure_keys.get(_clean(key))
    if figure is None:
        return f'<span class="chip">{_e(key)}</span>'
    shown = _fmt_value(figure.get("value"), figure.get("unit"), figure.get("of"))
    return f'<a class="chip" href="#{_e(_figure_anchor(figure))}" title="{_e(_statement(figure))}">{_e(shown)}</a>'


def _conflicts_section(report: Mapping[str, Any], index: _Index) -> str:
    conflicts = entries(report, "conflicts")
    if not conflicts:
        return '<section id="conflicts"><h2>Conflicts</h2><p class="empty">No contradictions found.</p></section>'
    cards = "".join(_conflict_card(c, index) for c in conflicts)
    return f'<section id="conflicts"><h2>Conflicts <small>{len(conflicts)}</small></h2>{cards}</section>'


def _conflict_card(conflict: Mapping[str, Any], index: _Index) -> str:
    sides = []
    for value in conflict.get("values") or []:
        if not isinstance(value, Mapping):
            continue
        article = index.articles.get(str(value.get("article")), {})
        said = _e(value.get("text"))
        if value.get("start") is not None:
            said = f'<a href="#{_e(_anchor("c", value.get("article"), value.get("start")))}">{said}</a>'
        sentence = _sentence_with_mark({"sentence": value.get("sentence"), "text": value.get("text")})
        sentence = f'<p class="sentence">{sentence}</p>' if sentence else ""
        sides.append(f'<div class="side"><div class="said">{said}</div>{sentence}'
                     f'<div class="small">{index.article_link(value.get("article"), 60)} · {_e(article.get("outlet"))}'
                     f' · {_e(_fmt_date(article.get("published")))}</div></div>')
    versus = '<div class="vs">vs</div>'.join(sides)
    return (f'<div class="card conflict"><h3>{_e(conflict.get("what"))}</h3>'
            f'<div class="sides">{versus}</div></div>')


def _attribution_section(report: Mapping[str, Any], index: _Index) -> str:
    rows = []
    for figure in entries(report, "figures"):
        for mention in figure.get("mentions") or []:
            if not isinstance(mention, Mapping):
                continue
            article = index.articles.get(str(mention.get("article")), {})
            attribution = mention.get("attribution")
            if article.get("is_primary"):
                continue
            if isinstance(attribution, Mapping) and not attribution.get("inferred"):
                continue
            rows.append(_gap_row(figure, mention, attribution, index))
    if not rows:
        body = '<p class="empty">Every mention names its source.</p>'
    else:
        body = ('<table class="gaps"><thead><tr><th>figure</th><th>as stated</th><th>article</th>'
                f'<th>status</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')
    return ('<section id="attribution"><h2>Attribution gaps <small>figures stated without a source</small></h2>'
            f'<div class="card">{body}</div></section>')


def _gap_row(figure: Mapping[str, Any], mention: Mapping[str, Any], attribution: Any, index: _Index) -> str:
    if isinstance(attribution, Mapping):
        via = attribution.get("via")
        status = ('<span class="badge flag flag-inferred_attribution">inferred</span> '
                  f'{_e(attribution.get("name"))}' + (f" via {index.article_link(via, 40)}" if via else ""))
    else:
        status = '<span class="badge flag flag-unattributed">unattributed</span>'
    target = _anchor("s", mention.get("article"), mention.get("start"))
    return (f'<tr><td><a href="#{_e(_figure_anchor(figure))}">{_e(_statement(figure))}</a></td>'
            f'<td><a href="#{_e(target)}"><mark>{_e(mention.get("text"))}</mark></a></td>'
            f"<td>{index.article_link(mention.get('article'), 50)}</td><td>{status}</td></tr>")


def _quotes_section(report: Mapping[str, Any], index: _Index) -> str:
    quotes = entries(report, "quotes")
    if not quotes:
        return '<section id="quotes"><h2>Quotes</h2><p class="empty">No quotes found.</p></section>'
    rows = "".join(
        f"<tr><td><b>{_e(q.get('speaker') or 'unknown speaker')}</b></td>"
        f'<td><a class="quote" href="#{_e(_anchor("q", q.get("article"), q.get("start")))}">“{_e(q.get("text"))}”</a></td>'
        f"<td>{index.article_link(q.get('article'), 50)}</td></tr>"
        for q in quotes)
    return (f'<section id="quotes"><h2>Quotes <small>{len(quotes)}</small></h2><div class="card">'
            '<table class="quotes"><thead><tr><th>speaker</th><th>quote</th><th>article</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></div></section>")


# -- articles and their text --------------------------------------------------------------------


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    anchor: str
    cls: str
    tip: str


def _spans_by_article(report: Mapping[str, Any]) -> tuple[dict[str, list[_Span]], dict[str, list[_Span]]]:
    """Highlights (figures, conflicts, quotes) and sentence wrappers per article, from the report's offsets."""
    marks: dict[str, list[_Span]] = defaultdict(list)
    sentences: dict[str, list[_Span]] = defaultdict(list)
    for figure in entries(report, "figures"):
        statement = _statement(figure)
        for m in figure.get("mentions") or []:
            if not isinstance(m, Mapping):
                continue
            article = _clean(m.get("article"))
            marks[article].append(_Span(_int(m.get("start")), _int(m.get("end")), _anchor("s", article, m.get("start")),
                                        "fig", statement))
            sentences[article].append(_Span(_int(m.get("sentence_start")), _int(m.get("sentence_end")),
                                            _anchor("e", article, m.get("sentence_start")), "sent", ""))
        evidence = (figure.get("primary_source") or {}).get("evidence") if isinstance(
            figure.get("primary_source"), Mapping) else None
        if isinstance(evidence, Mapping):
            article = _clean(evidence.get("article"))
            sentences[article].append(_Span(_int(evidence.get("start")), _int(evidence.get("end")),
                                            _anchor("e", article, evidence.get("start")), "sent evidence", ""))
    for conflict in entries(report, "conflicts"):
        for v in conflict.get("values") or []:
            if isinstance(v, Mapping) and v.get("start") is not None:
                article = _clean(v.get("article"))
                marks[article].append(_Span(_int(v.get("start")), _int(v.get("end")),
                                            _anchor("c", article, v.get("start")), "conflict", _clean(conflict.get("what"))))
    for q in entries(report, "quotes"):
        article = _clean(q.get("article"))
        marks[article].append(_Span(_int(q.get("start")), _int(q.get("end")), _anchor("q", article, q.get("start")),
                                    "quote", f"quote: {_clean(q.get('speaker'))}"))
    return marks, sentences


def _articles_section(report: Mapping[str, Any], index: _Index, texts: Mapping[str, str]) -> Iterator[str]:
    marks, sentences = _spans_by_article(report)
    grouped = {c.get("id") for c in entries(report, "clusters") if len(c.get("articles") or []) > 1}
    cited: dict[str, list[tuple[int, str, str]]] | None = None  # built on the first article without text
    yield '<section id="articles"><h2>Articles <small>sources of every highlighted figure</small></h2>'
    for article in entries(report, "articles"):
        if _is_failure(article):
            continue
        article_id = _clean(article.get("id"))
        text = texts.get(article_id)
        if isinstance(text, str):
            painted = _painted_text(text, marks.get(article_id, []), sentences.get(article_id, []))
            body = f'<div class="text">{painted}</div>'
        else:
            if cited is None:
                cited = _cited_index(report)
            body = _cited_sentences(cited.get(article_id, []))
        yield (f'<article class="card art" id="{_e(_article_anchor(article_id))}">'
               f"{_article_meta(article, grouped)}{body}</article>")
    yield "</section>"


def _article_meta(article: Mapping[str, Any], grouped: set[str]) -> str:
    badges = []
    if article.get("is_primary"):
        badges.append('<span class="badge primarydoc">primary document</span>')
    if article.get("auto_generated"):
        badges.append('<span class="badge muted">auto-generated</span>')
    cluster = article.get("cluster")
    if cluster is not None and cluster in grouped:
        badges.append(f'<a class="badge muted" href="#{_e(_cluster_anchor(cluster))}">cluster {_e(cluster)}</a>')
    facts = []
    for key in ("outlet", "author", "published", "language", "status"):
        if article.get(key):
            facts.append(f"<span><i>{key}</i> {_e(article[key])}</span>")
    for key in ("url", "final_url"):
        if article.get(key) and (key == "url" or article.get("final_url") != article.get("url")):
            link = _href(article[key])
            shown = _e(_short(article[key], 80))
            facts.append(f'<span><i>{key.replace("_", " ")}</i> '
                         + (f'<a href="{link}" rel="noreferrer noopener">{shown}</a>' if link else shown) + "</span>")
    return (f'<h3>{_e(article.get("title") or article.get("id"))} {"".join(badges)}</h3>'
            f'<p class="facts">{" · ".join(facts)}</p><p class="small mono">{_e(article.get("id"))}</p>')


def _cited_sentences(cited: Iterable[tuple[int, str, str]]) -> str:
    """Without the full text, list what the report cites from the article, so every link still lands."""
    items, seen = [], set()
    for _, anchor, body in sorted(cited, key=lambda item: item[:2]):
        if anchor not in seen:
            seen.add(anchor)
            items.append(f'<li id="{_e(anchor)}" class="cited">{body}</li>')
    if not items:
        return '<p class="small">Full text not included in this report.</p>'
    return f'<p class="small">Full text not included; cited passages:</p><ul class="cited">{"".join(items)}</ul>'


def _cited_index(report: Mapping[str, Any]) -> dict[str, list[tuple[int, str, str]]]:
    """Article id -> (offset, anchor, html) of every passage the report cites from it, in one pass.

    One pass over the report, not one per article: on a 1,000-page corpus the
    per-article scan was half the time of writing the HTML.
    """
    out: dict[str, list[tuple[int, str, str]]] = defaultdict(list)

    def owner(item: Any) -> str | None:
        return _clean(item.get("article")) if isinstance(item, Mapping) else None

    for figure in entries(report, "figures"):
        for mention in figure.get("mentions") or []:
            if (article_id := owner(mention)) is not None:
                out[article_id].append((_int(mention.get("start")), _anchor("s", article_id, mention.get("start")),
                                        _sentence_with_mark(mention)))
        source = figure.get("primary_source")
        evidence = source.get("evidence") if isinstance(source, Mapping) else None
        if (article_id := owner(evidence)) is not None:
            out[article_id].append((_int(evidence.get("start")), _anchor("e", article_id, evidence.get("start")),
                                    _e(evidence.get("sentence"))))
    for conflict in entries(report, "conflicts"):
        for value in conflict.get("values") or []:
            if (article_id := owner(value)) is not None and value.get("start") is not None:
                shown = _sentence_with_mark({"sentence": value.get("sentence") or value.get("text"),
                                             "text": value.get("text")})
                out[article_id].append((_int(value.get("start")), _anchor("c", article_id, value.get("start")), shown))
    for quote in entries(report, "quotes"):
        if (article_id := owner(quote)) is not None:
            out[article_id].append((_int(quote.get("start")), _anchor("q", article_id, quote.get("start")),
                                    f"“{_e(quote.get('text'))}” — {_e(quote.get('speaker') or 'unknown speaker')}"))
    return out


class _Painter:
    """Writes an article's text with sentence wrappers and non-overlapping highlights.

    Offsets index the raw text, so the text is sliced first and each slice is
    cleaned and escaped on its own; escaping first would shift every offset.
    """

    def __init__(self, text: str, marks: Sequence[_Span]) -> None:
        self.text = text
        self.marks, self.points = _non_overlapping(marks, len(text))
        self.done: set[str] = set()

    def paint(self, sentences: Sequence[_Span]) -> str:
        out, pos = [], 0
        for sentence in _merged(sentences, len(self.text)):
            out.append(self.range(pos, sentence.start))
            anchor = f' id="{_e(sentence.anchor)}"' if self.claim(sentence.anchor) else ""
            out.append(f'<span class="{sentence.cls}"{anchor}>{self.range(sentence.start, sentence.end)}</span>')
            pos = sentence.end
        out.append(self.range(pos, len(self.text) + 1))
        return "".join(out)

    def claim(self, anchor: str) -> bool:
        """Each id is written once, even when a span is split across sentences."""
        if anchor in self.done:
            return False
        self.done.add(anchor)
        return True

    def range(self, lo: int, hi: int) -> str:
        out, pos = [], lo
        for mark in self.marks:
            start, end = max(mark.start, lo), min(mark.end, hi)
            if start >= end:
                continue
            out.append(self.plain(pos, start))
            anchor = f' id="{_e(mark.anchor)}"' if self.claim(mark.anchor) else ""
            out.append(f'<mark class="{mark.cls}"{anchor} title="{_e(mark.tip)}">{self.plain(start, end)}</mark>')
            pos = end
        out.append(self.plain(pos, hi))
        return "".join(out)

    def plain(self, lo: int, hi: int) -> str:
        out, pos = [], lo
        for point in self.points:
            if lo <= point.start < hi and self.claim(point.anchor):
                out.append(_e(self.text[pos:point.start], keep_newlines=True))
                out.append(f'<span class="pt" id="{_e(point.anchor)}" title="{_e(point.tip)}"></span>')
                pos = point.start
        out.append(_e(self.text[pos:hi], keep_newlines=True))
        return "".join(out)


def _painted_text(text: str, marks: Sequence[_Span], sentences: Sequence[_Span]) -> str:
    return _Painter(text, marks).paint(sentences)


def _non_overlapping(marks: Sequence[_Span], length: int) -> tuple[list[_Span], list[_Span]]:
    """Figures win over conflicts, conflicts over quotes; a loser keeps its anchor as a point."""
    priority = {"fig": 0, "conflict": 1, "quote": 2}
    chosen: list[_Span] = []
    points: list[_Span] = []
    for mark in sorted(marks, key=lambda m: (priority.get(m.cls, 3), m.start, -m.end, m.anchor)):
        start, end = min(max(0, mark.start), length), min(length, mark.end)
        if start >= end or any(start < c.end and c.start < end for c in chosen):
            points.append(_Span(start, start, mark.anchor, mark.cls, mark.tip))
        else:
            chosen.append(_Span(start, end, mark.anchor, mark.cls, mark.tip))
    return sorted(chosen, key=lambda m: m.start), sorted(points, key=lambda p: (p.start, p.anchor))


def _merged(sentences: Iterable[_Span], length: int) -> list[_Span]:
    """Sentence ranges sorted and de-overlapped; bad offsets are dropped rather than trusted."""
    valid = sorted((s for s in sentences if 0 <= s.start < s.end <= length), key=lambda s: (s.start, -s.end))
    out: list[_Span] = []
    for sentence in valid:
        if out and sentence.start < out[-1].end:
            last = out[-1]
            out[-1] = _Span(last.start, max(last.end, sentence.end), last.anchor,
                            "sent evidence" if "evidence" in sentence.cls + last.cls else last.cls, "")
            continue
        out.append(sentence)
    return out


def _failures_section(report: Mapping[str, Any]) -> str:
    failed = [a for a in entries(report, "articles") if _is_failure(a)]
    if not failed:
        return ""
    rows = "".join(f"<tr><td class=\"mono\">{_e(a.get('id'))}</td><td>{_e(a.get('url') or a.get('source_path'))}</td>"
                   f"<td>{_e(a.get('status'))}</td><td>{_e(a.get('reason'))}</td></tr>" for a in failed)
    return ('<section id="failed"><h2>Failed inputs <small>counted in the summary, not in the analysis</small></h2>'
            '<div class="card"><table><thead><tr><th>id</th><th>input</th><th>status</th><th>reason</th></tr>'
            f"</thead><tbody>{rows}</tbody></table></div></section>")


_CSS = """
:root{--ink:#1f2933;--muted:#66788a;--line:#dde3ea;--bg:#f5f7fa;--card:#fff;--accent:#1c7ed6;
--drift:#e67700;--drift-bg:#fff3bf;--unatt:#c92a2a;--unatt-bg:#ffe3e3;--mis:#862e9c;--mis-bg:#f3d9fa;
--inf:#d9480f;--inf-bg:#ffe8cc}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,
"Helvetica Neue",Arial,sans-serif}
.page{max-width:1240px;margin:0 auto;padding:0 20px 40px}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
h1{margin:0;font-size:26px}h2{margin:34px 0 12px;font-size:20px;border-bottom:2px solid var(--line);padding-bottom:4px}
h2 small,h3 small{color:var(--muted);font-weight:normal;font-size:13px;margin-left:6px}
h3{margin:0 0 6px;font-size:16px}
.top{display:flex;flex-wrap:wrap;gap:20px;align-items:center;justify-content:space-between;padding:24px 0 12px}
.sub{margin:4px 0 0;color:var(--muted)}
.tiles{display:flex;gap:10px;flex-wrap:wrap}
.tile{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:8px 14px;min-width:96px;text-align:center}
.tile b{display:block;font-size:22px}.tile span{color:var(--muted);font-size:12px}
.tile.warn b{color:var(--unatt)}
.nav{position:sticky;top:0;z-index:5;background:rgba(245,247,250,.95);border-bottom:1px solid var(--line);
padding:8px 0;display:flex;gap:16px;flex-wrap:wrap;align-items:center}
.toggle{position:absolute;left:-9999px}
.filter{margin-left:auto;cursor:pointer;border:1px solid var(--line);border-radius:14px;padding:2px 12px;background:#fff}
.toggle:checked+.page .filter{background:var(--accent);color:#fff}
.toggle:checked+.page .figure.clean,.toggle:checked+.page .overview tr.clean{display:none}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 18px;margin:14px 0;
box-shadow:0 1px 2px rgba(0,0,0,.04)}
.figure.flagged{border-left:5px solid var(--drift)}
.fig-head{display:flex;gap:18px;align-items:flex-start}
.bigvalue{font-size:30px;font-weight:700;min-width:110px;color:var(--accent);line-height:1.1}
.fig-title{flex:1}.flags{display:flex;gap:4px;flex-wrap:wrap;justify-content:flex-end;max-width:280px}
.facts{margin:0;color:var(--muted);font-size:13px}.facts i{font-style:normal;font-weight:600;color:#8795a1;margin-right:2px}
.facts span{margin-right:4px}
.fig-meta{display:flex;gap:28px;flex-wrap:wrap;margin:10px 0 6px}
.label{font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);margin-right:6px}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;line-height:20px;margin:1px 2px;
background:#e9ecef;color:#343a40;white-space:nowrap}
.badge.ok{background:#d3f9d8;color:#2b8a3e}.badge.muted{background:#f1f3f5;color:var(--muted)}
.badge.primarydoc{background:#fff3bf;color:#5c3c00;border:1px solid #fcc419}
.flag-drift{background:var(--drift-bg);color:var(--drift)}.flag-unattributed{background:var(--unatt-bg);color:var(--unatt)}
.flag-primary_mismatch{background:var(--mis-bg);color:var(--mis)}
.flag-inferred_attribution{background:var(--inf-bg);color:var(--inf)}
.flag-contradiction{background:#ffdeeb;color:#a61e4d}.flag-no_primary_source{background:#e9ecef;color:#495057}
.badge.kind{background:#edf2ff;color:#364fc7}
.link-rewrite,.link-rewrite_of{background:#f3d9fa;color:#862e9c}.link-copy,.link-copy_of{background:#ffdeeb;color:#a61e4d}
.chip{display:inline-block;border:1px solid var(--line);border-radius:6px;padding:0 7px;margin:1px 3px 1px 0;
font-size:13px;background:#fff}
.chip.drifted{border-color:var(--drift);background:var(--drift-bg);font-weight:600}
.chip.asprimary{border-color:#2b8a3e;background:#ebfbee}
.primary{background:#f8f9fa;border-radius:8px;padding:8px 12px;margin:8px 0}
.primary.missing{color:var(--unatt)}
blockquote{margin:6px 0 0;padding:4px 10px;border-left:3px solid #fcc419;color:#495057;font-size:13px}
blockquote a{color:inherit}
table{border-collapse:collapse;width:100%;margin-top:8px}
th{text-align:left;font-size:11px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);
border-bottom:1px solid var(--line);padding:6px 8px}
td{border-bottom:1px solid #eef1f4;padding:7px 8px;vertical-align:top}
td.num,th.num{text-align:right}.nowrap{white-space:nowrap}
table.overview{background:#fff;border:1px solid var(--line);border-radius:8px}
table.overview td.num{white-space:nowrap;font-weight:600}
svg.graph,svg.timeline{max-width:100%;height:auto}
.small{font-size:12px;color:var(--muted)}.mono{font-family:ui-monospace,Menlo,Consolas,monospace}
.sentence{font-size:12px;color:#495057;margin-top:4px;max-width:420px}
mark{background:#ffec99;border-radius:3px;padding:0 2px;color:inherit}
a.stated mark{font-weight:700;font-size:15px}
.crumbs{display:flex;flex-wrap:wrap;align-items:center;gap:2px}
.crumb{border-radius:5px;padding:1px 6px;font-size:12px;background:#e7f5ff;border:1px solid #a5d8ff}
.crumb a{color:#1864ab}.sep{color:var(--muted);margin:0 2px}
.crumb.kind-outlet{background:#fff4e6;border-color:#ffc078}
.crumb.kind-study,.crumb.kind-dataset,.crumb.kind-leaderboard{background:#ebfbee;border-color:#8ce99a;font-weight:600}
.crumb.kind-person,.crumb.kind-organization{background:#f3f0ff;border-color:#d0bfff}
.crumb.kind-primary{background:#fff9db;border-color:#fcc419;font-weight:600}
.svgwrap{overflow-x:auto}
svg.graph .node rect{fill:#e7f5ff;stroke:#74c0fc;stroke-width:1.2}
svg.graph .node text{font-size:12px;fill:#1f2933}
svg.graph .kind-outlet rect{fill:#fff4e6;stroke:#ffa94d}
svg.graph .kind-person rect,svg.graph .kind-organization rect{fill:#f3f0ff;stroke:#b197fc}
svg.graph .kind-study rect,svg.graph .kind-dataset rect,svg.graph .kind-leaderboard rect{fill:#ebfbee;stroke:#69db7c}
svg.graph .kind-primary rect{fill:#fff9db;stroke:#fab005;stroke-width:2}
svg.graph .kind-link rect{fill:#f1f3f5;stroke:#adb5bd}
svg.graph a:hover rect{stroke:#1c7ed6;stroke-width:2}
.legend{display:flex;flex-wrap:wrap;gap:12px;align-items:center;font-size:12px;margin-bottom:6px}
.lg{display:inline-flex;align-items:center;gap:5px}
.swatch{display:inline-block;width:16px;height:11px;border-radius:3px;background:#e7f5ff;border:1px solid #74c0fc}
.swatch.kind-outlet{background:#fff4e6;border-color:#ffa94d}
.swatch.kind-person,.swatch.kind-organization{background:#f3f0ff;border-color:#b197fc}
.swatch.kind-study,.swatch.kind-dataset,.swatch.kind-leaderboard{background:#ebfbee;border-color:#69db7c}
.swatch.kind-primary{background:#fff9db;border-color:#fab005}.swatch.kind-link{background:#f1f3f5;border-color:#adb5bd}
svg.timeline .stripe{fill:#f8f9fa}svg.timeline .plain{fill:#fff}
svg.timeline .rowlabel{font-size:12px;fill:#1f2933}
svg.timeline .axis{stroke:#868e96}svg.timeline .tick{stroke:#e9ecef}
svg.timeline .ticklabel{font-size:11px;fill:#66788a;text-anchor:middle}
.dot{display:inline-block;width:10px;height:10px;border-radius:50%}
.dot.attributed{fill:#2b8a3e;background:#2b8a3e}.dot.inferred{fill:#e8590c;background:#e8590c}
.dot.unattributed{fill:#e03131;background:#e03131}
.dot.primary{fill:#fab005;background:#fab005;stroke:#5c3c00;border-radius:2px}
.ring{display:inline-block;width:14px;height:14px;border-radius:50%;border:2px solid #1f2933;
fill:none;stroke:#1f2933;stroke-width:1.6}
svg.timeline .artmark{fill:#adb5bd}svg.timeline a:hover .artmark{fill:#1c7ed6}
ul.members{margin:4px 0;padding-left:18px}
.meter{white-space:nowrap;font-variant-numeric:tabular-nums}.meter .track{fill:#e9ecef}.meter .fill{fill:#4dabf7}
.sides{display:flex;gap:12px;align-items:stretch}
.side{flex:1;border:1px solid var(--line);border-radius:8px;padding:10px 12px;background:#fff5f5}
.said{font-size:20px;font-weight:700;color:#a61e4d}.said a{color:inherit}
.vs{align-self:center;font-weight:700;color:var(--muted)}
.side .sentence{max-width:none}
a.quote{color:var(--ink)}
.text{white-space:pre-wrap;font-family:Georgia,"Times New Roman",serif;font-size:15px;line-height:1.65;
background:#fcfcfd;border:1px solid #eef1f4;border-radius:6px;padding:12px 16px;max-height:520px;overflow:auto}
.text .sent{border-bottom:1px dotted #adb5bd}
.text .evidence{background:#fff9db}
mark.conflict{background:#ffdeeb}mark.quote{background:#edf2ff}
[id]{scroll-margin-top:56px}
mark:target,li:target{outline:3px solid #1c7ed6;outline-offset:1px}
.pt:target::before{content:"▶";color:#1c7ed6}
.sent:target,.sent:has(mark:target){background:#e7f5ff}
ul.cited{padding-left:18px}
.empty{color:var(--muted);font-style:italic}
footer{margin-top:40px;color:var(--muted);font-size:12px;text-align:center}
@media print{.nav{position:static}.text{max-height:none}}
"""
