"""The provenance graph of one figure family, laid out for an inline SVG.

Nodes: the articles that mention the figure, the outlets, people and
organisations their chains pass through, the source they cite and the primary
document. Edges are typed the way an analyst asks about them: an article
*names source* X; it is a *copy of* or a *rewrite of* another article (the
coverage clusters' links); its source is *inferred via* another article (it
names none itself); a source is *published as* a document in the corpus.
Built only from the family's own mentions, so the whole-corpus graph's noise
(stray numbers, footers) never reaches it.

The layout is layered: a column per kind of node, rows ordered by the
barycentre of neighbours over a few fixed sweeps, so a report always draws
the same way. Geometry only: the template draws it (templates/svg.html).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .article_names import ArticleNames
from .display import clean_text, shorten
from .views import FigureView

# Columns, left to right: who reports it, who passed it on, what it comes from, the document itself.
_COLUMN = {"article": 0, "outlet": 1, "organization": 1, "person": 1, "place": 1, "model": 1,
           "link": 2, "study": 2, "dataset": 2, "leaderboard": 2, "source": 2, "primary": 3}
EDGE_STYLE = {  # kind -> (colour, dashed)
    "names source": ("#2b8a3e", False),
    "copy of": ("#c2255c", False),
    "rewrite of": ("#9c36b5", False),
    "inferred via": ("#e8590c", True),
    "published as": ("#0b7285", False),
}
_LINK_KIND = {"copy": "copy of", "copy_of": "copy of", "rewrite": "rewrite of", "rewrite_of": "rewrite of"}
NODE_W, NODE_H, ROW_H, COL_W, MARGIN = 270, 30, 40, 330, 24
LABEL_CHARS = 40  # what fits in NODE_W at 12px; "Outlet, 3 May 2025 · a1b2c3" must fit whole
# Room on the left for the bows drawn between two articles of the first column.
LEFT = 90
# Past this many articles a graph is a hairball: the rest are counted in one node per target.
MAX_ARTICLES = 40


@dataclass(frozen=True)
class Box:
    id: str
    x: int
    y: int
    label: str
    tip: str
    kind: str
    href: str | None
    note: str = ""  # "no source" for an article that names none


@dataclass(frozen=True)
class Line:
    d: str
    kind: str
    colour: str
    dashed: bool
    tip: str


@dataclass(frozen=True)
class Drawing:
    width: int
    height: int
    boxes: tuple[Box, ...]
    lines: tuple[Line, ...]
    kinds: tuple[str, ...]  # edge kinds present, for the legend
    hidden: int  # articles folded into "+N more" nodes
    node_w: int = NODE_W
    node_h: int = NODE_H

    @property
    def colours(self) -> dict[str, str]:
        return {k: EDGE_STYLE[k][0] for k in self.kinds}


@dataclass
class _Graph:
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (source, target, kind) -> tip

    def node(self, node_id: str, label: str, kind: str, tip: str = "", href: str | None = None,
             note: str = "") -> str:
        if node_id not in self.nodes:
            self.nodes[node_id] = {"label": label, "kind": kind, "tip": tip or label, "href": href, "note": note}
        return node_id

    def edge(self, source: str, target: str, kind: str, tip: str = "") -> None:
        if source != target:
            self.edges.setdefault((source, target, kind), tip)


def family_graph(figure: FigureView, names: ArticleNames, links: Mapping[frozenset[str], str],
                 href: Callable[[str], str | None]) -> Drawing | None:
    """The family's graph; `links` gives the cluster link kind of a pair of articles, `href` an article's page."""
    mentions = figure.mentions
    if not mentions:
        return None
    source = figure.primary_source
    primary_doc = clean_text(source.document if source is not None else None) or None
    graph = _Graph()
    ordered = sorted({clean_text(m.article) for m in mentions},
                     key=lambda a: (a != primary_doc, clean_text(names.get(a).published) or "~", a))
    shown = set(ordered[:MAX_ARTICLES])
    if primary_doc:
        shown.add(primary_doc)
    folded: dict[str, int] = defaultdict(int)

    def article_node(article_id: str, note: str = "") -> str:
        kind = "primary" if article_id == primary_doc or names.get(article_id).is_primary else "article"
        return graph.node(f"article:{article_id}", names.name(article_id), kind,
                          f"{names.name(article_id)} — {names.title(article_id)}", href(article_id), note)

    for mention in mentions:
        article_id = clean_text(mention.article)
        attribution = mention.attribution
        inferred = attribution is not None and attribution.inferred
        steps = [s for s in mention.chain if clean_text(s.id) != f"article:{article_id}"]
        first_target = steps[0] if steps else None
        if article_id not in shown:
            if first_target is not None:
                folded[clean_text(first_target.id)] += 1
            continue
        note = "" if attribution is not None or article_id == primary_doc else "no source"
        previous = article_node(article_id, note)
        for step in steps:
            step_id = clean_text(step.id)
            kind = clean_text(step.kind) or "source"
            if step_id.startswith("article:"):
                target = step_id.removeprefix("article:")
                node = article_node(target)
                linked = _LINK_KIND.get(links.get(frozenset((previous.removeprefix("article:"), target)), ""))
                if previous.startswith("article:") and attribution is not None and inferred:
                    graph.edge(previous, node, "inferred via", f"{clean_text(attribution.name)} inferred via "
                                                               f"{names.name(target)}")
                if linked:
                    graph.edge(previous, node, linked)
                elif not inferred:
                    graph.edge(previous, node, "names source")
            else:
                label = clean_text(step.label) or step_id
                node = graph.node(step_id, label, kind, f"{label} ({kind})")
                graph.edge(previous, node, "names source", clean_text(mention.text))
            previous = node
    # Copies and rewrites among the family's articles, even where no chain passes through them.
    for pair, kind in links.items():
        if len(pair) == 2 and all(f"article:{a}" in graph.nodes for a in pair) and kind in _LINK_KIND:
            a, b = sorted(pair, key=lambda x: (clean_text(names.get(x).published) or "~", x))
            graph.edge(f"article:{b}", f"article:{a}", _LINK_KIND[kind])
    if primary_doc:
        doc = article_node(primary_doc)
        kb_id = source.kb_id if source is not None else None
        kb_node = f"kb:{clean_text(kb_id)}" if kb_id else None
        if kb_node and kb_node in graph.nodes:
            graph.edge(kb_node, doc, "published as")
    for target, count in sorted(folded.items()):
        more = graph.node(f"more:{target}", f"+{count} more article{'s' if count > 1 else ''}", "article",
                          f"{count} more articles cite this; see the mentions table")
        if target in graph.nodes:
            graph.edge(more, target, "names source")
    return _draw(graph, sum(folded.values()))


def _draw(graph: _Graph, hidden: int) -> Drawing:
    columns: dict[int, list[str]] = defaultdict(list)
    for node_id, node in sorted(graph.nodes.items(), key=lambda item: (item[1]["label"].lower(), item[0])):
        columns[_COLUMN.get(node["kind"], 1)].append(node_id)
    used = sorted(columns)
    slot_of = {n: used.index(c) for c, members in columns.items() for n in members}
    slots = {used.index(c): members for c, members in columns.items()}
    neighbours: dict[str, list[str]] = defaultdict(list)
    for a, b, _ in graph.edges:
        neighbours[a].append(b)
        neighbours[b].append(a)
    _order(slots, neighbours)
    tallest = max(len(m) for m in slots.values())
    y_of: dict[str, int] = {}
    for members in slots.values():
        top = MARGIN + (tallest - len(members)) * ROW_H // 2
        for i, node_id in enumerate(members):
            y_of[node_id] = top + i * ROW_H
    x_of = {n: LEFT + slot_of[n] * COL_W for n in graph.nodes}
    boxes = tuple(Box(n, x_of[n], y_of[n], shorten(graph.nodes[n]["label"], LABEL_CHARS), graph.nodes[n]["tip"],
                      graph.nodes[n]["kind"], graph.nodes[n]["href"], graph.nodes[n]["note"])
                  for slot in sorted(slots) for n in slots[slot])
    lines = []
    for (a, b, kind), tip in sorted(graph.edges.items()):
        colour, dashed = EDGE_STYLE[kind]
        lines.append(Line(_path(x_of[a], y_of[a], x_of[b], y_of[b]), kind, colour, dashed,
                          f"{shorten(graph.nodes[a]['label'], 60)} {kind} {shorten(graph.nodes[b]['label'], 60)}"
                          + (f" ({tip})" if tip else "")))
    width = LEFT + MARGIN + (len(used) - 1) * COL_W + NODE_W
    height = MARGIN * 2 + tallest * ROW_H
    kinds = tuple(k for k in EDGE_STYLE if any(line.kind == k for line in lines))
    return Drawing(width, height, boxes, tuple(lines), kinds, hidden)


def _path(x1: int, y1: int, x2: int, y2: int) -> str:
    """Left to right between columns; within a column (article to article) a bow out to the left."""
    cy1, cy2 = y1 + NODE_H // 2, y2 + NODE_H // 2
    if x1 == x2:
        bow = min(LEFT - 6, 30 + abs(cy2 - cy1) * 0.2)
        return f"M{x1},{cy1} C{x1 - bow:.0f},{cy1} {x2 - bow:.0f},{cy2} {x2},{cy2}"
    if x1 < x2:
        sx, tx = x1 + NODE_W, x2
    else:
        sx, tx = x1, x2 + NODE_W
    mid = (sx + tx) / 2
    return f"M{sx},{cy1} C{mid:.0f},{cy1} {mid:.0f},{cy2} {tx},{cy2}"


def _order(columns: Mapping[int, list[str]], neighbours: Mapping[str, Sequence[str]]) -> None:
    rank: dict[str, float] = {}
    for members in columns.values():
        _normalise(members, rank)
    slots = sorted(columns)
    for sweep in range(6):
        for slot in slots if sweep % 2 == 0 else list(reversed(slots)):
            members = columns[slot]
            inside = set(members)
            centre = {n: _barycentre(n, neighbours, rank, inside) for n in members}
            members.sort(key=lambda n: (centre[n], rank[n]))
            _normalise(members, rank)


def _barycentre(node_id: str, neighbours: Mapping[str, Sequence[str]], rank: Mapping[str, float],
                members: set[str]) -> float:
    others = [rank[n] for n in neighbours.get(node_id, ()) if n in rank and n not in members]
    return sum(others) / len(others) if others else rank[node_id]


def _normalise(members: Sequence[str], rank: dict[str, float]) -> None:
    # Columns differ in length; comparing relative heights keeps a short column centred on its neighbours.
    size = max(1, len(members) - 1)
    for i, node_id in enumerate(members):
        rank[node_id] = i / size if len(members) > 1 else 0.5
