"""Render a claim-provenance report (the JSON contract, as a plain dict) as one Markdown file.

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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

import jinja2
from markupsafe import Markup

from .article_names import ArticleNames
from .display import (
    FLAG_LABELS,
    clean_text,
    entries,
    estimates_line,
    figure_key_label,
    format_number,
    format_value,
    mention_drifted,
    number_in,
    shorten,
    statement,
    values_differ,
)
from .render_html import TEMPLATES, Site
from .verdict import build_verdict

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


def render_markdown(report: dict) -> str:
    return "".join(iter_markdown(report))


def iter_markdown(report: dict) -> Iterator[str]:
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


def _context(report: Mapping[str, Any]) -> dict[str, Any]:
    names = ArticleNames(entries(report, "articles"))
    site = Site(report)  # the HTML report's page names, for the pointers past a capped table
    summary = report.get("summary") or {}
    keys = [("articles", "articles"), ("clusters", "coverage clusters"), ("figures", "figure families"),
            ("flagged", "flagged"), ("conflicts", "conflicts"), ("failed_inputs", "failed inputs")]
    present = [(k, label) for k, label in keys if k in summary]
    figures = entries(report, "figures")
    return {
        "generated": summary.get("generated_at"), "schema": report.get("schema_version", "?"),
        "summary": _table([label for _, label in present], [[format_number(summary[k]) for k, _ in present]],
                          "r" * len(present)) if present else None,
        "families": [_family(f, names, site.family_file[i]) for i, f in enumerate(figures)],
        "overview": _table(["value", "statement", "articles", "flags"],
                           [[format_value(f.get("value"), f.get("unit"), f.get("of")), statement(f),
                             str(len({clean_text(m.get("article")) for m in entries(f, "mentions")})),
                             _flags(f.get("flags"))] for f in figures], "llrl"),
        "timeline": _timeline(figures, names),
        "clusters": [_cluster(c, names) for c in entries(report, "clusters") if len(c.get("articles") or []) > 1],
        "conflicts": _conflicts(report, names), "gaps": _gaps(figures, names), "quotes": _quotes(report, names),
        **_graph(report, names), "articles": _articles(report, names),
    }


# -- figures ------------------------------------------------------------------------------------


def _flags(flags: Any) -> Markup:
    return Markup(", ").join(_bold(FLAG_LABELS.get(clean_text(f), f)) for f in flags or []) or Markup("none")


def _family(figure: Mapping[str, Any], names: ArticleNames, page: str) -> dict[str, Any]:
    facts = [Markup(f"{label}: ") + _md(figure.get(key)) for key, label in
             (("measure", "measure"), ("holder", "holder"), ("period", "period"), ("unit", "unit")) if figure.get(key)]
    mentions = entries(figure, "mentions")
    return {
        "value": format_value(figure.get("value"), figure.get("unit"), figure.get("of")),
        "statement": statement(figure),
        # The verdict comes first: it answers "where from, how faithfully retold" before any table.
        "verdict": build_verdict(figure).sentence,
        "flags": _flags(figure.get("flags")), "variants": _variants(figure),
        "facts": Markup(" · ").join(facts), "estimates": estimates_line(figure),
        "primary": _primary(figure.get("primary_source")),
        "first_seen": _first_seen(figure.get("first_seen"), names),
        "mentions": _table(["article", "title", "as stated", "attribution", "kind", "inferred via", "hops",
                            "chain to the primary source", "chars", "sentence"],
                           (_mention_row(figure, m, names) for m in mentions), "llllllrlrl", MENTION_ROWS,
                           f"… and {{n}} more mention(s): every mention of this family is on the HTML report's "
                           f"page families/{page}.html and in report.json."),
    }


def _variants(figure: Mapping[str, Any]) -> Markup:
    out = [(_bold(v, "(drift)") if values_differ(v, figure.get("value")) else _md(v))
           for v in figure.get("variants") or []]
    return Markup(", ").join(out) or Markup("—")


def _primary(source: Any) -> list[Markup]:
    if not isinstance(source, Mapping):
        return [Markup("- Primary source: none identified")]
    where = "in corpus" if source.get("in_corpus") else "not in corpus"
    kind = _md(source.get("kind")) + Markup(", ") if source.get("kind") else Markup("")
    lines = [Markup("- Primary source: ") + _md(source.get("name") or "unnamed") + Markup(" (") + kind + where
             + Markup(")") + _autolink(source.get("url"))]
    evidence = source.get("evidence")
    if isinstance(evidence, Mapping) and evidence.get("sentence"):
        lines.append(Markup("  > ") + _md(evidence["sentence"]))
    return lines


def _autolink(url: Any) -> Markup:
    """An autolink takes its text literally, so only a plain web URL may go inside one."""
    text = clean_text(url)
    if _PLAIN_URL.match(text):
        return Markup(" <%s>") % Markup(text)
    return Markup(" (") + _md(text) + Markup(")") if text else Markup("")


def _first_seen(seen: Any, names: ArticleNames) -> Markup:
    if not isinstance(seen, Mapping):
        return Markup("unknown")
    estimated = " (date estimated)" if seen.get("estimated") else ""
    return (_md(seen.get("date") or "undated") + Markup(" in ") + _md(names.name(seen.get("article")))
            + Markup(estimated))


def _mention_row(figure: Mapping[str, Any], mention: Mapping[str, Any], names: ArticleNames) -> list[Any]:
    article = names.get(mention.get("article"))
    stated: Any = mention.get("text") or format_number(mention.get("value"))
    if mention_drifted(figure, mention):
        stated = _bold(stated, "(drift)")
    attribution = mention.get("attribution")
    if isinstance(attribution, Mapping):
        source, kind = attribution.get("name"), attribution.get("kind")
        via: Any = names.name(attribution.get("via")) if attribution.get("inferred") and attribution.get("via") else ""
        via = via or ("yes" if attribution.get("inferred") else "")
    else:
        source = "primary document" if article.get("is_primary") else _bold("none")
        kind = via = ""
    chain = Markup(" › ").join(
        _md(names.name(step.get("id")) if names.known(step.get("id")) else shorten(step.get("label") or step.get("id"), 40))
        for step in entries(mention, "chain"))
    hops = mention.get("hops")
    chars = f"{clean_text(mention.get('start'))}–{clean_text(mention.get('end'))}" if mention.get("start") is not None else ""
    return [names.name(mention.get("article")), shorten(names.title(mention.get("article")), 60), stated, source, kind,
            via, "—" if hops is None else hops, chain, chars, shorten(mention.get("sentence"), 160)]


# -- everything else ----------------------------------------------------------------------------


def _timeline(figures: Sequence[Mapping[str, Any]], names: ArticleNames) -> dict[str, Any] | None:
    rows = []
    for figure in figures:
        seen = figure.get("first_seen") if isinstance(figure.get("first_seen"), Mapping) else {}
        dates = sorted(clean_text(m.get("date")) for m in entries(figure, "mentions") if m.get("date"))
        rows.append([format_value(figure.get("value"), figure.get("unit"), figure.get("of")),
                     shorten(statement(figure), 70), seen.get("date") or "undated",
                     names.name(seen.get("article")) if seen else "", "yes" if seen.get("estimated") else "",
                     dates[-1] if dates else ""])
    if not rows:
        return None
    return _table(["value", "statement", "first seen", "in", "estimated", "last seen"], rows)


def _cluster(cluster: Mapping[str, Any], names: ArticleNames) -> dict[str, Any]:
    members = []
    for article_id in cluster.get("articles") or []:
        star = " (representative)" if article_id == cluster.get("representative") else ""
        members.append(_md(names.name(article_id)) + Markup(" — ") + _md(shorten(names.title(article_id), 80))
                       + Markup(star))
    rows = [[names.name(link.get("source")), names.name(link.get("target")), link.get("kind"),
             _score(link.get("jaccard")), _score(link.get("containment")), _score(link.get("cosine")),
             Markup(", ").join(_md(figure_key_label(f)) for f in link.get("shared_figures") or []),
             Markup(", ").join(_md(e) for e in link.get("shared_entities") or [])] for link in entries(cluster, "links")]
    left = len(members) - CLUSTER_ROWS
    return {"id": cluster.get("id"), "members": members[:CLUSTER_ROWS],
            "more_members": f"… and {left} more: the HTML report's cluster page lists every member" if left > 0 else "",
            # A link's source came first (provenance/cluster.py `_precedence`): the older column.
            "links": _table(["older", "newer", "kind", "Jaccard", "containment", "cosine", "shared figures",
                             "shared entities"], rows, "lllrrrll", CLUSTER_ROWS,
                            "… and {n} more link(s): on the HTML report's cluster page and in report.json.")
            if rows else None}


def _score(value: Any) -> str:
    number = number_in(value) if value is not None else None
    return "n/a" if number is None else f"{number:.2f}"


def _conflicts(report: Mapping[str, Any], names: ArticleNames) -> dict[str, Any] | None:
    rows = []
    for conflict in entries(report, "conflicts"):
        for value in entries(conflict, "values"):
            rows.append([conflict.get("what"), names.name(value.get("article")),
                         shorten(names.title(value.get("article")), 60), _bold(value.get("text")),
                         shorten(value.get("sentence"), 160)])
    if not rows:
        return None
    return _table(["conflict", "article", "title", "says", "sentence"], rows, limit=LIST_ROWS,
                  more="… and {n} more row(s): in the HTML report's conflicts list and in report.json.")


def _gaps(figures: Sequence[Mapping[str, Any]], names: ArticleNames) -> dict[str, Any] | None:
    rows = []
    for figure in figures:
        for mention in entries(figure, "mentions"):
            attribution = mention.get("attribution")
            if names.get(mention.get("article")).get("is_primary"):
                continue
            if isinstance(attribution, Mapping) and not attribution.get("inferred"):
                continue
            status = (Markup("inferred: ") + _md(attribution.get("name")) + Markup(" via ")
                      + _md(names.name(attribution.get("via"))) if isinstance(attribution, Mapping)
                      else _bold("unattributed"))
            rows.append([shorten(statement(figure), 70), mention.get("text"), names.name(mention.get("article")),
                         status])
    if not rows:
        return None
    return _table(["figure", "as stated", "article", "status"], rows, limit=LIST_ROWS,
                  more="… and {n} more: each family's HTML page marks every mention without a source.")


def _quotes(report: Mapping[str, Any], names: ArticleNames) -> dict[str, Any] | None:
    quotes = entries(report, "quotes")
    if not quotes:
        return None
    rows = [[q.get("speaker") or "unknown", Markup("“") + _md(q.get("text")) + Markup("”"), names.name(q.get("article"))]
            for q in quotes]
    return _table(["speaker", "quote", "article"], rows, limit=LIST_ROWS,
                  more="… and {n} more quote(s): in the HTML report's quotes list and in report.json.")


def _graph(report: Mapping[str, Any], names: ArticleNames) -> dict[str, Any]:
    graph = report.get("graph") or {}
    nodes = {clean_text(n.get("id")): n for n in graph.get("nodes") or [] if isinstance(n, Mapping)}
    edges = [e for e in graph.get("edges") or [] if isinstance(e, Mapping)]
    if not nodes:
        return {"graph": None, "graph_size": ""}

    def label(node_id: Any) -> str:
        if clean_text(node_id).startswith("article:") and names.known(node_id):
            return names.name(node_id)
        node = nodes.get(clean_text(node_id), {})
        return shorten(node.get("label") or node_id, 50)

    rows = [[label(e.get("source")), e.get("kind"), label(e.get("target"))] for e in edges]
    return {"graph": _table(["from", "edge", "to"], rows, limit=LIST_ROWS,
                            more="… and {n} more edge(s): in report.json (or `newstrace export --format graphml`)."),
            "graph_size": f"{len(nodes)} nodes, {len(edges)} edges."}


def _articles(report: Mapping[str, Any], names: ArticleNames) -> dict[str, Any] | None:
    articles = entries(report, "articles")
    if not articles:
        return None
    rows = []
    for a in articles:
        notes = [n for n, on in (("primary", a.get("is_primary")), ("auto-generated", a.get("auto_generated"))) if on]
        status = _md(a.get("status")) + (Markup(" (") + _md(a["reason"]) + Markup(")") if a.get("reason") else Markup(""))
        rows.append([names.name(a.get("id")), a.get("id"), shorten(a.get("title") or a.get("url"), 70),
                     status, a.get("cluster"), ", ".join(notes)])
    return _table(["article", "id", "title", "status", "cluster", "notes"], rows, limit=ARTICLE_ROWS,
                  more="… and {n} more article(s): in the HTML report's articles list and in report.json.")
