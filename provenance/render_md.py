"""Render a claim-provenance report (a `views.ReportView`) as one Markdown file.

The layout is a Jinja2 template (templates/report.md) with autoescape on and
a finalize step that Markdown-escapes every value not already marked safe:
Markdown renderers pass inline HTML through, and table cells end at a `|` or
a newline, so every scraped string goes through `_md` (control characters
and ANSI sequences stripped, HTML-escaped, Markdown punctuation
backslash-escaped). Cells that carry our own emphasis are built from `_md`
pieces and marked safe here.

One file however large the corpus, so long tables are capped: a family's
mention table shows MENTION_ROWS rows and says where the rest are (the HTML
report's page for that family, and report.json); the other lists likewise.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

import jinja2
from markupsafe import Markup

from .article_names import ArticleNames
from .display import (
    FLAG_LABELS,
    clean_text,
    figure_key_label,
    format_number,
    format_value,
    number_in,
    shorten,
    values_differ,
)
from .render_html import TEMPLATES, Site
from .views import ClusterView, FigureView, FirstSeenView, MentionView, PrimarySourceView, ReportView

# Characters that would open emphasis, code, links or end a table cell.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_PLAIN_URL = re.compile(r"^https?://[A-Za-z0-9._~:/?#@!$&'()*+,;=%-]+$")
MENTION_ROWS = 20  # per family; the rest are on the family's HTML page and in report.json
LIST_ROWS = 200  # conflicts, gaps, quotes, graph edges
ARTICLE_ROWS = 1000
CLUSTER_ROWS = 20  # members and links per cluster


def _md(value: Any) -> Markup:
    """Safe inline Markdown (also safe inside a table cell)."""
    if isinstance(value, Markup):
        return value
    return Markup(_MD_SPECIAL.sub(r"\\\1", html.escape(clean_text(value), quote=False)))


def _finalize(value: Any) -> Any:
    return "" if value is None else _md(value)


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True, trim_blocks=True,
                              lstrip_blocks=True, finalize=_finalize, undefined=jinja2.StrictUndefined)


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]], align: str = "", limit: int | None = None,
           more: str = "") -> dict[str, Any]:
    """A GFM table for the template. `align` has one char per column: l or r. Past `limit` rows, `more`
    (with {n}, the rows left out) says where the rest are."""
    rows = list(rows)
    shown = rows if limit is None else rows[:limit]
    marks = [("---:" if (align[i:i + 1] == "r") else "---") for i in range(len(header))]
    left = len(rows) - len(shown)
    return {"header": [_md(h) for h in header], "align": [Markup(m) for m in marks],
            "rows": [[_md(c) if c is not None else Markup("") for c in row] for row in shown],
            "more": _md(more.format(n=left)) if left and more else ""}


def _bold(value: Any, note: str = "") -> Markup:
    return Markup("**") + _md(value) + Markup("**") + (Markup(" ") + _md(note) if note else Markup(""))


# -- document -----------------------------------------------------------------------------------


def render_markdown(report: ReportView) -> str:
    return "".join(iter_markdown(report))


def iter_markdown(report: ReportView) -> Iterator[str]:
    """`render_markdown`'s text in pieces of about 64 KB, for writing to a file.

    Runs of blank lines become one and the text ends in exactly one newline,
    so the template need not count its blank lines: whitespace is held back
    until a later piece shows what follows it.
    """
    buffer, first = "", True
    for piece in environment().get_template("report.md").generate(**_context(report)):
        buffer += piece
        if len(buffer) < 1 << 16:
            continue
        cut = len(buffer.rstrip())
        head, buffer = buffer[:cut], buffer[cut:]
        if head:
            yield _tidy(head, first)
            first = False
    yield _tidy(buffer.rstrip(), first) + "\n"


_BLANK_RUN = re.compile(r"\n(?:[ \t]*\n){2,}")


def _tidy(text: str, first: bool) -> str:
    text = _BLANK_RUN.sub("\n\n", text)
    return text.lstrip() if first else text


def _context(report: ReportView) -> dict[str, Any]:
    names = ArticleNames(report.articles)
    site = Site(report)  # the HTML report's page names, for the pointers past a capped table
    summary = report.summary
    keys = [("articles", "articles"), ("clusters", "coverage clusters"), ("figures", "figure families"),
            ("flagged", "flagged"), ("conflicts", "conflicts"), ("failed_inputs", "failed inputs")]
    present = [(k, label) for k, label in keys if k in summary.present]
    figures = report.figures
    return {
        "generated": summary.generated_at,
        "schema": report.schema_version,
        "summary": _table([label for _, label in present], [[format_number(summary.count(k)) for k, _ in present]],
                          "r" * len(present)) if present else None,
        "families": [_family(f, names, site.family_file[i]) for i, f in enumerate(figures)],
        "overview": _table(["value", "statement", "articles", "flags"],
                           [[format_value(f.value, f.unit, f.of), f.said(),
                             str(len({clean_text(m.article) for m in f.mentions})),
                             _flags(f.flags)] for f in figures], "llrl"),
        "timeline": _timeline(figures, names),
        "clusters": [_cluster(c, names) for c in report.clusters if len(c.articles) > 1],
        "conflicts": _conflicts(report, names), "gaps": _gaps(figures, names), "quotes": _quotes(report, names),
        **_graph(report, names), "articles": _articles(report, names),
    }


# -- figures ------------------------------------------------------------------------------------


def _flags(flags: Iterable[object]) -> Markup:
    return Markup(", ").join(_bold(FLAG_LABELS.get(clean_text(f), f)) for f in flags) or Markup("none")


def _family(figure: FigureView, names: ArticleNames, page: str) -> dict[str, Any]:
    facts = [Markup(f"{label}: ") + _md(value) for value, label in
             ((figure.measure, "measure"), (figure.holder, "holder"), (figure.period, "period"),
              (figure.unit, "unit")) if value]
    return {
        "value": format_value(figure.value, figure.unit, figure.of),
        "statement": figure.said(),
        # The verdict comes first: it answers "where from, how faithfully retold" before any table.
        "verdict": figure.verdict.sentence,
        "flags": _flags(figure.flags), "variants": _variants(figure),
        "facts": Markup(" · ").join(facts), "estimates": figure.estimates_line(),
        "primary": _primary(figure.primary_source),
        "first_seen": _first_seen(figure.first_seen, names),
        "mentions": _table(["article", "title", "as stated", "attribution", "kind", "inferred via", "hops",
                            "chain to the primary source", "chars", "sentence"],
                           (_mention_row(figure, m, names) for m in figure.mentions), "llllllrlrl", MENTION_ROWS,
                           f"… and {{n}} more mention(s): every mention of this family is on the HTML report's "
                           f"page families/{page}.html and in report.json."),
    }


def _variants(figure: FigureView) -> Markup:
    out = [(_bold(v, "(drift)") if values_differ(v, figure.value) else _md(v)) for v in figure.variants]
    return Markup(", ").join(out) or Markup("—")


def _primary(source: PrimarySourceView | None) -> list[Markup]:
    if source is None:
        return [Markup("- Primary source: none identified")]
    where = "in corpus" if source.in_corpus else "not in corpus"
    kind = _md(source.kind) + Markup(", ") if source.kind else Markup("")
    lines = [Markup("- Primary source: ") + _md(source.name or "unnamed") + Markup(" (") + kind + where
             + Markup(")") + _autolink(source.url)]
    if source.evidence_sentence:
        lines.append(Markup("  > ") + _md(source.evidence_sentence))
    return lines


def _autolink(url: Any) -> Markup:
    """An autolink takes its text literally, so only a plain web URL may go inside one."""
    text = clean_text(url)
    if _PLAIN_URL.match(text):
        return Markup(" <%s>") % Markup(text)
    return Markup(" (") + _md(text) + Markup(")") if text else Markup("")


def _first_seen(seen: FirstSeenView | None, names: ArticleNames) -> Markup:
    if seen is None:
        return Markup("unknown")
    estimated = " (date estimated)" if seen.estimated else ""
    return _md(seen.date or "undated") + Markup(" in ") + _md(names.name(seen.article)) + Markup(estimated)


def _mention_row(figure: FigureView, mention: MentionView, names: ArticleNames) -> list[Any]:
    article = names.get(mention.article)
    stated: Any = mention.text or format_number(mention.value)
    if mention.drifted(figure):
        stated = _bold(stated, "(drift)")
    attribution = mention.attribution
    if attribution is not None:
        source, kind = attribution.name, attribution.kind
        via: Any = names.name(attribution.via) if attribution.inferred and attribution.via else ""
        # Inferred with no other article: carried from another sentence of the page itself.
        via = via or ("its own text" if attribution.inferred else "")
    else:
        source = "primary document" if article.is_primary else _bold("none")
        kind = via = ""
    chain = Markup(" › ").join(
        _md(names.name(step.id) if names.known(step.id) else shorten(step.label or step.id, 40))
        for step in mention.chain)
    hops = mention.hops
    chars = f"{clean_text(mention.start)}–{clean_text(mention.end)}" if mention.start is not None else ""
    return [names.name(mention.article), shorten(names.title(mention.article), 60), stated, source, kind,
            via, "—" if hops is None else hops, chain, chars, shorten(mention.sentence, 160)]


# -- everything else ----------------------------------------------------------------------------


def _timeline(figures: Sequence[FigureView], names: ArticleNames) -> dict[str, Any] | None:
    rows = []
    for figure in figures:
        seen = figure.first_seen
        dates = sorted(clean_text(m.date) for m in figure.mentions if m.date)
        rows.append([format_value(figure.value, figure.unit, figure.of),
                     shorten(figure.said(), 70), (seen.date if seen else None) or "undated",
                     names.name(seen.article) if seen and not seen.empty else "",
                     "yes" if seen and seen.estimated else "",
                     dates[-1] if dates else ""])
    if not rows:
        return None
    return _table(["value", "statement", "first seen", "in", "estimated", "last seen"], rows)


def _cluster(cluster: ClusterView, names: ArticleNames) -> dict[str, Any]:
    members = []
    for article_id in cluster.articles:
        star = " (representative)" if article_id == cluster.representative else ""
        members.append(_md(names.name(article_id)) + Markup(" — ") + _md(shorten(names.title(article_id), 80))
                       + Markup(star))
    rows = [[names.name(link.source), names.name(link.target), link.kind,
             _score(link.jaccard), _score(link.containment), _score(link.cosine),
             Markup(", ").join(_md(figure_key_label(f)) for f in link.shared_figures),
             Markup(", ").join(_md(e) for e in link.shared_entities)] for link in cluster.links]
    left = len(members) - CLUSTER_ROWS
    return {"id": cluster.id, "members": members[:CLUSTER_ROWS],
            "more_members": f"… and {left} more: the HTML report's cluster page lists every member" if left > 0 else "",
            # A link's source came first (provenance/cluster.py `_precedence`): the older column.
            "links": _table(["older", "newer", "kind", "Jaccard", "containment", "cosine", "shared figures",
                             "shared entities"], rows, "lllrrrll", CLUSTER_ROWS,
                            "… and {n} more link(s): on the HTML report's cluster page and in report.json.")
            if rows else None}


def _score(value: Any) -> str:
    number = number_in(value) if value is not None else None
    return "n/a" if number is None else f"{number:.2f}"


def _conflicts(report: ReportView, names: ArticleNames) -> dict[str, Any] | None:
    rows = []
    for conflict in report.conflicts:
        for value in conflict.values:
            rows.append([conflict.what, names.name(value.article), shorten(names.title(value.article), 60),
                         _bold(value.text), shorten(value.sentence, 160)])
    if not rows:
        return None
    return _table(["conflict", "article", "title", "says", "sentence"], rows, limit=LIST_ROWS,
                  more="… and {n} more row(s): in the HTML report's conflicts list and in report.json.")


def _gaps(figures: Sequence[FigureView], names: ArticleNames) -> dict[str, Any] | None:
    rows = []
    for figure in figures:
        for mention in figure.mentions:
            attribution = mention.attribution
            if names.get(mention.article).is_primary:
                continue
            if attribution is not None and not attribution.inferred:
                continue
            status = (Markup("inferred: ") + _md(attribution.name) + Markup(" via ")
                      + _md(names.name(attribution.via)) if attribution is not None else _bold("unattributed"))
            rows.append([shorten(figure.said(), 70), mention.text, names.name(mention.article), status])
    if not rows:
        return None
    return _table(["figure", "as stated", "article", "status"], rows, limit=LIST_ROWS,
                  more="… and {n} more: each family's HTML page marks every mention without a source.")


def _quotes(report: ReportView, names: ArticleNames) -> dict[str, Any] | None:
    if not report.quotes:
        return None
    rows = [[q.speaker or "unknown", Markup("“") + _md(q.text) + Markup("”"), names.name(q.article)]
            for q in report.quotes]
    return _table(["speaker", "quote", "article"], rows, limit=LIST_ROWS,
                  more="… and {n} more quote(s): in the HTML report's quotes list and in report.json.")


def _graph(report: ReportView, names: ArticleNames) -> dict[str, Any]:
    nodes = {clean_text(n.id): n for n in report.graph.nodes}
    edges = report.graph.edges
    if not nodes:
        return {"graph": None, "graph_size": ""}

    def label(node_id: Any) -> str:
        if clean_text(node_id).startswith("article:") and names.known(node_id):
            return names.name(node_id)
        node = nodes.get(clean_text(node_id))
        return shorten((node.label if node else None) or node_id, 50)

    rows = [[label(e.source), e.kind, label(e.target)] for e in edges]
    return {"graph": _table(["from", "edge", "to"], rows, limit=LIST_ROWS,
                            more="… and {n} more edge(s): in report.json (or `newstrace export --format graphml`)."),
            "graph_size": f"{len(nodes)} nodes, {len(edges)} edges."}


def _articles(report: ReportView, names: ArticleNames) -> dict[str, Any] | None:
    if not report.articles:
        return None
    rows = []
    for a in report.articles:
        notes = [n for n, on in (("primary", a.is_primary), ("auto-generated", a.auto_generated)) if on]
        status = _md(a.status) + (Markup(" (") + _md(a.reason) + Markup(")") if a.reason else Markup(""))
        rows.append([names.name(a.id), a.id, shorten(a.title or a.url, 70), status, a.cluster, ", ".join(notes)])
    return _table(["article", "id", "title", "status", "cluster", "notes"], rows, limit=ARTICLE_ROWS,
                  more="… and {n} more article(s): in the HTML report's articles list and in report.json.")
